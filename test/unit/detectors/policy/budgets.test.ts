import { describe, expect, it } from 'vitest';
import {
  type BudgetState,
  DAY_MS,
  deserializeBudgetState,
  serializeBudgetState,
} from '../../../../detectors/policy/budgets.ts';
import { policyEvalConfigFromThresholds } from '../../../../detectors/policy/config.ts';
import { decide } from '../../../../detectors/policy/decide.ts';
import { POLICY_TYPES, type PolicyInput, stepPolicy } from '../../../../detectors/policy/evaluate.ts';
import type { AgentEvent } from '../../../../schemas/generated/agent-event.ts';
import { type EventSpec, ev } from '../anomaly/simulate.ts';
import { fixturePolicy } from './policy-fixture.ts';

/** 2025-11-24T00:00:00Z, a UTC day boundary. */
const MIDNIGHT = 20_416 * DAY_MS;

function run(events: readonly AgentEvent[], input: PolicyInput, state?: BudgetState) {
  let s = state;
  const out: { event: number; evidence: string; attributes: Record<string, string> }[] = [];
  events.forEach((e, i) => {
    const step = stepPolicy(s, e, input);
    s = step.state;
    for (const f of step.findings) {
      if (f.type === POLICY_TYPES.budgetExceeded)
        out.push({ event: i + 1, evidence: f.evidence, attributes: f.attributes });
    }
  });
  return { breaches: out, state: s };
}

const open = { allowed_models: null, allowed_tools: null, allowed_destinations: null, allowed_data_classes: null };
const budgets = (b: Partial<ReturnType<typeof fixturePolicy>['budgets']>) =>
  fixturePolicy({
    ...open,
    budgets: { max_calls_per_session: null, max_tokens_per_session: null, max_cost_usd_per_day: null, ...b },
  });
const calls = (n: number, spec: Partial<EventSpec> & { session: string }, start: number) =>
  Array.from({ length: n }, (_, i) => ev({ ts: start + i * 1_000, ...spec }));

describe('session budgets', () => {
  it('flags every call past the per-session call budget, and only those', () => {
    const { breaches } = run(calls(7, { session: 'a' }, MIDNIGHT), { policy: budgets({ max_calls_per_session: 5 }) });
    expect(breaches.map((b) => b.event)).toEqual([6, 7]);
    expect(breaches[0]!.evidence).toBe('calls per session 6 > budget 5');
    expect(breaches[0]!.attributes.scope).toBe('session');
  });

  it('counts each session separately', () => {
    const p = { policy: budgets({ max_calls_per_session: 3 }) };
    const events = [...calls(3, { session: 'a' }, MIDNIGHT), ...calls(3, { session: 'b' }, MIDNIGHT + 10_000)];
    expect(run(events, p).breaches).toEqual([]);
  });

  it('flags the token budget from response usage, then blocks the next request', () => {
    const p = { policy: budgets({ max_tokens_per_session: 1_000 }) };
    const events = [
      ev({ ts: MIDNIGHT, session: 'a' }),
      ev({ ts: MIDNIGHT + 1, session: 'a', kind: 'model_response', tokens: 1_200 }),
      ev({ ts: MIDNIGHT + 2, session: 'a' }),
    ];
    expect(run(events, p).breaches.map((b) => b.event)).toEqual([2, 3]);
  });

  it('starts a new budget after agent_end or the idle timeout (event time)', () => {
    const p = { policy: budgets({ max_calls_per_session: 2 }) };
    const ended = [
      ...calls(2, { session: 'a' }, MIDNIGHT),
      ev({ ts: MIDNIGHT + 3_000, session: 'a', kind: 'agent_end' }),
    ];
    expect(run([...ended, ...calls(2, { session: 'a' }, MIDNIGHT + 4_000)], p).breaches).toEqual([]);
    const idle = MIDNIGHT + 2_000 + 30 * 60_000;
    expect(run([...calls(2, { session: 'a' }, MIDNIGHT), ...calls(2, { session: 'a' }, idle)], p).breaches).toEqual([]);
  });

  it('honours a per-agent idle timeout from the policy thresholds', () => {
    const config = policyEvalConfigFromThresholds({ 'policy.session_idle_timeout_ms': 60_000 });
    const p = { policy: budgets({ max_calls_per_session: 2 }), config };
    const events = [...calls(2, { session: 'a' }, MIDNIGHT), ...calls(1, { session: 'a' }, MIDNIGHT + 70_000)];
    expect(run(events, p).breaches).toEqual([]);
  });
});

describe('daily cost budget', () => {
  const p = { policy: budgets({ max_cost_usd_per_day: 1 }) };

  it('flags spend past the daily budget, scoped to the agent until the UTC day ends', () => {
    const events = calls(5, { session: 'a', costUsd: 0.3 }, MIDNIGHT + 3_600_000);
    const { breaches } = run(events, p);
    expect(breaches.map((b) => b.event)).toEqual([4, 5]);
    expect(breaches[0]!.attributes).toMatchObject({ scope: 'agent', expires_at: String(MIDNIGHT + DAY_MS) });
  });

  it('sums across sessions of the same day', () => {
    const events = [
      ...calls(2, { session: 'a', costUsd: 0.4 }, MIDNIGHT),
      ...calls(2, { session: 'b', costUsd: 0.4 }, MIDNIGHT + 60_000),
    ];
    expect(run(events, p).breaches.map((b) => b.event)).toEqual([3, 4]);
  });

  it('rolls over on the event-time UTC day boundary', () => {
    const before = calls(3, { session: 'a', costUsd: 0.3 }, MIDNIGHT + DAY_MS - 5_000);
    const after = calls(3, { session: 'a', costUsd: 0.3 }, MIDNIGHT + DAY_MS + 1);
    // 0.9 before midnight, then a fresh day: 0.3, 0.6, 0.9. Never over 1.
    expect(run([...before, ...after], p).breaches).toEqual([]);
    // 0.6 + 0.6 would breach within one day; 500 ms either side of midnight it does not.
    const straddle = calls(2, { session: 'a', costUsd: 0.6 }, MIDNIGHT + DAY_MS - 500);
    expect(run(straddle, p).breaches).toEqual([]);
    const sameDay = calls(2, { session: 'a', costUsd: 0.6 }, MIDNIGHT + DAY_MS - 2_500);
    expect(run(sameDay, p).breaches.map((b) => b.event)).toEqual([2]);
  });

  it('does not charge a late event from a closed day to today', () => {
    const today = calls(3, { session: 'a', costUsd: 0.3 }, MIDNIGHT + DAY_MS);
    const late = ev({ ts: MIDNIGHT + 10, session: 'a', costUsd: 5 });
    const { breaches, state } = run([...today, late], p);
    expect(breaches).toEqual([]);
    expect(state!.day).toEqual({ index: 20_417, costUsd: expect.closeTo(0.9) });
  });

  it('maps to a standing agent-wide block that lapses at midnight', () => {
    const e = ev({ ts: MIDNIGHT + 5_000, session: 'a', costUsd: 2 });
    const { findings } = stepPolicy(undefined, e, p);
    expect(decide(findings, p.policy)).toMatchObject({
      action: 'block',
      scope: 'agent',
      reasons: [POLICY_TYPES.budgetExceeded],
      expires_at: MIDNIGHT + DAY_MS,
    });
  });
});

describe('budget state snapshot', () => {
  it('decides the same after a serialize/deserialize round trip', () => {
    const p = { policy: budgets({ max_calls_per_session: 4, max_cost_usd_per_day: 1 }) };
    const head = run(calls(3, { session: 'a', costUsd: 0.3 }, MIDNIGHT), p);
    const tail = calls(3, { session: 'a', costUsd: 0.3 }, MIDNIGHT + 10_000);
    const restored = deserializeBudgetState(serializeBudgetState(head.state!));
    expect(run(tail, p, restored).breaches).toEqual(run(tail, p, head.state).breaches);
    expect(run(tail, p, restored).breaches.length).toBeGreaterThan(0);
  });

  it('refuses an unknown version or a corrupt snapshot', () => {
    expect(() => deserializeBudgetState('{"v":9,"sessions":[],"day":null}')).toThrow(
      expect.objectContaining({ code: 'BUDGET_STATE_VERSION_UNSUPPORTED' }),
    );
    expect(() => deserializeBudgetState('{"v":1,"sessions":{},"day":null}')).toThrow(
      expect.objectContaining({ code: 'BUDGET_STATE_INVALID' }),
    );
  });
});
