import type { ClickHouseClient } from '../lib/clickhouse/client.ts';
import { WardenError } from '../lib/errors.ts';
import { queryRows } from './session-reconstruction.ts';

/**
 * GDPR art. 30 record of processing activities, one entry per agent, generated from traffic:
 * purposes (agent_registry), categories of personal data (pii.* findings and declared data classes),
 * recipients (model providers and tool destinations), retention (the events' TTL) and the technical
 * measures warden applied (enforcement actions seen). Only types and counts: no personal data.
 */

export const NOT_REGISTERED = '[not registered]';
export const MAX_DAYS = 3650;

/** Art. 30(1)(c) categories for each PII finding type the detectors raise. */
export const PII_CATEGORIES: Readonly<Record<string, string>> = {
  'pii.email': 'contact details (email address)',
  'pii.phone': 'contact details (phone number)',
  'pii.iban': 'financial data (bank account / IBAN)',
  'pii.payment_card': 'financial data (payment card number)',
  'pii.us_ssn': 'national identification number (US SSN)',
  'pii.uk_nino': 'national identification number (UK NINO)',
  'pii.date_of_birth': 'date of birth',
  'pii.ip_address': 'online identifier (IP address)',
  'pii.postal_address': 'contact details (postal address)',
  'pii.person_name': 'identification data (name)',
};

const MEASURES: Readonly<Record<string, string>> = {
  redact: 'personal data and secrets redacted before forwarding',
  block: 'calls violating the policy blocked',
  require_approval: 'calls held for human approval',
  quarantine_agent: 'agent quarantined',
  revoke_credential: 'agent credentials revoked',
  allow: 'calls inspected and allowed',
};

/** Measures that hold for every agent behind warden, whatever traffic it had. */
export const STANDING_MEASURES = [
  'content stored only as sha256 and length; kept text is redacted',
  'detector evidence masked for every role',
  'access by role-based API keys stored hashed, isolated per tenant',
];

export interface TrafficRow {
  agent_id: string;
  owner: string;
  environments: string[];
  /** Tuples arrive as objects or as [system, name] arrays depending on the server settings. */
  models: ({ system: string; name: string } | [string, string])[];
  destinations: string[];
  tools: string[];
  declared_classes: string[];
  retention_days: number[];
  events: number;
  first_ms: number;
  last_ms: number;
}

export interface PiiRow {
  agent_id: string;
  type: string;
  n: number;
}

export interface ActionRow {
  agent_id: string;
  action: string;
  n: number;
}

export interface RegistryRow {
  agent_id: string;
  owner: string;
  purpose: string;
  risk_tier: string;
}

export interface PersonalDataCategory {
  type: string;
  category: string;
  findings: number;
}

export interface ProcessingActivity {
  agent_id: string;
  registered: boolean;
  controller_contact: string;
  purposes: string[];
  risk_tier: string;
  environments: string[];
  processes_personal_data: boolean;
  personal_data_categories: PersonalDataCategory[];
  declared_data_classes: string[];
  data_subjects: string;
  recipients: {
    model_providers: { system: string; models: string[] }[];
    tool_destinations: string[];
  };
  retention: { events_days: number[]; description: string };
  security_measures: { action: string; events: number; measure: string }[];
  standing_measures: string[];
  traffic: { events: number; first_seen: string; last_seen: string };
}

export interface ProcessingRecord {
  tenant_id: string;
  generated_at: string;
  period: { days: number; from: string; to: string };
  activities: ProcessingActivity[];
}

function modelPair(m: { system: string; name: string } | [string, string]): { system: string; name: string } {
  return Array.isArray(m) ? { system: m[0], name: m[1] } : m;
}

/** Builds the record from rows already bound to one tenant and period. */
export function buildProcessingRecord(
  tenant: string,
  days: number,
  nowMs: number,
  traffic: readonly TrafficRow[],
  pii: readonly PiiRow[],
  actions: readonly ActionRow[],
  registry: readonly RegistryRow[],
): ProcessingRecord {
  const reg = new Map(registry.map((r) => [r.agent_id, r]));
  const activities = [...traffic]
    .sort((a, b) => a.agent_id.localeCompare(b.agent_id))
    .map((t): ProcessingActivity => {
      const r = reg.get(t.agent_id);
      const categories = pii
        .filter((p) => p.agent_id === t.agent_id)
        .map((p) => ({ type: p.type, category: PII_CATEGORIES[p.type] ?? p.type, findings: Number(p.n) }))
        .sort((a, b) => a.type.localeCompare(b.type));
      const declared = [...new Set(t.declared_classes.map((c) => c.trim().toLowerCase()).filter((c) => c))].sort();
      const providers = new Map<string, Set<string>>();
      for (const raw of t.models) {
        const m = modelPair(raw);
        if (m.system === '' && m.name === '') continue;
        const system = m.system || '[unknown system]';
        const set = providers.get(system) ?? new Set<string>();
        if (m.name) set.add(m.name);
        providers.set(system, set);
      }
      const measures = actions
        .filter((a) => a.agent_id === t.agent_id)
        .map((a) => ({ action: a.action, events: Number(a.n), measure: MEASURES[a.action] ?? a.action }))
        .sort((a, b) => b.events - a.events || a.action.localeCompare(b.action));
      const retention = [...new Set(t.retention_days.map(Number))].sort((a, b) => a - b);
      return {
        agent_id: t.agent_id,
        registered: r !== undefined,
        controller_contact: r?.owner || t.owner || NOT_REGISTERED,
        purposes: r?.purpose ? [r.purpose] : [NOT_REGISTERED],
        risk_tier: r?.risk_tier || NOT_REGISTERED,
        environments: [...t.environments].sort(),
        processes_personal_data: categories.length > 0 || declared.includes('personal'),
        personal_data_categories: categories,
        declared_data_classes: declared,
        data_subjects: '[to be completed by the controller]',
        recipients: {
          model_providers: [...providers.entries()]
            .map(([system, models]) => ({ system, models: [...models].sort() }))
            .sort((a, b) => a.system.localeCompare(b.system)),
          tool_destinations: [...t.destinations].sort(),
        },
        retention: {
          events_days: retention,
          description:
            retention.length === 0
              ? '[unknown]'
              : `event metadata deleted after ${retention.join(' / ')} days (ClickHouse TTL)`,
        },
        security_measures: measures,
        standing_measures: STANDING_MEASURES,
        traffic: {
          events: Number(t.events),
          first_seen: new Date(Number(t.first_ms)).toISOString(),
          last_seen: new Date(Number(t.last_ms)).toISOString(),
        },
      };
    });
  return {
    tenant_id: tenant,
    generated_at: new Date(nowMs).toISOString(),
    period: { days, from: new Date(nowMs - days * 86_400_000).toISOString(), to: new Date(nowMs).toISOString() },
    activities,
  };
}

/** Markdown cells: pipes and line breaks from agent ids or purposes must not break the table. */
function md(value: string): string {
  return value.replaceAll('\r\n', ' ').replaceAll('\r', ' ').replaceAll('\n', ' ').replaceAll('|', '\\|');
}

/** The record as a Markdown document (one section per agent), for the DPO's register. */
export function renderProcessingRecordMarkdown(r: ProcessingRecord): string {
  const lines = [
    `# Record of processing activities (GDPR art. 30) — tenant ${md(r.tenant_id)}`,
    '',
    `Generated ${r.generated_at} from warden traffic of the last ${r.period.days} days (${r.period.from} to ${r.period.to}).`,
    '',
    '| Agent | Purpose | Personal data | Recipients | Retention |',
    '| --- | --- | --- | --- | --- |',
  ];
  for (const a of r.activities) {
    const data = a.personal_data_categories.map((c) => c.category).join('; ') || 'none detected';
    const recipients =
      [...a.recipients.model_providers.map((p) => p.system), ...a.recipients.tool_destinations].join(', ') || 'none';
    lines.push(
      `| ${md(a.agent_id)} | ${md(a.purposes.join('; '))} | ${md(data)} | ${md(recipients)} | ${md(a.retention.description)} |`,
    );
  }
  for (const a of r.activities) {
    lines.push(
      '',
      `## ${md(a.agent_id)}`,
      '',
      `- **Controller contact (owner):** ${md(a.controller_contact)}`,
      `- **Purposes:** ${md(a.purposes.join('; '))}`,
      `- **Risk tier (EU AI Act):** ${md(a.risk_tier)}`,
      `- **Environments:** ${md(a.environments.join(', ') || '-')}`,
      `- **Categories of data subjects:** ${md(a.data_subjects)}`,
      `- **Categories of personal data:** ${
        a.personal_data_categories.length === 0
          ? 'none detected'
          : a.personal_data_categories.map((c) => `${md(c.category)} (${c.findings} findings)`).join('; ')
      }`,
      `- **Declared data classes:** ${md(a.declared_data_classes.join(', ') || '-')}`,
      `- **Recipients — model providers:** ${
        a.recipients.model_providers.map((p) => `${md(p.system)} (${md(p.models.join(', '))})`).join('; ') || 'none'
      }`,
      `- **Recipients — tool destinations:** ${md(a.recipients.tool_destinations.join(', ') || 'none')}`,
      `- **Retention:** ${md(a.retention.description)}`,
      `- **Security measures:** ${[
        ...a.security_measures.map((m) => `${md(m.measure)} (${m.events} events)`),
        ...a.standing_measures,
      ].join('; ')}`,
      `- **Traffic:** ${a.traffic.events} events, ${a.traffic.first_seen} to ${a.traffic.last_seen}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

export function checkDays(days: number): number {
  if (!Number.isInteger(days) || days < 1 || days > MAX_DAYS) {
    throw new WardenError('API_INVALID_REQUEST', `days must be an integer from 1 to ${MAX_DAYS} (got ${days})`);
  }
  return days;
}

/** The report's queries, each bound to the caller's tenant and the period. */
export class ProcessingRecordStore {
  constructor(
    private readonly ch: ClickHouseClient,
    private readonly now: () => number = Date.now,
  ) {}

  async build(tenant: string, days: number): Promise<ProcessingRecord> {
    checkDays(days);
    const now = this.now();
    const params = { tenant, from_ms: now - days * 86_400_000 };
    const [traffic, pii, actions, registry] = await Promise.all([
      queryRows<TrafficRow>(
        this.ch,
        `SELECT agent_id, argMax(owner, ts) AS owner,
           groupUniqArrayIf(environment, environment != '') AS environments,
           groupUniqArrayIf((model_system, model_name), model_system != '' OR model_name != '') AS models,
           groupUniqArrayIf(tool_target, tool_target != '') AS destinations,
           groupUniqArrayIf(tool_name, tool_name != '') AS tools,
           groupUniqArrayArray(data_classes) AS declared_classes,
           groupUniqArray(retention_days) AS retention_days,
           uniqExact(event_id) AS events,
           toUnixTimestamp64Milli(min(ts)) AS first_ms, toUnixTimestamp64Milli(max(ts)) AS last_ms
         FROM events
         WHERE tenant_id = {tenant:String} AND ts >= fromUnixTimestamp64Milli({from_ms:Int64})
         GROUP BY agent_id`,
        params,
      ),
      queryRows<PiiRow>(
        this.ch,
        `SELECT agent_id, type, count() AS n FROM findings FINAL
         WHERE tenant_id = {tenant:String} AND ts >= fromUnixTimestamp64Milli({from_ms:Int64})
           AND startsWith(type, 'pii.')
         GROUP BY agent_id, type`,
        params,
      ),
      queryRows<ActionRow>(
        this.ch,
        `SELECT agent_id, action, count() AS n FROM verdicts FINAL
         WHERE tenant_id = {tenant:String} AND issued_at >= fromUnixTimestamp64Milli({from_ms:Int64})
         GROUP BY agent_id, action`,
        params,
      ),
      this.registry(tenant),
    ]);
    return buildProcessingRecord(tenant, days, now, traffic, pii, actions, registry);
  }

  /** agent_registry comes with migration 002; without it every agent is "[not registered]". */
  private async registry(tenant: string): Promise<RegistryRow[]> {
    try {
      return await queryRows<RegistryRow>(
        this.ch,
        `SELECT agent_id, owner, purpose, risk_tier FROM agent_registry FINAL WHERE tenant_id = {tenant:String}`,
        { tenant },
      );
    } catch (err) {
      // ClickHouse's own error text, not agent content: a native RegExp is fine here.
      if (/UNKNOWN_TABLE|doesn't exist|does not exist/i.test((err as Error).message)) return [];
      throw err;
    }
  }
}
