import type { AnomalyConfig } from '../../../../detectors/anomaly/config.ts';
import type { AnomalyState } from '../../../../detectors/anomaly/state.ts';
import { stepAnomaly } from '../../../../detectors/anomaly/step.ts';
import type { AgentEvent, DevWardenV1 } from '../../../../schemas/generated/agent-event.ts';
import type { Finding } from '../../../../schemas/generated/finding.ts';
import { makeEvent } from '../event.ts';

export const T0 = 1_764_000_000_000;

/** Deterministic pseudo-random integers in [lo, hi] (LCG), so the simulations are reproducible. */
export function rng(seed: number): (lo: number, hi: number) => number {
  let x = seed >>> 0;
  return (lo, hi) => {
    x = (Math.imul(x, 1_664_525) + 1_013_904_223) >>> 0;
    return lo + (x % (hi - lo + 1));
  };
}

let counter = 0;

export interface EventSpec {
  readonly ts: number;
  readonly session: string;
  readonly kind?: DevWardenV1.EventKind;
  readonly tool?: string;
  readonly target?: string | null;
  readonly mode?: DevWardenV1.ToolMode | null;
  readonly model?: string;
  readonly tokens?: number;
  readonly costUsd?: number;
  readonly agent?: string;
  readonly dataClasses?: string[];
}

export function ev(spec: EventSpec): AgentEvent {
  counter += 1;
  const base = makeEvent(null, spec.kind ?? (spec.tool === undefined ? 'model_request' : 'tool_call'));
  return {
    ...base,
    event_id: `EV${String(counter).padStart(10, '0')}`,
    ts: spec.ts,
    agent_id: spec.agent ?? 'agent-1',
    session_id: spec.session,
    tool:
      spec.tool === undefined
        ? null
        : { name: spec.tool, target: spec.target ?? null, mode: spec.mode ?? null, arguments: null },
    model: spec.model === undefined ? null : { system: 'openai', name: spec.model },
    usage:
      spec.tokens === undefined && spec.costUsd === undefined
        ? null
        : { input_tokens: spec.tokens ?? 0, output_tokens: 0, cost_usd: spec.costUsd ?? 0 },
    data_classes: spec.dataClasses ?? [],
  };
}

export interface Run {
  state: AnomalyState | undefined;
  readonly findings: Finding[];
}

export function feed(run: Run, events: Iterable<AgentEvent>, cfg: AnomalyConfig): Run {
  for (const e of events) {
    const step = stepAnomaly(run.state, e, cfg);
    run.state = step.state;
    run.findings.push(...step.findings);
  }
  return run;
}

const TOOLS = ['search', 'search', 'search', 'fetch', 'fetch', 'summarise'];

/**
 * `count` normal sessions: 8–12 calls 5 s apart, each with ~100 tokens and $0.001, a mix of
 * tools hitting api.example.com, closed by agent_end. Returns the events and the next free time.
 */
export function normalSessions(count: number, start = T0, seed = 7): { events: AgentEvent[]; end: number } {
  const r = rng(seed);
  const events: AgentEvent[] = [];
  let ts = start;
  for (let s = 0; s < count; s++) {
    const session = `normal-${start}-${s}`;
    const calls = r(8, 12);
    for (let c = 0; c < calls; c++) {
      ts += 5_000;
      const tool = c % 2 === 0 ? TOOLS[r(0, TOOLS.length - 1)] : undefined;
      events.push(
        ev({
          ts,
          session,
          tool,
          target: tool ? 'https://api.example.com/v1' : null,
          tokens: r(80, 120),
          costUsd: 0.001,
        }),
      );
    }
    ts += 1_000;
    events.push(ev({ ts, session, kind: 'agent_end' }));
    ts += 60_000;
  }
  return { events, end: ts };
}
