import { describe, expect, it } from 'vitest';
import { resolveAnomalyConfig } from '../../../../detectors/anomaly/config.ts';
import { lookup } from '../../../../detectors/anomaly/entry-list.ts';
import { ANOMALY_TYPES } from '../../../../detectors/anomaly/findings.ts';
import { deserializeAnomalyState, serializeAnomalyState } from '../../../../detectors/anomaly/state.ts';
import { stepAnomaly } from '../../../../detectors/anomaly/step.ts';
import { ev, feed, normalSessions } from './simulate.ts';

const cfg = resolveAnomalyConfig();

function trainedState(sessions = 40) {
  const { events, end } = normalSessions(sessions);
  return { state: feed({ state: undefined, findings: [] }, events, cfg).state, end };
}

describe('first-seen tool', () => {
  it('flags a tool the agent never used, after warm-up', () => {
    const { state, end } = trainedState();
    const step = stepAnomaly(state, ev({ ts: end + 1_000, session: 'x', tool: 'shell.exec' }), cfg);
    expect(step.findings.map((f) => f.type)).toEqual([ANOMALY_TYPES.firstSeenTool]);
    expect(step.findings[0]!.evidence).toBe('first-seen tool shell.exec after warm-up');
  });

  it('flags it only the first time', () => {
    const { state, end } = trainedState();
    const first = stepAnomaly(state, ev({ ts: end + 1_000, session: 'x', tool: 'shell.exec' }), cfg);
    const second = stepAnomaly(first.state, ev({ ts: end + 2_000, session: 'x', tool: 'shell.exec' }), cfg);
    expect(second.findings).toEqual([]);
  });

  it('learns tools silently during warm-up', () => {
    const { state, end } = trainedState(3);
    const step = stepAnomaly(state, ev({ ts: end + 1_000, session: 'x', tool: 'shell.exec' }), cfg);
    expect(step.findings).toEqual([]);
    expect(lookup(step.state.seenTools, 'shell.exec')).toBeDefined();
  });

  it('treats prototype names such as __proto__ and constructor as ordinary tools', () => {
    const { state, end } = trainedState();
    let s = state;
    for (const [i, tool] of ['__proto__', 'constructor', 'toString'].entries()) {
      const step = stepAnomaly(s, ev({ ts: end + i * 1_000, session: 'x', tool }), cfg);
      expect(step.findings.map((f) => f.type)).toEqual([ANOMALY_TYPES.firstSeenTool]);
      s = step.state;
    }
    expect(s!.seenTools.map(([k]) => k)).toEqual(expect.arrayContaining(['__proto__', 'constructor', 'toString']));
    expect(deserializeAnomalyState(serializeAnomalyState(s!))).toEqual(s);
    const again = stepAnomaly(s, ev({ ts: end + 10_000, session: 'x', tool: '__proto__' }), cfg);
    expect(again.findings).toEqual([]);
  });
});

describe('first-seen destination', () => {
  it('flags a new host behind a known tool, by host not full URL', () => {
    const { state, end } = trainedState();
    const known = stepAnomaly(
      state,
      ev({ ts: end + 1_000, session: 'x', tool: 'fetch', target: 'https://API.example.com:443/other?q=1' }),
      cfg,
    );
    expect(known.findings).toEqual([]);
    const novel = stepAnomaly(
      known.state,
      ev({ ts: end + 2_000, session: 'x', tool: 'fetch', target: 'https://paste.evil.test/upload' }),
      cfg,
    );
    expect(novel.findings.map((f) => [f.type, f.evidence])).toEqual([
      [ANOMALY_TYPES.firstSeenDestination, 'first-seen destination paste.evil.test after warm-up'],
    ]);
  });
});

describe('tool mix', () => {
  it('flags a session dominated by a tool that is rare in the baseline', () => {
    const { state, end } = trainedState();
    let s = state;
    const types: string[] = [];
    for (let i = 1; i <= 25; i++) {
      const step = stepAnomaly(s, ev({ ts: end + i * 1_000, session: 'mix', tool: 'summarise' }), cfg);
      s = step.state;
      types.push(...step.findings.map((f) => f.type));
    }
    expect(types.filter((t) => t === ANOMALY_TYPES.toolMix)).toHaveLength(1);
  });

  it('leaves a session alone whose mix matches the baseline', () => {
    const { events, end } = normalSessions(5, trainedState().end + 10_000_000, 99);
    const run = feed({ state: trainedState().state, findings: [] }, events, cfg);
    expect(end).toBeGreaterThan(0);
    expect(run.findings.filter((f) => f.type === ANOMALY_TYPES.toolMix)).toEqual([]);
  });
});
