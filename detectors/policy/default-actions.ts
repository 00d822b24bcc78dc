import type { Finding } from '../../schemas/generated/finding.ts';
import type { DevWardenV1 } from '../../schemas/generated/verdict.ts';
import type { Severity } from '../finding.ts';

export type Action = DevWardenV1.Action;
export type Scope = DevWardenV1.VerdictScope;

/** Least to most severe; the most severe action among an event's findings wins. */
export const ACTION_ORDER: readonly Action[] = [
  'allow',
  'redact',
  'require_approval',
  'block',
  'quarantine_agent',
  'revoke_credential',
];

export const SEVERITY_ORDER: readonly Severity[] = ['info', 'low', 'medium', 'high', 'critical'];

export function actionRank(a: Action): number {
  return ACTION_ORDER.indexOf(a);
}

interface DefaultRule {
  /** Exact finding type, `family.*`, or `*`. */
  readonly type: string;
  /** The rule applies from this severity up; absent means any severity. */
  readonly minSeverity?: Severity;
  readonly action: Action;
}

const RUNAWAY = ['anomaly.session_call_rate', 'anomaly.session_tokens', 'anomaly.session_cost'];

/**
 * Built-in action per finding when the policy's `actions` map has no entry for its type. First
 * matching rule wins, so specific rules come first. The table in detectors/policy/README.md
 * mirrors this list; keep them in step.
 */
export const DEFAULT_ACTION_RULES: readonly DefaultRule[] = [
  { type: 'secret.*', action: 'block' },
  { type: 'pii.*', action: 'redact' },
  // The classifier alone records and alerts: its measured false positives on hard tool results
  // (bench/RESULTS.md) are too many to block on. A policy opts in with `injection.ml: block`.
  { type: 'injection.ml', action: 'allow' },
  // The chat guard flags requests to switch role or task, which are abuse for a purpose-bound
  // assistant but only its operator knows the purpose: alert, and `injection.chat_guard: block` opts in.
  { type: 'injection.chat_guard', action: 'allow' },
  { type: 'injection.*', minSeverity: 'high', action: 'block' },
  { type: 'injection.*', action: 'allow' },
  ...RUNAWAY.flatMap((type): DefaultRule[] => [
    { type, minSeverity: 'critical', action: 'block' },
    { type, minSeverity: 'high', action: 'require_approval' },
    { type, action: 'allow' },
  ]),
  { type: 'anomaly.call_rate_per_minute', minSeverity: 'critical', action: 'block' },
  { type: 'anomaly.*', action: 'allow' },
  { type: 'policy.scope_change_requires_approval', action: 'require_approval' },
  { type: 'policy.*', action: 'block' },
  { type: '*', minSeverity: 'critical', action: 'block' },
  { type: '*', action: 'allow' },
];

function typeMatches(type: string, pattern: string): boolean {
  if (pattern === '*') return true;
  return pattern.endsWith('.*') ? type.startsWith(pattern.slice(0, -1)) : type === pattern;
}

export function defaultAction(f: Pick<Finding, 'type' | 'severity'>): Action {
  const sev = SEVERITY_ORDER.indexOf(f.severity);
  const rule = DEFAULT_ACTION_RULES.find(
    (r) => typeMatches(f.type, r.type) && (r.minSeverity === undefined || sev >= SEVERITY_ORDER.indexOf(r.minSeverity)),
  );
  return rule?.action ?? 'allow';
}

/**
 * The policy's own mapping for a finding type, most specific entry first: the exact type, then
 * each wildcard prefix from longest to shortest (`a.b.*`, `a.*`), then `*`. Undefined when none.
 */
export function policyAction(actions: Readonly<Record<string, Action>>, type: string): Action | undefined {
  if (Object.hasOwn(actions, type)) return actions[type];
  let end = type.lastIndexOf('.');
  while (end > 0) {
    const key = `${type.slice(0, end)}.*`;
    if (Object.hasOwn(actions, key)) return actions[key];
    end = type.lastIndexOf('.', end - 1);
  }
  return Object.hasOwn(actions, '*') ? actions['*'] : undefined;
}
