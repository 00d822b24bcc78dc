import type { AgentEvent } from '../../schemas/generated/agent-event.ts';
import type { Finding } from '../../schemas/generated/finding.ts';
import { destinationOf } from '../policy/destination.ts';
import { eventCostUsd, eventTokens, isCall } from './agent-activity.ts';
import type { AnomalyConfig } from './config.ts';
import { capKey, indexOfKey, lookup, lowest, ownKey } from './entry-list.ts';
import { ANOMALY_TYPES, breachFinding, firstSeenFinding, levelOf, toolMixFinding } from './findings.ts';
import { type BoundParams, type RobustStats, robustStats, upperBound } from './robust-stats.ts';
import { type AnomalyState, emptyAnomalyState, type Level } from './state.ts';

const MINUTE_MS = 60_000;
/** A known name's last-seen time is refreshed at most this often (kept from the copy-on-write model: snapshots stay identical). */
const SEEN_REFRESH_MS = 3_600_000;
/** Tool shares below this are dropped from the baseline at session close. */
const MIN_TRACKED_SHARE = 1e-4;

export interface AnomalyStep {
  readonly state: AnomalyState;
  readonly findings: Finding[];
}

type SessionSignal = 'calls' | 'tokens' | 'costUsd';

const SESSION_SIGNALS: readonly { key: SessionSignal; type: string; label: string }[] = [
  { key: 'calls', type: ANOMALY_TYPES.sessionCalls, label: 'session calls' },
  { key: 'tokens', type: ANOMALY_TYPES.sessionTokens, label: 'session tokens' },
  { key: 'costUsd', type: ANOMALY_TYPES.sessionCost, label: 'session cost USD' },
];

function bounds(signal: SessionSignal | 'perMinute', cfg: AnomalyConfig): BoundParams {
  const floorFraction = cfg.madFloorFraction;
  if (signal === 'calls') return { madK: cfg.sessionCallsMadK, floor: cfg.sessionCallsFloor, floorFraction };
  if (signal === 'tokens') return { madK: cfg.sessionTokensMadK, floor: cfg.sessionTokensFloor, floorFraction };
  if (signal === 'costUsd') return { madK: cfg.sessionCostMadK, floor: cfg.sessionCostFloorUsd, floorFraction };
  return { madK: cfg.callsPerMinuteMadK, floor: cfg.callsPerMinuteFloor, floorFraction };
}

/** The state as the in-place step writes it: the same plain-JSON shape as AnomalyState, writable. */
type Pairs<V> = [string, V][];
interface MutableSession {
  startTs: number;
  lastTs: number;
  calls: number;
  tokens: number;
  costUsd: number;
  toolCalls: number;
  tools: Pairs<number>;
  flagged: { calls: Level; tokens: Level; costUsd: Level };
  mixFlagged: string[];
}
interface MutableState {
  v: AnomalyState['v'];
  completedSessions: number;
  toolSessions: number;
  windows: { calls: number[]; tokens: number[]; costUsd: number[]; perMinute: number[] };
  stats: {
    calls: RobustStats | null;
    tokens: RobustStats | null;
    costUsd: RobustStats | null;
    perMinute: RobustStats | null;
  };
  minute: { index: number; calls: number; flagged: Level } | null;
  toolShare: Pairs<number>;
  seenTools: Pairs<number>;
  seenDestinations: Pairs<number>;
  sessions: Pairs<MutableSession>;
}

/**
 * One event through the per-agent anomaly model: `(state, event, config) -> { state', findings }`.
 * Pure: `prev` is never mutated (the step runs on a copy), time is the event's `ts`, never the
 * clock. `prev` undefined starts an empty (warming-up) state. Detect, which owns each agent's state
 * and keeps only the newest, uses `stepAnomalyInPlace` instead: copying the state's lists on every
 * event was a tenth of detect's CPU (bench/RESULTS.md).
 *
 * Order: sessions idle for `sessionIdleTimeoutMs` complete first; a call then counts toward its
 * event-time minute and its session (flagged as soon as a running count crosses the baseline's
 * upper bound, once per escalation level); tool and destination are checked for first sight and
 * tool mix; `agent_end` completes its session.
 */
export function stepAnomaly(prev: AnomalyState | undefined, e: AgentEvent, cfg: AnomalyConfig): AnomalyStep {
  return stepAnomalyInPlace(prev === undefined ? undefined : structuredClone(prev), e, cfg);
}

/** `stepAnomaly` that updates `state` itself (the caller gives it up) and returns it. */
export function stepAnomalyInPlace(state: AnomalyState | undefined, e: AgentEvent, cfg: AnomalyConfig): AnomalyStep {
  const s = (state ?? emptyAnomalyState()) as unknown as MutableState;
  const findings: Finding[] = [];
  const key = capKey(e.session_id, cfg.maxKeyChars);
  const call = isCall(e);
  expireIdleSessions(s, e.ts, cfg);
  if (call) countMinute(s, e, cfg, findings);
  updateSession(s, key, e, call, cfg, findings);
  if (call && e.tool !== null) observeTool(s, key, e, e.tool.name, e.tool.target, cfg, findings);
  if (e.kind === 'agent_end') completeInPlace(s, key, cfg);
  return { state: s as unknown as AnomalyState, findings };
}

function expireIdleSessions(s: MutableState, ts: number, cfg: AnomalyConfig): void {
  let idle: Pairs<MutableSession> | null = null;
  for (const entry of s.sessions) {
    if (entry[1].lastTs + cfg.sessionIdleTimeoutMs > ts) continue;
    idle ??= [];
    idle.push(entry);
  }
  if (idle === null) return;
  idle.sort((a, b) => a[1].lastTs - b[1].lastTs || (a[0] < b[0] ? -1 : 1));
  for (const [k] of idle) completeInPlace(s, k, cfg);
}

/** A flagged sample enters the window clipped to the bound, so one runaway cannot drag the baseline up. */
function clipped(value: number, flagged: Level, stats: RobustStats | null, p: BoundParams): number {
  return flagged > 0 && stats !== null ? Math.min(value, upperBound(stats, p)) : value;
}

/** Appends `v` to a window, dropping the oldest samples beyond `cap`. */
function pushInto(window: number[], v: number, cap: number): void {
  window.push(v);
  if (window.length > cap) window.splice(0, window.length - cap);
}

/** Drops the lowest-ranked entries (ties: the smaller key) until at most `cap` remain. */
function evictInPlace<V>(list: Pairs<V>, cap: number, rank: (v: V) => number): void {
  while (list.length > cap) list.splice(list.indexOf(lowest(list, rank) as [string, V]), 1);
}

/** Folds a session into the baselines (when it made at least one call) and forgets it. Pure. */
export function completeSession(s: AnomalyState, key: string, cfg: AnomalyConfig): AnomalyState {
  const copy = structuredClone(s) as unknown as MutableState;
  completeInPlace(copy, key, cfg);
  return copy as unknown as AnomalyState;
}

function completeInPlace(s: MutableState, key: string, cfg: AnomalyConfig): void {
  const i = indexOfKey(s.sessions, key);
  if (i < 0) return;
  const sess = s.sessions[i]![1];
  s.sessions.splice(i, 1);
  if (sess.calls === 0) return;
  for (const { key: sig } of SESSION_SIGNALS) {
    const v = clipped(sess[sig], sess.flagged[sig], s.stats[sig], bounds(sig, cfg));
    pushInto(s.windows[sig], v, cfg.windowSessions);
    s.stats[sig] = robustStats(s.windows[sig]);
  }
  s.completedSessions += 1;
  if (sess.toolCalls === 0) return;
  s.toolShare = foldToolShares(s, sess, cfg);
  s.toolSessions += 1;
}

/** EWMA of each tool's share; a running mean until 1/n drops below alpha, so warm-up is unbiased. */
function foldToolShares(s: MutableState, sess: MutableSession, cfg: AnomalyConfig): Pairs<number> {
  const alpha = Math.max(cfg.toolMixAlpha, 1 / (s.toolSessions + 1));
  const now = new Map(sess.tools);
  const out: Pairs<number> = [];
  for (const [name, old] of s.toolShare) {
    const share = (1 - alpha) * old + alpha * ((now.get(name) ?? 0) / sess.toolCalls);
    if (share >= MIN_TRACKED_SHARE) out.push([name, share]);
    now.delete(name);
  }
  for (const [name, count] of now) {
    const share = (alpha * count) / sess.toolCalls;
    if (share >= MIN_TRACKED_SHARE) out.push([name, share]);
  }
  evictInPlace(out, cfg.maxTrackedTools, (v) => v);
  return out;
}

function countMinute(s: MutableState, e: AgentEvent, cfg: AnomalyConfig, findings: Finding[]): void {
  const index = Math.floor(e.ts / MINUTE_MS);
  let m = s.minute;
  // A late event does not reopen a closed minute.
  if (m !== null && index < m.index) return;
  if (m !== null && index > m.index) {
    const p = bounds('perMinute', cfg);
    pushInto(s.windows.perMinute, clipped(m.calls, m.flagged, s.stats.perMinute, p), cfg.windowMinutes);
    s.stats.perMinute = robustStats(s.windows.perMinute);
    m = null;
  }
  const calls = (m?.calls ?? 0) + 1;
  let flagged: Level = m?.flagged ?? 0;
  const stats = s.stats.perMinute;
  if (stats !== null && stats.n >= cfg.minMinutes && s.completedSessions >= cfg.minSessions) {
    const upper = upperBound(stats, bounds('perMinute', cfg));
    const level = levelOf(calls, upper, cfg);
    if (level > flagged && level > 0) {
      findings.push(
        breachFinding(e, {
          type: ANOMALY_TYPES.callsPerMinute,
          label: 'calls this minute',
          value: calls,
          upper,
          stats,
          level: level as Exclude<Level, 0>,
          scope: 'event',
        }),
      );
      flagged = level;
    }
  }
  s.minute = { index, calls, flagged };
}

function newSession(ts: number): MutableSession {
  return {
    startTs: ts,
    lastTs: ts,
    calls: 0,
    tokens: 0,
    costUsd: 0,
    toolCalls: 0,
    tools: [],
    flagged: { calls: 0, tokens: 0, costUsd: 0 },
    mixFlagged: [],
  };
}

function updateSession(
  s: MutableState,
  key: string,
  e: AgentEvent,
  call: boolean,
  cfg: AnomalyConfig,
  findings: Finding[],
): void {
  const tokens = eventTokens(e);
  const costUsd = eventCostUsd(e);
  let sess = lookup(s.sessions, key);
  if (sess === undefined) {
    // Only activity opens a session; a stray agent_start or tool_result does not.
    if (!call && tokens === 0 && costUsd === 0) return;
    makeRoomForSession(s, cfg);
    sess = newSession(e.ts);
    s.sessions.push([ownKey(key), sess]);
  }
  sess.lastTs = Math.max(sess.lastTs, e.ts);
  sess.calls += call ? 1 : 0;
  sess.tokens += tokens;
  sess.costUsd += costUsd;
  if (s.completedSessions < cfg.minSessions) return;
  const flagged = sess.flagged;
  for (const { key: sig, type, label } of SESSION_SIGNALS) {
    const stats = s.stats[sig];
    if (stats === null) continue;
    const upper = upperBound(stats, bounds(sig, cfg));
    const level = levelOf(sess[sig], upper, cfg);
    if (level <= flagged[sig] || level === 0) continue;
    findings.push(breachFinding(e, { type, label, value: sess[sig], upper, stats, level, scope: 'session' }));
    flagged[sig] = level;
  }
}

/** At the open-session cap, the least recently active session completes as if it had gone idle. */
function makeRoomForSession(s: MutableState, cfg: AnomalyConfig): void {
  if (s.sessions.length < cfg.maxOpenSessions) return;
  completeInPlace(s, lowest(s.sessions, (x) => x.lastTs)![0], cfg);
}

/** Records that `name` was seen at `ts`; true when it was not known (it may be evicted again at once). */
function remember(list: Pairs<number>, name: string, ts: number, cap: number): boolean {
  const i = indexOfKey(list, name);
  if (i >= 0) {
    if (ts - list[i]![1] >= SEEN_REFRESH_MS) list[i]![1] = ts;
    return false;
  }
  list.push([ownKey(name), ts]);
  evictInPlace(list, cap, (v) => v);
  return true;
}

function observeTool(
  s: MutableState,
  key: string,
  e: AgentEvent,
  rawTool: string,
  target: string | null,
  cfg: AnomalyConfig,
  findings: Finding[],
): void {
  const warm = s.completedSessions >= cfg.minSessions;
  const tool = capKey(rawTool, cfg.maxKeyChars);
  if (remember(s.seenTools, tool, e.ts, cfg.maxTrackedTools) && warm) {
    findings.push(firstSeenFinding(e, ANOMALY_TYPES.firstSeenTool, 'tool', tool));
  }
  const dest = target === null ? '' : capKey(destinationOf(target), cfg.maxKeyChars);
  if (dest !== '' && remember(s.seenDestinations, dest, e.ts, cfg.maxTrackedDestinations) && warm) {
    findings.push(firstSeenFinding(e, ANOMALY_TYPES.firstSeenDestination, 'destination', dest));
  }
  countToolInSession(s, key, e, tool, cfg, findings);
}

function countToolInSession(
  s: MutableState,
  key: string,
  e: AgentEvent,
  tool: string,
  cfg: AnomalyConfig,
  findings: Finding[],
): void {
  const sess = lookup(s.sessions, key);
  if (sess === undefined) return;
  const ti = indexOfKey(sess.tools, tool);
  const prior = ti < 0 ? undefined : sess.tools[ti]![1];
  const roomy = prior !== undefined || sess.tools.length < cfg.maxToolsPerSession;
  const count = (prior ?? 0) + 1;
  sess.toolCalls += 1;
  if (roomy && s.toolSessions >= cfg.minSessions && count >= cfg.toolMixMinCalls && !sess.mixFlagged.includes(tool)) {
    const share = count / sess.toolCalls;
    const baseline = lookup(s.toolShare, tool) ?? 0;
    if (share - baseline >= cfg.toolMixMinShareIncrease && share >= baseline * cfg.toolMixRatio) {
      findings.push(toolMixFinding(e, tool, count, share, baseline));
      sess.mixFlagged.push(tool);
    }
  }
  if (!roomy) return;
  if (ti < 0) sess.tools.push([ownKey(tool), count]);
  else sess.tools[ti]![1] = count;
}
