import { describe, expect, it } from 'vitest';
import { resolveAnomalyConfig } from '../../../../detectors/anomaly/config.ts';
import {
  type AnomalyState,
  AnomalyStateError,
  deserializeAnomalyState,
  serializeAnomalyState,
} from '../../../../detectors/anomaly/state.ts';
import { stepAnomaly, stepAnomalyInPlace } from '../../../../detectors/anomaly/step.ts';
import type { AgentEvent } from '../../../../schemas/generated/agent-event.ts';
import { ev, feed, normalSessions, rng } from './simulate.ts';

const cfg = resolveAnomalyConfig();

function decisions(state: AnomalyState | undefined, events: readonly AgentEvent[]) {
  let s = state;
  const out: string[] = [];
  for (const e of events) {
    const step = stepAnomaly(s, e, cfg);
    s = step.state;
    out.push(...step.findings.map((f) => `${f.finding_id} ${f.type} ${f.severity} ${f.evidence}`));
  }
  return { out, state: s };
}

describe('snapshot and restore', () => {
  it('gives identical findings and state from a restored snapshot', () => {
    const { events, end } = normalSessions(30);
    const trained = feed({ state: undefined, findings: [] }, events, cfg).state!;
    // Leave a session open mid-flight so the snapshot carries open-session counters too.
    const r = rng(3);
    const tail: AgentEvent[] = [];
    for (let i = 1; i <= 300; i++) {
      const tool = ['search', 'shell.exec', 'fetch'][r(0, 2)]!;
      tail.push(
        ev({ ts: end + i * 700, session: `s${r(0, 3)}`, tool, target: `https://h${r(0, 5)}.test/x`, tokens: 90 }),
      );
    }
    const original = decisions(trained, tail);
    const restored = decisions(deserializeAnomalyState(serializeAnomalyState(trained)), tail);
    expect(original.out.length).toBeGreaterThan(0);
    expect(restored.out).toEqual(original.out);
    expect(serializeAnomalyState(restored.state!)).toBe(serializeAnomalyState(original.state!));
  });

  it('round-trips through JSON unchanged', () => {
    const { events } = normalSessions(25);
    const s = feed({ state: undefined, findings: [] }, events, cfg).state!;
    expect(deserializeAnomalyState(serializeAnomalyState(s))).toEqual(s);
  });

  it('refuses a snapshot from another state version', () => {
    const text = JSON.stringify({
      ...JSON.parse(serializeAnomalyState(stepAnomaly(undefined, ev({ ts: 1, session: 's' }), cfg).state)),
      v: 2,
    });
    expect(() => deserializeAnomalyState(text)).toThrow(
      expect.objectContaining({ code: 'ANOMALY_STATE_VERSION_UNSUPPORTED' }),
    );
  });

  it('refuses a corrupt snapshot instead of resuming from it', () => {
    const good = JSON.parse(serializeAnomalyState(stepAnomaly(undefined, ev({ ts: 1, session: 's' }), cfg).state));
    for (const bad of ['not json', '[]', JSON.stringify({ ...good, windows: { calls: ['x'] } })]) {
      expect(() => deserializeAnomalyState(bad)).toThrow(AnomalyStateError);
    }
  });
});

describe('memory bound', () => {
  it('holds after 100k events with ever-new sessions, tools and destinations', () => {
    let s: AnomalyState | undefined;
    const long = 'x'.repeat(500);
    for (let i = 0; i < 100_000; i++) {
      const e = ev({
        ts: 1_764_000_000_000 + i * 50,
        // First 200 concurrent sessions (over the open-session cap), then short sequential ones.
        session: i < 20_000 ? `c-${i % 200}-${long}` : `s-${Math.floor(i / 10)}-${long}`,
        tool: `tool-${i}-${long}`,
        target: `https://host-${i}.example.com/`,
        tokens: i % 97,
        costUsd: 0.0001,
      });
      // In place, as detect steps it (the pure step copies the whole state per event).
      s = stepAnomalyInPlace(s, i % 7 === 0 ? { ...e, kind: 'agent_end' } : e, cfg).state;
    }
    const state = s!;
    expect(state.sessions.length).toBeLessThanOrEqual(cfg.maxOpenSessions);
    expect(state.seenTools).toHaveLength(cfg.maxTrackedTools);
    expect(state.toolShare.length).toBeLessThanOrEqual(cfg.maxTrackedTools);
    expect(state.seenDestinations).toHaveLength(cfg.maxTrackedDestinations);
    const { calls, tokens, costUsd, perMinute } = state.windows;
    for (const w of [calls, tokens, costUsd]) expect(w).toHaveLength(cfg.windowSessions);
    expect(perMinute.length).toBeLessThanOrEqual(cfg.windowMinutes);
    for (const [, sess] of state.sessions) expect(sess.tools.length).toBeLessThanOrEqual(cfg.maxToolsPerSession);
    const keys = [...state.sessions, ...state.seenTools, ...state.seenDestinations, ...state.toolShare];
    for (const [k] of keys) expect(k.length).toBeLessThanOrEqual(cfg.maxKeyChars);
    expect(serializeAnomalyState(state).length).toBeLessThan(1_000_000);
  }, 120_000);
});
