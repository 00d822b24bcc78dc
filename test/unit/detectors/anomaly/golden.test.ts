import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type AnomalyConfig, DEFAULT_ANOMALY_CONFIG } from '../../../../detectors/anomaly/config.ts';
import { ANOMALY_TYPES } from '../../../../detectors/anomaly/findings.ts';
import { type AnomalyState, serializeAnomalyState } from '../../../../detectors/anomaly/state.ts';
import { stepAnomaly, stepAnomalyInPlace } from '../../../../detectors/anomaly/step.ts';
import type { AgentEvent } from '../../../../schemas/generated/agent-event.ts';
import { makeEvent } from '../event.ts';
import { rng, T0 } from './simulate.ts';

/**
 * Regression digests of the anomaly model: findings and state after every event of seeded random
 * agent histories, recorded from the copy-on-write implementation before per-agent state became
 * mutable (detect steps it in place). Any change of behaviour changes a digest; when a change is
 * intended, regenerate with UPDATE_GOLDEN=1 and say why in the commit.
 */
const FIXTURE = join(import.meta.dirname, '../../../fixtures/detectors/anomaly-golden.json');

/** Small caps and warm-up, so eviction, expiry, escalation and tool mix all happen in a few hundred events. */
const CFG: AnomalyConfig = {
  ...DEFAULT_ANOMALY_CONFIG,
  minSessions: 4,
  minMinutes: 3,
  sessionIdleTimeoutMs: 10 * 60_000,
  toolMixMinCalls: 4,
  windowSessions: 6,
  windowMinutes: 8,
  maxOpenSessions: 3,
  maxTrackedTools: 4,
  maxTrackedDestinations: 3,
  maxToolsPerSession: 3,
  maxKeyChars: 12,
};

const KINDS = ['model_request', 'model_response', 'tool_call', 'tool_call', 'tool_result', 'agent_end'] as const;

function history(seed: number, n: number): AgentEvent[] {
  const r = rng(seed);
  let ts = T0;
  const out: AgentEvent[] = [];
  let session = 's0';
  let left = 0;
  let burst = false;
  let favourite = 'tool-0';
  for (let i = 0; i < n; i++) {
    if (left === 0) {
      // A new session: usually ordinary, 1 in 6 a runaway (fast calls, one tool, many tokens).
      burst = r(0, 5) === 0 && i > n / 3;
      left = burst ? r(30, 60) : r(3, 12);
      session = `s${r(0, 9) === 0 ? r(3, 5) : r(0, 2)}-${i}${r(0, 7) === 0 ? '-a-long-session-id' : ''}`;
      favourite = `tool-${r(0, 3)}`;
      if (r(0, 4) === 0) ts += 11 * 60_000; // idle: open sessions expire
    }
    left -= 1;
    const late = r(0, 25) === 0;
    ts += late ? -r(1, 90_000) : burst ? r(50, 600) : r(1_000, 20_000);
    const kind = left === 0 && r(0, 1) === 0 ? 'agent_end' : KINDS[r(0, KINDS.length - 2)]!;
    const base = makeEvent(null, kind);
    const toolName = burst ? favourite : r(0, 12) === 0 ? `tool-${r(4, 6)}-with-a-long-name` : `tool-${r(0, 3)}`;
    const scale = burst ? 20 : 1;
    out.push({
      ...base,
      event_id: `G${seed}-${i}`,
      ts,
      session_id: session,
      kind,
      tool:
        kind === 'tool_call'
          ? {
              name: toolName,
              target: r(0, 2) === 0 ? null : `https://h${r(0, 3)}.example.com/x`,
              mode: null,
              arguments: null,
            }
          : null,
      usage:
        kind === 'model_response'
          ? { input_tokens: r(10, 400) * scale, output_tokens: r(0, 200), cost_usd: (r(0, 5) * scale) / 100 }
          : null,
    });
  }
  return out;
}

type Step = (
  prev: AnomalyState | undefined,
  e: AgentEvent,
  cfg: AnomalyConfig,
) => { state: AnomalyState; findings: unknown[] };

function digest(events: readonly AgentEvent[], step: Step): { digest: string; findings: number; types: string[] } {
  const h = createHash('sha256');
  let s: AnomalyState | undefined;
  let findings = 0;
  const types = new Set<string>();
  for (const e of events) {
    const r = step(s, e, CFG);
    s = r.state;
    findings += r.findings.length;
    for (const f of r.findings as { type: string }[]) types.add(f.type);
    h.update(JSON.stringify(r.findings));
    h.update(serializeAnomalyState(s));
  }
  return { digest: h.digest('hex'), findings, types: [...types].sort() };
}

const SEEDS = [1, 2, 3, 5, 8, 13, 21, 34];
const EVENTS = 600;

describe('anomaly model, golden digests', () => {
  const pure = Object.fromEntries(SEEDS.map((seed) => [seed, digest(history(seed, EVENTS), stepAnomaly)]));

  if (process.env.UPDATE_GOLDEN === '1') writeFileSync(FIXTURE, `${JSON.stringify(pure, null, 2)}\n`);
  const expected = JSON.parse(readFileSync(FIXTURE, 'utf8')) as typeof pure;

  it('the scenarios find something (all seven anomaly types occur across the seeds)', () => {
    for (const seed of SEEDS) expect(pure[seed]!.findings, `seed ${seed}`).toBeGreaterThan(5);
    expect(new Set(SEEDS.flatMap((seed) => pure[seed]!.types)).size).toBe(Object.keys(ANOMALY_TYPES).length);
  });

  it('pure steps give the recorded findings and states', () => {
    expect(pure).toEqual(expected);
  });

  it('stepping one state in place gives the same findings and states', () => {
    const inPlace: Step = (prev, e, cfg) => stepAnomalyInPlace(prev, e, cfg);
    for (const seed of SEEDS) expect(digest(history(seed, EVENTS), inPlace), `seed ${seed}`).toEqual(expected[seed]);
  });
});
