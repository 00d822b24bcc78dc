import { describe, expect, it } from 'vitest';
import { incidentCommand } from '../../../cli/commands/incident.ts';
import { ApiClient } from '../../../cli/lib/api-client.ts';
import type { CliContext } from '../../../cli/lib/io.ts';
import { DEV_ROLE_KEYS } from '../../../services/api/auth.ts';
import {
  type FindingRef,
  type Incident,
  type IncidentEvidence,
  IncidentStore,
} from '../../../services/api/incident-store.ts';
import { buildDraft, dataCategories, TO_COMPLETE } from '../../../services/api/notification-draft.ts';
import { HOUR_MS } from '../../../services/api/regulatory-clocks.ts';
import { clocksOf, type IncidentView } from '../../../services/api/routes/incidents.ts';
import type { AuditLog } from '../../../services/lib/audit/audit-log.ts';
import type { AuditEntry } from '../../../services/lib/audit/hash-chain.ts';
import type { ClickHouseClient } from '../../../services/lib/clickhouse/client.ts';
import { bearer, testServer } from './fakes.ts';

const T0 = Date.parse('2026-03-10T08:30:00.000Z');
const KEYS = {
  admin: 'warden-dev-admin-key',
  analyst: 'warden-dev-analyst-key',
  approver: 'warden-dev-approver-key',
  globex: 'warden-dev-analyst-key-globex',
};

/** An in-memory store that keeps every version and, like ClickHouse FINAL, answers the latest. */
class MemoryStore {
  readonly saved: Incident[] = [];
  readonly findingsAsked: { tenant: string; ids: readonly string[] }[] = [];
  constructor(
    private readonly findingRows: (FindingRef & { tenant: string })[],
    private readonly evidenceOf: IncidentEvidence = {
      findings: [],
      measures: [],
      first_finding_at: null,
      last_finding_at: null,
    },
  ) {}
  async get(tenant: string, id: string) {
    const versions = this.saved.filter((i) => i.tenant_id === tenant && i.incident_id === id);
    return versions.sort((a, b) => b.version - a.version)[0] ?? null;
  }
  async list(tenant: string) {
    const ids = new Set(this.saved.filter((i) => i.tenant_id === tenant).map((i) => i.incident_id));
    return Promise.all([...ids].map(async (id) => (await this.get(tenant, id))!));
  }
  async save(i: Incident) {
    this.saved.push(structuredClone(i));
  }
  async findings(tenant: string, ids: readonly string[]) {
    this.findingsAsked.push({ tenant, ids });
    return this.findingRows.filter((f) => f.tenant === tenant && ids.includes(f.finding_id));
  }
  async evidence() {
    return this.evidenceOf;
  }
}

function setup(clock = { now: T0 }, evidence?: IncidentEvidence) {
  const store = new MemoryStore(
    [
      { tenant: 'acme', finding_id: 'f-acme-1', agent_id: 'acme-bot', type: 'pii.email', ts: '' },
      { tenant: 'acme', finding_id: 'f-acme-2', agent_id: 'acme-helper', type: 'pii.iban', ts: '' },
      { tenant: 'globex', finding_id: 'f-globex-1', agent_id: 'globex-bot', type: 'pii.email', ts: '' },
    ],
    evidence,
  );
  const audits: { stream: string; entry: AuditEntry }[] = [];
  const audit = {
    async append(stream: string, entry: AuditEntry) {
      audits.push({ stream, entry });
    },
  };
  const { app } = testServer({}, T0, DEV_ROLE_KEYS, {
    incidents: store as unknown as IncidentStore,
    audit: audit as unknown as AuditLog,
    now: () => clock.now,
  });
  const call = async (method: 'GET' | 'POST', url: string, key: string, payload?: Record<string, unknown>) => {
    const res = await app.inject({ method, url, headers: bearer(key), ...(payload === undefined ? {} : { payload }) });
    return { status: res.statusCode, body: res.json() as IncidentView & Record<string, unknown> };
  };
  return { app, store, audits, call, clock };
}

describe('incident routes', () => {
  it('opens an incident from findings of the caller tenant, with agents, clocks and an audit record', async () => {
    const { call, audits } = setup();
    const res = await call('POST', '/v1/incidents', KEYS.analyst, {
      title: 'customer emails sent to an external tool',
      finding_ids: ['f-acme-1', 'f-acme-2'],
      detected_at: new Date(T0 - HOUR_MS).toISOString(),
      gdpr_personal_data_breach: true,
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      tenant_id: 'acme',
      version: 1,
      agent_ids: ['acme-bot', 'acme-helper'],
      finding_ids: ['f-acme-1', 'f-acme-2'],
      opened_by: 'local-analyst',
      overdue: false,
    });
    expect(res.body.incident_id).toMatch(/^inc_[0-9A-Z]{26}$/);
    expect(res.body.clocks).toHaveLength(1);
    expect(res.body.clocks[0]).toMatchObject({
      regime: 'gdpr',
      deadline: new Date(T0 + 71 * HOUR_MS).toISOString(),
      status: 'pending',
    });
    expect(audits).toHaveLength(1);
    expect(audits[0]).toMatchObject({
      stream: 'tenant:acme/incidents',
      entry: { actor: 'local-analyst', action: 'incident.opened', subject: res.body.incident_id },
    });
  });

  it("refuses another tenant's finding ids exactly like unknown ones, and audits nothing", async () => {
    const { call, audits, store } = setup();
    const res = await call('POST', '/v1/incidents', KEYS.analyst, {
      title: 't',
      finding_ids: ['f-acme-1', 'f-globex-1'],
    });
    expect(res).toMatchObject({ status: 400, body: { code: 'INCIDENT_FINDINGS_UNKNOWN' } });
    expect(String(res.body.message)).toContain('f-globex-1');
    const unknown = await call('POST', '/v1/incidents', KEYS.analyst, { title: 't', finding_ids: ['nope'] });
    expect(unknown.body.code).toBe('INCIDENT_FINDINGS_UNKNOWN');
    expect(store.findingsAsked.every((q) => q.tenant === 'acme')).toBe(true);
    expect(audits).toHaveLength(0);
    expect(store.saved).toHaveLength(0);
  });

  it('enforces roles and refuses a tenant in the body', async () => {
    const { call } = setup();
    expect((await call('POST', '/v1/incidents', KEYS.approver, { title: 't' })).status).toBe(403);
    expect((await call('POST', '/v1/incidents', KEYS.admin, { title: 't', tenant_id: 'globex' })).status).toBe(400);
    expect((await call('GET', '/v1/incidents', KEYS.approver)).status).toBe(200);
    const noKey = await setup().app.inject({ method: 'GET', url: '/v1/incidents' });
    expect(noKey.statusCode).toBe(401);
  });

  it("answers 404 for another tenant's incident", async () => {
    const { call } = setup();
    const { body } = await call('POST', '/v1/incidents', KEYS.admin, { title: 'acme only' });
    expect((await call('GET', `/v1/incidents/${body.incident_id}`, KEYS.analyst)).status).toBe(200);
    expect((await call('GET', `/v1/incidents/${body.incident_id}`, KEYS.globex)).status).toBe(404);
    expect((await call('GET', '/v1/incidents', KEYS.globex)).body.count).toBe(0);
  });

  it('classifies, records notifications, lists overdue, and audits every change', async () => {
    const { call, audits, clock } = setup();
    const { body } = await call('POST', '/v1/incidents', KEYS.analyst, { title: 'outage of the claims agent' });
    const id = body.incident_id;
    expect(body.clocks).toEqual([]);
    clock.now = T0 + HOUR_MS;
    const classified = await call('POST', `/v1/incidents/${id}/classify`, KEYS.analyst, {
      nis2_significant: true,
      dora_major_ict: true,
    });
    expect(classified.status).toBe(200);
    expect(classified.body.version).toBe(2);
    expect(classified.body.classified_at.dora).toBe(new Date(T0 + HOUR_MS).toISOString());
    expect(classified.body.clocks.map((c) => c.stage)).toEqual([
      'early_warning',
      'notification',
      'final_report',
      'initial_notification',
      'intermediate_report',
      'final_report',
    ]);
    const bad = await call('POST', `/v1/incidents/${id}/notifications`, KEYS.analyst, {
      regime: 'nis2',
      stage: 'initial_notification',
    });
    expect(bad).toMatchObject({ status: 400, body: { code: 'INCIDENT_NOTIFICATION_INVALID' } });
    const notGdpr = await call('POST', `/v1/incidents/${id}/notifications`, KEYS.analyst, {
      regime: 'gdpr',
      stage: 'notification',
    });
    expect(notGdpr.body.code).toBe('INCIDENT_NOTIFICATION_INVALID');

    clock.now = T0 + 3 * HOUR_MS;
    const sent = await call('POST', `/v1/incidents/${id}/notifications`, KEYS.admin, {
      regime: 'dora',
      stage: 'initial_notification',
      reference: 'CA-2026-17',
    });
    expect(sent.status).toBe(201);
    const initial = sent.body.clocks.find((c) => c.stage === 'initial_notification')!;
    expect(initial).toMatchObject({ status: 'met', notified_at: new Date(T0 + 3 * HOUR_MS).toISOString() });

    // 25 h after detection the NIS2 early warning (24 h) is overdue.
    clock.now = T0 + 25 * HOUR_MS;
    const overdue = await call('GET', '/v1/incidents?overdue=true', KEYS.analyst);
    expect(overdue.body).toMatchObject({ count: 1, overdue: 1 });
    const shown = await call('GET', `/v1/incidents/${id}`, KEYS.analyst);
    expect(shown.body.clocks.find((c) => c.stage === 'early_warning')!.status).toBe('overdue');
    expect((await call('GET', '/v1/incidents?overdue=false', KEYS.analyst)).body.count).toBe(0);

    expect(audits.map((a) => a.entry.action)).toEqual([
      'incident.opened',
      'incident.classified',
      'incident.notification_recorded',
    ]);
    expect(audits.map((a) => a.entry.payload?.version)).toEqual([1, 2, 3]);
  });

  it('serializes concurrent changes of one incident so no version is lost', async () => {
    const { call, store } = setup();
    const { body } = await call('POST', '/v1/incidents', KEYS.analyst, { title: 't', gdpr_personal_data_breach: true });
    await Promise.all(
      Array.from({ length: 5 }, () =>
        call('POST', `/v1/incidents/${body.incident_id}/notifications`, KEYS.analyst, {
          regime: 'gdpr',
          stage: 'notification',
        }),
      ),
    );
    const latest = await store.get('acme', body.incident_id);
    expect(latest?.version).toBe(6);
    expect(latest?.notifications).toHaveLength(5);
  });

  it('drafts a notification with counts, categories and measures, and validates the stage', async () => {
    const evidence: IncidentEvidence = {
      findings: [
        { type: 'pii.email', severity: 'medium', findings: 7, sessions: 3, agents: 1 },
        { type: 'pii.iban', severity: 'high', findings: 2, sessions: 1, agents: 1 },
        { type: 'secret.aws_access_key', severity: 'critical', findings: 1, sessions: 1, agents: 1 },
      ],
      measures: [
        { action: 'block', agent_id: 'acme-bot', verdicts: 4, first_at: '', last_at: '' },
        { action: 'quarantine_agent', agent_id: 'acme-bot', verdicts: 1, first_at: '', last_at: '' },
      ],
      first_finding_at: new Date(T0 - HOUR_MS).toISOString(),
      last_finding_at: new Date(T0).toISOString(),
    };
    const { call } = setup({ now: T0 }, evidence);
    const { body } = await call('POST', '/v1/incidents', KEYS.analyst, {
      title: 'leak',
      finding_ids: ['f-acme-1'],
      gdpr_personal_data_breach: true,
    });
    const res = await call('GET', `/v1/incidents/${body.incident_id}/draft?regime=gdpr`, KEYS.approver);
    expect(res.status).toBe(200);
    const draft = res.body as unknown as ReturnType<typeof buildDraft>;
    expect(draft).toMatchObject({
      regime: 'gdpr',
      stage: 'notification',
      findings_total: 10,
      personal_data: true,
      affected_agents: ['acme-bot'],
    });
    expect(draft.data_categories).toEqual([
      'contact data (email addresses)',
      'financial data (bank account numbers, IBAN)',
    ]);
    expect(draft.measures_taken.map((m) => [m.action, m.verdicts])).toEqual([
      ['block', 4],
      ['quarantine_agent', 1],
    ]);
    expect(draft.markdown).toContain('| pii.email | medium | 7 | 3 |');
    expect(draft.markdown).toContain(TO_COMPLETE);
    expect(draft.markdown).toContain('GDPR art. 33(1)');
    const wrong = await call(
      'GET',
      `/v1/incidents/${body.incident_id}/draft?regime=dora&stage=early_warning`,
      KEYS.analyst,
    );
    expect(wrong.body.code).toBe('INCIDENT_NOTIFICATION_INVALID');
    expect((await call('GET', `/v1/incidents/${body.incident_id}/draft?regime=x`, KEYS.analyst)).status).toBe(400);
  });
});

describe('notification draft', () => {
  it('maps pii types to personal data categories and keeps secrets apart', () => {
    expect(dataCategories(['pii.phone', 'pii.new_kind', 'secret.github_token', 'injection.x'])).toEqual({
      personal: ['contact data (telephone numbers)', 'personal data (new kind)'],
      other: ['credentials and secrets (not personal data by themselves)'],
    });
  });

  it('leaves every regime-specific question open and never prints evidence', () => {
    const incident: Incident = {
      tenant_id: 'acme',
      incident_id: 'inc_1',
      version: 1,
      title: 'x',
      description: '',
      detected_at: new Date(T0).toISOString(),
      opened_by: 'k',
      opened_at: new Date(T0).toISOString(),
      updated_at: new Date(T0).toISOString(),
      agent_ids: [],
      finding_ids: [],
      gdpr_personal_data_breach: false,
      nis2_significant: true,
      dora_major_ict: false,
      classified_at: { gdpr: null, nis2: new Date(T0).toISOString(), dora: null },
      notifications: [],
    };
    const draft = buildDraft({
      incident,
      regime: 'nis2',
      stage: 'early_warning',
      clocks: clocksOf(incident, T0),
      evidence: { findings: [], measures: [], first_finding_at: null, last_finding_at: null },
      now: T0,
    });
    expect(draft.clock?.deadline).toBe(new Date(T0 + 24 * HOUR_MS).toISOString());
    expect(draft.open_fields.map((f) => f.value)).toEqual([TO_COMPLETE, TO_COMPLETE]);
    expect(draft.markdown).toContain('unlawful or malicious');
    expect(draft.markdown).toContain('No personal data detected');
  });
});

describe('IncidentStore queries', () => {
  it('binds the tenant and the ids as query parameters', async () => {
    const queries: { query: string; params: Record<string, unknown> }[] = [];
    const ch = {
      async query({ query, query_params }: { query: string; query_params: Record<string, unknown> }) {
        queries.push({ query, params: query_params });
        return { json: async () => [] };
      },
    } as unknown as ClickHouseClient;
    const store = new IncidentStore(ch);
    await store.findings('acme', ["x' OR 1=1 --", 'f2']);
    await store.get('acme', 'inc_1');
    await store.list('acme');
    for (const q of queries) {
      expect(q.query).toContain('tenant_id = {tenant:String}');
      expect(q.params.tenant).toBe('acme');
    }
    expect(JSON.parse(String(queries[0]!.params.ids))).toEqual(["x' OR 1=1 --", 'f2']);
    expect(queries[0]!.query).not.toContain('OR 1=1');
  });
});

describe('warden incident', () => {
  function ctx(responses: Record<string, unknown>) {
    const out: string[] = [];
    const err: string[] = [];
    const calls: { method: string; url: string; body?: string }[] = [];
    const fetchImpl = (async (url: string, init: RequestInit) => {
      calls.push({ method: String(init.method), url, ...(init.body ? { body: String(init.body) } : {}) });
      const path = new URL(url).pathname;
      const body = responses[`${init.method} ${path}`] ?? responses[path];
      return new Response(JSON.stringify(body ?? { code: 'API_NOT_FOUND', message: 'x', statusCode: 404 }), {
        status: body ? 200 : 404,
      });
    }) as typeof fetch;
    const client = new ApiClient({ url: 'http://api', key: 'k', keyFromEnv: true }, fetchImpl);
    const c: CliContext = { out: (t) => out.push(t), err: (t) => err.push(t), client };
    return { c, out, err, calls };
  }
  const view = {
    incident_id: 'inc_1',
    title: 'leak',
    detected_at: '2026-03-10T08:30:00.000Z',
    opened_at: '2026-03-10T08:30:00.000Z',
    opened_by: 'local-analyst',
    agent_ids: ['acme-bot'],
    finding_ids: ['f1'],
    gdpr_personal_data_breach: true,
    nis2_significant: false,
    dora_major_ict: false,
    overdue: true,
    clocks: [
      {
        regime: 'gdpr',
        stage: 'notification',
        basis: 'GDPR art. 33(1)',
        deadline: '2026-03-13T08:30:00.000Z',
        deadline_ms: 0,
        remaining_ms: -3_600_000,
        status: 'overdue',
        provisional: false,
        notified_at: null,
      },
    ],
  };

  it('shows the clocks as a table', async () => {
    const { c, out } = ctx({ '/v1/incidents/inc_1': view });
    expect(await incidentCommand(['show', 'inc_1'], c)).toBe(0);
    const text = out.join('');
    expect(text).toMatch(/REGIME\s+STAGE\s+DEADLINE\s+REMAINING\s+STATUS/);
    expect(text).toMatch(/GDPR\s+notification\s+2026-03-13T08:30:00Z\s+-1h00m\s+OVERDUE/);
  });

  it('opens with findings and flags, lists overdue, prints a draft, and emits JSON', async () => {
    const { c, out, calls } = ctx({
      'POST /v1/incidents': view,
      '/v1/incidents': { tenant_id: 'acme', generated_at: '', count: 1, overdue: 1, incidents: [view] },
      '/v1/incidents/inc_1/draft': { markdown: '# draft\n' },
    });
    expect(
      await incidentCommand(['open', '--title', 'leak', '--finding', 'f1', '--finding', 'f2', '--gdpr', '--dora'], c),
    ).toBe(0);
    expect(JSON.parse(calls[0]!.body!)).toEqual({
      title: 'leak',
      finding_ids: ['f1', 'f2'],
      gdpr_personal_data_breach: true,
      dora_major_ict: true,
    });
    expect(await incidentCommand(['list', '--overdue'], c)).toBe(0);
    expect(calls[1]!.url).toBe('http://api/v1/incidents?overdue=true');
    expect(await incidentCommand(['draft', 'inc_1', '--regime', 'gdpr'], c)).toBe(0);
    expect(calls[2]!.url).toBe('http://api/v1/incidents/inc_1/draft?regime=gdpr');
    expect(out.at(-1)).toBe('# draft\n');
    out.length = 0;
    expect(await incidentCommand(['list', '--json'], c)).toBe(0);
    expect(JSON.parse(out.join(''))).toMatchObject({ count: 1 });
  });

  it('reports usage errors with exit code 2 and a missing incident with 4', async () => {
    const { c, err } = ctx({});
    expect(await incidentCommand(['open'], c)).toBe(2);
    expect(await incidentCommand(['draft', 'inc_1'], c)).toBe(2);
    expect(await incidentCommand(['frobnicate'], c)).toBe(2);
    expect(await incidentCommand(['show', 'nope'], c)).toBe(4);
    expect(err.join('')).toContain('usage: warden incident');
  });
});
