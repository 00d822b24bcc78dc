import type { AgentEvent } from '../../schemas/generated/agent-event.ts';
import type { Finding } from '../../schemas/generated/finding.ts';
import { destinationOf } from '../policy/destination.ts';
import { eventCostUsd, eventTokens, isCall } from './agent-activity.ts';
import type { AnomalyConfig } from './config.ts';
import { capKey, type EntryList, evictLowest, lookup, lowest, remove, upsert } from './entry-list.ts';
import { ANOMALY_TYPES, breachFinding, firstSeenFinding, levelOf, toolMixFinding } from './findings.ts';
import { type BoundParams, pushBounded, type RobustStats, robustStats, upperBound } from './robust-stats.ts';
import { type AnomalyState, emptyAnomalyState, type Level, type OpenSession } from './state.ts';

const MINUTE_MS = 60_000;
/** A known name's last-seen time is refreshed at most this often, so a hot tool does not copy the record per event. */
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

/**
 * One event through the per-agent anomaly model: `(state, event, config) -> { state', findings }`.
 * Pure: `prev` is never mutated (changed parts are copied), time is the event's `ts`, never the clock.
 * `prev` undefined starts an empty (warming-up) state.
 *
 * Order: sessions idle for `sessionIdleTimeoutMs` complete first; a call then counts toward its
 * event-time minute and its session (flagged as soon as a running count crosses the baseline's
 * upper bound, once per escalation level); tool and destination are checked for first sight and
 * tool mix; `agent_end` completes its session.
 */
export function stepAnomaly(prev: AnomalyState | undefined, e: AgentEvent, cfg: AnomalyConfig): AnomalyStep {
  const findings: Finding[] = [];
  const key = capKey(e.session_id, cfg.maxKeyChars);
  const call = isCall(e);
  let s = expireIdleSessions(prev ?? emptyAnomalyState(), e.ts, cfg);
  if (call) s = countMinute(s, e, cfg, findings);
  s = updateSession(s, key, e, call, cfg, findings);
  if (call && e.tool !== null) s = observeTool(s, key, e, e.tool.name, e.tool.target, cfg, findings);
  if (e.kind === 'agent_end') s = completeSession(s, key, cfg);
  return { state: s, findings };
}

function expireIdleSessions(s: AnomalyState, ts: number, cfg: AnomalyConfig): AnomalyState {
  const idle = s.sessions.filter(([, sess]) => sess.lastTs + cfg.sessionIdleTimeoutMs <= ts);
  if (idle.length === 0) return s;
  idle.sort((a, b) => a[1].lastTs - b[1].lastTs || (a[0] < b[0] ? -1 : 1));
  return idle.reduce((acc, [k]) => completeSession(acc, k, cfg), s);
}

/** A flagged sample enters the window clipped to the bound, so one runaway cannot drag the baseline up. */
function clipped(value: number, flagged: Level, stats: RobustStats | null, p: BoundParams): number {
  return flagged > 0 && stats !== null ? Math.min(value, upperBound(stats, p)) : value;
}

/** Folds a session into the baselines (when it made at least one call) and forgets it. */
export function completeSession(s: AnomalyState, key: string, cfg: AnomalyConfig): AnomalyState {
  const sess = lookup(s.sessions, key);
  if (sess === undefined) return s;
  const sessions = remove(s.sessions, key);
  if (sess.calls === 0) return { ...s, sessions };
  const windows = { ...s.windows };
  const stats = { ...s.stats };
  for (const { key: sig } of SESSION_SIGNALS) {
    const v = clipped(sess[sig], sess.flagged[sig], s.stats[sig], bounds(sig, cfg));
    windows[sig] = pushBounded(s.windows[sig], v, cfg.windowSessions);
    stats[sig] = robustStats(windows[sig]);
  }
  const next = { ...s, sessions, windows, stats, completedSessions: s.completedSessions + 1 };
  if (sess.toolCalls === 0) return next;
  return { ...next, toolShare: foldToolShares(s, sess, cfg), toolSessions: s.toolSessions + 1 };
}

/** EWMA of each tool's share; a running mean until 1/n drops below alpha, so warm-up is unbiased. */
function foldToolShares(s: AnomalyState, sess: OpenSession, cfg: AnomalyConfig): EntryList<number> {
  const alpha = Math.max(cfg.toolMixAlpha, 1 / (s.toolSessions + 1));
  const now = new Map(sess.tools);
  const out: [string, number][] = [];
  for (const [name, old] of s.toolShare) {
    const share = (1 - alpha) * old + alpha * ((now.get(name) ?? 0) / sess.toolCalls);
    if (share >= MIN_TRACKED_SHARE) out.push([name, share]);
    now.delete(name);
  }
  for (const [name, count] of now) {
    const share = (alpha * count) / sess.toolCalls;
    if (share >= MIN_TRACKED_SHARE) out.push([name, share]);
  }
  return evictLowest(out, cfg.maxTrackedTools, (v) => v);
}

function countMinute(s: AnomalyState, e: AgentEvent, cfg: AnomalyConfig, findings: Finding[]): AnomalyState {
  const index = Math.floor(e.ts / MINUTE_MS);
  let m = s.minute;
  let next = s;
  // A late event does not reopen a closed minute.
  if (m !== null && index < m.index) return s;
  if (m !== null && index > m.index) {
    const p = bounds('perMinute', cfg);
    const perMinute = pushBounded(
      s.windows.perMinute,
      clipped(m.calls, m.flagged, s.stats.perMinute, p),
      cfg.windowMinutes,
    );
    next = {
      ...s,
      windows: { ...s.windows, perMinute },
      stats: { ...s.stats, perMinute: robustStats(perMinute) },
    };
    m = null;
  }
  const calls = (m?.calls ?? 0) + 1;
  let flagged: Level = m?.flagged ?? 0;
  const stats = next.stats.perMinute;
  if (stats !== null && stats.n >= cfg.minMinutes && next.completedSessions >= cfg.minSessions) {
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
  return { ...next, minute: { index, calls, flagged } };
}

function newSession(ts: number): OpenSession {
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
  s: AnomalyState,
  key: string,
  e: AgentEvent,
  call: boolean,
  cfg: AnomalyConfig,
  findings: Finding[],
): AnomalyState {
  const tokens = eventTokens(e);
  const costUsd = eventCostUsd(e);
  let next = s;
  let sess = lookup(s.sessions, key);
  if (sess === undefined) {
    // Only activity opens a session; a stray agent_start or tool_result does not.
    if (!call && tokens === 0 && costUsd === 0) return s;
    next = makeRoomForSession(s, cfg);
    sess = newSession(e.ts);
  }
  const flagged = { ...sess.flagged };
  const updated: OpenSession = {
    ...sess,
    lastTs: Math.max(sess.lastTs, e.ts),
    calls: sess.calls + (call ? 1 : 0),
    tokens: sess.tokens + tokens,
    costUsd: sess.costUsd + costUsd,
    flagged,
  };
  if (next.completedSessions >= cfg.minSessions) {
    for (const { key: sig, type, label } of SESSION_SIGNALS) {
      const stats = next.stats[sig];
      if (stats === null) continue;
      const upper = upperBound(stats, bounds(sig, cfg));
      const level = levelOf(updated[sig], upper, cfg);
      if (level <= flagged[sig] || level === 0) continue;
      findings.push(breachFinding(e, { type, label, value: updated[sig], upper, stats, level, scope: 'session' }));
      flagged[sig] = level;
    }
  }
  return { ...next, sessions: upsert(next.sessions, key, updated) };
}

/** At the open-session cap, the least recently active session completes as if it had gone idle. */
function makeRoomForSession(s: AnomalyState, cfg: AnomalyConfig): AnomalyState {
  if (s.sessions.length < cfg.maxOpenSessions) return s;
  return completeSession(s, lowest(s.sessions, (x) => x.lastTs)![0], cfg);
}

interface Seen {
  readonly list: EntryList<number>;
  readonly isNew: boolean;
}

function remember(list: EntryList<number>, name: string, ts: number, cap: number): Seen {
  const last = lookup(list, name);
  if (last !== undefined) {
    return { list: ts - last >= SEEN_REFRESH_MS ? upsert(list, name, ts) : list, isNew: false };
  }
  return { list: evictLowest(upsert(list, name, ts), cap, (v) => v), isNew: true };
}

function observeTool(
  s: AnomalyState,
  key: string,
  e: AgentEvent,
  rawTool: string,
  target: string | null,
  cfg: AnomalyConfig,
  findings: Finding[],
): AnomalyState {
  const warm = s.completedSessions >= cfg.minSessions;
  const tool = capKey(rawTool, cfg.maxKeyChars);
  const seenTool = remember(s.seenTools, tool, e.ts, cfg.maxTrackedTools);
  if (seenTool.isNew && warm) findings.push(firstSeenFinding(e, ANOMALY_TYPES.firstSeenTool, 'tool', tool));
  let next: AnomalyState = seenTool.list === s.seenTools ? s : { ...s, seenTools: seenTool.list };

  const dest = target === null ? '' : capKey(destinationOf(target), cfg.maxKeyChars);
  if (dest !== '') {
    const seenDest = remember(next.seenDestinations, dest, e.ts, cfg.maxTrackedDestinations);
    if (seenDest.isNew && warm) {
      findings.push(firstSeenFinding(e, ANOMALY_TYPES.firstSeenDestination, 'destination', dest));
    }
    if (seenDest.list !== next.seenDestinations) next = { ...next, seenDestinations: seenDest.list };
  }
  return countToolInSession(next, key, e, tool, cfg, findings);
}

function countToolInSession(
  s: AnomalyState,
  key: string,
  e: AgentEvent,
  tool: string,
  cfg: AnomalyConfig,
  findings: Finding[],
): AnomalyState {
  const sess = lookup(s.sessions, key);
  if (sess === undefined) return s;
  const prior = lookup(sess.tools, tool);
  const roomy = prior !== undefined || sess.tools.length < cfg.maxToolsPerSession;
  const count = (prior ?? 0) + 1;
  const toolCalls = sess.toolCalls + 1;
  let mixFlagged = sess.mixFlagged;
  if (roomy && s.toolSessions >= cfg.minSessions && count >= cfg.toolMixMinCalls && !sess.mixFlagged.includes(tool)) {
    const share = count / toolCalls;
    const baseline = lookup(s.toolShare, tool) ?? 0;
    if (share - baseline >= cfg.toolMixMinShareIncrease && share >= baseline * cfg.toolMixRatio) {
      findings.push(toolMixFinding(e, tool, count, share, baseline));
      mixFlagged = [...sess.mixFlagged, tool];
    }
  }
  const updated: OpenSession = {
    ...sess,
    toolCalls,
    tools: roomy ? upsert(sess.tools, tool, count) : sess.tools,
    mixFlagged,
  };
  return { ...s, sessions: upsert(s.sessions, key, updated) };
}
