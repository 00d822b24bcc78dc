import type { AgentEvent } from '../../schemas/generated/agent-event.ts';
import { eventCostUsd, eventTokens, fmt, isCall } from '../anomaly/agent-activity.ts';
import { capKey, ownKey } from '../anomaly/entry-list.ts';
import type { Policy } from './builtin-policy.ts';
import type { PolicyEvalConfig } from './config.ts';

export const DAY_MS = 86_400_000;
export const BUDGET_STATE_VERSION = 1;

export interface BudgetSession {
  lastTs: number;
  calls: number;
  tokens: number;
}

/** The serialised form (and what a snapshot in ClickHouse or a test fixture holds): plain JSON. */
export interface BudgetSnapshot {
  readonly v: typeof BUDGET_STATE_VERSION;
  /** Open sessions by (capped) session id, oldest insertion first. */
  readonly sessions: readonly (readonly [string, BudgetSession])[];
  /** Spend of the current UTC day of event time: `index` is floor(ts / 86 400 000). */
  readonly day: { readonly index: number; readonly costUsd: number } | null;
}

/**
 * Per-agent budget counters. Mutable: detect steps every event of an agent through one instance
 * (`stepBudgetsInPlace`), because copying up to `maxOpenSessions` sessions per event cost ~8 % of
 * detect's CPU (bench/RESULTS.md). `stepBudgets` keeps the pure contract for callers that do not own
 * the state (the Detector view, tests) by stepping a clone. Memory: at most `maxOpenSessions`
 * sessions of three numbers plus a key of at most `maxKeyChars`, and one day bucket.
 */
export class BudgetState {
  readonly v = BUDGET_STATE_VERSION;
  /** Insertion order is kept (Map), so snapshots are identical to the earlier list-based state. */
  readonly sessions = new Map<string, BudgetSession>();
  day: { index: number; costUsd: number } | null = null;
  /**
   * A lower bound of every open session's lastTs: expiry scans only when an event's ts could expire
   * one, instead of on every event. Kept conservative (never above the true minimum).
   */
  private oldestTs = Number.POSITIVE_INFINITY;

  clone(): BudgetState {
    const c = new BudgetState();
    for (const [k, x] of this.sessions) c.sessions.set(k, { ...x });
    c.day = this.day === null ? null : { ...this.day };
    c.oldestTs = this.oldestTs;
    return c;
  }

  toJSON(): BudgetSnapshot {
    return { v: this.v, sessions: [...this.sessions].map(([k, x]) => [k, { ...x }] as const), day: this.day };
  }

  static fromSnapshot(snap: BudgetSnapshot): BudgetState {
    const s = new BudgetState();
    for (const [k, x] of snap.sessions) s.track(k, { lastTs: x.lastTs, calls: x.calls, tokens: x.tokens });
    s.day = snap.day === null ? null : { index: snap.day.index, costUsd: snap.day.costUsd };
    return s;
  }

  /** Adds a new session (or replaces one), keeping the expiry bound. */
  track(key: string, sess: BudgetSession): void {
    this.sessions.set(key, sess);
    if (sess.lastTs < this.oldestTs) this.oldestTs = sess.lastTs;
  }

  /** Drops sessions idle for `idleMs` at event time `ts`. */
  expireIdle(ts: number, idleMs: number): void {
    if (this.oldestTs + idleMs > ts) return;
    let oldest = Number.POSITIVE_INFINITY;
    for (const [k, x] of this.sessions) {
      if (x.lastTs + idleMs > ts) {
        if (x.lastTs < oldest) oldest = x.lastTs;
      } else this.sessions.delete(k);
    }
    this.oldestTs = oldest;
  }

  /** Drops the least recently active sessions (ties: the smaller key) until at most `cap` remain. */
  evictTo(cap: number): void {
    while (this.sessions.size > cap) {
      let lowKey: string | undefined;
      let lowTs = Number.POSITIVE_INFINITY;
      for (const [k, x] of this.sessions) {
        if (lowKey === undefined || x.lastTs < lowTs || (x.lastTs === lowTs && k < lowKey)) {
          lowKey = k;
          lowTs = x.lastTs;
        }
      }
      this.sessions.delete(lowKey!);
    }
  }
}

export function emptyBudgetState(): BudgetState {
  return new BudgetState();
}

export interface BudgetBreach {
  readonly budget: 'calls_per_session' | 'tokens_per_session' | 'cost_usd_per_day';
  readonly value: number;
  readonly limit: number;
}

export interface BudgetStep {
  readonly state: BudgetState;
  readonly breaches: BudgetBreach[];
  /** End of the event-time UTC day, when the daily budget is among the breaches. */
  readonly dayEndsAt: number | null;
}

/**
 * Counts the event and reports every budget it is over. Every event over a budget is reported
 * (not only the first), because each one must be stopped. Events that are neither calls nor carry
 * usage (agent_start, agent_end, a tool_result) are counted nowhere and never breach.
 *
 * Days are UTC days of event time. A late event from a day already rolled over counts toward its
 * session but not toward any day, and is not judged on the daily budget.
 *
 * Pure: `prev` is left as it was (the step runs on a copy). Detect, which owns each agent's state,
 * uses `stepBudgetsInPlace`.
 */
export function stepBudgets(
  prev: BudgetState | undefined,
  e: AgentEvent,
  budgets: Policy['budgets'],
  cfg: PolicyEvalConfig,
): BudgetStep {
  return stepBudgetsInPlace(prev === undefined ? new BudgetState() : prev.clone(), e, budgets, cfg);
}

/** `stepBudgets` that updates `s` itself and returns it as `state`. */
export function stepBudgetsInPlace(
  s: BudgetState,
  e: AgentEvent,
  budgets: Policy['budgets'],
  cfg: PolicyEvalConfig,
): BudgetStep {
  s.expireIdle(e.ts, cfg.sessionIdleTimeoutMs);
  const key = capKey(e.session_id, cfg.maxKeyChars);
  const call = isCall(e);
  const tokens = eventTokens(e);
  const costUsd = eventCostUsd(e);
  const active = call || tokens > 0 || costUsd > 0;
  const breaches: BudgetBreach[] = [];
  let dayEndsAt: number | null = null;

  if (active) {
    let sess = s.sessions.get(key);
    if (sess === undefined) {
      sess = { lastTs: e.ts, calls: call ? 1 : 0, tokens };
      s.track(ownKey(key), sess);
      s.evictTo(cfg.maxOpenSessions);
    } else {
      sess.lastTs = Math.max(sess.lastTs, e.ts);
      sess.calls += call ? 1 : 0;
      sess.tokens += tokens;
    }

    const index = Math.floor(e.ts / DAY_MS);
    if (s.day === null || index > s.day.index) s.day = { index, costUsd: 0 };
    const current = index === s.day.index;
    if (current) s.day.costUsd += costUsd;

    const b = budgets;
    if (b.max_calls_per_session !== null && sess.calls > b.max_calls_per_session) {
      breaches.push({ budget: 'calls_per_session', value: sess.calls, limit: b.max_calls_per_session });
    }
    if (b.max_tokens_per_session !== null && sess.tokens > b.max_tokens_per_session) {
      breaches.push({ budget: 'tokens_per_session', value: sess.tokens, limit: b.max_tokens_per_session });
    }
    if (current && b.max_cost_usd_per_day !== null && s.day.costUsd > b.max_cost_usd_per_day) {
      breaches.push({ budget: 'cost_usd_per_day', value: s.day.costUsd, limit: b.max_cost_usd_per_day });
      dayEndsAt = (index + 1) * DAY_MS;
    }
  } else {
    const old = s.sessions.get(key);
    if (old !== undefined) old.lastTs = Math.max(old.lastTs, e.ts);
  }
  if (e.kind === 'agent_end') s.sessions.delete(key);
  return { state: s, breaches, dayEndsAt };
}

export function describeBreach(b: BudgetBreach): string {
  return `${b.budget.replaceAll('_', ' ')} ${fmt(b.value)} > budget ${fmt(b.limit)}`;
}

export class BudgetStateError extends Error {
  constructor(
    readonly code: 'BUDGET_STATE_VERSION_UNSUPPORTED' | 'BUDGET_STATE_INVALID',
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'BudgetStateError';
  }
}

export function serializeBudgetState(s: BudgetState): string {
  return JSON.stringify(s.toJSON());
}

export function deserializeBudgetState(text: string): BudgetState {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new BudgetStateError('BUDGET_STATE_INVALID', 'budget state is not JSON', { cause: err });
  }
  const o = raw as Partial<Record<keyof BudgetSnapshot, unknown>> | null;
  if (typeof o !== 'object' || o === null) throw new BudgetStateError('BUDGET_STATE_INVALID', 'not an object');
  if (o.v !== BUDGET_STATE_VERSION) {
    throw new BudgetStateError('BUDGET_STATE_VERSION_UNSUPPORTED', `budget state version ${String(o.v)}`);
  }
  const num = (v: unknown) => typeof v === 'number' && Number.isFinite(v);
  const sessionsOk =
    Array.isArray(o.sessions) &&
    o.sessions.every(
      (e: unknown) =>
        Array.isArray(e) &&
        e.length === 2 &&
        typeof e[0] === 'string' &&
        num(e[1]?.lastTs) &&
        num(e[1]?.calls) &&
        num(e[1]?.tokens),
    );
  const d = o.day as BudgetSnapshot['day'];
  const dayOk = d === null || (typeof d === 'object' && num(d?.index) && num(d?.costUsd));
  if (!sessionsOk || !dayOk) throw new BudgetStateError('BUDGET_STATE_INVALID', 'bad sessions or day bucket');
  return BudgetState.fromSnapshot(o as BudgetSnapshot);
}
