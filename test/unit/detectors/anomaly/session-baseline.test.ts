import { describe, expect, it } from 'vitest';
import { anomalyConfigFromThresholds, resolveAnomalyConfig } from '../../../../detectors/anomaly/config.ts';
import { lookup } from '../../../../detectors/anomaly/entry-list.ts';
import { ANOMALY_TYPES } from '../../../../detectors/anomaly/findings.ts';
import type { AnomalyState } from '../../../../detectors/anomaly/state.ts';
import { stepAnomaly } from '../../../../detectors/anomaly/step.ts';
import { ev, feed, normalSessions, type Run, T0 } from './simulate.ts';

const cfg = resolveAnomalyConfig();

function trained(sessions = 40): { run: Run; end: number } {
  const { events, end } = normalSessions(sessions);
  const run = feed({ state: undefined, findings: [] }, events, cfg);
  return { run, end };
}

/** Drives one session of `calls` calls, 1 s apart; returns the call index at which each finding appeared. */
function runaway(run: Run, start: number, calls: number, c = cfg, session = 'runaway') {
  const hits: { call: number; type: string; severity: string; evidence: string }[] = [];
  for (let i = 1; i <= calls; i++) {
    const step = stepAnomaly(run.state, ev({ ts: start + i * 1_000, session, tool: 'search', tokens: 100 }), c);
    run.state = step.state;
    for (const f of step.findings) hits.push({ call: i, type: f.type, severity: f.severity, evidence: f.evidence });
  }
  return hits;
}

describe('session call baseline', () => {
  it('stays quiet on sessions like the baseline', () => {
    const { run } = trained(60);
    expect(run.findings).toEqual([]);
  });

  it('flags a 500-call session while it runs, long before it ends', () => {
    const { run, end } = trained();
    const hits = runaway(run, end, 500).filter((h) => h.type === ANOMALY_TYPES.sessionCalls);
    expect(hits[0]!.call).toBeGreaterThan(12);
    expect(hits[0]!.call).toBeLessThanOrEqual(30);
    expect(hits[0]!.severity).toBe('medium');
    expect(hits[0]!.evidence).toMatch(/^session calls \d+ > upper bound [\d.]+ \(median 10, MAD 1/);
  });

  it('reports each escalation level once per session, rising to critical', () => {
    const { run, end } = trained();
    const hits = runaway(run, end, 500).filter((h) => h.type === ANOMALY_TYPES.sessionCalls);
    expect(hits.map((h) => h.severity)).toEqual(['medium', 'high', 'critical']);
    expect(hits[2]!.call).toBeLessThan(150);
  });

  it('flags the same signal again in the next runaway session', () => {
    const { run, end } = trained();
    runaway(run, end, 40, cfg, 'first');
    const again = runaway(run, end + 100_000, 40, cfg, 'second').filter((h) => h.type === ANOMALY_TYPES.sessionCalls);
    expect(again.length).toBeGreaterThan(0);
  });

  it('keeps a runaway session from dragging the baseline up', () => {
    const { run, end } = trained();
    runaway(run, end, 500);
    const closed = stepAnomaly(run.state, ev({ ts: end + 501_000, session: 'runaway', kind: 'agent_end' }), cfg);
    const calls = closed.state.windows.calls;
    expect(Math.max(...calls)).toBeLessThan(30);
  });

  it('flags token spend per session', () => {
    const { run, end } = trained();
    const hits = runaway(run, end, 60).filter((h) => h.type === ANOMALY_TYPES.sessionTokens);
    expect(hits[0]!.evidence).toMatch(/^session tokens \d+ > upper bound/);
  });

  it('flags cost per session', () => {
    const { run, end } = trained();
    const step = stepAnomaly(run.state, ev({ ts: end + 1_000, session: 'pricey', costUsd: 5 }), cfg);
    expect(step.findings.map((f) => [f.type, f.severity])).toEqual([[ANOMALY_TYPES.sessionCost, 'critical']]);
  });

  it('flags a per-minute call burst within the minute', () => {
    const { run, end } = trained();
    const hits = runaway(run, end, 60).filter((h) => h.type === ANOMALY_TYPES.callsPerMinute);
    expect(hits[0]!.call).toBeLessThan(40);
    expect(hits[0]!.evidence).toMatch(/^calls this minute \d+ > upper bound/);
  });
});

describe('warm-up', () => {
  it('suppresses every finding until enough sessions completed', () => {
    const { run, end } = trained(cfg.minSessions - 1);
    const hits = runaway(run, end, 500);
    expect(hits).toEqual([]);
  });

  it('starts flagging once the warm-up count is reached', () => {
    const { run, end } = trained(cfg.minSessions);
    expect(runaway(run, end, 100).some((h) => h.type === ANOMALY_TYPES.sessionCalls)).toBe(true);
  });
});

describe('session boundaries', () => {
  it('ends a session after the idle timeout measured in event time', () => {
    const { run, end } = trained();
    runaway(run, end, 5, cfg, 'short');
    const before = run.state!.completedSessions;
    const later = end + 5_000 + cfg.sessionIdleTimeoutMs;
    const step = stepAnomaly(run.state, ev({ ts: later, session: 'other' }), cfg);
    expect(step.state.completedSessions).toBe(before + 1);
    expect(step.state.sessions.map(([k]) => k)).toEqual(['other']);
  });

  it('does not end a session while its events keep arriving', () => {
    const { run, end } = trained();
    runaway(run, end, 5, cfg, 'steady');
    const step = stepAnomaly(run.state, ev({ ts: end + 6_000, session: 'steady' }), cfg);
    expect(lookup(step.state.sessions, 'steady')!.calls).toBe(6);
  });

  it('counts a request and its response as one call', () => {
    let s: AnomalyState | undefined;
    s = stepAnomaly(s, ev({ ts: T0, session: 's', kind: 'model_request' }), cfg).state;
    s = stepAnomaly(s, ev({ ts: T0 + 1, session: 's', kind: 'model_response', tokens: 50 }), cfg).state;
    expect(lookup(s.sessions, 's')).toMatchObject({ calls: 1, tokens: 50 });
  });

  it('never mutates the state it is given', () => {
    const { run, end } = trained();
    const frozen = deepFreeze(structuredClone(run.state!));
    expect(() => runaway({ state: frozen, findings: [] }, end, 300)).not.toThrow();
    expect(() =>
      stepAnomaly(frozen, ev({ ts: end + cfg.sessionIdleTimeoutMs * 2, session: 'x', tool: 'new' }), cfg),
    ).not.toThrow();
  });
});

describe('per-agent thresholds', () => {
  it('applies a policy override of the MAD multiplier to one agent only', () => {
    const { run, end } = trained();
    const strict = anomalyConfigFromThresholds({ 'anomaly.session_calls.mad_k': 1 });
    const lenient = anomalyConfigFromThresholds({ 'anomaly.session_calls.mad_k': 30 });
    const state = run.state;
    const first = (c: typeof cfg) =>
      runaway({ state, findings: [] }, end, 200, c).find((h) => h.type === ANOMALY_TYPES.sessionCalls)?.call;
    expect(first(strict)).toBeLessThan(first(cfg)!);
    expect(first(lenient)).toBeGreaterThan(first(cfg)!);
  });

  it('applies a per-agent warm-up override', () => {
    const { run, end } = trained(5);
    const quick = anomalyConfigFromThresholds({ 'anomaly.min_sessions': 5 });
    expect(runaway({ state: run.state, findings: [] }, end, 100, quick).length).toBeGreaterThan(0);
    expect(runaway({ state: run.state, findings: [] }, end, 100, cfg)).toEqual([]);
  });
});

function deepFreeze<T>(o: T): T {
  if (typeof o === 'object' && o !== null) {
    for (const v of Object.values(o)) deepFreeze(v);
    Object.freeze(o);
  }
  return o;
}
