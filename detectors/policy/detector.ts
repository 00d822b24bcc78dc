import type { Finding } from '../../schemas/generated/finding.ts';
import type { Detector, DetectorFactory } from '../detector.ts';
import type { BudgetState } from './budgets.ts';
import type { Policy } from './builtin-policy.ts';
import type { PolicyEvalConfig } from './config.ts';
import { POLICY_VERSION, stepPolicy } from './evaluate.ts';

/**
 * What the policy detector needs beyond the event. It travels in `DetectContext.agentState`
 * because that is the only per-call input the Detector interface has.
 */
export interface PolicyAgentState {
  readonly budgets?: BudgetState;
  /** The agent's effective policy; null or absent applies BUILTIN_POLICY. */
  readonly policy?: Policy | null;
  /** Findings of the content detectors on this event, for data-class inference. */
  readonly findings?: readonly Finding[];
  readonly config?: PolicyEvalConfig;
}

/**
 * `Detector` view of the policy checks. The new budget state is dropped; a runner that owns the
 * state calls `stepPolicy` directly and keeps `step.state`.
 */
export const createPolicyDetector: DetectorFactory<PolicyAgentState> = (): Detector<PolicyAgentState> => ({
  id: 'policy',
  version: POLICY_VERSION,
  detect: (e, ctx) => {
    const st = ctx?.agentState;
    return stepPolicy(st?.budgets, e, { policy: st?.policy ?? null, findings: st?.findings, config: st?.config })
      .findings;
  },
});
