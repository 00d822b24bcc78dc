import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_FLEET, generateFleet, type LabelledEvent } from '../../deploy/demo/fleet.ts';
import type { AgentEvent, Finding } from '../../schemas/generated/index.ts';
import { Enforcer } from '../../sdk/enforcer.ts';
import { type RunningApi, startApi } from '../../services/api/api.ts';
import { loadApiConfig } from '../../services/api/config.ts';
import type { AgentSummary } from '../../services/api/inventory.ts';
import { type ClickHouseClient, createClickHouse } from '../../services/lib/clickhouse/client.ts';
import { createLogger } from '../../services/lib/logger.ts';
import { loadProvisionConfig } from '../../services/provision/config.ts';
import { provision } from '../../services/provision/provision.ts';
import { eventRow, findingRow } from '../../services/sink/rows.ts';
import { isolatedEnv } from '../helpers/isolated-env.ts';
import { pollUntil } from '../helpers/poll.ts';

const env = isolatedEnv('api');
const log = createLogger('test', { level: 'warn' });
/** Measurements are printed as JSON lines so revocation latency can be tracked over time. */
const report = createLogger('api-latency', { level: 'info' });
const pc = loadProvisionConfig(env);
const KEYS = {
  acmeAdmin: 'warden-dev-admin-key',
  acmeAnalyst: 'warden-dev-analyst-key',
  globexAnalyst: 'warden-dev-analyst-key-globex',
};
const FLEET = { ...DEFAULT_FLEET, agentsPerTenant: 4, runawayAgent: null };
const FLEET_EVENTS = 600;

interface Expected {
  owner: string;
  events: number;
  models: Set<string>;
  tools: Set<string>;
  destinations: Set<string>;
  personal: boolean;
}

/** Ground truth per tenant and agent, from the generator's own events and labels. */
function groundTruth(fleet: readonly LabelledEvent[]): Map<string, Map<string, Expected>> {
  const out = new Map<string, Map<string, Expected>>();
  for (const { event: e, labels } of fleet) {
    const tenant = out.get(e.tenant_id) ?? new Map<string, Expected>();
    out.set(e.tenant_id, tenant);
    const x = tenant.get(e.agent_id) ?? {
      owner: e.owner ?? '',
      events: 0,
      models: new Set<string>(),
      tools: new Set<string>(),
      destinations: new Set<string>(),
      personal: false,
    };
    tenant.set(e.agent_id, x);
    x.events++;
    if (e.model) x.models.add(e.model.name);
    if (e.tool) x.tools.add(e.tool.name);
    if (e.tool?.target) x.destinations.add(e.tool.target);
    if (labels.some((l) => l.startsWith('pii.'))) x.personal = true;
  }
  return out;
}

/** The finding a detector would raise for each labelled PII (stands in for the detect service). */
function findingsOf(fleet: readonly LabelledEvent[]): Finding[] {
  return fleet.flatMap(({ event: e, labels }) =>
    labels
      .filter((l) => l.startsWith('pii.'))
      .map((type, i) => ({
        finding_id: `${e.event_id}-${i}`,
        event_id: e.event_id,
        ts: e.ts,
        tenant_id: e.tenant_id,
        agent_id: e.agent_id,
        session_id: e.session_id,
        detector: 'pii',
        detector_version: 'test',
        type,
        severity: 'medium' as const,
        score: 1,
        spans: [],
        evidence: '[masked]',
        attributes: {},
      })),
  );
}

describe('governance API on the real stack', () => {
  let ch: ClickHouseClient;
  let api: RunningApi;
  let fleet: LabelledEvent[];
  let enforcer: Enforcer | undefined;

  const call = async (method: string, path: string, key: string | null, body?: unknown) => {
    const headers: Record<string, string> = {};
    if (key !== null) headers.authorization = `Bearer ${key}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${api.url}${path}`, {
      method,
      headers,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  const agentsOf = (body: Record<string, unknown>) => body.agents as AgentSummary[];

  beforeAll(async () => {
    await provision(pc, log);
    ch = createClickHouse(pc);
    const gen = generateFleet(FLEET, Date.now() - 60_000);
    fleet = Array.from({ length: FLEET_EVENTS }, () => gen.next().value as LabelledEvent);
    const ctx = { partition: 0, offset: '0', retentionDays: 90 };
    const stale: AgentEvent = {
      ...fleet[0]!.event,
      event_id: 'stale-1',
      tenant_id: 'acme',
      agent_id: 'acme-retired-bot',
      ts: Date.now() - 3 * 3_600_000,
    };
    await ch.insert({
      table: 'events',
      values: [...fleet.map((f) => eventRow(f.event, ctx)), eventRow(stale, ctx)],
      format: 'JSONEachRow',
    });
    await ch.insert({
      table: 'findings',
      values: findingsOf(fleet).map((f) => findingRow(f, ctx)),
      format: 'JSONEachRow',
    });
    api = await startApi(loadApiConfig({ ...env, API_PORT: '0', WARDEN_ENV: 'local', API_KEYS: '' }), log);
  });

  afterAll(async () => {
    await enforcer?.stop();
    await api?.stop();
    await ch?.command({ query: `DROP DATABASE IF EXISTS ${pc.CLICKHOUSE_DATABASE}` });
    await ch?.close();
  });

  it('lists every agent of the caller tenant with the counts, tools and data classes of the ground truth', async () => {
    const truth = groundTruth(fleet);
    for (const [tenant, key] of [
      ['acme', KEYS.acmeAnalyst],
      ['globex', KEYS.globexAnalyst],
    ] as const) {
      const res = await call('GET', '/v1/agents', key);
      expect(res.status).toBe(200);
      const expected = truth.get(tenant)!;
      const seen = agentsOf(res.body).filter((a) => a.agent_id !== 'acme-retired-bot');
      expect(seen.map((a) => a.agent_id).sort()).toEqual([...expected.keys()].sort());
      for (const a of seen) {
        const x = expected.get(a.agent_id)!;
        expect(a).toMatchObject({
          owner: x.owner,
          events: x.events,
          models: [...x.models].sort(),
          tools: [...x.tools].sort(),
          destinations: [...x.destinations].sort(),
          running: true,
          shadow: true,
        });
        expect(a.data_classes.includes('personal'), a.agent_id).toBe(x.personal);
      }
      const personal = [...expected.values()].filter((x) => x.personal).length;
      const filtered = await call('GET', '/v1/agents?personal_data=true', key);
      expect(agentsOf(filtered.body).length).toBe(personal);
    }
  });

  it('reports an agent last seen outside the window as not running', async () => {
    const running = agentsOf((await call('GET', '/v1/agents?running=true', KEYS.acmeAnalyst)).body);
    expect(running.some((a) => a.agent_id === 'acme-retired-bot')).toBe(false);
    const retired = await call('GET', '/v1/agents/acme-retired-bot', KEYS.acmeAnalyst);
    expect(retired.body).toMatchObject({ running: false, events: 1 });
  });

  it('never lets an analyst of tenant A read tenant B', async () => {
    const globexAgent = fleet.find((f) => f.event.tenant_id === 'globex')!.event.agent_id;
    expect((await call('GET', `/v1/agents/${globexAgent}`, KEYS.acmeAnalyst)).status).toBe(404);
    expect((await call('GET', `/v1/agents/${globexAgent}`, KEYS.globexAnalyst)).status).toBe(200);
    const acme = agentsOf((await call('GET', '/v1/agents', KEYS.acmeAnalyst)).body);
    expect(acme.every((a) => a.agent_id.startsWith('acme-'))).toBe(true);
    // The tenant comes from the key: a tenant in the query string is refused, not honoured.
    expect(await call('GET', '/v1/agents?tenant_id=globex', KEYS.acmeAnalyst)).toMatchObject({
      status: 400,
      body: { code: 'API_INVALID_REQUEST' },
    });
    // A crafted id cannot break out of its query parameter.
    const injected = await call('GET', `/v1/agents/${encodeURIComponent("x' OR tenant_id='globex")}`, KEYS.acmeAnalyst);
    expect(injected.status).toBe(404);
  });

  it('registers an agent (admin only) and stops flagging it as shadow', async () => {
    const body = { agent_id: 'acme-agent-00', owner: 'team-payments', purpose: 'refund triage', risk_tier: 'high' };
    expect((await call('POST', '/v1/agents', KEYS.acmeAnalyst, body)).status).toBe(403);
    expect((await call('POST', '/v1/agents', KEYS.acmeAdmin, { ...body, risk_tier: 'extreme' })).status).toBe(400);
    expect(await call('POST', '/v1/agents', KEYS.acmeAdmin, body)).toMatchObject({ status: 201 });
    expect((await call('GET', '/v1/agents/acme-agent-00', KEYS.acmeAnalyst)).body).toMatchObject({
      registered: true,
      shadow: false,
      risk_tier: 'high',
      purpose: 'refund triage',
    });
    // Registered in acme only: globex's view is unchanged.
    const globex = agentsOf((await call('GET', '/v1/agents', KEYS.globexAnalyst)).body);
    expect(globex.every((a) => a.shadow)).toBe(true);
  });

  it('revokes a credential through the API and the SDK denies it within 60 s (measured)', async () => {
    enforcer = await Enforcer.start({
      tenantId: 'acme',
      kafka: pc,
      registry: pc,
      topicPrefix: pc.KAFKA_TOPIC_PREFIX,
      logger: log,
    });
    const e = { ...fleet.find((f) => f.event.tenant_id === 'acme')!.event, content: null };
    const credential = e.principal!.credential_id!;
    expect(enforcer.check(e).action).toBe('allow');

    const started = performance.now();
    const res = await call('POST', `/v1/agents/${e.agent_id}/revoke`, KEYS.acmeAdmin, {
      credential_id: credential,
      reason: 'credential leaked in a ticket',
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      key: `acme:${e.agent_id}:revocation:${credential}`,
      record: { tenant_id: 'acme', issued_by: 'local-admin' },
    });
    await pollUntil(
      async () => enforcer!.check(e).action,
      (a) => a === 'revoke_credential',
      { timeoutMs: 60_000, intervalMs: 5, what: 'first deny after revocation' },
    );
    const ms = Math.round((performance.now() - started) * 10) / 10;
    report.info({ measure: 'api_revocation_to_first_deny_ms', ms }, 'API revoke call to first SDK deny');
    process.stdout.write(`revocation: API call to first SDK deny in ${ms} ms\n`);
    expect(ms).toBeLessThan(60_000);
  });

  it('quarantines an agent through the API and refuses the call to non-admins', async () => {
    const agent = fleet.find((f) => f.event.tenant_id === 'acme' && f.event.agent_id !== 'acme-agent-00')!.event;
    expect(
      (await call('POST', `/v1/agents/${agent.agent_id}/quarantine`, KEYS.acmeAnalyst, { reason: 'x' })).status,
    ).toBe(403);
    expect((await call('POST', `/v1/agents/${agent.agent_id}/quarantine`, null, { reason: 'x' })).status).toBe(401);
    const res = await call('POST', `/v1/agents/${agent.agent_id}/quarantine`, KEYS.acmeAdmin, {
      reason: 'prompt injection',
      active: true,
    });
    expect(res.status).toBe(200);
    const e = { ...agent, content: null, principal: null };
    await pollUntil(
      async () => enforcer!.check(e).action,
      (a) => a === 'block',
      { timeoutMs: 60_000, intervalMs: 5, what: 'quarantine block' },
    );
  });
});
