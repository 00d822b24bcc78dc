/**
 * Anomaly thresholds and memory bounds. Defaults here; per-agent overrides come from the policy's
 * `thresholds` map (keys in THRESHOLD_KEYS). Memory bounds are deployment-wide only: a policy must
 * not be able to grow the per-agent state.
 */
export interface AnomalyConfig {
  /** Completed sessions (with at least one call) before any session, tool-mix or first-seen finding. */
  readonly minSessions: number;
  /** Closed active minutes (on top of minSessions) before any call-rate finding. */
  readonly minMinutes: number;
  /** A session with no event for this long (event time) is complete. */
  readonly sessionIdleTimeoutMs: number;
  /** Multiples of the upper bound at which a signal escalates to high and then critical severity. */
  readonly escalationHighMultiple: number;
  readonly escalationCriticalMultiple: number;
  readonly sessionCallsMadK: number;
  readonly sessionCallsFloor: number;
  readonly sessionTokensMadK: number;
  readonly sessionTokensFloor: number;
  readonly sessionCostMadK: number;
  readonly sessionCostFloorUsd: number;
  readonly callsPerMinuteMadK: number;
  readonly callsPerMinuteFloor: number;
  /** Smallest spread as a fraction of the median, for every median/MAD signal. */
  readonly madFloorFraction: number;
  /** Tool calls a session needs (of one tool) before its tool mix is judged. */
  readonly toolMixMinCalls: number;
  /** Session share minus baseline share needed to flag, in [0, 1]. */
  readonly toolMixMinShareIncrease: number;
  /** Session share must also be at least this multiple of the baseline share. */
  readonly toolMixRatio: number;
  /** Weight of one completed session in the per-tool share average (EWMA), in (0, 1]. */
  readonly toolMixAlpha: number;
  /** Samples kept per session signal (calls, tokens, cost). */
  readonly windowSessions: number;
  /** Per-minute call counts kept. */
  readonly windowMinutes: number;
  /** Open sessions tracked per agent; the least recently active is completed when a new one opens. */
  readonly maxOpenSessions: number;
  /** Tool names with a baseline share, and tool names remembered as seen. */
  readonly maxTrackedTools: number;
  readonly maxTrackedDestinations: number;
  /** Distinct tools counted inside one session; calls to further tools count toward the total only. */
  readonly maxToolsPerSession: number;
  /** Untrusted names (tools, hosts, session ids) are cut to this many characters. */
  readonly maxKeyChars: number;
}

export const DEFAULT_ANOMALY_CONFIG: AnomalyConfig = Object.freeze({
  minSessions: 20,
  minMinutes: 30,
  sessionIdleTimeoutMs: 30 * 60_000,
  escalationHighMultiple: 2,
  escalationCriticalMultiple: 5,
  sessionCallsMadK: 4,
  sessionCallsFloor: 2,
  sessionTokensMadK: 4,
  sessionTokensFloor: 500,
  sessionCostMadK: 4,
  sessionCostFloorUsd: 0.05,
  callsPerMinuteMadK: 4,
  callsPerMinuteFloor: 2,
  madFloorFraction: 0.1,
  toolMixMinCalls: 20,
  toolMixMinShareIncrease: 0.4,
  toolMixRatio: 2,
  toolMixAlpha: 0.1,
  windowSessions: 100,
  windowMinutes: 120,
  maxOpenSessions: 64,
  maxTrackedTools: 256,
  maxTrackedDestinations: 256,
  maxToolsPerSession: 32,
  maxKeyChars: 128,
});

type Rule = 'positiveInt' | 'positive' | 'fraction' | 'atLeastOne';

const RULES: Readonly<Record<keyof AnomalyConfig, Rule>> = {
  minSessions: 'positiveInt',
  minMinutes: 'positiveInt',
  sessionIdleTimeoutMs: 'positiveInt',
  escalationHighMultiple: 'atLeastOne',
  escalationCriticalMultiple: 'atLeastOne',
  sessionCallsMadK: 'positive',
  sessionCallsFloor: 'positive',
  sessionTokensMadK: 'positive',
  sessionTokensFloor: 'positive',
  sessionCostMadK: 'positive',
  sessionCostFloorUsd: 'positive',
  callsPerMinuteMadK: 'positive',
  callsPerMinuteFloor: 'positive',
  madFloorFraction: 'fraction',
  toolMixMinCalls: 'positiveInt',
  toolMixMinShareIncrease: 'fraction',
  toolMixRatio: 'atLeastOne',
  toolMixAlpha: 'fraction',
  windowSessions: 'positiveInt',
  windowMinutes: 'positiveInt',
  maxOpenSessions: 'positiveInt',
  maxTrackedTools: 'positiveInt',
  maxTrackedDestinations: 'positiveInt',
  maxToolsPerSession: 'positiveInt',
  maxKeyChars: 'positiveInt',
};

/** Policy `thresholds` keys an agent's policy may set, and the option each one overrides. */
export const THRESHOLD_KEYS: Readonly<Record<string, keyof AnomalyConfig>> = Object.freeze({
  'anomaly.min_sessions': 'minSessions',
  'anomaly.min_minutes': 'minMinutes',
  'anomaly.session_idle_timeout_ms': 'sessionIdleTimeoutMs',
  'anomaly.escalation.high_multiple': 'escalationHighMultiple',
  'anomaly.escalation.critical_multiple': 'escalationCriticalMultiple',
  'anomaly.session_calls.mad_k': 'sessionCallsMadK',
  'anomaly.session_calls.floor': 'sessionCallsFloor',
  'anomaly.session_tokens.mad_k': 'sessionTokensMadK',
  'anomaly.session_tokens.floor': 'sessionTokensFloor',
  'anomaly.session_cost.mad_k': 'sessionCostMadK',
  'anomaly.session_cost.floor_usd': 'sessionCostFloorUsd',
  'anomaly.call_rate_per_minute.mad_k': 'callsPerMinuteMadK',
  'anomaly.call_rate_per_minute.floor': 'callsPerMinuteFloor',
  'anomaly.mad_floor_fraction': 'madFloorFraction',
  'anomaly.tool_mix.min_calls': 'toolMixMinCalls',
  'anomaly.tool_mix.min_share_increase': 'toolMixMinShareIncrease',
  'anomaly.tool_mix.ratio': 'toolMixRatio',
  'anomaly.tool_mix.alpha': 'toolMixAlpha',
});

export class AnomalyConfigError extends Error {
  readonly code = 'ANOMALY_CONFIG_INVALID';
  constructor(readonly problems: readonly string[]) {
    super(`invalid anomaly config: ${problems.join('; ')}`);
    this.name = 'AnomalyConfigError';
  }
}

function check(name: string, rule: Rule, v: unknown, problems: string[]): void {
  const num = typeof v === 'number' && Number.isFinite(v);
  if (rule === 'positiveInt' && !(num && Number.isInteger(v) && (v as number) > 0)) {
    problems.push(`${name} must be a positive integer`);
  } else if (rule === 'positive' && !(num && (v as number) > 0)) {
    problems.push(`${name} must be a positive number`);
  } else if (rule === 'fraction' && !(num && (v as number) > 0 && (v as number) <= 1)) {
    problems.push(`${name} must be a number in (0, 1]`);
  } else if (rule === 'atLeastOne' && !(num && (v as number) >= 1)) {
    problems.push(`${name} must be a number >= 1`);
  }
}

/** Merges overrides onto `base`, reports every problem at once, and freezes the result. */
export function resolveAnomalyConfig(
  overrides: Partial<AnomalyConfig> = {},
  base: AnomalyConfig = DEFAULT_ANOMALY_CONFIG,
): AnomalyConfig {
  const problems: string[] = [];
  for (const k of Object.keys(overrides)) if (!Object.hasOwn(RULES, k)) problems.push(`unknown option ${k}`);
  const cfg = { ...base, ...overrides };
  for (const [k, rule] of Object.entries(RULES) as [keyof AnomalyConfig, Rule][]) check(k, rule, cfg[k], problems);
  if (cfg.escalationCriticalMultiple < cfg.escalationHighMultiple) {
    problems.push('escalationCriticalMultiple must be >= escalationHighMultiple');
  }
  if (cfg.minMinutes > cfg.windowMinutes) problems.push('minMinutes must be <= windowMinutes');
  if (problems.length > 0) throw new AnomalyConfigError(problems);
  return Object.freeze(cfg);
}

/**
 * Per-agent config from a policy's `thresholds` map: `anomaly.*` keys override `base`, other
 * families' keys are ignored, an unknown `anomaly.*` key is an error (a typo would otherwise
 * silently keep the default). Call when a policy is loaded, not per event.
 */
export function anomalyConfigFromThresholds(
  thresholds: Readonly<Record<string, number>>,
  base: AnomalyConfig = DEFAULT_ANOMALY_CONFIG,
): AnomalyConfig {
  const overrides: Record<string, number> = {};
  const problems: string[] = [];
  for (const [key, value] of Object.entries(thresholds)) {
    if (!key.startsWith('anomaly.')) continue;
    const option = Object.hasOwn(THRESHOLD_KEYS, key) ? THRESHOLD_KEYS[key] : undefined;
    if (option === undefined) problems.push(`unknown threshold ${key}`);
    else overrides[option] = value;
  }
  if (problems.length > 0) throw new AnomalyConfigError(problems);
  try {
    return resolveAnomalyConfig(overrides as Partial<AnomalyConfig>, base);
  } catch (err) {
    if (!(err instanceof AnomalyConfigError)) throw err;
    const names = new Map(Object.entries(THRESHOLD_KEYS).map(([k, v]) => [v as string, k]));
    throw new AnomalyConfigError(err.problems.map((p) => renameProblem(p, names)));
  }
}

function renameProblem(p: string, names: ReadonlyMap<string, string>): string {
  const sp = p.indexOf(' ');
  const option = p.slice(0, sp);
  const key = names.get(option);
  return key === undefined ? p : `${key}${p.slice(sp)}`;
}
