import { destinationOf } from '../../detectors/policy/destination.ts';
import type { Policy } from '../lib/control/control-state.ts';
import { classesOfFindingTypes } from './inventory.ts';

/** What an agent actually did over a window, as the policy store reads it from `events` and `findings`. */
export interface AgentUsage {
  events: number;
  first_seen_ms: number | null;
  last_seen_ms: number | null;
  models: string[];
  /** Raw tool targets; reduced to destinations the way the policy detector does (destinationOf). */
  targets: string[];
  /** Data classes the gateways declared on the events. */
  declared_classes: string[];
  /** One row per tool and reported mode ('' = the gateway did not report one). */
  tools: { tool_name: string; tool_mode: string; calls: number }[];
  /** Finding types raised on the agent's events (pii.email → personal, …). */
  finding_types: string[];
}

/** The scope fields of a Policy: what a proposal sets (the API assigns policy_id defaults and the version). */
export type PolicyScope = Omit<Policy, 'policy_id' | 'version'>;

export interface ToolUsage {
  name: string;
  modes_seen: string[];
  calls: number;
  granted: 'read' | 'write';
}

export interface SuggestedScope {
  tenant_id: string;
  agent_id: string;
  days: number;
  since: string;
  until: string;
  events: number;
  first_seen: string | null;
  last_seen: string | null;
  /** A ready-to-propose body for PUT /v1/agents/:id/policy (add a reason). Starts in shadow mode. */
  policy: PolicyScope;
  tools: ToolUsage[];
}

const sorted = (values: Iterable<string>) => [...new Set(values)].filter((v) => v !== '').sort();

/**
 * Least privilege from observed use: exactly the models, tools, destinations and data classes seen
 * in the window, nothing more. A tool gets `write` only if a write was seen; a tool whose mode was
 * never reported gets `read` (the policy detector treats an unreported mode as read by default).
 * An agent with no traffic gets empty allow-lists (deny all), never null (allow any). Budgets and
 * actions are left to the proposer; the policy starts in `shadow` so it can be evaluated on live
 * traffic before it is enforced.
 */
export function suggestScope(
  usage: AgentUsage,
  ctx: { tenant: string; agent: string; days: number; nowMs: number },
): SuggestedScope {
  const byTool = new Map<string, { modes: Set<string>; calls: number }>();
  for (const row of usage.tools) {
    if (row.tool_name === '') continue;
    const t = byTool.get(row.tool_name) ?? { modes: new Set<string>(), calls: 0 };
    if (row.tool_mode !== '') t.modes.add(row.tool_mode);
    t.calls += Number(row.calls);
    byTool.set(row.tool_name, t);
  }
  const tools: ToolUsage[] = [...byTool.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, t]) => ({
      name,
      modes_seen: [...t.modes].sort(),
      calls: t.calls,
      granted: t.modes.has('write') ? 'write' : 'read',
    }));
  const classes = new Set(usage.declared_classes.map((c) => c.trim().toLowerCase()));
  for (const c of classesOfFindingTypes(usage.finding_types)) classes.add(c);
  const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
  return {
    tenant_id: ctx.tenant,
    agent_id: ctx.agent,
    days: ctx.days,
    since: new Date(ctx.nowMs - ctx.days * 86_400_000).toISOString(),
    until: new Date(ctx.nowMs).toISOString(),
    events: usage.events,
    first_seen: usage.events > 0 ? iso(usage.first_seen_ms) : null,
    last_seen: usage.events > 0 ? iso(usage.last_seen_ms) : null,
    policy: {
      enforcement: 'shadow',
      fail_mode: 'closed',
      allowed_models: sorted(usage.models),
      allowed_tools: tools.map((t) => ({ name: t.name, mode: t.granted })),
      allowed_destinations: sorted(usage.targets.map(destinationOf)),
      allowed_data_classes: sorted(classes),
      budgets: { max_calls_per_session: null, max_tokens_per_session: null, max_cost_usd_per_day: null },
      actions: {},
      thresholds: {},
    },
    tools,
  };
}
