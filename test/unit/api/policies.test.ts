import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { DEV_ROLE_KEYS, type RoleKeyEntry } from '../../../services/api/auth.ts';
import type { RiskTier } from '../../../services/api/bodies.ts';
import { type AgentUsage, suggestScope } from '../../../services/api/least-privilege.ts';
import { type AuditSink, PolicyChanges, scopeDiff, toPolicy } from '../../../services/api/policy-changes.ts';
import type { ChangeStatus, PolicyRepository, PolicyVersion } from '../../../services/api/policy-store.ts';
import { policyRoutes } from '../../../services/api/routes/policies.ts';
import { hashApiKey } from '../../../services/lib/api-keys.ts';
import type { AuditEntry } from '../../../services/lib/audit/hash-chain.ts';
import { bearer, fakeProducer, testServer } from './fakes.ts';

const KEYS = {
  admin: 'warden-dev-admin-key',
  approver: 'warden-dev-approver-key',
  approver2: 'test-second-approver-key',
  analyst: 'warden-dev-analyst-key',
  globexAdmin: 'warden-dev-admin-key-globex',
};
const API_KEYS: readonly RoleKeyEntry[] = [
  ...DEV_ROLE_KEYS,
  { keyId: 'second-approver', tenantId: 'acme', role: 'approver', hash: hashApiKey(KEYS.approver2) },
];

/** In-memory PolicyRepository: same contract as PolicyStore (replace by tenant, agent, version). */
class MemoryRepo implements PolicyRepository {
  readonly rows = new Map<string, PolicyVersion>();
  readonly tiers = new Map<string, RiskTier>();
  usageRows: AgentUsage | null = null;
  async riskTier(tenant: string, agent: string) {
    return this.tiers.get(`${tenant}:${agent}`) ?? null;
  }
  async versions(tenant: string, agent: string) {
    return [...this.rows.values()]
      .filter((v) => v.tenant_id === tenant && v.agent_id === agent)
      .sort((a, b) => a.version - b.version);
  }
  async change(tenant: string, id: string) {
    return [...this.rows.values()].find((v) => v.tenant_id === tenant && v.change_id === id) ?? null;
  }
  async changes(tenant: string, status?: ChangeStatus) {
    return [...this.rows.values()].filter((v) => v.tenant_id === tenant && (!status || v.status === status));
  }
  async save(v: PolicyVersion) {
    this.rows.set(`${v.tenant_id}:${v.agent_id}:${v.version}`, structuredClone(v));
  }
  async usage() {
    if (!this.usageRows) throw new Error('no usage');
    return this.usageRows;
  }
}

function setup() {
  const repo = new MemoryRepo();
  const trail: { stream: string; entry: AuditEntry }[] = [];
  const audit: AuditSink = {
    async append(stream, entry) {
      trail.push({ stream, entry });
    },
  };
  const control = fakeProducer();
  let n = 0;
  const changes = new PolicyChanges({ store: repo, control: control.publisher, audit, newId: () => `cr_${++n}` });
  // The server as the other unit tests build it (fakes.ts), plus the policy plugin.
  const { app } = testServer({}, Date.now(), API_KEYS);
  app.register(policyRoutes, { changes });
  return { app, repo, trail, sent: control.sent };
}

const SCOPE = {
  reason: 'narrow to what refund triage needs',
  allowed_models: ['gpt-4o-mini'],
  allowed_tools: [{ name: 'crm.lookup', mode: 'read' }],
  allowed_destinations: ['crm.internal'],
  allowed_data_classes: ['personal'],
  budgets: { max_calls_per_session: 50 },
};

describe('policy routes', () => {
  let app: FastifyInstance;
  afterEach(async () => app?.close());

  const call = (method: 'GET' | 'PUT' | 'POST', url: string, key: string, payload?: Record<string, unknown>) =>
    app.inject({ method, url, headers: bearer(key), ...(payload === undefined ? {} : { payload }) });

  it('applies a change of a non-high-risk agent at once: policy and approval records on the control topic', async () => {
    const s = setup();
    app = s.app;
    s.repo.tiers.set('acme:bot-low', 'minimal');
    const res = await call('PUT', '/v1/agents/bot-low/policy', KEYS.admin, SCOPE);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: 'applied', change: { version: 1, requires_approval: false } });
    expect(s.sent.map((m) => m.key)).toEqual(['acme:bot-low:policy', 'acme:bot-low:approval']);
    expect(s.trail.map((t) => t.entry.action)).toEqual(['policy.proposed', 'policy.applied']);
    expect(s.trail.every((t) => t.stream === 'tenant:acme/policies')).toBe(true);
    const again = await call('PUT', '/v1/agents/bot-low/policy', KEYS.admin, { ...SCOPE, allowed_models: null });
    expect(again.json()).toMatchObject({ status: 'applied', change: { version: 2 } });
    const view = (await call('GET', '/v1/agents/bot-low/policy', KEYS.analyst)).json();
    expect(view).toMatchObject({ current: { version: 2 }, pending: null });
    expect(view.history.map((v: PolicyVersion) => v.version)).toEqual([2, 1]);
  });

  it('keeps a scope change of a high-risk agent pending, unapplied, until another approver approves it', async () => {
    const s = setup();
    app = s.app;
    s.repo.tiers.set('acme:bot-high', 'high');
    const res = await call('PUT', '/v1/agents/bot-high/policy', KEYS.approver, SCOPE);
    expect(res.statusCode).toBe(202);
    const changeId = res.json().change.change_id as string;
    expect(res.json()).toMatchObject({ status: 'pending', change: { requires_approval: true, risk_tier: 'high' } });
    expect(s.sent).toEqual([]);
    expect((await call('GET', '/v1/agents/bot-high/policy', KEYS.analyst)).json()).toMatchObject({
      current: null,
      pending: { change_id: changeId },
    });
    expect((await call('GET', '/v1/change-requests?status=pending', KEYS.analyst)).json()).toMatchObject({
      count: 1,
      changes: [{ change_id: changeId }],
    });

    // A second proposal while one is pending is refused; so are analysts, admins and the proposer.
    expect((await call('PUT', '/v1/agents/bot-high/policy', KEYS.admin, SCOPE)).json()).toMatchObject({
      code: 'POLICY_CHANGE_PENDING',
    });
    expect((await call('POST', `/v1/change-requests/${changeId}/approve`, KEYS.analyst, {})).statusCode).toBe(403);
    expect((await call('POST', `/v1/change-requests/${changeId}/approve`, KEYS.admin, {})).json()).toMatchObject({
      code: 'API_FORBIDDEN',
    });
    const self = await call('POST', `/v1/change-requests/${changeId}/approve`, KEYS.approver, {});
    expect(self.statusCode).toBe(403);
    expect(self.json()).toMatchObject({ code: 'POLICY_SELF_APPROVAL' });
    expect(s.sent).toEqual([]);
    // Another tenant cannot see or decide it.
    expect((await call('GET', `/v1/change-requests/${changeId}`, KEYS.globexAdmin)).statusCode).toBe(404);

    // A malformed approval body is refused before anything happens.
    expect(
      (await call('POST', `/v1/change-requests/${changeId}/approve`, KEYS.approver2, { ok: true })).statusCode,
    ).toBe(400);
    const ok = await call('POST', `/v1/change-requests/${changeId}/approve`, KEYS.approver2, { comment: 'ok' });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({
      status: 'applied',
      change: { decided_by: 'second-approver', proposed_by: 'local-approver', decision_comment: 'ok' },
    });
    expect(s.sent.map((m) => m.key)).toEqual(['acme:bot-high:policy', 'acme:bot-high:approval']);
    expect(s.trail.map((t) => [t.entry.action, t.entry.actor])).toEqual([
      ['policy.proposed', 'local-approver'],
      ['policy.approval_refused', 'local-approver'],
      ['policy.approved', 'second-approver'],
      ['policy.applied', 'second-approver'],
    ]);
    const again = await call('POST', `/v1/change-requests/${changeId}/approve`, KEYS.approver2, {});
    expect(again.json()).toMatchObject({ code: 'POLICY_CHANGE_DECIDED' });
  });

  it('rejects a pending change: nothing published, the trail records who and why', async () => {
    const s = setup();
    app = s.app;
    s.repo.tiers.set('acme:bot-high', 'high');
    const changeId = (await call('PUT', '/v1/agents/bot-high/policy', KEYS.admin, SCOPE)).json().change.change_id;
    expect((await call('POST', `/v1/change-requests/${changeId}/reject`, KEYS.approver, {})).statusCode).toBe(400);
    const res = await call('POST', `/v1/change-requests/${changeId}/reject`, KEYS.approver, { reason: 'too broad' });
    expect(res.json()).toMatchObject({ status: 'rejected', change: { decided_by: 'local-approver' } });
    expect(s.sent).toEqual([]);
    expect(s.trail.at(-1)?.entry).toMatchObject({ action: 'policy.rejected', payload: { reason: 'too broad' } });
    expect((await call('GET', '/v1/change-requests?status=pending', KEYS.analyst)).json().count).toBe(0);
    // The next proposal gets the next version.
    const next = await call('PUT', '/v1/agents/bot-high/policy', KEYS.admin, SCOPE);
    expect(next.json()).toMatchObject({ status: 'pending', change: { version: 2 } });
  });

  it('validates the proposal body against schemas/json/policy-proposal.schema.json', async () => {
    const s = setup();
    app = s.app;
    for (const bad of [
      { allowed_models: ['x'] },
      { ...SCOPE, allowed_tools: [{ name: 'x', mode: 'delete' }] },
      { ...SCOPE, enforcement: 'maybe' },
      { ...SCOPE, tenant_id: 'globex' },
    ]) {
      const res = await call('PUT', '/v1/agents/a/policy', KEYS.admin, bad);
      expect(res.statusCode, JSON.stringify(bad)).toBe(400);
    }
    expect((await call('PUT', '/v1/agents/a/policy', KEYS.analyst, SCOPE)).statusCode).toBe(403);
  });

  it('suggests the least-privilege scope seen in traffic, bound to the caller tenant', async () => {
    const s = setup();
    app = s.app;
    s.repo.usageRows = {
      events: 4,
      first_seen_ms: 1_000,
      last_seen_ms: 2_000,
      models: ['gpt-4o-mini'],
      targets: ['https://CRM.internal/api/v1', 'crm.internal:443/x', '/srv/reports'],
      declared_classes: ['Financial'],
      tools: [
        { tool_name: 'crm.lookup', tool_mode: 'read', calls: 2 },
        { tool_name: 'crm.update', tool_mode: 'read', calls: 1 },
        { tool_name: 'crm.update', tool_mode: 'write', calls: 1 },
        { tool_name: 'fs.read', tool_mode: '', calls: 1 },
      ],
      finding_types: ['pii.email'],
    };
    const res = await call('GET', '/v1/agents/bot/policy/suggested?days=3', KEYS.analyst);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      tenant_id: 'acme',
      days: 3,
      events: 4,
      policy: {
        enforcement: 'shadow',
        allowed_models: ['gpt-4o-mini'],
        allowed_tools: [
          { name: 'crm.lookup', mode: 'read' },
          { name: 'crm.update', mode: 'write' },
          { name: 'fs.read', mode: 'read' },
        ],
        allowed_destinations: ['/srv/reports', 'crm.internal'],
        allowed_data_classes: ['financial', 'personal'],
      },
    });
    expect((await call('GET', '/v1/agents/bot/policy/suggested?days=0', KEYS.analyst)).statusCode).toBe(400);
  });
});

describe('policy helpers', () => {
  it('suggests deny-all lists (not allow-any) for an agent with no traffic', () => {
    const s = suggestScope(
      {
        events: 0,
        first_seen_ms: null,
        last_seen_ms: null,
        models: [],
        targets: [],
        declared_classes: [],
        tools: [],
        finding_types: [],
      },
      { tenant: 't', agent: 'a', days: 7, nowMs: 0 },
    );
    expect(s.policy).toMatchObject({ allowed_models: [], allowed_tools: [], allowed_destinations: [] });
    expect(s.first_seen).toBeNull();
  });

  it('keeps the policy id across versions and diffs only changed scope fields', () => {
    const v1 = toPolicy({ reason: 'r', allowed_models: ['a'] }, 'bot', 1, null);
    const v2 = toPolicy({ reason: 'r', allowed_models: ['a', 'b'] }, 'bot', 2, { ...v1, policy_id: 'custom' });
    expect(v1.policy_id).toBe('agent.bot');
    expect(v2.policy_id).toBe('custom');
    expect(Object.keys(scopeDiff(v1, v2))).toEqual(['allowed_models']);
    expect(Object.keys(scopeDiff(null, v1)).length).toBeGreaterThan(1);
  });
});
