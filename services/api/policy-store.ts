import type { ClickHouseClient } from '../lib/clickhouse/client.ts';
import type { Policy } from '../lib/control/control-state.ts';
import { WardenError } from '../lib/errors.ts';
import type { RiskTier } from './bodies.ts';
import type { AgentUsage } from './least-privilege.ts';

export type ChangeStatus = 'pending' | 'applied' | 'rejected';

/** One proposed version of an agent's policy; pending versions are the change requests. */
export interface PolicyVersion {
  tenant_id: string;
  agent_id: string;
  version: number;
  change_id: string;
  status: ChangeStatus;
  policy: Policy;
  reason: string;
  /** Risk tier of the agent when proposed ('' = not registered). */
  risk_tier: RiskTier | '';
  requires_approval: boolean;
  proposed_by: string;
  proposed_at: string;
  decided_by: string | null;
  decided_at: string | null;
  decision_comment: string | null;
  applied_at: string | null;
  /** `partition:offset` of the Policy control record once applied. */
  control_offset: string | null;
}

/** Persistence the policy workflow needs; PolicyStore is the ClickHouse one, tests may bring another. */
export interface PolicyRepository {
  riskTier(tenant: string, agent: string): Promise<RiskTier | null>;
  /** Every version of the agent, oldest first. */
  versions(tenant: string, agent: string): Promise<PolicyVersion[]>;
  change(tenant: string, changeId: string): Promise<PolicyVersion | null>;
  changes(tenant: string, status?: ChangeStatus): Promise<PolicyVersion[]>;
  /** Inserts or replaces (tenant, agent, version). */
  save(version: PolicyVersion): Promise<void>;
  usage(tenant: string, agent: string, days: number): Promise<AgentUsage>;
}

interface VersionRow {
  tenant_id: string;
  agent_id: string;
  version: number;
  change_id: string;
  status: ChangeStatus;
  policy: string;
  reason: string;
  risk_tier: RiskTier | '';
  requires_approval: boolean | number;
  proposed_by: string;
  proposed_ms: number;
  decided_by: string;
  decided_ms: number | null;
  decision_comment: string;
  applied_ms: number | null;
  control_offset: string;
}

const VERSION_COLUMNS = `tenant_id, agent_id, version, change_id, status, policy, reason, risk_tier, requires_approval,
  proposed_by, toUnixTimestamp64Milli(proposed_at) AS proposed_ms, decided_by,
  toUnixTimestamp64Milli(decided_at) AS decided_ms, decision_comment,
  toUnixTimestamp64Milli(applied_at) AS applied_ms, control_offset`;

const iso = (ms: number | null) => (ms === null ? null : new Date(Number(ms)).toISOString());

function fromRow(r: VersionRow): PolicyVersion {
  return {
    tenant_id: r.tenant_id,
    agent_id: r.agent_id,
    version: Number(r.version),
    change_id: r.change_id,
    status: r.status,
    policy: JSON.parse(r.policy) as Policy,
    reason: r.reason,
    risk_tier: r.risk_tier,
    requires_approval: Boolean(r.requires_approval),
    proposed_by: r.proposed_by,
    proposed_at: iso(r.proposed_ms) as string,
    decided_by: r.decided_by === '' ? null : r.decided_by,
    decided_at: iso(r.decided_ms),
    decision_comment: r.decision_comment === '' ? null : r.decision_comment,
    applied_at: iso(r.applied_ms),
    control_offset: r.control_offset === '' ? null : r.control_offset,
  };
}

/**
 * Policy versions in ClickHouse `policy_versions` (migration 004), and the agent's observed use
 * from `events` and `findings`. Every query is bound to the caller's tenant through a
 * `{tenant:String}` parameter; no request value is ever concatenated into SQL.
 */
export class PolicyStore implements PolicyRepository {
  constructor(
    private readonly ch: ClickHouseClient,
    private readonly now: () => number = Date.now,
  ) {}

  async riskTier(tenant: string, agent: string): Promise<RiskTier | null> {
    const rows = await this.rows<{ risk_tier: RiskTier }>(
      `SELECT risk_tier FROM agent_registry FINAL WHERE tenant_id = {tenant:String} AND agent_id = {agent:String}`,
      { tenant, agent },
    );
    return rows[0]?.risk_tier ?? null;
  }

  async versions(tenant: string, agent: string): Promise<PolicyVersion[]> {
    const rows = await this.rows<VersionRow>(
      `SELECT ${VERSION_COLUMNS} FROM policy_versions FINAL
       WHERE tenant_id = {tenant:String} AND agent_id = {agent:String} ORDER BY version`,
      { tenant, agent },
    );
    return rows.map(fromRow);
  }

  async change(tenant: string, changeId: string): Promise<PolicyVersion | null> {
    const rows = await this.rows<VersionRow>(
      `SELECT ${VERSION_COLUMNS} FROM policy_versions FINAL
       WHERE tenant_id = {tenant:String} AND change_id = {change:String}`,
      { tenant, change: changeId },
    );
    return rows[0] ? fromRow(rows[0]) : null;
  }

  async changes(tenant: string, status?: ChangeStatus): Promise<PolicyVersion[]> {
    // The status is filtered after FINAL has collapsed each version to its newest row.
    const rows = await this.rows<VersionRow>(
      `SELECT ${VERSION_COLUMNS} FROM policy_versions FINAL
       WHERE tenant_id = {tenant:String} ORDER BY proposed_at, agent_id, version`,
      { tenant },
    );
    return rows.map(fromRow).filter((v) => status === undefined || v.status === status);
  }

  async save(v: PolicyVersion): Promise<void> {
    const row = {
      tenant_id: v.tenant_id,
      agent_id: v.agent_id,
      version: v.version,
      change_id: v.change_id,
      status: v.status,
      policy: JSON.stringify(v.policy),
      reason: v.reason,
      risk_tier: v.risk_tier,
      requires_approval: v.requires_approval,
      proposed_by: v.proposed_by,
      proposed_at: v.proposed_at,
      decided_by: v.decided_by ?? '',
      decided_at: v.decided_at,
      decision_comment: v.decision_comment ?? '',
      applied_at: v.applied_at,
      control_offset: v.control_offset ?? '',
      updated_at: new Date(this.now()).toISOString(),
    };
    try {
      await this.ch.insert({ table: 'policy_versions', values: [row], format: 'JSONEachRow' });
    } catch (err) {
      throw new WardenError('API_STORE_UNAVAILABLE', (err as Error).message, { cause: err });
    }
  }

  async usage(tenant: string, agent: string, days: number): Promise<AgentUsage> {
    const params = { tenant, agent, since: this.now() - days * 86_400_000 };
    const window = `tenant_id = {tenant:String} AND agent_id = {agent:String}
      AND ts >= fromUnixTimestamp64Milli({since:Int64}, 'UTC')`;
    const [summary, tools, findings] = await Promise.all([
      this.rows<Omit<AgentUsage, 'tools' | 'finding_types'>>(
        `SELECT uniqExact(event_id) AS events,
           if(events = 0, NULL, toUnixTimestamp64Milli(min(ts))) AS first_seen_ms,
           if(events = 0, NULL, toUnixTimestamp64Milli(max(ts))) AS last_seen_ms,
           arraySort(groupUniqArrayIf(model_name, model_name != '')) AS models,
           arraySort(groupUniqArrayIf(tool_target, tool_target != '')) AS targets,
           arraySort(groupUniqArrayArray(data_classes)) AS declared_classes
         FROM events WHERE ${window}`,
        params,
      ),
      this.rows<AgentUsage['tools'][number]>(
        `SELECT tool_name, tool_mode, uniqExact(event_id) AS calls FROM events
         WHERE ${window} AND tool_name != '' GROUP BY tool_name, tool_mode ORDER BY tool_name, tool_mode`,
        params,
      ),
      this.rows<{ type: string }>(`SELECT DISTINCT type FROM findings WHERE ${window} ORDER BY type`, params),
    ]);
    const s = summary[0];
    return {
      events: Number(s?.events ?? 0),
      first_seen_ms: s?.first_seen_ms ?? null,
      last_seen_ms: s?.last_seen_ms ?? null,
      models: s?.models ?? [],
      targets: s?.targets ?? [],
      declared_classes: s?.declared_classes ?? [],
      tools: tools.map((t) => ({ ...t, calls: Number(t.calls) })),
      finding_types: findings.map((f) => f.type),
    };
  }

  private async rows<T>(query: string, params: Record<string, string | number>): Promise<T[]> {
    try {
      const result = await this.ch.query({ query, query_params: params, format: 'JSONEachRow' });
      return await result.json<T>();
    } catch (err) {
      throw new WardenError('API_STORE_UNAVAILABLE', (err as Error).message, { cause: err });
    }
  }
}
