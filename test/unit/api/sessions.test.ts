import { describe, expect, it } from 'vitest';
import { reportCommand } from '../../../cli/commands/report.ts';
import { sessionCommand } from '../../../cli/commands/session.ts';
import { violationsCommand } from '../../../cli/commands/violations.ts';
import { ApiClient, EXIT } from '../../../cli/lib/api-client.ts';
import type { CliContext } from '../../../cli/lib/io.ts';
import { AgentRegistry } from '../../../services/api/agent-registry.ts';
import { DEV_ROLE_KEYS } from '../../../services/api/auth.ts';
import { IncidentStore } from '../../../services/api/incident-store.ts';
import { AgentInventory } from '../../../services/api/inventory.ts';
import {
  buildProcessingRecord,
  NOT_REGISTERED,
  ProcessingRecordStore,
  renderProcessingRecordMarkdown,
} from '../../../services/api/processing-record.ts';
import { buildServer } from '../../../services/api/server.ts';
import {
  reconstructSession,
  type SessionEventRow,
  type SessionFindingRow,
  SessionStore,
  type SessionVerdictRow,
} from '../../../services/api/session-reconstruction.ts';
import { groupViolations, parseSince, ViolationStore } from '../../../services/api/violations.ts';
import { AuditLog } from '../../../services/lib/audit/audit-log.ts';
import type { ClickHouseClient } from '../../../services/lib/clickhouse/client.ts';
import { createLogger } from '../../../services/lib/logger.ts';
import { bearer, fakeProducer } from './fakes.ts';

const NOW = Date.parse('2026-11-26T12:00:00.000Z');

function eventRow(id: string, ts: number, over: Partial<SessionEventRow> = {}): SessionEventRow {
  return {
    event_id: id,
    ts_ms: ts,
    agent_id: 'support-bot',
    agent_version: '1',
    environment: 'production',
    kind: 'model_request',
    model_system: 'openai',
    model_name: 'gpt-4o',
    tool_name: '',
    tool_target: '',
    tool_mode: '',
    content_sha256: 'ab'.repeat(32),
    content_length: 10,
    content_truncated: false,
    input_tokens: 1,
    output_tokens: 2,
    cost_usd: 0.01,
    credential_id: '',
    enforcement_point_id: 'gw-1',
    source_mode: 'inline',
    data_classes: [],
    ...over,
  };
}

function findingRow(id: string, eventId: string, type: string, evidence: string, ts = NOW): SessionFindingRow {
  return {
    finding_id: id,
    event_id: eventId,
    ts_ms: ts,
    agent_id: 'support-bot',
    detector: type,
    detector_version: '1',
    type,
    severity: 'high',
    score: 0.9,
    evidence,
  };
}

function verdictRow(eventId: string, action: string, reasons: string[], issued = NOW): SessionVerdictRow {
  return {
    verdict_id: `v-${eventId || 'standing'}`,
    event_id: eventId,
    agent_id: 'support-bot',
    action,
    scope: eventId ? 'event' : 'agent',
    reasons,
    policy_id: 'pol-support',
    policy_version: 4,
    issued_at_ms: issued,
    shadow_action: '',
    content_redacted: action === 'redact' ? 'mail [REDACTED:pii.email]' : '',
    arguments_redacted: '',
  };
}

interface Captured {
  query: string;
  params: Record<string, unknown>;
}

/** A ClickHouse double answering by table; records every query and its parameters. */
function fakeCh(answer: (table: string, query: string) => unknown[] = () => []) {
  const queries: Captured[] = [];
  const client = {
    async query({ query, query_params }: { query: string; query_params: Record<string, unknown> }) {
      queries.push({ query, params: query_params });
      const table = /FROM (\w+)/.exec(query)?.[1] ?? '';
      return { json: async () => answer(table, query) };
    },
  } as unknown as ClickHouseClient;
  return { client, queries };
}

/** The real server (auth hooks, error handler) with this change's plugins registered on it. */
function app(ch: ClickHouseClient) {
  const server = buildServer({
    log: createLogger('test', { level: 'silent' }),
    apiKeys: DEV_ROLE_KEYS,
    inventory: new AgentInventory(ch, 60_000, () => NOW),
    registry: new AgentRegistry(ch, () => NOW),
    control: fakeProducer().publisher,
    maxBodyBytes: 64 * 1024,
    sessions: new SessionStore(ch, () => NOW),
    violations: new ViolationStore(ch, () => NOW),
    processingRecord: new ProcessingRecordStore(ch, () => NOW),
    incidents: new IncidentStore(ch),
    audit: new AuditLog({ clickhouse: ch, log: createLogger('test', { level: 'silent' }) }),
  });
  return server;
}

describe('session reconstruction', () => {
  it('orders events by time and attaches each its findings and verdict, with a summary', () => {
    const events = [
      eventRow('e3', NOW + 3000, { kind: 'tool_call', tool_name: 'http.post', tool_target: 'x.io', model_name: '' }),
      eventRow('e1', NOW + 1000),
      eventRow('e2', NOW + 2000, { kind: 'model_response' }),
    ];
    const findings = [findingRow('f1', 'e1', 'pii.email', 'j***@corp.com'), findingRow('f3', 'e3', 'policy.x', 'x.io')];
    const verdicts = [
      verdictRow('e1', 'redact', ['pii.email']),
      verdictRow('e3', 'block', ['policy.x']),
      verdictRow('', 'quarantine_agent', []),
    ];
    const s = reconstructSession('acme', 's1', events, findings, verdicts, NOW)!;
    expect(s.events.map((e) => [e.seq, e.event_id])).toEqual([
      [1, 'e1'],
      [2, 'e2'],
      [3, 'e3'],
    ]);
    expect(s.events[0]!.findings.map((f) => f.evidence)).toEqual(['j***@corp.com']);
    expect(s.events[0]!.verdict).toMatchObject({
      action: 'redact',
      reasons: ['pii.email'],
      policy: { id: 'pol-support', version: 4 },
      content_redacted: 'mail [REDACTED:pii.email]',
    });
    expect(s.events[1]!.verdict).toBeNull();
    expect(s.events[2]!.tool).toEqual({ name: 'http.post', target: 'x.io', mode: '' });
    expect(s.standing_verdicts.map((v) => v.action)).toEqual(['quarantine_agent']);
    expect(s.summary).toMatchObject({
      agents: ['support-bot'],
      events: 3,
      findings: 2,
      counts_by_kind: { model_request: 1, model_response: 1, tool_call: 1 },
      actions: { redact: 1, block: 1, quarantine_agent: 1 },
      blocked: 1,
      denied: 2,
      first_ts: new Date(NOW + 1000).toISOString(),
      last_ts: new Date(NOW + 3000).toISOString(),
    });
  });

  it('is null for a session with no rows', () => {
    expect(reconstructSession('acme', 's1', [], [], [])).toBeNull();
  });

  it('binds every query to the key tenant and the session id as parameters, and 404s an unknown session', async () => {
    const ch = fakeCh((table) => (table === 'events' ? [eventRow('e1', NOW)] : []));
    const server = app(ch.client);
    const ok = await server.inject({ url: '/v1/sessions/s%27--1', headers: bearer('warden-dev-analyst-key') });
    expect(ok.statusCode).toBe(200);
    expect(ch.queries).toHaveLength(3);
    for (const q of ch.queries) {
      expect(q.query).toContain('tenant_id = {tenant:String}');
      expect(q.query).not.toContain("s'--1");
      expect(q.params).toMatchObject({ tenant: 'acme', session: "s'--1" });
    }
    const empty = app(fakeCh().client);
    const missing = await empty.inject({ url: '/v1/sessions/s1', headers: bearer('warden-dev-analyst-key-globex') });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ code: 'API_NOT_FOUND' });
    const anon = await empty.inject({ url: '/v1/sessions/s1' });
    expect(anon.statusCode).toBe(401);
  });

  it('lists an agent sessions newest first with blocked counts', async () => {
    const ch = fakeCh((table) =>
      table === 'events'
        ? [{ session_id: 's2', first_ms: NOW, last_ms: NOW + 5, events: 4 }]
        : [{ session_id: 's2', not_allowed: 2, blocked: 1 }],
    );
    const res = await app(ch.client).inject({
      url: '/v1/agents/support-bot/sessions?limit=5',
      headers: bearer('warden-dev-admin-key'),
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      count: 1,
      sessions: [{ session_id: 's2', events: 4, not_allowed: 2, blocked: 1 }],
    });
    expect(ch.queries.every((q) => q.params.tenant === 'acme' && q.params.limit === 5)).toBe(true);
  });
});

describe('violations', () => {
  it('parses periods and refuses bad ones', () => {
    expect(parseSince('7d')).toBe(7 * 86_400_000);
    expect(parseSince('2w')).toBe(14 * 86_400_000);
    expect(() => parseSince('0d')).toThrow(/since/);
    expect(() => parseSince('400d')).toThrow(/366d/);
    for (const bad of ['d', '7x', '12345m', '1.5d', '-1d', '7 d', ''])
      expect(() => parseSince(bad), bad).toThrow(/since/);
  });

  it('counts each violation once in the totals and once per agent and type, with masked examples', () => {
    const v = (event: string, action: string, reasons: string[], agent = 'a1') => ({
      verdict_id: `v-${event}`,
      event_id: event,
      agent_id: agent,
      session_id: 's',
      action,
      reasons,
      policy_id: 'p',
      policy_version: 2,
      issued_at_ms: NOW,
    });
    const f = (event: string, type: string, evidence: string, agent = 'a1') => ({
      finding_id: `f-${event}-${type}`,
      event_id: event,
      agent_id: agent,
      session_id: 's',
      type,
      severity: 'high',
      evidence,
      ts_ms: NOW,
    });
    const g = groupViolations(
      [
        v('e1', 'block', ['secret.aws', 'injection.override']),
        v('e2', 'block', ['secret.aws']),
        v('e3', 'redact', ['pii.email']),
        v('e4', 'allow', []),
        v('', 'revoke_credential', [], 'a2'),
      ],
      [
        f('e1', 'secret.aws', 'AKIA****1234'),
        f('e3', 'pii.email', 'j***@corp.com'),
        f('e5', 'policy.tool_not_allowed', 'shell.exec', 'a2'),
        f('e4', 'pii.phone', '***12'),
      ],
    );
    expect(g.count).toBe(5);
    expect(g.totals).toEqual({
      blocked: 2,
      redacted: 1,
      quarantined: 0,
      revoked: 1,
      approval_required: 0,
      not_enforced: 1,
    });
    expect(g.agents).toEqual(['a1', 'a2']);
    const secret = g.groups.find((x) => x.agent_id === 'a1' && x.type === 'secret.aws')!;
    expect(secret).toMatchObject({ count: 2, blocked: 2 });
    expect(secret.examples.map((e) => e.evidence)).toEqual(['AKIA****1234', null]);
    expect(g.groups.find((x) => x.type === 'pii.email')).toMatchObject({ count: 1, redacted: 1 });
    expect(g.groups.find((x) => x.type === 'policy.tool_not_allowed')).toMatchObject({
      agent_id: 'a2',
      not_enforced: 1,
    });
    expect(g.groups.find((x) => x.type === 'verdict.revoke_credential')).toMatchObject({ agent_id: 'a2', revoked: 1 });
    expect(g.groups.some((x) => x.type === 'pii.phone')).toBe(false);
  });

  it('binds the tenant and period as parameters and rejects a malformed since', async () => {
    const ch = fakeCh();
    const server = app(ch.client);
    const res = await server.inject({
      url: '/v1/violations?since=24h',
      headers: bearer('warden-dev-analyst-key-globex'),
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ tenant_id: 'globex', count: 0, since: '24h' });
    expect(ch.queries.every((q) => q.params.tenant === 'globex' && q.params.from_ms === NOW - 86_400_000)).toBe(true);
    const bad = await server.inject({ url: '/v1/violations?since=1;DROP', headers: bearer('warden-dev-analyst-key') });
    expect(bad.statusCode).toBe(400);
  });
});

describe('GDPR art. 30 record of processing', () => {
  const traffic = [
    {
      agent_id: 'support-bot',
      owner: 'team-support',
      environments: ['production'],
      models: [['openai', 'gpt-4o'] as [string, string], { system: 'anthropic', name: 'claude' }],
      destinations: ['crm.internal', 'api.partner.io'],
      tools: ['crm.lookup'],
      declared_classes: ['Personal'],
      retention_days: [90],
      events: 10,
      first_ms: NOW - 1000,
      last_ms: NOW,
    },
    {
      agent_id: 'shadow-bot',
      owner: '',
      environments: ['dev'],
      models: [],
      destinations: [],
      tools: [],
      declared_classes: [],
      retention_days: [30],
      events: 1,
      first_ms: NOW,
      last_ms: NOW,
    },
  ];

  it('lists purposes, categories, recipients, retention and measures per agent', () => {
    const r = buildProcessingRecord(
      'acme',
      30,
      NOW,
      traffic,
      [
        { agent_id: 'support-bot', type: 'pii.email', n: 3 },
        { agent_id: 'support-bot', type: 'pii.iban', n: 1 },
      ],
      [
        { agent_id: 'support-bot', action: 'redact', n: 3 },
        { agent_id: 'support-bot', action: 'allow', n: 7 },
      ],
      [{ agent_id: 'support-bot', owner: 'dpo@acme', purpose: 'customer support', risk_tier: 'limited' }],
    );
    const [shadow, support] = r.activities;
    expect(support).toMatchObject({
      agent_id: 'support-bot',
      registered: true,
      purposes: ['customer support'],
      processes_personal_data: true,
      declared_data_classes: ['personal'],
      personal_data_categories: [
        { type: 'pii.email', category: 'contact details (email address)', findings: 3 },
        { type: 'pii.iban', category: 'financial data (bank account / IBAN)', findings: 1 },
      ],
      recipients: {
        model_providers: [
          { system: 'anthropic', models: ['claude'] },
          { system: 'openai', models: ['gpt-4o'] },
        ],
        tool_destinations: ['api.partner.io', 'crm.internal'],
      },
      retention: { events_days: [90] },
    });
    expect(support!.security_measures.map((m) => [m.action, m.events])).toEqual([
      ['allow', 7],
      ['redact', 3],
    ]);
    expect(shadow).toMatchObject({
      registered: false,
      purposes: [NOT_REGISTERED],
      risk_tier: NOT_REGISTERED,
      processes_personal_data: false,
    });
    const md = renderProcessingRecordMarkdown(r);
    expect(md).toContain('## support-bot');
    expect(md).toContain('contact details (email address) (3 findings)');
    expect(md).toContain(`| shadow-bot | ${NOT_REGISTERED} |`);
  });

  it('serves JSON and Markdown, bound to the tenant, and treats a missing registry table as unregistered', async () => {
    const ch = fakeCh((table) => {
      if (table === 'agent_registry') throw new Error('Code: 60. DB::Exception: UNKNOWN_TABLE agent_registry');
      return table === 'events' ? [traffic[1]] : [];
    });
    const server = app(ch.client);
    const json = await server.inject({
      url: '/v1/reports/processing-record',
      headers: bearer('warden-dev-analyst-key'),
    });
    expect(json.statusCode).toBe(200);
    expect(json.json()).toMatchObject({
      tenant_id: 'acme',
      period: { days: 30 },
      activities: [{ agent_id: 'shadow-bot' }],
    });
    const md = await server.inject({
      url: '/v1/reports/processing-record?days=7&format=markdown',
      headers: bearer('warden-dev-analyst-key'),
    });
    expect(md.headers['content-type']).toMatch(/text\/markdown/);
    expect(md.body).toContain('last 7 days');
    expect(ch.queries.every((q) => q.params.tenant === 'acme')).toBe(true);
    const bad = await server.inject({
      url: '/v1/reports/processing-record?days=0',
      headers: bearer('warden-dev-analyst-key'),
    });
    expect(bad.statusCode).toBe(400);
  });
});

describe('CLI: session, violations, report', () => {
  function ctxFor(routes: Record<string, unknown>) {
    const out: string[] = [];
    const err: string[] = [];
    const paths: string[] = [];
    const fetchImpl = (async (url: string) => {
      const u = new URL(url);
      paths.push(u.pathname + u.search);
      const body = routes[u.pathname];
      return body === undefined
        ? new Response(JSON.stringify({ code: 'API_NOT_FOUND', message: 'x', statusCode: 404 }), { status: 404 })
        : new Response(JSON.stringify(body), { status: 200 });
    }) as unknown as typeof fetch;
    const ctx: CliContext = {
      out: (t) => out.push(t),
      err: (t) => err.push(t),
      client: new ApiClient({ url: 'http://api', key: 'k', keyFromEnv: true }, fetchImpl),
    };
    return { ctx, out, err, paths };
  }

  it('renders a session, violations and the record as tables, JSON or Markdown', async () => {
    const session = reconstructSession(
      'acme',
      's1',
      [eventRow('e1', NOW)],
      [findingRow('f1', 'e1', 'pii.email', 'j***@corp.com')],
      [verdictRow('e1', 'redact', ['pii.email'])],
      NOW,
    );
    const violations = {
      tenant_id: 'acme',
      generated_at: '',
      since: '7d',
      from: new Date(NOW).toISOString(),
      to: '',
      count: 3,
      blocked: 3,
      redacted: 0,
      quarantined: 0,
      revoked: 0,
      approval_required: 0,
      not_enforced: 0,
      agents: ['a1'],
      groups: [],
    };
    const record = buildProcessingRecord('acme', 30, NOW, [], [], [], []);
    const c = ctxFor({
      '/v1/sessions/s1': session,
      '/v1/violations': violations,
      '/v1/reports/processing-record': record,
    });
    expect(await sessionCommand(['s1'], c.ctx)).toBe(EXIT.ok);
    expect(c.out.join('')).toContain('1 events, 1 findings');
    expect(c.out.join('')).toContain('pii.email(j***@corp.com)');
    expect(await violationsCommand(['--since', '7d'], c.ctx)).toBe(EXIT.ok);
    expect(c.out.join('')).toContain('3 violations in tenant acme');
    expect(await violationsCommand(['--since', 'week'], c.ctx)).toBe(EXIT.usage);
    expect(await reportCommand(['processing-record', '--markdown'], c.ctx)).toBe(EXIT.ok);
    expect(c.out.join('')).toContain('# Record of processing activities');
    expect(await reportCommand(['processing-record', '--json', '--days', '7'], c.ctx)).toBe(EXIT.ok);
    expect(c.paths).toContain('/v1/reports/processing-record?days=7');
    expect(await sessionCommand(['missing'], c.ctx)).toBe(EXIT.notFound);
    expect(await reportCommand(['other'], c.ctx)).toBe(EXIT.usage);
  });
});
