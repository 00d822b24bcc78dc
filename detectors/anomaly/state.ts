import type { EntryList } from './entry-list.ts';
import type { RobustStats } from './robust-stats.ts';

/**
 * Per-agent anomaly state: plain JSON (no Map, no undefined, no NaN), so the partition owner can
 * snapshot it to a compacted topic or ClickHouse and rebuild it after a restart.
 *
 * Memory bound per agent, with W = windowSessions, M = windowMinutes, T = maxTrackedTools,
 * D = maxTrackedDestinations, S = maxOpenSessions, P = maxToolsPerSession, K = maxKeyChars:
 *   numbers: 3·W + M + 2·T + D + S·(9 + P) + a few counters
 *   names:   at most 2·T + D + S·(1 + 2·P) keys of at most K UTF-16 units each
 * With the defaults (100, 120, 256, 256, 64, 32, 128) that is ~3.8k numbers and at most ~5k keys
 * (~630k characters) in the adversarial worst case where every name is new and at the cap; a
 * typical agent is a few KB. The memory-bound test drives 100k hostile events through it.
 */
export const ANOMALY_STATE_VERSION = 1;

/** Highest escalation level already reported for a signal: 0 none, 1 medium, 2 high, 3 critical. */
export type Level = 0 | 1 | 2 | 3;

export interface OpenSession {
  readonly startTs: number;
  readonly lastTs: number;
  readonly calls: number;
  readonly tokens: number;
  readonly costUsd: number;
  readonly toolCalls: number;
  readonly tools: EntryList<number>;
  readonly flagged: { readonly calls: Level; readonly tokens: Level; readonly costUsd: Level };
  /** Tools already reported for tool mix in this session. */
  readonly mixFlagged: readonly string[];
}

export interface MinuteBucket {
  /** floor(ts / 60 000) of the event time. */
  readonly index: number;
  readonly calls: number;
  readonly flagged: Level;
}

export interface SignalSet<T> {
  readonly calls: T;
  readonly tokens: T;
  readonly costUsd: T;
  readonly perMinute: T;
}

export interface AnomalyState {
  readonly v: typeof ANOMALY_STATE_VERSION;
  /** Sessions with at least one call that have completed (agent_end, idle timeout or eviction). */
  readonly completedSessions: number;
  /** Completed sessions that had at least one tool call: the tool-mix warm-up counter. */
  readonly toolSessions: number;
  readonly windows: SignalSet<readonly number[]>;
  /** Derived from `windows` whenever a window changes; kept so a check costs O(1). */
  readonly stats: SignalSet<RobustStats | null>;
  readonly minute: MinuteBucket | null;
  /** EWMA of each tool's share of a session's tool calls. */
  readonly toolShare: EntryList<number>;
  /** Tool name / destination -> event time last seen (refreshed at most hourly), for LRU eviction. */
  readonly seenTools: EntryList<number>;
  readonly seenDestinations: EntryList<number>;
  /** Open sessions by (capped) session id. */
  readonly sessions: EntryList<OpenSession>;
}

export function emptyAnomalyState(): AnomalyState {
  return {
    v: ANOMALY_STATE_VERSION,
    completedSessions: 0,
    toolSessions: 0,
    windows: { calls: [], tokens: [], costUsd: [], perMinute: [] },
    stats: { calls: null, tokens: null, costUsd: null, perMinute: null },
    minute: null,
    toolShare: [],
    seenTools: [],
    seenDestinations: [],
    sessions: [],
  };
}

export class AnomalyStateError extends Error {
  constructor(
    readonly code: 'ANOMALY_STATE_VERSION_UNSUPPORTED' | 'ANOMALY_STATE_INVALID',
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'AnomalyStateError';
  }
}

export function serializeAnomalyState(s: AnomalyState): string {
  return JSON.stringify(s);
}

/** Parses and checks a snapshot; throws AnomalyStateError rather than resume from a corrupt one. */
export function deserializeAnomalyState(text: string): AnomalyState {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new AnomalyStateError('ANOMALY_STATE_INVALID', 'anomaly state is not JSON', { cause: err });
  }
  if (!isObject(raw)) throw new AnomalyStateError('ANOMALY_STATE_INVALID', 'anomaly state is not an object');
  if (raw.v !== ANOMALY_STATE_VERSION) {
    throw new AnomalyStateError('ANOMALY_STATE_VERSION_UNSUPPORTED', `anomaly state version ${String(raw.v)}`);
  }
  const problem = stateProblem(raw);
  if (problem !== null) throw new AnomalyStateError('ANOMALY_STATE_INVALID', `anomaly state: ${problem}`);
  return raw as unknown as AnomalyState;
}

type Obj = Record<string, unknown>;

function isObject(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isNum(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}

function isNumArray(v: unknown): boolean {
  return Array.isArray(v) && v.every(isNum);
}

function isEntries(v: unknown, value: (x: unknown) => boolean): boolean {
  return (
    Array.isArray(v) && v.every((e) => Array.isArray(e) && e.length === 2 && typeof e[0] === 'string' && value(e[1]))
  );
}

function isNumEntries(v: unknown): boolean {
  return isEntries(v, isNum);
}

function isLevel(v: unknown): boolean {
  return v === 0 || v === 1 || v === 2 || v === 3;
}

function isStats(v: unknown): boolean {
  return v === null || (isObject(v) && isNum(v.n) && isNum(v.median) && isNum(v.mad));
}

function isSession(v: unknown): boolean {
  if (!isObject(v) || !isObject(v.flagged)) return false;
  const numbers = ['startTs', 'lastTs', 'calls', 'tokens', 'costUsd', 'toolCalls'].every((k) => isNum(v[k]));
  const f = v.flagged;
  return (
    numbers &&
    isNumEntries(v.tools) &&
    isLevel(f.calls) &&
    isLevel(f.tokens) &&
    isLevel(f.costUsd) &&
    Array.isArray(v.mixFlagged) &&
    v.mixFlagged.every((t) => typeof t === 'string')
  );
}

const SIGNALS = ['calls', 'tokens', 'costUsd', 'perMinute'] as const;

function stateProblem(s: Obj): string | null {
  if (!isNum(s.completedSessions) || !isNum(s.toolSessions)) return 'bad counters';
  const { windows, stats, minute } = s;
  if (!isObject(windows) || !SIGNALS.every((k) => isNumArray(windows[k]))) return 'bad windows';
  if (!isObject(stats) || !SIGNALS.every((k) => isStats(stats[k]))) return 'bad stats';
  if (minute !== null && !(isObject(minute) && isNum(minute.index) && isNum(minute.calls) && isLevel(minute.flagged))) {
    return 'bad minute bucket';
  }
  if (!isNumEntries(s.toolShare) || !isNumEntries(s.seenTools) || !isNumEntries(s.seenDestinations)) {
    return 'bad tool or destination records';
  }
  if (!isEntries(s.sessions, isSession)) return 'bad open sessions';
  return null;
}
