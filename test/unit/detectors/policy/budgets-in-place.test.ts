import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { eventCostUsd, eventTokens, isCall } from '../../../../detectors/anomaly/agent-activity.ts';
import {
  type BudgetBreach,
  BudgetState,
  DAY_MS,
  deserializeBudgetState,
  serializeBudgetState,
  stepBudgets,
  stepBudgetsInPlace,
} from '../../../../detectors/policy/budgets.ts';
import { DEFAULT_POLICY_EVAL_CONFIG, type PolicyEvalConfig } from '../../../../detectors/policy/config.ts';
import type { AgentEvent } from '../../../../schemas/generated/agent-event.ts';
import { ev } from '../anomaly/simulate.ts';

/**
 * The list-based, copy-on-every-event algorithm the mutable state replaced, kept here as the
 * reference: the mutable state must report the same breaches and hold the same snapshot.
 */
type RefSession = { lastTs: number; calls: number; tokens: number };
type RefState = { sessions: [string, RefSession][]; day: { index: number; costUsd: number } | null };

function refStep(prev: RefState, e: AgentEvent, b: Budgets, cfg: PolicyEvalConfig) {
  let sessions = prev.sessions.filter(([, x]) => x.lastTs + cfg.sessionIdleTimeoutMs > e.ts);
  let day = prev.day;
  const key = e.session_id.slice(0, cfg.maxKeyChars);
  const call = isCall(e);
  const tokens = eventTokens(e);
  const costUsd = eventCostUsd(e);
  const breaches: BudgetBreach[] = [];
  const i = sessions.findIndex(([k]) => k === key);
  if (call || tokens > 0 || costUsd > 0) {
    const old = i < 0 ? undefined : sessions[i]![1];
    const sess = {
      lastTs: Math.max(old?.lastTs ?? e.ts, e.ts),
      calls: (old?.calls ?? 0) + (call ? 1 : 0),
      tokens: (old?.tokens ?? 0) + tokens,
    };
    sessions = i < 0 ? [...sessions, [key, sess]] : sessions.map((x, j) => (j === i ? [key, sess] : x));
    while (i < 0 && sessions.length > cfg.maxOpenSessions) {
      const low = sessions.reduce((a, x) =>
        x[1].lastTs < a[1].lastTs || (x[1].lastTs === a[1].lastTs && x[0] < a[0]) ? x : a,
      );
      sessions = sessions.filter((x) => x !== low);
    }
    const index = Math.floor(e.ts / DAY_MS);
    if (day === null || index > day.index) day = { index, costUsd: 0 };
    const current = index === day.index;
    if (current) day = { index, costUsd: day.costUsd + costUsd };
    if (b.max_calls_per_session !== null && sess.calls > b.max_calls_per_session)
      breaches.push({ budget: 'calls_per_session', value: sess.calls, limit: b.max_calls_per_session });
    if (b.max_tokens_per_session !== null && sess.tokens > b.max_tokens_per_session)
      breaches.push({ budget: 'tokens_per_session', value: sess.tokens, limit: b.max_tokens_per_session });
    if (current && b.max_cost_usd_per_day !== null && day.costUsd > b.max_cost_usd_per_day)
      breaches.push({ budget: 'cost_usd_per_day', value: day.costUsd, limit: b.max_cost_usd_per_day });
  } else if (i >= 0) {
    const old = sessions[i]![1];
    sessions = sessions.map((x, j) => (j === i ? [key, { ...old, lastTs: Math.max(old.lastTs, e.ts) }] : x));
  }
  if (e.kind === 'agent_end') sessions = sessions.filter(([k]) => k !== key);
  return { state: { sessions, day }, breaches };
}

type Budgets = {
  max_calls_per_session: number | null;
  max_tokens_per_session: number | null;
  max_cost_usd_per_day: number | null;
};
const budgets: Budgets = { max_calls_per_session: 5, max_tokens_per_session: 2_000, max_cost_usd_per_day: 1 };
const cfg: PolicyEvalConfig = { ...DEFAULT_POLICY_EVAL_CONFIG, maxOpenSessions: 4, sessionIdleTimeoutMs: 60_000 };

const START = 20_416 * DAY_MS;
const eventArb = fc.record({
  // Out of order within a window, crossing idle timeouts and a day boundary.
  // Exact idle-timeout boundaries and equal timestamps (eviction ties) must come up often.
  dt: fc.oneof(
    fc.constantFrom(0, 0, 1, 999, 1_000, 59_999, 60_000, 60_001, -1_000, -60_000),
    fc.integer({ min: -90_000, max: 400_000 }),
  ),
  session: fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f', 'x'.repeat(40)),
  kind: fc.constantFrom('model_request', 'model_response', 'tool_call', 'tool_result', 'agent_start', 'agent_end'),
  tokens: fc.integer({ min: 0, max: 600 }),
  costUsd: fc.constantFrom(0, 0.05, 0.2),
});

type Spec = typeof eventArb extends fc.Arbitrary<infer T> ? T : never;

function toEvents(specs: Spec[]): AgentEvent[] {
  let ts = START - 3_600_000;
  return specs.map((s) => {
    ts += s.dt;
    return ev({ ts, session: s.session, kind: s.kind as AgentEvent['kind'], tokens: s.tokens, costUsd: s.costUsd });
  });
}

describe('budget counters, mutable', () => {
  test.prop([fc.array(eventArb, { minLength: 1, maxLength: 120 })], { numRuns: 300, seed: 13 })(
    'report the same breaches and hold the same snapshot as the list-based reference',
    (specs) => {
      let ref: RefState = { sessions: [], day: null };
      const state = new BudgetState();
      for (const e of toEvents(specs)) {
        const r = refStep(ref, e, budgets, cfg);
        const got = stepBudgetsInPlace(state, e, budgets, cfg);
        expect(got.breaches).toEqual(r.breaches);
        expect(got.state).toBe(state);
        ref = r.state;
        expect(state.toJSON()).toEqual({ v: 1, ...ref });
      }
    },
  );

  test.prop([fc.array(eventArb, { minLength: 1, maxLength: 60 })], { numRuns: 100, seed: 17 })(
    'the pure step leaves its input as it was, and a restored snapshot continues identically',
    (specs) => {
      const events = toEvents(specs);
      const half = Math.floor(events.length / 2);
      const head = new BudgetState();
      for (const e of events.slice(0, half)) stepBudgetsInPlace(head, e, budgets, cfg);
      const before = serializeBudgetState(head);
      const restored = deserializeBudgetState(before);
      let pure = head;
      for (const e of events.slice(half)) {
        const p = stepBudgets(pure, e, budgets, cfg);
        const q = stepBudgetsInPlace(restored, e, budgets, cfg);
        expect(q.breaches).toEqual(p.breaches);
        pure = p.state;
      }
      expect(serializeBudgetState(head)).toBe(before);
      expect(serializeBudgetState(restored)).toBe(serializeBudgetState(pure));
    },
  );

  it('expires an idle session before counting, even after an out-of-order event lowered the bound', () => {
    const s = new BudgetState();
    stepBudgetsInPlace(s, ev({ ts: START + 100_000, session: 'a' }), budgets, cfg);
    stepBudgetsInPlace(s, ev({ ts: START + 10_000, session: 'b' }), budgets, cfg);
    stepBudgetsInPlace(s, ev({ ts: START + 150_000, session: 'a' }), budgets, cfg);
    expect([...s.sessions.keys()]).toEqual(['a']);
    expect(s.sessions.get('a')!.calls).toBe(2);
  });
});
