import type { AgentEvent } from '../../schemas/generated/index.ts';
import type { ClickHouseClient } from '../lib/clickhouse/client.ts';

interface HistoryRow {
  event_id: string;
  ts_ms: number;
  session_id: string;
  kind: AgentEvent['kind'];
  tool_name: string;
  tool_target: string;
  tool_mode: string;
  model_system: string;
  model_name: string;
  input_tokens: number;
  output_tokens: number;
  cost_usd: number;
}

export interface BaselineWindow {
  lookbackDays: number;
  maxEvents: number;
}

/**
 * Rebuilds what the stateful checks need after a restart or a rebalance, from the events already in
 * ClickHouse: the agent's recent calls, sessions, tools, destinations and spend, in time order.
 * Only metadata is read (no content), and only events older than the batch being processed.
 */
export class BaselineLoader {
  constructor(
    private readonly ch: ClickHouseClient,
    private readonly window: BaselineWindow,
  ) {}

  async history(tenant: string, agent: string, beforeMs: number): Promise<AgentEvent[]> {
    const result = await this.ch.query({
      query: `SELECT event_id, toUnixTimestamp64Milli(ts) AS ts_ms, session_id, kind, tool_name, tool_target, tool_mode,
                     model_system, model_name, input_tokens, output_tokens, cost_usd
              FROM (
                SELECT * FROM events
                WHERE tenant_id = {tenant:String} AND agent_id = {agent:String}
                  AND ts < fromUnixTimestamp64Milli({before:Int64})
                  AND ts >= fromUnixTimestamp64Milli({before:Int64}) - toIntervalDay({days:UInt32})
                ORDER BY ts DESC LIMIT 1 BY event_id
                LIMIT {max:UInt32}
              ) ORDER BY ts, event_id`,
      query_params: { tenant, agent, before: beforeMs, days: this.window.lookbackDays, max: this.window.maxEvents },
      format: 'JSONEachRow',
    });
    const rows = await result.json<HistoryRow>();
    return rows.map((r) => toEvent(tenant, agent, r));
  }
}

function toEvent(tenant: string, agent: string, r: HistoryRow): AgentEvent {
  return {
    event_id: r.event_id,
    ts: Number(r.ts_ms),
    tenant_id: tenant,
    agent_id: agent,
    agent_version: null,
    owner: null,
    environment: 'production',
    session_id: r.session_id,
    trace_id: null,
    span_id: null,
    kind: r.kind,
    model: r.model_name ? { system: r.model_system, name: r.model_name } : null,
    tool: r.tool_name
      ? {
          name: r.tool_name,
          target: r.tool_target || null,
          mode: r.tool_mode === 'read' || r.tool_mode === 'write' ? r.tool_mode : null,
          arguments: null,
        }
      : null,
    content: null,
    usage: {
      input_tokens: Number(r.input_tokens),
      output_tokens: Number(r.output_tokens),
      cost_usd: Number(r.cost_usd),
    },
    principal: null,
    source: { enforcement_point_id: 'replay', mode: 'mirror' },
    data_classes: [],
    attributes: {},
  };
}
