/** Settings of the policy evaluator. Per-agent ones may come from the policy's `thresholds` map. */
export interface PolicyEvalConfig {
  /** A session with no event for this long (event time) ends; its budget counters reset. */
  readonly sessionIdleTimeoutMs: number;
  /** Treat a tool call whose mode the enforcement point did not report as a write (least privilege). */
  readonly unknownToolModeAsWrite: boolean;
  /**
   * Open sessions tracked per agent for budgets (deployment-wide). At the cap the least recently
   * active one is forgotten, which resets its counters, so keep it well above real concurrency.
   */
  readonly maxOpenSessions: number;
  /** Session ids are cut to this many characters before they become keys. */
  readonly maxKeyChars: number;
}

export const DEFAULT_POLICY_EVAL_CONFIG: PolicyEvalConfig = Object.freeze({
  sessionIdleTimeoutMs: 30 * 60_000,
  unknownToolModeAsWrite: false,
  maxOpenSessions: 1024,
  maxKeyChars: 128,
});

export class PolicyConfigError extends Error {
  readonly code = 'POLICY_CONFIG_INVALID';
  constructor(readonly problems: readonly string[]) {
    super(`invalid policy thresholds: ${problems.join('; ')}`);
    this.name = 'PolicyConfigError';
  }
}

/**
 * Reads `policy.session_idle_timeout_ms` (positive integer) and `policy.tool_mode.unknown_as_write`
 * (0 or 1) from a policy's thresholds; other families' keys are ignored, an unknown `policy.*` key
 * is an error. Call when a policy is loaded, not per event.
 */
export function policyEvalConfigFromThresholds(
  thresholds: Readonly<Record<string, number>>,
  base: PolicyEvalConfig = DEFAULT_POLICY_EVAL_CONFIG,
): PolicyEvalConfig {
  const problems: string[] = [];
  let cfg = base;
  for (const [key, v] of Object.entries(thresholds)) {
    if (!key.startsWith('policy.')) continue;
    if (key === 'policy.session_idle_timeout_ms') {
      if (Number.isInteger(v) && v > 0) cfg = { ...cfg, sessionIdleTimeoutMs: v };
      else problems.push(`${key} must be a positive integer`);
    } else if (key === 'policy.tool_mode.unknown_as_write') {
      if (v === 0 || v === 1) cfg = { ...cfg, unknownToolModeAsWrite: v === 1 };
      else problems.push(`${key} must be 0 or 1`);
    } else {
      problems.push(`unknown threshold ${key}`);
    }
  }
  if (problems.length > 0) throw new PolicyConfigError(problems);
  return Object.freeze(cfg);
}
