import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authenticate, authorize, DEV_ROLE_KEYS } from '../../services/api/auth.ts';
import { IncidentStore } from '../../services/api/incident-store.ts';
import type { NotificationDraft } from '../../services/api/notification-draft.ts';
import { HOUR_MS } from '../../services/api/regulatory-clocks.ts';
import { type IncidentView, incidentRoutes } from '../../services/api/routes/incidents.ts';
import { toErrorBody } from '../../services/api/server.ts';
import { AuditLog, readStreamRecords } from '../../services/lib/audit/audit-log.ts';
import { verifyChain } from '../../services/lib/audit/hash-chain.ts';
import { type ClickHouseClient, createClickHouse } from '../../services/lib/clickhouse/client.ts';
import { migrate } from '../../services/lib/clickhouse/migrate.ts';
import { createLogger } from '../../services/lib/logger.ts';
import { loadProvisionConfig } from '../../services/provision/config.ts';
import { isolatedEnv } from '../helpers/isolated-env.ts';

const env = isolatedEnv('incidents');
const pc = loadProvisionConfig(env);
const log = createLogger('test', { level: 'warn' });
const ANALYST = { authorization: 'Bearer warden-dev-analyst-key' };
const GLOBEX = { authorization: 'Bearer warden-dev-analyst-key-globex' };
/** Clear values that appear nowhere in ClickHouse: the findings carry only their masked form. */
const CLEAR_EMAIL = 'jane.doe@example.com';
const MASKED_EMAIL = 'j***@example.com';

const chTime = (ms: number) => new Date(ms).toISOString().replace('T', ' ').replace('Z', '');

function finding(tenant: string, id: string, agent: string, type: string, ts: number, session: string) {
  return {
    finding_id: id,
    event_id: `e-${id}`,
    ts: chTime(ts),
    tenant_id: tenant,
    agent_id: agent,
    session_id: session,
    detector: type,
    detector_version: 'test',
    type,
    severity: type === 'pii.iban' ? 'high' : 'medium',
    score: 1,
    spans: [],
    evidence: type === 'pii.email' ? MASKED_EMAIL : '****1111',
    attributes: {},
  };
}

function verdict(id: string, agent: string, action: string, ts: number, tenant = 'acme') {
  return {
    verdict_id: id,
    tenant_id: tenant,
    agent_id: agent,
    action,
    scope: 'agent',
    reasons: ['pii.email'],
    policy_id: 'p',
    policy_version: 1,
    issued_at: chTime(ts),
    latency_ms: 1,
  };
}

describe('incidents on real ClickHouse', () => {
  let ch: ClickHouseClient;
  let app: FastifyInstance;
  const now = Date.now();

  beforeAll(async () => {
    await migrate(pc, log);
    ch = createClickHouse(pc);
    const t = now - 2 * HOUR_MS;
    await ch.insert({
      table: 'findings',
      format: 'JSONEachRow',
      values: [
        finding('acme', 'fa-1', 'acme-support', 'pii.email', t, 's1'),
        finding('acme', 'fa-2', 'acme-support', 'pii.email', t + 1000, 's1'),
        finding('acme', 'fa-3', 'acme-support', 'pii.email', t + 2000, 's2'),
        finding('acme', 'fa-4', 'acme-billing', 'pii.iban', t + 3000, 's3'),
        finding('acme', 'fa-5', 'acme-billing', 'secret.aws_access_key', t + 4000, 's3'),
        finding('globex', 'fg-1', 'globex-bot', 'pii.email', t, 'g1'),
      ],
    });
    await ch.insert({
      table: 'verdicts',
      format: 'JSONEachRow',
      values: [
        verdict('v1', 'acme-support', 'block', t + 10),
        verdict('v2', 'acme-support', 'block', t + 1010),
        verdict('v3', 'acme-billing', 'quarantine_agent', t + 5000),
        verdict('v4', 'acme-billing', 'allow', t + 5000),
        verdict('v5', 'acme-support', 'revoke_credential', now - 10 * 24 * HOUR_MS),
        verdict('v6', 'acme-support', 'block', t + 10, 'globex'),
      ],
    });
    // The plugin on a minimal app with the server's own authentication, role check and error mapping.
    app = Fastify({ ajv: { customOptions: { removeAdditional: false, coerceTypes: true, allErrors: false } } });
    app.decorateRequest('principal', null);
    app.addHook('onRequest', async (request) => {
      const principal = authenticate(DEV_ROLE_KEYS, request.headers.authorization);
      authorize(principal, request.routeOptions.config.roles ?? []);
      request.principal = principal;
    });
    app.setErrorHandler((error, _request, reply) => {
      const body = toErrorBody(error);
      return reply.code(body.statusCode).send(body);
    });
    app.register(incidentRoutes, { store: new IncidentStore(ch), audit: new AuditLog({ clickhouse: ch, log }) });
    await app.ready();
  });

  afterAll(async () => {
    await app?.close();
    await ch?.command({ query: `DROP DATABASE IF EXISTS ${pc.CLICKHOUSE_DATABASE}` });
    await ch?.close();
  });

  const post = async (url: string, headers: Record<string, string>, payload: Record<string, unknown>) => {
    const res = await app.inject({ method: 'POST', url, headers, payload });
    return { status: res.statusCode, body: res.json() as IncidentView & { code?: string } };
  };
  const get = async <T>(url: string, headers: Record<string, string> = ANALYST) => {
    const res = await app.inject({ method: 'GET', url, headers });
    return { status: res.statusCode, body: res.json() as T };
  };

  let incidentId = '';

  it("refuses another tenant's finding id, as it refuses an unknown one", async () => {
    const res = await post('/v1/incidents', ANALYST, { title: 'cross', finding_ids: ['fa-1', 'fg-1'] });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('INCIDENT_FINDINGS_UNKNOWN');
    const injected = await post('/v1/incidents', ANALYST, { title: 'x', finding_ids: ["fa-1') OR ('1'='1"] });
    expect(injected.body.code).toBe('INCIDENT_FINDINGS_UNKNOWN');
    // And globex may use its own finding.
    expect((await post('/v1/incidents', GLOBEX, { title: 'own', finding_ids: ['fg-1'] })).status).toBe(201);
  });

  it('opens an incident from findings, stores it and returns its clocks', async () => {
    const res = await post('/v1/incidents', ANALYST, {
      title: 'support agent sent customer data to an external tool',
      finding_ids: ['fa-1', 'fa-2', 'fa-3', 'fa-4', 'fa-5'],
      detected_at: new Date(now - HOUR_MS).toISOString(),
      gdpr_personal_data_breach: true,
    });
    expect(res.status).toBe(201);
    incidentId = res.body.incident_id;
    expect(res.body.agent_ids).toEqual(['acme-billing', 'acme-support']);
    const shown = await get<IncidentView>(`/v1/incidents/${incidentId}`);
    expect(shown.body).toMatchObject({
      incident_id: incidentId,
      version: 1,
      gdpr_personal_data_breach: true,
      detected_at: new Date(now - HOUR_MS).toISOString(),
      finding_ids: ['fa-1', 'fa-2', 'fa-3', 'fa-4', 'fa-5'],
    });
    expect(shown.body.clocks[0]).toMatchObject({ regime: 'gdpr', status: 'pending' });
    expect((await get(`/v1/incidents/${incidentId}`, GLOBEX)).status).toBe(404);
  });

  it('classifies and records a notification as new versions (the latest wins)', async () => {
    const c = await post(`/v1/incidents/${incidentId}/classify`, ANALYST, { dora_major_ict: true });
    expect(c.status).toBe(200);
    const n = await post(`/v1/incidents/${incidentId}/notifications`, ANALYST, {
      regime: 'gdpr',
      stage: 'notification',
      reference: 'DPA-42',
    });
    expect(n.status).toBe(201);
    const shown = await get<IncidentView>(`/v1/incidents/${incidentId}`);
    expect(shown.body.version).toBe(3);
    expect(shown.body.dora_major_ict).toBe(true);
    expect(shown.body.notifications).toMatchObject([{ regime: 'gdpr', stage: 'notification', reference: 'DPA-42' }]);
    expect(shown.body.clocks.find((x) => x.regime === 'gdpr')!.status).toBe('met');
    const list = await get<{ count: number; incidents: IncidentView[] }>('/v1/incidents');
    expect(list.body.count).toBe(1);
    expect((await get<{ count: number }>('/v1/incidents?overdue=true')).body.count).toBe(0);
  });

  it('drafts a GDPR notification with counts and measures and no clear PII', async () => {
    const res = await get<NotificationDraft>(`/v1/incidents/${incidentId}/draft?regime=gdpr`);
    expect(res.status).toBe(200);
    const d = res.body;
    expect(d.findings_by_type).toEqual([
      { type: 'pii.email', severity: 'medium', findings: 3, sessions: 2 },
      { type: 'pii.iban', severity: 'high', findings: 1, sessions: 1 },
      { type: 'secret.aws_access_key', severity: 'medium', findings: 1, sessions: 1 },
    ]);
    expect(d.findings_total).toBe(5);
    expect(d.data_categories).toEqual([
      'contact data (email addresses)',
      'financial data (bank account numbers, IBAN)',
    ]);
    // Blocks and the quarantine since detection, not the allow, not the old revocation, not globex's.
    expect(d.measures_taken).toEqual([
      { action: 'block', description: expect.any(String), agents: ['acme-support'], verdicts: 2 },
      { action: 'quarantine_agent', description: expect.any(String), agents: ['acme-billing'], verdicts: 1 },
    ]);
    expect(d.markdown).toContain('| pii.email | medium | 3 | 2 |');
    expect(d.markdown).toContain('[TO COMPLETE]');
    const all = JSON.stringify(d);
    expect(all).not.toContain(CLEAR_EMAIL);
    expect(all).not.toContain(MASKED_EMAIL);
    expect(all).not.toContain('****1111');
  });

  it('appends every change to the tenant incidents stream, hash-chained', async () => {
    const records = await readStreamRecords(ch, 'tenant:acme/incidents');
    const mine = records.filter((r) => r.subject === incidentId);
    expect(mine.map((r) => [r.action, r.actor, r.payload.version])).toEqual([
      ['incident.opened', 'local-analyst', 1],
      ['incident.classified', 'local-analyst', 2],
      ['incident.notification_recorded', 'local-analyst', 3],
    ]);
    expect(verifyChain('tenant:acme/incidents', records)).toEqual([]);
    const globex = await readStreamRecords(ch, 'tenant:globex/incidents');
    expect(globex.every((r) => r.subject !== incidentId)).toBe(true);
  });
});
