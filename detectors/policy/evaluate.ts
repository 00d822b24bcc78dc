import type { AgentEvent } from '../../schemas/generated/agent-event.ts';
import type { Finding } from '../../schemas/generated/finding.ts';
import { buildFinding, type Severity } from '../finding.ts';
import { BudgetState, describeBreach, stepBudgets, stepBudgetsInPlace } from './budgets.ts';
import { BUILTIN_POLICY, type Policy } from './builtin-policy.ts';
import { DEFAULT_POLICY_EVAL_CONFIG, type PolicyEvalConfig } from './config.ts';
import { eventDataClasses } from './data-classes.ts';
import { destinationAllowed, destinationOf } from './destination.ts';

export const POLICY_VERSION = '1.0.0';

export const POLICY_TYPES = Object.freeze({
  modelNotAllowed: 'policy.model_not_allowed',
  toolNotAllowed: 'policy.tool_not_allowed',
  toolModeNotAllowed: 'policy.tool_mode_not_allowed',
  destinationNotAllowed: 'policy.destination_not_allowed',
  dataClassNotAllowed: 'policy.data_class_not_allowed',
  budgetExceeded: 'policy.budget_exceeded',
  scopeChangeRequiresApproval: 'policy.scope_change_requires_approval',
});

export interface PolicyInput {
  /** The agent's effective policy (see selectPolicy); null applies BUILTIN_POLICY. */
  readonly policy: Policy | null;
  /** Findings of the content detectors on this event, for inferring data classes. */
  readonly findings?: readonly Finding[];
  readonly config?: PolicyEvalConfig;
  /**
   * True when the caller owns `prev` and keeps only the returned state (detect's per-agent state):
   * the budget counters are then updated in place instead of copied.
   */
  readonly ownsState?: boolean;
}

export interface PolicyStep {
  readonly state: BudgetState;
  readonly findings: Finding[];
}

/**
 * Name allow-list entry: exact (case-insensitive) or a trailing `*` prefix (`claude-sonnet-*`,
 * `github.*`). A `*` anywhere else is literal.
 */
export function nameMatches(name: string, entry: string): boolean {
  const n = name.toLowerCase();
  const p = entry.trim().toLowerCase();
  return p.endsWith('*') ? n.startsWith(p.slice(0, -1)) : n === p;
}

function short(v: string): string {
  return v.length > 64 ? `${v.slice(0, 64)}…` : v;
}

/**
 * Least-privilege checks of one event against the policy, plus the budget counters:
 * `(budgetState, event, input) -> { state', findings }`. Pure unless `input.ownsState`; time is the
 * event's `ts`.
 * Models and tools are checked on every event carrying them (a request and its response are both
 * judged; the verdict on the request is what an inline enforcement point acts on).
 */
export function stepPolicy(prev: BudgetState | undefined, e: AgentEvent, input: PolicyInput): PolicyStep {
  const policy = input.policy ?? BUILTIN_POLICY;
  const cfg = input.config ?? DEFAULT_POLICY_EVAL_CONFIG;
  const findings: Finding[] = [];
  const add = (type: string, severity: Severity, evidence: string, attributes: Record<string, string> = {}) =>
    findings.push(
      buildFinding(e, {
        detector: type,
        detectorVersion: POLICY_VERSION,
        type,
        severity,
        score: 1,
        spans: [],
        evidence,
        attributes: { policy_id: policy.policy_id, policy_version: String(policy.version), ...attributes },
      }),
    );

  const models = policy.allowed_models;
  if (e.model !== null && models !== null) {
    const qualified = `${e.model.system}/${e.model.name}`;
    if (!models.some((m) => nameMatches(e.model!.name, m) || nameMatches(qualified, m))) {
      add(POLICY_TYPES.modelNotAllowed, 'high', `model ${short(qualified)} not in allowed_models`, {
        model: short(qualified),
      });
    }
  }

  const tools = policy.allowed_tools;
  if (e.tool !== null && tools !== null) {
    const name = e.tool.name;
    const grants = tools.filter((g) => nameMatches(name, g.name));
    const mode = e.tool.mode ?? (cfg.unknownToolModeAsWrite ? 'write' : 'read');
    if (grants.length === 0) {
      add(POLICY_TYPES.toolNotAllowed, 'high', `tool ${short(name)} not granted`, { tool: short(name) });
    } else if (mode === 'write' && !grants.some((g) => g.mode === 'write')) {
      const reported = e.tool.mode === null ? ' (mode not reported)' : '';
      add(POLICY_TYPES.toolModeNotAllowed, 'high', `tool ${short(name)} write${reported}, granted read only`, {
        tool: short(name),
        mode,
      });
    }
  }

  const destinations = policy.allowed_destinations;
  const target = e.tool?.target ?? null;
  if (target !== null && target.trim() !== '' && destinations !== null) {
    // An unparsable target yields '' and matches nothing: fail closed.
    const dest = destinationOf(target);
    if (!destinationAllowed(dest, destinations)) {
      const shown = dest === '' ? '(unparsable target)' : short(dest);
      add(POLICY_TYPES.destinationNotAllowed, 'high', `destination ${shown} not in allowed_destinations`, {
        destination: shown,
      });
    }
  }

  const allowedClasses = policy.allowed_data_classes;
  if (allowedClasses !== null) {
    const allowed = new Set(allowedClasses.map((c) => c.trim().toLowerCase()));
    const denied = eventDataClasses(e.data_classes, input.findings ?? []).filter((c) => !allowed.has(c));
    if (denied.length > 0) {
      const list = denied.map(short).join(', ');
      add(POLICY_TYPES.dataClassNotAllowed, 'high', `data classes ${list} not allowed`, { data_classes: list });
    }
  }

  const budget = input.ownsState
    ? stepBudgetsInPlace(prev ?? new BudgetState(), e, policy.budgets, cfg)
    : stepBudgets(prev, e, policy.budgets, cfg);
  if (budget.breaches.length > 0) {
    const daily = budget.dayEndsAt !== null;
    const attributes: Record<string, string> = {
      budgets: budget.breaches.map((b) => b.budget).join(','),
      // A session budget stops the session; the daily one stops the agent until the day ends.
      scope: daily ? 'agent' : 'session',
    };
    if (daily) attributes.expires_at = String(budget.dayEndsAt);
    add(POLICY_TYPES.budgetExceeded, 'high', budget.breaches.map(describeBreach).join('; '), attributes);
  }

  if (e.kind === 'scope_change') {
    add(POLICY_TYPES.scopeChangeRequiresApproval, 'medium', 'scope change requires approval');
  }
  return { state: budget.state, findings };
}
