import type { AgentEvent } from '../../schemas/generated/agent-event.ts';
import type { Finding } from '../../schemas/generated/finding.ts';
import { buildFinding, type Severity } from '../finding.ts';
import { fmt } from './agent-activity.ts';
import type { AnomalyConfig } from './config.ts';
import type { RobustStats } from './robust-stats.ts';
import type { Level } from './state.ts';

export const ANOMALY_VERSION = '1.0.0';

export const ANOMALY_TYPES = Object.freeze({
  sessionCalls: 'anomaly.session_call_rate',
  callsPerMinute: 'anomaly.call_rate_per_minute',
  sessionTokens: 'anomaly.session_tokens',
  sessionCost: 'anomaly.session_cost',
  toolMix: 'anomaly.tool_mix',
  firstSeenTool: 'anomaly.first_seen_tool',
  firstSeenDestination: 'anomaly.first_seen_destination',
});

const LEVEL_SEVERITY: Readonly<Record<Exclude<Level, 0>, Severity>> = { 1: 'medium', 2: 'high', 3: 'critical' };

/** 1 above the upper bound, 2 above high × bound, 3 above critical × bound. */
export function levelOf(value: number, upper: number, cfg: AnomalyConfig): Level {
  if (value > upper * cfg.escalationCriticalMultiple) return 3;
  if (value > upper * cfg.escalationHighMultiple) return 2;
  return value > upper ? 1 : 0;
}

export interface BoundBreach {
  readonly type: string;
  /** Evidence label, e.g. `session calls`. */
  readonly label: string;
  readonly value: number;
  readonly upper: number;
  readonly stats: RobustStats;
  readonly level: Exclude<Level, 0>;
  /** Scope hint for the decision: session signals stop the session, not the agent. */
  readonly scope: 'session' | 'event';
}

export function breachFinding(e: AgentEvent, b: BoundBreach): Finding {
  const ratio = b.value / b.upper;
  return buildFinding(e, {
    detector: b.type,
    detectorVersion: ANOMALY_VERSION,
    type: b.type,
    severity: LEVEL_SEVERITY[b.level],
    score: 0.5 + 0.5 * (1 - 1 / ratio),
    spans: [],
    evidence:
      `${b.label} ${fmt(b.value)} > upper bound ${fmt(b.upper)} ` +
      `(median ${fmt(b.stats.median)}, MAD ${fmt(b.stats.mad)}, ${fmt(ratio)}x bound)`,
    attributes: {
      value: fmt(b.value),
      upper_bound: fmt(b.upper),
      median: fmt(b.stats.median),
      mad: fmt(b.stats.mad),
      baseline_samples: String(b.stats.n),
      level: String(b.level),
      scope: b.scope,
    },
  });
}

/** Tool names and hosts are identifiers, not content; still cut so evidence stays short. */
function shortName(name: string): string {
  return name.length > 64 ? `${name.slice(0, 64)}…` : name;
}

export function firstSeenFinding(e: AgentEvent, type: string, what: 'tool' | 'destination', name: string): Finding {
  return buildFinding(e, {
    detector: type,
    detectorVersion: ANOMALY_VERSION,
    type,
    severity: 'medium',
    score: 0.6,
    spans: [],
    evidence: `first-seen ${what} ${shortName(name)} after warm-up`,
    attributes: { [what]: shortName(name) },
  });
}

export function toolMixFinding(e: AgentEvent, tool: string, calls: number, share: number, baseline: number): Finding {
  return buildFinding(e, {
    detector: ANOMALY_TYPES.toolMix,
    detectorVersion: ANOMALY_VERSION,
    type: ANOMALY_TYPES.toolMix,
    severity: 'medium',
    score: Math.min(1, 0.5 + (share - baseline) / 2),
    spans: [],
    evidence:
      `tool ${shortName(tool)} share ${fmt(share * 100)}% of session tool calls ` +
      `(${calls} calls) vs baseline ${fmt(baseline * 100)}%`,
    attributes: { tool: shortName(tool), share: fmt(share), baseline_share: fmt(baseline), tool_calls: String(calls) },
  });
}
