import { describe, expect, it } from 'vitest';
import {
  AnomalyConfigError,
  anomalyConfigFromThresholds,
  DEFAULT_ANOMALY_CONFIG,
  resolveAnomalyConfig,
} from '../../../../detectors/anomaly/config.ts';
import { createAnomalyDetector } from '../../../../detectors/anomaly/detector.ts';
import { resolveDetectorConfig } from '../../../../detectors/config.ts';
import { PolicyConfigError, policyEvalConfigFromThresholds } from '../../../../detectors/policy/config.ts';
import { createPolicyDetector } from '../../../../detectors/policy/detector.ts';
import { fixturePolicy } from '../policy/policy-fixture.ts';
import { ev, feed, normalSessions } from './simulate.ts';

describe('anomaly config', () => {
  it('maps policy thresholds onto options and ignores other families', () => {
    const cfg = anomalyConfigFromThresholds({
      'anomaly.session_calls.mad_k': 6,
      'anomaly.min_sessions': 5,
      'policy.session_idle_timeout_ms': 1,
      'injection.ml': 0.9,
    });
    expect(cfg).toMatchObject({ sessionCallsMadK: 6, minSessions: 5 });
    expect(cfg.sessionTokensMadK).toBe(DEFAULT_ANOMALY_CONFIG.sessionTokensMadK);
  });

  it('reports every bad threshold at once, by its policy key', () => {
    let err: unknown;
    try {
      anomalyConfigFromThresholds({ 'anomaly.min_sessions': 2.5, 'anomaly.tool_mix.alpha': 3 });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(AnomalyConfigError);
    expect((err as AnomalyConfigError).problems).toEqual([
      'anomaly.min_sessions must be a positive integer',
      'anomaly.tool_mix.alpha must be a number in (0, 1]',
    ]);
  });

  it('rejects an unknown anomaly threshold instead of ignoring a typo', () => {
    expect(() => anomalyConfigFromThresholds({ 'anomaly.session_call.mad_k': 3 })).toThrow(
      'unknown threshold anomaly.session_call.mad_k',
    );
  });

  it('does not let a policy raise the memory bounds', () => {
    expect(() => anomalyConfigFromThresholds({ 'anomaly.window_sessions': 1e9 })).toThrow(AnomalyConfigError);
    expect(() => resolveAnomalyConfig({ minMinutes: 500 })).toThrow('minMinutes must be <= windowMinutes');
  });
});

describe('policy evaluator config', () => {
  it('reads the idle timeout and the unknown-mode switch, and rejects the rest', () => {
    expect(
      policyEvalConfigFromThresholds({
        'policy.session_idle_timeout_ms': 60_000,
        'policy.tool_mode.unknown_as_write': 1,
      }),
    ).toMatchObject({ sessionIdleTimeoutMs: 60_000, unknownToolModeAsWrite: true });
    expect(() => policyEvalConfigFromThresholds({ 'policy.tool_mode.unknown_as_write': 2, 'policy.x': 1 })).toThrow(
      PolicyConfigError,
    );
  });
});

describe('Detector wrappers', () => {
  it('returns the anomaly findings for the state in the context', () => {
    const { events, end } = normalSessions(30);
    const state = feed({ state: undefined, findings: [] }, events, DEFAULT_ANOMALY_CONFIG).state;
    const d = createAnomalyDetector(resolveDetectorConfig());
    const e = ev({ ts: end + 1_000, session: 'x', tool: 'shell.exec' });
    expect(d.detect(e, { agentState: state }).map((f) => f.type)).toEqual(['anomaly.first_seen_tool']);
    expect(d.detect(e)).toEqual([]);
  });

  it('returns the policy findings for the policy in the context', () => {
    const d = createPolicyDetector(resolveDetectorConfig());
    const e = ev({ ts: 1, session: 'x', tool: 'shell.exec', mode: 'read' });
    expect(d.detect(e, { agentState: { policy: fixturePolicy() } }).map((f) => f.type)).toEqual([
      'policy.tool_not_allowed',
    ]);
    expect(d.detect(e)).toEqual([]);
  });
});
