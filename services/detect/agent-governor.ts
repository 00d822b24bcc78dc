import {
  type AnomalyConfig,
  type AnomalyState,
  anomalyConfigFromThresholds,
  DEFAULT_ANOMALY_CONFIG,
  stepAnomalyInPlace,
} from '../../detectors/anomaly/index.ts';
import {
  type Action,
  actionRank,
  type BudgetState,
  DEFAULT_POLICY_EVAL_CONFIG,
  type Decision,
  decide,
  type PolicyEvalConfig,
  policyEvalConfigFromThresholds,
  stepPolicy,
} from '../../detectors/policy/index.ts';
import type { AgentEvent, Finding } from '../../schemas/generated/index.ts';
import type { ControlState, Policy } from '../lib/control/control-state.ts';
import type { EventDetection } from './detection-task.ts';

interface AgentState {
  anomaly: AnomalyState | undefined;
  budgets: BudgetState | undefined;
}

export interface Governed {
  findings: Finding[];
  decision: Decision;
}

/** Reasons added when a standing instruction from the control topic decides the event. */
export const CONTROL_REASONS = {
  quarantined: 'control.agent_quarantined',
  revoked: 'control.credential_revoked',
} as const;

/**
 * The stateful half of detection, owned by the consumer of one partition: every event of an agent
 * lands on the same partition (key tenant:agent_id), so its anomaly baseline and budget counters
 * live here, updated in offset order. Stateless findings come in from the worker pool.
 */
export class AgentGovernor {
  private readonly agents = new Map<string, AgentState>();
  private readonly configs = new Map<string, { anomaly: AnomalyConfig; policy: PolicyEvalConfig }>();

  constructor(
    private readonly control: ControlState,
    private readonly onBadThresholds: (policyId: string, err: Error) => void,
  ) {}

  /** Agents whose history has been replayed (or found empty) since this governor was created. */
  private readonly warmed = new Set<string>();

  needsWarmUp(tenant: string, agent: string): boolean {
    return !this.warmed.has(`${tenant}:${agent}`);
  }

  /**
   * Replays an agent's earlier events (from ClickHouse) through the stateful checks, so baselines
   * and budgets continue where the previous owner of the partition left them. Findings of the
   * replay are discarded: those events already have verdicts.
   */
  warmUp(tenant: string, agent: string, history: readonly AgentEvent[]): void {
    const key = `${tenant}:${agent}`;
    this.warmed.add(key);
    if (history.length === 0 || this.agents.has(key)) return;
    const policy = this.control.policyFor(tenant, agent);
    const cfg = this.configFor(policy);
    let anomaly: AnomalyState | undefined;
    let budgets: BudgetState | undefined;
    for (const e of history) {
      anomaly = stepAnomalyInPlace(anomaly, e, cfg.anomaly).state;
      budgets = stepPolicy(budgets, e, { policy, findings: [], config: cfg.policy, ownsState: true }).state;
    }
    this.agents.set(key, { anomaly, budgets });
  }

  evaluate(event: AgentEvent, detection: EventDetection): Governed {
    const policy = this.control.policyFor(event.tenant_id, event.agent_id);
    const cfg = this.configFor(policy);
    const key = `${event.tenant_id}:${event.agent_id}`;
    this.warmed.add(key);
    const prev = this.agents.get(key);
    // The governor owns each agent's state and keeps only the newest: both checks update it in place.
    const anomaly = stepAnomalyInPlace(prev?.anomaly, event, cfg.anomaly);
    const budget = stepPolicy(prev?.budgets, event, {
      policy,
      findings: detection.findings,
      config: cfg.policy,
      ownsState: true,
    });
    this.agents.set(key, { anomaly: anomaly.state, budgets: budget.state });

    const findings = [...detection.findings, ...anomaly.findings, ...budget.findings];
    const decision = decide(findings, policy, { failed: detection.failed });
    return { findings, decision: this.applyStanding(event, decision) };
  }

  /** A quarantined agent or a revoked credential is denied whatever the detectors found. */
  private applyStanding(event: AgentEvent, d: Decision): Decision {
    const credential = event.principal?.credential_id ?? null;
    if (this.control.revocation(event.tenant_id, event.agent_id, credential, event.ts)) {
      return escalate(d, 'revoke_credential', 'credential', CONTROL_REASONS.revoked);
    }
    if (this.control.quarantine(event.tenant_id, event.agent_id)) {
      return escalate(d, 'quarantine_agent', 'agent', CONTROL_REASONS.quarantined);
    }
    return d;
  }

  private configFor(policy: Policy | null) {
    const id = policy ? `${policy.policy_id}@${policy.version}` : 'builtin';
    let cfg = this.configs.get(id);
    if (!cfg) {
      try {
        const thresholds = policy?.thresholds ?? {};
        cfg = {
          anomaly: anomalyConfigFromThresholds(thresholds),
          policy: policyEvalConfigFromThresholds(thresholds),
        };
      } catch (err) {
        // A policy with unusable thresholds must not stop enforcement: defaults apply, and it is reported.
        this.onBadThresholds(id, err as Error);
        cfg = { anomaly: DEFAULT_ANOMALY_CONFIG, policy: DEFAULT_POLICY_EVAL_CONFIG };
      }
      this.configs.set(id, cfg);
    }
    return cfg;
  }

  get agentCount(): number {
    return this.agents.size;
  }
}

function escalate(d: Decision, action: Action, scope: Decision['scope'], reason: string): Decision {
  if (actionRank(d.action) >= actionRank(action)) return { ...d, reasons: [...d.reasons, reason] };
  return { ...d, action, scope, reasons: [...d.reasons, reason], shadow_action: null, shadow_scope: null };
}
