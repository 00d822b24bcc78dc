import type { AgentEvent } from '../../schemas/generated/agent-event.ts';
import { eventCostUsd, eventTokens, fmt, isCall } from '../anomaly/agent-activity.ts';
import { capKey, type EntryList, evictLowest, lookup, remove, upsert } from '../anomaly/entry-list.ts';
import type { Policy } from './builtin-policy.ts';
import type { PolicyEvalConfig } from './config.ts';

export const DAY_MS = 86_400_000;
export const BUDGET_STATE_VERSION = 1;

export interface BudgetSession {
  readonly lastTs: number;
  readonly calls: number;
  readonly tokens: number;
}

/**
 * Per-agent budget counters, plain JSON. Memory: at most `maxOpenSessions` sessions of three
 * numbers plus a key of at most `maxKeyChars`, and one day bucket.
 */
export interface BudgetState {
  readonly v: typeof BUDGET_STATE_VERSION;
  /** Open sessions by (capped) session id. */
  readonly sessions: EntryList<BudgetSession>;
  /** Spend of the current UTC day of event time: `index` is floor(ts / 86 400 000). */
  readonly day: { readonly index: number; readonly costUsd: number } | null;
}

export function emptyBudgetState(): BudgetState {
  return { v: BUDGET_STATE_VERSION, sessions: [], day: null };
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
 */
export function stepBudgets(
  prev: BudgetState | undefined,
  e: AgentEvent,
  budgets: Policy['budgets'],
  cfg: PolicyEvalConfig,
): BudgetStep {
  let s = expireIdle(prev ?? emptyBudgetState(), e.ts, cfg);
  const key = capKey(e.session_id, cfg.maxKeyChars);
  const call = isCall(e);
  const tokens = eventTokens(e);
  const costUsd = eventCostUsd(e);
  const active = call || tokens > 0 || costUsd > 0;
  const breaches: BudgetBreach[] = [];
  let dayEndsAt: number | null = null;

  if (active) {
    const old = lookup(s.sessions, key);
    const sess: BudgetSession = {
      lastTs: Math.max(old?.lastTs ?? e.ts, e.ts),
      calls: (old?.calls ?? 0) + (call ? 1 : 0),
      tokens: (old?.tokens ?? 0) + tokens,
    };
    const sessions = upsert(s.sessions, key, sess);
    s = { ...s, sessions: old === undefined ? evictLowest(sessions, cfg.maxOpenSessions, (x) => x.lastTs) : sessions };

    const index = Math.floor(e.ts / DAY_MS);
    const day = s.day === null || index > s.day.index ? { index, costUsd: 0 } : s.day;
    const current = index === day.index;
    s = { ...s, day: current ? { index, costUsd: day.costUsd + costUsd } : day };

    const b = budgets;
    if (b.max_calls_per_session !== null && sess.calls > b.max_calls_per_session) {
      breaches.push({ budget: 'calls_per_session', value: sess.calls, limit: b.max_calls_per_session });
    }
    if (b.max_tokens_per_session !== null && sess.tokens > b.max_tokens_per_session) {
      breaches.push({ budget: 'tokens_per_session', value: sess.tokens, limit: b.max_tokens_per_session });
    }
    if (current && b.max_cost_usd_per_day !== null && s.day!.costUsd > b.max_cost_usd_per_day) {
      breaches.push({ budget: 'cost_usd_per_day', value: s.day!.costUsd, limit: b.max_cost_usd_per_day });
      dayEndsAt = (index + 1) * DAY_MS;
    }
  } else {
    const old = lookup(s.sessions, key);
    if (old !== undefined)
      s = { ...s, sessions: upsert(s.sessions, key, { ...old, lastTs: Math.max(old.lastTs, e.ts) }) };
  }
  if (e.kind === 'agent_end') s = { ...s, sessions: remove(s.sessions, key) };
  return { state: s, breaches, dayEndsAt };
}

function expireIdle(s: BudgetState, ts: number, cfg: PolicyEvalConfig): BudgetState {
  const live = s.sessions.filter(([, x]) => x.lastTs + cfg.sessionIdleTimeoutMs > ts);
  return live.length === s.sessions.length ? s : { ...s, sessions: live };
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
  return JSON.stringify(s);
}

export function deserializeBudgetState(text: string): BudgetState {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new BudgetStateError('BUDGET_STATE_INVALID', 'budget state is not JSON', { cause: err });
  }
  const o = raw as Partial<Record<keyof BudgetState, unknown>> | null;
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
  const d = o.day as BudgetState['day'];
  const dayOk = d === null || (typeof d === 'object' && num(d?.index) && num(d?.costUsd));
  if (!sessionsOk || !dayOk) throw new BudgetStateError('BUDGET_STATE_INVALID', 'bad sessions or day bucket');
  return o as BudgetState;
}
