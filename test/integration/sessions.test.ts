import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reportCommand } from '../../cli/commands/report.ts';
import { sessionCommand } from '../../cli/commands/session.ts';
import { violationsCommand } from '../../cli/commands/violations.ts';
import { ApiClient, EXIT } from '../../cli/lib/api-client.ts';
import type { CliContext } from '../../cli/lib/io.ts';
import { DEFAULT_DETECTOR_CONFIG, redact } from '../../detectors/index.ts';
import { createEmailDetector } from '../../detectors/pii/email.ts';
import type { Decision } from '../../detectors/policy/index.ts';
import type { AgentEvent, Finding } from '../../schemas/generated/index.ts';
import { AgentRegistry } from '../../services/api/agent-registry.ts';
import { DEV_ROLE_KEYS } from '../../services/api/auth.ts';
import { IncidentStore } from '../../services/api/incident-store.ts';
import { AgentInventory } from '../../services/api/inventory.ts';
import { type ProcessingRecord, ProcessingRecordStore } from '../../services/api/processing-record.ts';
import { buildServer } from '../../services/api/server.ts';
import { type ReconstructedSession, SessionStore } from '../../services/api/session-reconstruction.ts';
import { type ViolationReport, ViolationStore } from '../../services/api/violations.ts';
import { buildVerdict } from '../../services/detect/verdict.ts';
import { AuditLog } from '../../services/lib/audit/audit-log.ts';
import { type ClickHouseClient, createClickHouse } from '../../services/lib/clickhouse/client.ts';
import { createLogger } from '../../services/lib/logger.ts';
import { loadProvisionConfig } from '../../services/provision/config.ts';
import { provision } from '../../services/provision/provision.ts';
import { eventRow, findingRow, verdictRow } from '../../services/sink/rows.ts';
import { isolatedEnv } from '../helpers/isolated-env.ts';
import { fakeProducer } from '../unit/api/fakes.ts';

const env = isolatedEnv('sessions');
const log = createLogger('test', { level: 'warn' });
const pc = loadProvisionConfig(env);
const CLEAR_EMAIL = 'jane.doe@corp-mail.com';
const KEYS = {
  acme: { authorization: 'Bearer warden-dev-analyst-key' },
  globex: { authorization: 'Bearer warden-dev-analyst-key-globex' },
};
const T0 = Date.now() - 3_600_000;
const DAY = 86_400_000;
const CTX = { partition: 0, offset: '0', retentionDays: 90 };

function event(id: string, over: Partial<AgentEvent>): AgentEvent {
  return {
    event_id: id,
    ts: T0,
    tenant_id: 'acme',
    agent_id: 'support-bot',
    agent_version: '1.0',
    owner: 'team-support',
    environment: 'production',
    session_id: 'sess-acme-1',
    trace_id: null,
    span_id: null,
    kind: 'model_request',
    model: null,
    tool: null,
    content: null,
    usage: null,
    principal: { user_id: null, credential_id: 'cred-1' },
    source: { enforcement_point_id: 'gw-1', mode: 'inline' },
    data_classes: [],
    attributes: {},
    ...over,
  };
}

function decision(action: Decision['action'], reasons: string[]): Decision {
  return {
    action,
    scope: 'event',
    reasons,
    policy_id: 'pol-support',
    policy_version: 3,
    shadow_action: null,
    shadow_scope: null,
    failed_detectors: [],
    expires_at: null,
  };
}

function finding(e: AgentEvent, type: string, evidence: string): Finding {
  return {
    finding_id: `f-${e.event_id}-${type}`,
    event_id: e.event_id,
    ts: e.ts,
    tenant_id: e.tenant_id,
    agent_id: e.agent_id,
    session_id: e.session_id,
    detector: type.split('.')[0]!,
    detector_version: 'test',
    type,
    severity: 'high',
    score: 1,
    spans: [],
    evidence,
    attributes: {},
  };
}

const detection = (redactedText: string | null = null) => ({
  findings: [],
  failed: [],
  redactedText,
  redactedArguments: null,
});

describe('session reconstruction, violations and art. 30 record on the real ClickHouse', () => {
  let ch: ClickHouseClient;
  let app: FastifyInstance;

  const get = async <T>(url: string, headers: Record<string, string>) => {
    const res = await app.inject({ url, headers });
    expect(res.body).not.toContain(CLEAR_EMAIL);
    expect(res.body).not.toContain('jane.doe');
    const json = res.headers['content-type']?.toString().startsWith('application/json');
    return { status: res.statusCode, body: (json ? res.json() : null) as T, raw: res.body };
  };

  beforeAll(async () => {
    await provision(pc, log);
    ch = createClickHouse(pc);
    const text = `Please update the ticket for ${CLEAR_EMAIL} today`;
    const e1 = event('e1', {
      ts: T0 + 1000,
      model: { system: 'openai', name: 'gpt-4o' },
      content: { text, truncated: false, length: text.length, sha256: 'a'.repeat(64) },
    });
    const e2 = event('e2', {
      ts: T0 + 2000,
      kind: 'tool_call',
      tool: { name: 'http.post', target: 'api.partner.io', mode: 'write', arguments: null },
    });
    const e3 = event('e3', {
      ts: T0 + 3000,
      kind: 'tool_result',
      tool: { name: 'web.fetch', target: 'docs.vendor.io', mode: 'read', arguments: null },
    });
    const e4 = event('e4', { ts: T0 + 4000, kind: 'model_response', model: { system: 'openai', name: 'gpt-4o' } });
    // Another acme agent, unregistered, with an old violation (outside 7 days, inside 30).
    const old = event('e-old', {
      ts: Date.now() - 10 * DAY,
      agent_id: 'shadow-bot',
      session_id: 'sess-acme-2',
      model: { system: 'anthropic', name: 'claude-3' },
    });
    // globex: same agent id, its own session with a blocked event.
    const g1 = event('g1', { tenant_id: 'globex', session_id: 'sess-globex-1', ts: T0 + 500 });

    // A real detector on text with an email; the finding's evidence is masked, the verdict's text redacted.
    const emailFindings = createEmailDetector(DEFAULT_DETECTOR_CONFIG).detect(e1);
    expect(emailFindings.map((f) => f.type)).toEqual(['pii.email']);
    const redacted = redact(text, emailFindings, 'content.text').text;
    const findings = [
      ...emailFindings,
      finding(e2, 'policy.destination_not_allowed', 'api.partner.io'),
      finding(e3, 'injection.override_instructions', 'ignore all previous ***'),
      finding(old, 'secret.aws_access_key', 'AKIA************WXYZ'),
      finding(g1, 'policy.tool_not_allowed', 'shell.exec'),
    ];
    const verdicts = [
      buildVerdict(e1, decision('redact', ['pii.email']), detection(redacted), e1.ts + 5),
      buildVerdict(e2, decision('block', ['policy.destination_not_allowed']), detection(), e2.ts + 5),
      buildVerdict(e3, decision('block', ['injection.override_instructions']), detection(), e3.ts + 5),
      buildVerdict(e4, decision('allow', []), detection(), e4.ts + 5),
      buildVerdict(old, decision('block', ['secret.aws_access_key']), detection(), old.ts + 5),
      buildVerdict(g1, decision('block', ['policy.tool_not_allowed']), detection(), g1.ts + 5),
    ];
    // Inserted out of order: the API must order them.
    const events = [e3, g1, e1, old, e4, e2];
    await ch.insert({ table: 'events', values: events.map((e) => eventRow(e, CTX)), format: 'JSONEachRow' });
    await ch.insert({ table: 'findings', values: findings.map((f) => findingRow(f, CTX)), format: 'JSONEachRow' });
    await ch.insert({ table: 'verdicts', values: verdicts.map((v) => verdictRow(v, CTX)), format: 'JSONEachRow' });
    await new AgentRegistry(ch).register(
      'acme',
      { agent_id: 'support-bot', owner: 'team-support', purpose: 'customer support tickets', risk_tier: 'limited' },
      'test',
    );

    app = buildServer({
      log,
      apiKeys: DEV_ROLE_KEYS,
      inventory: new AgentInventory(ch, 60_000),
      registry: new AgentRegistry(ch),
      control: fakeProducer().publisher,
      maxBodyBytes: 64 * 1024,
      sessions: new SessionStore(ch),
      violations: new ViolationStore(ch),
      processingRecord: new ProcessingRecordStore(ch),
      incidents: new IncidentStore(ch),
      audit: new AuditLog({ clickhouse: ch, log: createLogger('test', { level: 'silent' }) }),
    });
    await app.ready();
  });

  afterAll(async () => {
    await app?.close();
    await ch?.command({ query: `DROP DATABASE IF EXISTS ${pc.CLICKHOUSE_DATABASE}` });
    await ch?.close();
  });

  it('reconstructs every event of the session in order, with masked findings and verdicts', async () => {
    const { status, body } = await get<ReconstructedSession>('/v1/sessions/sess-acme-1', KEYS.acme);
    expect(status).toBe(200);
    expect(body.events.map((e) => [e.seq, e.event_id, e.kind])).toEqual([
      [1, 'e1', 'model_request'],
      [2, 'e2', 'tool_call'],
      [3, 'e3', 'tool_result'],
      [4, 'e4', 'model_response'],
    ]);
    const [e1, e2, e3, e4] = body.events;
    expect(e1!.findings).toEqual([expect.objectContaining({ type: 'pii.email', evidence: 'j***@corp-mail.com' })]);
    expect(e1!.verdict).toMatchObject({
      action: 'redact',
      reasons: ['pii.email'],
      policy: { id: 'pol-support', version: 3 },
      content_redacted: expect.stringContaining('[REDACTED:pii.email]'),
    });
    expect(e2!.verdict?.action).toBe('block');
    expect(e2!.tool).toEqual({ name: 'http.post', target: 'api.partner.io', mode: 'write' });
    expect(e3!.findings[0]?.type).toBe('injection.override_instructions');
    expect(e4!.verdict?.action).toBe('allow');
    expect(body.summary).toMatchObject({
      agents: ['support-bot'],
      events: 4,
      findings: 3,
      counts_by_kind: { model_request: 1, tool_call: 1, tool_result: 1, model_response: 1 },
      blocked: 2,
      denied: 2,
      actions: { redact: 1, block: 2, allow: 1 },
      policies: [{ id: 'pol-support', version: 3 }],
      first_ts: new Date(T0 + 1000).toISOString(),
      last_ts: new Date(T0 + 4000).toISOString(),
    });
  });

  it('never reads another tenant session: 404 both ways', async () => {
    expect((await get('/v1/sessions/sess-globex-1', KEYS.acme)).status).toBe(404);
    expect((await get('/v1/sessions/sess-acme-1', KEYS.globex)).status).toBe(404);
    const own = await get<ReconstructedSession>('/v1/sessions/sess-globex-1', KEYS.globex);
    expect(own.body.events.map((e) => e.event_id)).toEqual(['g1']);
    const list = await get<{ sessions: { session_id: string; blocked: number }[] }>(
      '/v1/agents/support-bot/sessions',
      KEYS.acme,
    );
    expect(list.body.sessions).toEqual([expect.objectContaining({ session_id: 'sess-acme-1', events: 4, blocked: 2 })]);
  });

  it('counts the violations of the period per agent and type, with masked evidence', async () => {
    const week = await get<ViolationReport>('/v1/violations?since=7d', KEYS.acme);
    expect(week.status).toBe(200);
    expect(week.body).toMatchObject({ count: 3, blocked: 2, redacted: 1, not_enforced: 0, agents: ['support-bot'] });
    const byType = Object.fromEntries(week.body.groups.map((g) => [g.type, g]));
    expect(byType['policy.destination_not_allowed']).toMatchObject({ count: 1, blocked: 1 });
    expect(byType['policy.destination_not_allowed']!.examples[0]).toMatchObject({
      event_id: 'e2',
      evidence: 'api.partner.io',
      policy: { id: 'pol-support', version: 3 },
    });
    expect(byType['injection.override_instructions']).toMatchObject({ count: 1, blocked: 1 });
    expect(byType['pii.email']).toMatchObject({ count: 1, redacted: 1 });
    expect(byType['pii.email']!.examples[0]!.evidence).toBe('j***@corp-mail.com');
    const month = await get<ViolationReport>('/v1/violations?since=30d', KEYS.acme);
    expect(month.body).toMatchObject({ count: 4, blocked: 3, agents: ['shadow-bot', 'support-bot'] });
    const globex = await get<ViolationReport>('/v1/violations?since=7d', KEYS.globex);
    expect(globex.body).toMatchObject({ count: 1, blocked: 1, agents: ['support-bot'] });
  });

  it('lists purposes, data categories, recipients, retention and measures in the art. 30 record', async () => {
    const { body } = await get<ProcessingRecord>('/v1/reports/processing-record?days=30', KEYS.acme);
    expect(body.activities.map((a) => a.agent_id)).toEqual(['shadow-bot', 'support-bot']);
    const [shadow, support] = body.activities;
    expect(support).toMatchObject({
      registered: true,
      purposes: ['customer support tickets'],
      risk_tier: 'limited',
      processes_personal_data: true,
      personal_data_categories: [{ type: 'pii.email', category: 'contact details (email address)', findings: 1 }],
      recipients: {
        model_providers: [{ system: 'openai', models: ['gpt-4o'] }],
        tool_destinations: ['api.partner.io', 'docs.vendor.io'],
      },
      retention: { events_days: [90] },
    });
    expect(Object.fromEntries(support!.security_measures.map((m) => [m.action, m.events]))).toEqual({
      allow: 1,
      block: 2,
      redact: 1,
    });
    expect(shadow).toMatchObject({
      registered: false,
      purposes: ['[not registered]'],
      processes_personal_data: false,
      personal_data_categories: [],
      recipients: { model_providers: [{ system: 'anthropic', models: ['claude-3'] }], tool_destinations: [] },
    });
    const md = await get('/v1/reports/processing-record?days=30&format=markdown', KEYS.acme);
    expect(md.raw).toContain('## support-bot');
    expect(md.raw).toContain('customer support tickets');
    // The 7-day record no longer sees the shadow agent's 10-day-old traffic.
    const week = await get<ProcessingRecord>('/v1/reports/processing-record?days=7', KEYS.acme);
    expect(week.body.activities.map((a) => a.agent_id)).toEqual(['support-bot']);
  });

  it('the CLI answers from the same API, without clear PII', async () => {
    const out: string[] = [];
    const fetchImpl = (async (url: string, init: RequestInit) => {
      const u = new URL(url);
      const res = await app.inject({
        method: 'GET',
        url: u.pathname + u.search,
        headers: init.headers as Record<string, string>,
      });
      return new Response(res.body, { status: res.statusCode });
    }) as unknown as typeof fetch;
    const ctx: CliContext = {
      out: (t) => out.push(t),
      err: (t) => out.push(t),
      client: new ApiClient({ url: 'http://api', key: 'warden-dev-analyst-key', keyFromEnv: true }, fetchImpl),
    };
    expect(await sessionCommand(['sess-acme-1'], ctx)).toBe(EXIT.ok);
    expect(await violationsCommand(['--since', '7d'], ctx)).toBe(EXIT.ok);
    expect(await reportCommand(['processing-record', '--days', '30'], ctx)).toBe(EXIT.ok);
    expect(await reportCommand(['processing-record', '--markdown'], ctx)).toBe(EXIT.ok);
    expect(await sessionCommand(['sess-globex-1'], ctx)).toBe(EXIT.notFound);
    const text = out.join('');
    expect(text).toContain('session sess-acme-1 (tenant acme): 4 events, 3 findings, 2 blocked');
    expect(text).toContain('3 violations in tenant acme');
    expect(text).toContain('2 blocked, 1 redacted');
    expect(text).toContain('customer support tickets');
    expect(text).not.toContain(CLEAR_EMAIL);
    expect(text).not.toContain('jane.doe');
  });
});
