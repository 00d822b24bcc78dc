import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { approveCommand, policyCommand } from '../../cli/commands/policy.ts';
import { ApiClient } from '../../cli/lib/api-client.ts';
import type { CliContext } from '../../cli/lib/io.ts';
import { DEFAULT_FLEET, generateFleet, type LabelledEvent } from '../../deploy/demo/fleet.ts';
import type { AgentEvent, Finding } from '../../schemas/generated/index.ts';
import { AgentRegistry } from '../../services/api/agent-registry.ts';
import { DEV_ROLE_KEYS, type RoleKeyEntry } from '../../services/api/auth.ts';
import { ControlPublisher } from '../../services/api/control-publisher.ts';
import { AgentInventory } from '../../services/api/inventory.ts';
import { PolicyChanges, policyStream } from '../../services/api/policy-changes.ts';
import { PolicyStore } from '../../services/api/policy-store.ts';
import { policyRoutes } from '../../services/api/routes/policies.ts';
import { type ApiDeps, buildServer } from '../../services/api/server.ts';
import { hashApiKey } from '../../services/lib/api-keys.ts';
import { AuditLog, readStreamRecords } from '../../services/lib/audit/audit-log.ts';
import { type ClickHouseClient, createClickHouse } from '../../services/lib/clickhouse/client.ts';
import { type ControlSubscription, subscribeControl } from '../../services/lib/control/control-subscriber.ts';
import { createKafka, type Producer } from '../../services/lib/kafka/client.ts';
import { createLogger } from '../../services/lib/logger.ts';
import { AvroCodec, createRegistryClient } from '../../services/lib/serde/avro-codec.ts';
import { loadProvisionConfig } from '../../services/provision/config.ts';
import { provision } from '../../services/provision/provision.ts';
import { eventRow, findingRow } from '../../services/sink/rows.ts';
import { isolatedEnv } from '../helpers/isolated-env.ts';
import { pollUntil } from '../helpers/poll.ts';

const env = isolatedEnv('policies');
const log = createLogger('test', { level: 'warn' });
const pc = loadProvisionConfig(env);
const KEYS = {
  admin: 'warden-dev-admin-key',
  approver: 'warden-dev-approver-key',
  approver2: 'policies-test-second-approver',
  analyst: 'warden-dev-analyst-key',
  globexAdmin: 'warden-dev-admin-key-globex',
};
const API_KEYS: readonly RoleKeyEntry[] = [
  ...DEV_ROLE_KEYS,
  { keyId: 'second-approver', tenantId: 'acme', role: 'approver', hash: hashApiKey(KEYS.approver2) },
];
const HIGH = 'acme-claims-bot';
const DAY = 86_400_000;

describe('policies with four-eyes approval on the real stack', () => {
  let ch: ClickHouseClient;
  let producer: Producer;
  let app: FastifyInstance;
  let url: string;
  let codec: AvroCodec<'control'>;
  let control: ControlSubscription | undefined;

  const call = async (method: string, path: string, key: string, body?: unknown) => {
    const headers: Record<string, string> = { authorization: `Bearer ${key}` };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${url}${path}`, {
      method,
      headers,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    // biome-ignore lint/suspicious/noExplicitAny: test access to JSON bodies
    return { status: res.status, body: (await res.json()) as any };
  };
  const cli = (key: string) => {
    const out: string[] = [];
    const err: string[] = [];
    const ctx: CliContext = {
      out: (t) => out.push(t),
      err: (t) => err.push(t),
      client: new ApiClient({ url, key, keyFromEnv: true }),
    };
    return { ctx, out, err };
  };

  beforeAll(async () => {
    await provision(pc, log);
    ch = createClickHouse(pc);
    producer = createKafka(pc, log, 'policies-test').producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
    });
    await producer.connect();
    codec = new AvroCodec(createRegistryClient(pc), pc.KAFKA_TOPIC_PREFIX, 'control');
    const publisher = new ControlPublisher(producer, codec, 15_000);
    // Test-only wrapper: the server as startApi builds it, plus the policy plugin.
    // Only the dependencies of the routes this file calls (registration, policies); the cast keeps the
    // file compiling while ApiDeps grows. Once buildServer registers policyRoutes, use startApi.
    const deps: Partial<ApiDeps> = {
      log,
      apiKeys: API_KEYS,
      inventory: new AgentInventory(ch, 15 * 60_000),
      registry: new AgentRegistry(ch),
      control: publisher,
      maxBodyBytes: 256 * 1024,
    };
    app = buildServer(deps as ApiDeps);
    const changes = new PolicyChanges({
      store: new PolicyStore(ch),
      control: publisher,
      audit: new AuditLog({ clickhouse: ch, log }),
    });
    app.register(policyRoutes, { changes });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const address = app.server.address() as { port: number };
    url = `http://127.0.0.1:${address.port}`;
  });

  afterAll(async () => {
    await control?.stop();
    await app?.close();
    await producer?.disconnect();
    await ch?.command({ query: `DROP DATABASE IF EXISTS ${pc.CLICKHOUSE_DATABASE}` });
    await ch?.close();
  });

  it('holds a high-risk scope change until a second approver approves it, then publishes it and keeps the trail', async () => {
    expect(
      (
        await call('POST', '/v1/agents', KEYS.admin, {
          agent_id: HIGH,
          owner: 'team-claims',
          purpose: 'insurance claim triage',
          risk_tier: 'high',
        })
      ).status,
    ).toBe(201);
    const scope = {
      reason: 'claims bot needs the CRM read-only',
      allowed_models: ['gpt-4o-mini'],
      allowed_tools: [{ name: 'crm.lookup', mode: 'read' }],
      allowed_destinations: ['crm.internal'],
      allowed_data_classes: ['personal'],
      budgets: { max_calls_per_session: 40 },
    };
    const proposed = await call('PUT', `/v1/agents/${HIGH}/policy`, KEYS.approver, scope);
    expect(proposed.status).toBe(202);
    expect(proposed.body).toMatchObject({ status: 'pending', change: { version: 1, risk_tier: 'high' } });
    const changeId = proposed.body.change.change_id as string;

    // Not applied: nothing for the agent on the control topic, no current version.
    control = await subscribeControl(createKafka(pc, log, 'policies-read'), pc.KAFKA_TOPIC_PREFIX, codec, log);
    await control.caughtUp;
    expect(control.state.policyFor('acme', HIGH)).toBeNull();
    expect((await call('GET', `/v1/agents/${HIGH}/policy`, KEYS.analyst)).body).toMatchObject({
      current: null,
      requires_approval: true,
      pending: { change_id: changeId },
    });
    const pending = await call('GET', '/v1/change-requests?status=pending', KEYS.analyst);
    expect(pending.body.changes.map((c: { change_id: string }) => c.change_id)).toEqual([changeId]);

    // The proposer cannot approve their own change; the refusal is audited.
    const self = cli(KEYS.approver);
    expect(await approveCommand([changeId], self.ctx)).toBe(3);
    expect(self.err.join('')).toContain('POLICY_SELF_APPROVAL');
    // Another tenant does not even see it.
    expect(
      (await call('POST', `/v1/change-requests/${changeId}/reject`, KEYS.globexAdmin, { reason: 'x' })).status,
    ).toBe(404);
    await new Promise((r) => setTimeout(r, 500));
    expect(control.state.policyFor('acme', HIGH)).toBeNull();

    // A second person with the approver role applies it.
    const other = cli(KEYS.approver2);
    expect(await approveCommand([changeId, '--comment', 'checked with DPO'], other.ctx)).toBe(0);
    expect(other.out.join('')).toContain(`approved change ${changeId}`);
    const applied = await pollUntil(
      async () => control!.state.policyFor('acme', HIGH),
      (p) => p !== null,
      { what: 'the approved policy on the control topic', timeoutMs: 30_000 },
    );
    expect(applied).toMatchObject({
      version: 1,
      allowed_tools: [{ name: 'crm.lookup', mode: 'read' }],
      budgets: { max_calls_per_session: 40 },
    });
    const view = await call('GET', `/v1/agents/${HIGH}/policy`, KEYS.analyst);
    expect(view.body).toMatchObject({
      current: { version: 1, status: 'applied', proposed_by: 'local-approver', decided_by: 'second-approver' },
      pending: null,
    });
    expect((await call('POST', `/v1/change-requests/${changeId}/approve`, KEYS.approver2, {})).body).toMatchObject({
      code: 'POLICY_CHANGE_DECIDED',
    });

    // A second change, rejected: version 2 is never applied.
    const second = await call('PUT', `/v1/agents/${HIGH}/policy`, KEYS.admin, { ...scope, allowed_models: null });
    const secondId = second.body.change.change_id as string;
    const rejecter = cli(KEYS.approver);
    expect(await approveCommand([secondId, '--reject', '--reason', 'allows any model'], rejecter.ctx)).toBe(0);
    expect(rejecter.out.join('')).toContain('rejected');
    expect((await call('GET', `/v1/agents/${HIGH}/policy`, KEYS.analyst)).body).toMatchObject({
      current: { version: 1 },
      history: [
        { version: 2, status: 'rejected' },
        { version: 1, status: 'applied' },
      ],
    });

    // The trail the CISO shows: proposal, refusal, approval, application, second proposal, rejection.
    const trail = await readStreamRecords(ch, policyStream('acme'));
    expect(trail.map((r) => [r.action, r.actor, r.payload.change_id])).toEqual([
      ['policy.proposed', 'local-approver', changeId],
      ['policy.approval_refused', 'local-approver', changeId],
      ['policy.approved', 'second-approver', changeId],
      ['policy.applied', 'second-approver', changeId],
      ['policy.proposed', 'local-admin', secondId],
      ['policy.rejected', 'local-approver', secondId],
    ]);
    for (let i = 1; i < trail.length; i++) expect(trail[i]!.prev_hash).toBe(trail[i - 1]!.hash);
    expect(trail[0]!.payload).toMatchObject({ reason: scope.reason, diff: { allowed_models: { from: null } } });

    const shown = cli(KEYS.analyst);
    expect(await policyCommand(['show', HIGH], shown.ctx)).toBe(0);
    expect(shown.out.join('')).toMatch(/current: version 1 .*approved by second-approver/);
  });

  it('applies a change of an agent that is not high-risk at once', async () => {
    await call('POST', '/v1/agents', KEYS.admin, {
      agent_id: 'acme-faq-bot',
      owner: 'team-support',
      purpose: 'FAQ',
      risk_tier: 'minimal',
    });
    const res = await call('PUT', '/v1/agents/acme-faq-bot/policy', KEYS.admin, {
      reason: 'baseline',
      allowed_models: ['gpt-4o-mini'],
      enforcement: 'shadow',
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'applied', change: { version: 1, requires_approval: false } });
    const p = await pollUntil(
      async () => control?.state.policyFor('acme', 'acme-faq-bot') ?? null,
      (x) => x !== null,
      { what: 'the applied policy', timeoutMs: 30_000 },
    );
    expect(p).toMatchObject({ version: 1, enforcement: 'shadow', allowed_models: ['gpt-4o-mini'] });
  });

  it('suggests the least-privilege scope the agent used in the window, for the caller tenant only', async () => {
    const template = (generateFleet({ ...DEFAULT_FLEET, runawayAgent: null }, Date.now()).next().value as LabelledEvent)
      .event;
    const now = Date.now();
    let n = 0;
    const ev = (over: Partial<AgentEvent>): AgentEvent => ({
      ...template,
      tenant_id: 'acme',
      agent_id: 'acme-suggest-bot',
      event_id: `sugg-${++n}`,
      ts: now - 3_600_000,
      model: null,
      tool: null,
      data_classes: [],
      ...over,
    });
    const tool = (name: string, target: string, mode: 'read' | 'write' | null) => ({
      name,
      target,
      mode,
      arguments: null,
    });
    const model = (name: string) => ({ system: 'openai', name });
    const events = [
      ev({ kind: 'model_request', model: model('gpt-4o-mini') }),
      ev({ kind: 'model_request', model: model('gpt-4o'), data_classes: ['Financial'] }),
      ev({ kind: 'tool_call', tool: tool('crm.lookup', 'https://CRM.internal/customers/7', 'read') }),
      ev({ kind: 'tool_call', tool: tool('tickets.update', 'jira.example.com/rest', 'read') }),
      ev({ kind: 'tool_call', tool: tool('tickets.update', 'jira.example.com/rest', 'write') }),
      ev({ kind: 'tool_call', tool: tool('fs.read', '/srv/reports', null) }),
      // Outside a 7-day window, inside a 30-day one.
      ev({ kind: 'tool_call', ts: now - 10 * DAY, tool: tool('email.send', 'smtp.example.com', 'write') }),
      // Same agent id in another tenant: never part of acme's suggestion.
      ev({ tenant_id: 'globex', kind: 'tool_call', tool: tool('payments.refund', 'pay.globex.com', 'write') }),
    ];
    const ctx = { partition: 0, offset: '0', retentionDays: 90 };
    await ch.insert({ table: 'events', values: events.map((e) => eventRow(e, ctx)), format: 'JSONEachRow' });
    const finding: Finding = {
      finding_id: 'sugg-f1',
      event_id: 'sugg-1',
      ts: now - 3_600_000,
      tenant_id: 'acme',
      agent_id: 'acme-suggest-bot',
      session_id: template.session_id,
      detector: 'pii',
      detector_version: 'test',
      type: 'pii.email',
      severity: 'medium',
      score: 1,
      spans: [],
      evidence: '[masked]',
      attributes: {},
    };
    await ch.insert({ table: 'findings', values: [findingRow(finding, ctx)], format: 'JSONEachRow' });

    const week = await call('GET', '/v1/agents/acme-suggest-bot/policy/suggested?days=7', KEYS.analyst);
    expect(week.status).toBe(200);
    expect(week.body).toMatchObject({ tenant_id: 'acme', days: 7, events: 6 });
    expect(week.body.policy).toEqual({
      enforcement: 'shadow',
      fail_mode: 'closed',
      allowed_models: ['gpt-4o', 'gpt-4o-mini'],
      allowed_tools: [
        { name: 'crm.lookup', mode: 'read' },
        { name: 'fs.read', mode: 'read' },
        { name: 'tickets.update', mode: 'write' },
      ],
      allowed_destinations: ['/srv/reports', 'crm.internal', 'jira.example.com'],
      allowed_data_classes: ['financial', 'personal'],
      budgets: { max_calls_per_session: null, max_tokens_per_session: null, max_cost_usd_per_day: null },
      actions: {},
      thresholds: {},
    });
    const month = await call('GET', '/v1/agents/acme-suggest-bot/policy/suggested?days=30', KEYS.analyst);
    expect(month.body.events).toBe(7);
    expect(month.body.policy.allowed_tools).toContainEqual({ name: 'email.send', mode: 'write' });
    expect(JSON.stringify(month.body)).not.toContain('payments.refund');

    // The suggestion is a valid proposal as it stands (plus a reason), and the CLI prints it.
    const put = await call('PUT', '/v1/agents/acme-suggest-bot/policy', KEYS.admin, {
      ...week.body.policy,
      reason: 'least privilege from 7 days of traffic',
    });
    expect(put.status).toBe(200);
    const suggest = cli(KEYS.analyst);
    expect(await policyCommand(['suggest', 'acme-suggest-bot', '--days', '7'], suggest.ctx)).toBe(0);
    expect(suggest.out.join('')).toContain('tickets.update:write');
    const json = cli(KEYS.analyst);
    expect(await policyCommand(['suggest', 'acme-suggest-bot', '--json'], json.ctx)).toBe(0);
    expect(JSON.parse(json.out.join('')).policy.allowed_models).toEqual(['gpt-4o', 'gpt-4o-mini']);
  });
});
