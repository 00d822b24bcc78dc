import { DATA_CLASS_RULES } from '../../detectors/policy/data-classes.ts';
import type { ClickHouseClient } from '../lib/clickhouse/client.ts';
import { WardenError } from '../lib/errors.ts';
import type { RiskTier } from './bodies.ts';

/** One agent of the caller's tenant as the inventory reports it (docs/api.md). */
export interface AgentSummary {
  agent_id: string;
  owner: string;
  environment: string;
  models: string[];
  tools: string[];
  destinations: string[];
  data_classes: string[];
  first_seen: string | null;
  last_seen: string | null;
  events: number;
  running: boolean;
  registered: boolean;
  shadow: boolean;
  risk_tier: RiskTier | null;
  purpose: string | null;
}

export interface TrafficRow {
  agent_id: string;
  owner: string;
  environment: string;
  models: string[];
  tools: string[];
  destinations: string[];
  declared_classes: string[];
  first_seen_ms: number;
  last_seen_ms: number;
  events: number;
}

export interface FindingTypesRow {
  agent_id: string;
  types: string[];
}

export interface RegistryRow {
  agent_id: string;
  owner: string;
  purpose: string;
  risk_tier: RiskTier;
  registered_by: string;
  registered_at_ms: number;
}

export interface InventoryFilter {
  running?: boolean | undefined;
  personalData?: boolean | undefined;
}

/** Data classes implied by finding types, with the same rules the policy detector uses. */
export function classesOfFindingTypes(types: readonly string[]): string[] {
  const out = new Set<string>();
  for (const type of types) {
    const rule = DATA_CLASS_RULES.find((r) =>
      r.type.endsWith('.*') ? type.startsWith(r.type.slice(0, -1)) : type === r.type,
    );
    for (const c of rule?.classes ?? []) out.add(c);
  }
  return [...out];
}

/**
 * Joins traffic, findings and the registry into the inventory. Agents seen in traffic but not
 * registered are shadow agents; registered agents never seen are listed with zero events.
 */
export function mergeInventory(
  traffic: readonly TrafficRow[],
  findings: readonly FindingTypesRow[],
  registry: readonly RegistryRow[],
  nowMs: number,
  runningWindowMs: number,
): AgentSummary[] {
  const typesByAgent = new Map(findings.map((f) => [f.agent_id, f.types]));
  const registered = new Map(registry.map((r) => [r.agent_id, r]));
  const out: AgentSummary[] = [];
  for (const t of traffic) {
    const reg = registered.get(t.agent_id);
    registered.delete(t.agent_id);
    const classes = new Set(t.declared_classes.map((c) => c.trim().toLowerCase()).filter((c) => c !== ''));
    for (const c of classesOfFindingTypes(typesByAgent.get(t.agent_id) ?? [])) classes.add(c);
    out.push({
      agent_id: t.agent_id,
      owner: reg?.owner ?? t.owner,
      environment: t.environment,
      models: t.models,
      tools: t.tools,
      destinations: t.destinations,
      data_classes: [...classes].sort(),
      first_seen: new Date(t.first_seen_ms).toISOString(),
      last_seen: new Date(t.last_seen_ms).toISOString(),
      events: t.events,
      running: nowMs - t.last_seen_ms <= runningWindowMs,
      registered: reg !== undefined,
      shadow: reg === undefined,
      risk_tier: reg?.risk_tier ?? null,
      purpose: reg?.purpose ?? null,
    });
  }
  for (const reg of registered.values()) {
    out.push({
      agent_id: reg.agent_id,
      owner: reg.owner,
      environment: '',
      models: [],
      tools: [],
      destinations: [],
      data_classes: [],
      first_seen: null,
      last_seen: null,
      events: 0,
      running: false,
      registered: true,
      shadow: false,
      risk_tier: reg.risk_tier,
      purpose: reg.purpose,
    });
  }
  return out.sort((a, b) => a.agent_id.localeCompare(b.agent_id));
}

export function applyFilter(agents: readonly AgentSummary[], filter: InventoryFilter): AgentSummary[] {
  return agents.filter(
    (a) =>
      (filter.running === undefined || a.running === filter.running) &&
      (filter.personalData === undefined || a.data_classes.includes('personal') === filter.personalData),
  );
}

const AGENT_CLAUSE = ' AND agent_id = {agent:String}';

/**
 * The inventory's ClickHouse queries. Every query is bound to the caller's tenant through a
 * `{tenant:String}` parameter; no value from a request is ever concatenated into SQL.
 */
export class AgentInventory {
  constructor(
    private readonly ch: ClickHouseClient,
    private readonly runningWindowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  async list(tenant: string, filter: InventoryFilter = {}): Promise<AgentSummary[]> {
    return applyFilter(await this.load(tenant, null), filter);
  }

  async get(tenant: string, agentId: string): Promise<AgentSummary | null> {
    return (await this.load(tenant, agentId))[0] ?? null;
  }

  private async load(tenant: string, agentId: string | null): Promise<AgentSummary[]> {
    const clause = agentId === null ? '' : AGENT_CLAUSE;
    const params: Record<string, string> = agentId === null ? { tenant } : { tenant, agent: agentId };
    const [traffic, findings, registry] = await Promise.all([
      // Rollups kept by materialized views (schemas/clickhouse/006_agent_rollups.sql): one row per
      // agent and day, not one per event.
      this.rows<TrafficRow>(
        `SELECT agent_id, argMaxMerge(owner) AS owner, argMaxMerge(environment) AS environment,
           arraySort(groupUniqArrayMerge(models)) AS models,
           arraySort(groupUniqArrayMerge(tools)) AS tools,
           arraySort(groupUniqArrayMerge(destinations)) AS destinations,
           arraySort(groupUniqArrayArrayMerge(declared_classes)) AS declared_classes,
           toUnixTimestamp64Milli(min(first_seen)) AS first_seen_ms,
           toUnixTimestamp64Milli(max(last_seen)) AS last_seen_ms,
           uniqCombinedMerge(events) AS events
         FROM agent_activity_daily WHERE tenant_id = {tenant:String}${clause} GROUP BY agent_id`,
        params,
      ),
      this.rows<FindingTypesRow>(
        `SELECT agent_id, arraySort(groupUniqArray(type)) AS types
         FROM agent_finding_types WHERE tenant_id = {tenant:String}${clause} GROUP BY agent_id`,
        params,
      ),
      this.rows<RegistryRow>(
        `SELECT agent_id, owner, purpose, risk_tier, registered_by,
           toUnixTimestamp64Milli(registered_at) AS registered_at_ms
         FROM agent_registry FINAL WHERE tenant_id = {tenant:String}${clause}`,
        params,
      ),
    ]);
    return mergeInventory(traffic, findings, registry, this.now(), this.runningWindowMs);
  }

  private async rows<T>(query: string, params: Record<string, string>): Promise<T[]> {
    try {
      const result = await this.ch.query({ query, query_params: params, format: 'JSONEachRow' });
      return await result.json<T>();
    } catch (err) {
      throw new WardenError('API_STORE_UNAVAILABLE', (err as Error).message, { cause: err });
    }
  }
}
