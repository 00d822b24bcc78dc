import type { ClickHouseClient } from '../lib/clickhouse/client.ts';
import { WardenError } from '../lib/errors.ts';
import type { Regime, Stage } from './regulatory-clocks.ts';

export interface IncidentNotification {
  regime: Regime;
  stage: Stage;
  sent_at: string;
  /** The authority's or the entity's reference for the submission ('' when none). */
  reference: string;
  recorded_by: string;
  recorded_at: string;
}

export interface Incident {
  tenant_id: string;
  incident_id: string;
  version: number;
  title: string;
  description: string;
  detected_at: string;
  opened_by: string;
  opened_at: string;
  updated_at: string;
  agent_ids: string[];
  finding_ids: string[];
  gdpr_personal_data_breach: boolean;
  nis2_significant: boolean;
  dora_major_ict: boolean;
  /** When each flag was (last) set to true; null while the incident is not classified under it. */
  classified_at: Record<Regime, string | null>;
  notifications: IncidentNotification[];
}

/** A finding of the caller's tenant, as far as an incident needs it (never its evidence). */
export interface FindingRef {
  finding_id: string;
  agent_id: string;
  type: string;
  ts: string;
}

export interface FindingCount {
  type: string;
  severity: string;
  findings: number;
  sessions: number;
  agents: number;
}

export interface MeasureCount {
  action: string;
  agent_id: string;
  verdicts: number;
  first_at: string;
  last_at: string;
}

export interface IncidentEvidence {
  findings: FindingCount[];
  measures: MeasureCount[];
  first_finding_at: string | null;
  last_finding_at: string | null;
}

/** Verdict actions that count as measures taken in a notification. */
export const MEASURE_ACTIONS = ['block', 'quarantine_agent', 'revoke_credential'] as const;

interface Row {
  tenant_id: string;
  incident_id: string;
  version: number;
  title: string;
  description: string;
  detected_ms: number;
  opened_by: string;
  opened_ms: number;
  updated_ms: number;
  agent_ids: string[];
  finding_ids: string[];
  gdpr_personal_data_breach: boolean | number;
  nis2_significant: boolean | number;
  dora_major_ict: boolean | number;
  gdpr_ms: number | null;
  nis2_ms: number | null;
  dora_ms: number | null;
  notifications: string;
}

const COLUMNS = `tenant_id, incident_id, version, title, description,
  toUnixTimestamp64Milli(detected_at) AS detected_ms, opened_by,
  toUnixTimestamp64Milli(opened_at) AS opened_ms, toUnixTimestamp64Milli(updated_at) AS updated_ms,
  agent_ids, finding_ids, gdpr_personal_data_breach, nis2_significant, dora_major_ict,
  toUnixTimestamp64Milli(gdpr_classified_at) AS gdpr_ms, toUnixTimestamp64Milli(nis2_classified_at) AS nis2_ms,
  toUnixTimestamp64Milli(dora_classified_at) AS dora_ms, notifications`;

const iso = (ms: number | null) => (ms === null ? null : new Date(Number(ms)).toISOString());

function fromRow(r: Row): Incident {
  return {
    tenant_id: r.tenant_id,
    incident_id: r.incident_id,
    version: Number(r.version),
    title: r.title,
    description: r.description,
    detected_at: iso(r.detected_ms)!,
    opened_by: r.opened_by,
    opened_at: iso(r.opened_ms)!,
    updated_at: iso(r.updated_ms)!,
    agent_ids: r.agent_ids,
    finding_ids: r.finding_ids,
    gdpr_personal_data_breach: Boolean(r.gdpr_personal_data_breach),
    nis2_significant: Boolean(r.nis2_significant),
    dora_major_ict: Boolean(r.dora_major_ict),
    classified_at: { gdpr: iso(r.gdpr_ms), nis2: iso(r.nis2_ms), dora: iso(r.dora_ms) },
    notifications: JSON.parse(r.notifications || '[]') as IncidentNotification[],
  };
}

function toRow(i: Incident) {
  return {
    tenant_id: i.tenant_id,
    incident_id: i.incident_id,
    version: i.version,
    title: i.title,
    description: i.description,
    detected_at: i.detected_at,
    opened_by: i.opened_by,
    opened_at: i.opened_at,
    updated_at: i.updated_at,
    agent_ids: i.agent_ids,
    finding_ids: i.finding_ids,
    gdpr_personal_data_breach: i.gdpr_personal_data_breach,
    nis2_significant: i.nis2_significant,
    dora_major_ict: i.dora_major_ict,
    gdpr_classified_at: i.classified_at.gdpr,
    nis2_classified_at: i.classified_at.nis2,
    dora_classified_at: i.classified_at.dora,
    notifications: JSON.stringify(i.notifications),
  };
}

/**
 * Incidents in ClickHouse (`incidents`, migration 005): one row per version, the highest version
 * wins (ReplacingMergeTree, read with FINAL). Every query binds the caller's tenant as a parameter.
 */
export class IncidentStore {
  constructor(private readonly ch: ClickHouseClient) {}

  async get(tenant: string, incidentId: string): Promise<Incident | null> {
    const rows = await this.#query<Row>(
      `SELECT ${COLUMNS} FROM incidents FINAL
       WHERE tenant_id = {tenant:String} AND incident_id = {id:String} LIMIT 1`,
      { tenant, id: incidentId },
    );
    return rows[0] ? fromRow(rows[0]) : null;
  }

  async list(tenant: string, limit = 1000): Promise<Incident[]> {
    const rows = await this.#query<Row>(
      `SELECT ${COLUMNS} FROM incidents FINAL WHERE tenant_id = {tenant:String}
       ORDER BY detected_at DESC, incident_id LIMIT {limit:UInt32}`,
      { tenant, limit },
    );
    return rows.map(fromRow);
  }

  async save(incident: Incident): Promise<void> {
    try {
      await this.ch.insert({ table: 'incidents', values: [toRow(incident)], format: 'JSONEachRow' });
    } catch (err) {
      throw new WardenError('API_STORE_UNAVAILABLE', (err as Error).message, { cause: err });
    }
  }

  /** The findings among `ids` that belong to `tenant`; ids of other tenants are simply absent. */
  async findings(tenant: string, ids: readonly string[]): Promise<FindingRef[]> {
    if (ids.length === 0) return [];
    const rows = await this.#query<{ finding_id: string; agent_id: string; type: string; ts_ms: number }>(
      `SELECT finding_id, any(agent_id) AS agent_id, any(type) AS type, toUnixTimestamp64Milli(min(ts)) AS ts_ms
       FROM findings WHERE tenant_id = {tenant:String} AND has(JSONExtract({ids:String}, 'Array(String)'), finding_id)
       GROUP BY finding_id ORDER BY finding_id`,
      { tenant, ids: JSON.stringify(ids) },
    );
    return rows.map((r) => ({ finding_id: r.finding_id, agent_id: r.agent_id, type: r.type, ts: iso(r.ts_ms)! }));
  }

  /**
   * Aggregates a notification draft is built from: findings of the incident by type and severity
   * (counts only, never evidence) and the blocking verdicts issued to its agents since the earliest
   * of detection and the first finding.
   */
  async evidence(tenant: string, incident: Incident): Promise<IncidentEvidence> {
    const counts =
      incident.finding_ids.length === 0
        ? []
        : await this.#query<FindingCount & { first_ms: number; last_ms: number }>(
            `SELECT type, severity, uniqExact(finding_id) AS findings, uniqExact(session_id) AS sessions,
                    uniqExact(agent_id) AS agents, toUnixTimestamp64Milli(min(ts)) AS first_ms,
                    toUnixTimestamp64Milli(max(ts)) AS last_ms
             FROM findings WHERE tenant_id = {tenant:String} AND has(JSONExtract({ids:String}, 'Array(String)'), finding_id)
             GROUP BY type, severity ORDER BY type, severity`,
            { tenant, ids: JSON.stringify(incident.finding_ids) },
          );
    const firstMs = counts.length > 0 ? Math.min(...counts.map((c) => Number(c.first_ms))) : null;
    const lastMs = counts.length > 0 ? Math.max(...counts.map((c) => Number(c.last_ms))) : null;
    const since = Math.min(Date.parse(incident.detected_at), firstMs ?? Number.POSITIVE_INFINITY);
    const measures =
      incident.agent_ids.length === 0
        ? []
        : await this.#query<{ action: string; agent_id: string; verdicts: number; first_ms: number; last_ms: number }>(
            `SELECT action, agent_id, uniqExact(verdict_id) AS verdicts,
                    toUnixTimestamp64Milli(min(issued_at)) AS first_ms, toUnixTimestamp64Milli(max(issued_at)) AS last_ms
             FROM verdicts
             WHERE tenant_id = {tenant:String} AND has(JSONExtract({agents:String}, 'Array(String)'), agent_id)
               AND action IN {actions:Array(String)} AND issued_at >= fromUnixTimestamp64Milli({since:Int64})
             GROUP BY action, agent_id ORDER BY action, agent_id`,
            { tenant, agents: JSON.stringify(incident.agent_ids), actions: [...MEASURE_ACTIONS], since },
          );
    return {
      findings: counts.map((c) => ({
        type: c.type,
        severity: c.severity,
        findings: Number(c.findings),
        sessions: Number(c.sessions),
        agents: Number(c.agents),
      })),
      measures: measures.map((m) => ({
        action: m.action,
        agent_id: m.agent_id,
        verdicts: Number(m.verdicts),
        first_at: iso(m.first_ms)!,
        last_at: iso(m.last_ms)!,
      })),
      first_finding_at: iso(firstMs),
      last_finding_at: iso(lastMs),
    };
  }

  /**
   * Id lists travel as one JSON String parameter: @clickhouse/client does not escape quotes inside
   * Array(String) parameters, so an id with a quote would fail to parse (never inject: it is still a parameter).
   */
  async #query<T>(query: string, params: Record<string, unknown>): Promise<T[]> {
    try {
      return await (await this.ch.query({ query, query_params: params, format: 'JSONEachRow' })).json<T>();
    } catch (err) {
      throw new WardenError('API_STORE_UNAVAILABLE', (err as Error).message, { cause: err });
    }
  }
}
