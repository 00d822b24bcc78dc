import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_FLEET, generateFleet, type LabelledEvent } from '../../deploy/demo/fleet.ts';
import type { Finding } from '../../schemas/generated/index.ts';
import { type RunningApi, startApi } from '../../services/api/api.ts';
import { ROLES, type Role } from '../../services/api/auth.ts';
import { loadApiConfig } from '../../services/api/config.ts';
import { hashApiKey } from '../../services/lib/api-keys.ts';
import { type ClickHouseClient, createClickHouse } from '../../services/lib/clickhouse/client.ts';
import { createLogger } from '../../services/lib/logger.ts';
import { loadProvisionConfig } from '../../services/provision/config.ts';
import { provision } from '../../services/provision/provision.ts';
import { eventRow, findingRow } from '../../services/sink/rows.ts';
import { SQL_INJECTIONS } from '../fuzz/targets.ts';
import { isolatedEnv } from '../helpers/isolated-env.ts';

/**
 * Every endpoint of the governance API × {no key, malformed, forged, revoked, each role, other
 * tenant}, against the real API process on the real stack, and SQL-injection payloads in every path
 * and query parameter. The table below is the specification: which roles may call which route. A
 * route the server serves without a row here fails the test, so a new route cannot ship unspecified.
 *
 * "Revoked" is a key that worked until the API was restarted with it removed from API_KEYS (keys are
 * configuration; the API has no expiry time on keys, so "expired" is the same case).
 */
const env = isolatedEnv('authmatrix');
const log = createLogger('test', { level: 'warn' });
const pc = loadProvisionConfig(env);

const ANALYST_UP: readonly Role[] = ['analyst', 'approver', 'admin'];
/** The specification: roles allowed per route (method + fastify path). */
const MATRIX: Record<string, readonly Role[] | 'public'> = {
  'GET /healthz': 'public',
  'GET /v1/agents': ANALYST_UP,
  'GET /v1/agents/:id': ANALYST_UP,
  'POST /v1/agents': ['admin'],
  'POST /v1/agents/:id/revoke': ['admin'],
  'POST /v1/agents/:id/quarantine': ['admin'],
  'GET /v1/sessions/:id': ANALYST_UP,
  'GET /v1/agents/:id/sessions': ANALYST_UP,
  'GET /v1/violations': ANALYST_UP,
  'GET /v1/reports/processing-record': ANALYST_UP,
  'GET /v1/agents/:id/policy': ANALYST_UP,
  'PUT /v1/agents/:id/policy': ['admin', 'approver'],
  'GET /v1/agents/:id/policy/suggested': ANALYST_UP,
  'GET /v1/change-requests': ANALYST_UP,
  'GET /v1/change-requests/:id': ANALYST_UP,
  'POST /v1/change-requests/:id/approve': ['approver'],
  'POST /v1/change-requests/:id/reject': ['approver', 'admin'],
  'GET /v1/agents/:id/policy/shadow': ANALYST_UP,
  'POST /v1/incidents': ['analyst', 'admin'],
  'GET /v1/incidents': ANALYST_UP,
  'GET /v1/incidents/:id': ANALYST_UP,
  'POST /v1/incidents/:id/classify': ['analyst', 'admin'],
  'POST /v1/incidents/:id/notifications': ['analyst', 'admin'],
  'GET /v1/incidents/:id/draft': ANALYST_UP,
};
/** Query parameters each route reads (the injection payloads go into each). */
const QUERY: Record<string, readonly string[]> = {
  'GET /v1/agents': ['running', 'personal_data'],
  'GET /v1/agents/:id/sessions': ['limit'],
  'GET /v1/violations': ['since'],
  'GET /v1/reports/processing-record': ['days', 'format'],
  'GET /v1/agents/:id/policy/suggested': ['days'],
  'GET /v1/change-requests': ['status'],
  'GET /v1/agents/:id/policy/shadow': ['since'],
  'GET /v1/incidents': ['overdue'],
  'GET /v1/incidents/:id/draft': ['regime', 'stage'],
};

const key = (name: string) => `authmatrix-${name}-${'k'.repeat(16)}`;
const ROLE_KEYS = Object.fromEntries(ROLES.map((r) => [r, key(`acme-${r}`)])) as Record<Role, string>;
const OTHER_TENANT = key('globex-admin');
const REVOKED = key('acme-admin-revoked');
const keySpec = (entries: [string, string, Role, string][]) =>
  entries.map(([id, tenant, role, k]) => `${id}:${tenant}:${role}:${hashApiKey(k).toString('hex')}`).join(',');
const CURRENT_KEYS: [string, string, Role, string][] = [
  ...ROLES.map((r): [string, string, Role, string] => [`acme-${r}`, 'acme', r, ROLE_KEYS[r]]),
  ['globex-admin', 'globex', 'admin', OTHER_TENANT],
];

type Caller = { name: string; header: string | null; expect: 'unauthenticated' | 'forbidden' | 'allowed' };

describe('auth matrix of the governance API', () => {
  let ch: ClickHouseClient;
  let api: RunningApi;
  let acme: LabelledEvent['event'];
  /** Identifiers only acme's data holds: none may appear in another tenant's answers. */
  const acmeOnly = new Set<string>();
  let incidentId = '';

  const call = async (method: string, path: string, authorization: string | null, body?: unknown) => {
    const headers: Record<string, string> = {};
    if (authorization !== null) headers.authorization = authorization;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${api.url}${path}`, {
      method,
      headers,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: res.status, text: await res.text() };
  };
  const bearer = (k: string) => `Bearer ${k}`;
  /** A request to a route with acme's identifiers in its path and a body its schema accepts. */
  const request = (route: string) => {
    const [method, url] = route.split(' ') as [string, string];
    const id = url.startsWith('/v1/incidents/')
      ? incidentId
      : url.startsWith('/v1/sessions/')
        ? acme.session_id
        : url.startsWith('/v1/change-requests/')
          ? 'cr-none'
          : acme.agent_id;
    const path = url.replace(':id', encodeURIComponent(id));
    return { method, path, body: method === 'GET' ? undefined : BODIES[route] };
  };
  const BODIES: Record<string, unknown> = {
    'POST /v1/agents': { agent_id: 'authmatrix-new', owner: 'sec@acme.example', purpose: 'matrix' },
    'POST /v1/agents/:id/revoke': { reason: 'auth matrix' },
    'POST /v1/agents/:id/quarantine': { reason: 'auth matrix' },
    'PUT /v1/agents/:id/policy': { allowed_models: ['gpt-4o'] },
    'POST /v1/change-requests/:id/approve': {},
    'POST /v1/change-requests/:id/reject': { reason: 'auth matrix' },
    'POST /v1/incidents': { title: 'auth matrix', finding_ids: [] },
    'POST /v1/incidents/:id/classify': {},
    'POST /v1/incidents/:id/notifications': {},
  };

  async function startWith(keys: [string, string, Role, string][]) {
    await api?.stop();
    api = await startApi(
      loadApiConfig({ ...env, API_PORT: '0', WARDEN_ENV: 'production', API_KEYS: keySpec(keys) }),
      log,
    );
  }

  beforeAll(async () => {
    await provision(pc, log);
    ch = createClickHouse(pc);
    const gen = generateFleet({ ...DEFAULT_FLEET, agentsPerTenant: 2, runawayAgent: null }, Date.now() - 60_000);
    const fleet = Array.from({ length: 200 }, () => gen.next().value as LabelledEvent);
    acme = fleet.find((f) => f.event.tenant_id === 'acme')!.event;
    const globex = new Set(
      fleet.filter((f) => f.event.tenant_id !== 'acme').flatMap((f) => [f.event.agent_id, f.event.session_id]),
    );
    for (const { event } of fleet) {
      if (event.tenant_id !== 'acme') continue;
      for (const v of [event.agent_id, event.session_id, event.event_id]) if (!globex.has(v)) acmeOnly.add(v);
    }
    const ctx = { partition: 0, offset: '0', retentionDays: 90 };
    await ch.insert({ table: 'events', values: fleet.map((f) => eventRow(f.event, ctx)), format: 'JSONEachRow' });
    const finding: Finding = {
      finding_id: 'authmatrix-finding-1',
      event_id: acme.event_id,
      ts: acme.ts,
      tenant_id: 'acme',
      agent_id: acme.agent_id,
      session_id: acme.session_id,
      detector: 'pii',
      detector_version: 'test',
      type: 'pii.email',
      severity: 'high',
      score: 1,
      spans: [],
      evidence: '[masked]',
      attributes: {},
    };
    await ch.insert({ table: 'findings', values: [findingRow(finding, ctx)], format: 'JSONEachRow' });
    acmeOnly.add(finding.finding_id);

    // The revoked key works first: what it gets refused later is its revocation, not a typo.
    await startWith([...CURRENT_KEYS, ['acme-admin-old', 'acme', 'admin', REVOKED]]);
    expect((await call('GET', '/v1/agents', bearer(REVOKED))).status).toBe(200);
    const opened = await call('POST', '/v1/incidents', bearer(ROLE_KEYS.analyst), {
      title: 'auth matrix',
      finding_ids: [finding.finding_id],
    });
    expect(opened.status, opened.text).toBe(201);
    incidentId = (JSON.parse(opened.text) as { incident_id: string }).incident_id;
    acmeOnly.add(incidentId);
    await startWith(CURRENT_KEYS);
  }, 120_000);

  afterAll(async () => {
    await api?.stop();
    await ch?.command({ query: `DROP DATABASE IF EXISTS ${pc.CLICKHOUSE_DATABASE}` });
    await ch?.close();
  });

  it('has a row for every route the API serves', async () => {
    const res = await call('GET', '/v1/agents', bearer(ROLE_KEYS.admin));
    expect(res.status).toBe(200);
    // The served routes, from the same server code the process runs.
    const { testServer } = await import('../unit/api/fakes.ts');
    const { listRoutes } = await import('../fuzz/routes.ts');
    const { PolicyChanges } = await import('../../services/api/policy-changes.ts');
    const { PolicyStore } = await import('../../services/api/policy-store.ts');
    const { ShadowReportStore } = await import('../../services/api/shadow-report.ts');
    const { fakeClickHouse, fakeProducer } = await import('../unit/api/fakes.ts');
    const fch = fakeClickHouse();
    const server = testServer({}, Date.now(), undefined, {
      policies: {
        changes: new PolicyChanges({
          store: new PolicyStore(fch.client),
          control: fakeProducer().publisher,
          audit: { append: async () => ({}) } as never,
        }),
      },
      shadow: new ShadowReportStore(fch.client),
    });
    const served = (await listRoutes(server.app)).map((r) => `${r.method} ${r.url}`);
    await server.app.close();
    expect(served.sort()).toEqual(Object.keys(MATRIX).sort());
  });

  const callers = (route: string): Caller[] => {
    const allowed = MATRIX[route]!;
    if (allowed === 'public') return [{ name: 'no key', header: null, expect: 'allowed' }];
    return [
      { name: 'no key', header: null, expect: 'unauthenticated' },
      { name: 'malformed header', header: `Basic ${ROLE_KEYS.admin}`, expect: 'unauthenticated' },
      { name: 'empty bearer', header: 'Bearer ', expect: 'unauthenticated' },
      { name: 'forged key', header: bearer(`${ROLE_KEYS.admin.slice(0, -1)}x`), expect: 'unauthenticated' },
      { name: 'revoked key', header: bearer(REVOKED), expect: 'unauthenticated' },
      ...ROLES.map(
        (r): Caller => ({
          name: `role ${r}`,
          header: bearer(ROLE_KEYS[r]),
          expect: allowed.includes(r) ? 'allowed' : 'forbidden',
        }),
      ),
    ];
  };

  for (const route of Object.keys(MATRIX)) {
    it(`${route}: refuses what the matrix refuses and serves what it allows`, async () => {
      const { method, path, body } = request(route);
      for (const c of callers(route)) {
        const res = await call(method, path, c.header, body);
        const what = `${route} as ${c.name}: ${res.status} ${res.text.slice(0, 200)}`;
        if (c.expect === 'unauthenticated') {
          expect(res.status, what).toBe(401);
          expect(JSON.parse(res.text).code, what).toBe('API_UNAUTHENTICATED');
        } else if (c.expect === 'forbidden') {
          expect(res.status, what).toBe(403);
          expect(JSON.parse(res.text).code, what).toBe('API_FORBIDDEN');
        } else {
          // Past the auth check: whatever the route answers, never 401/403 and never a server error.
          expect([401, 403].includes(res.status) || res.status >= 500, what).toBe(false);
        }
      }
    });

    if (MATRIX[route] === 'public') continue;
    it(`${route}: another tenant's admin gets nothing of acme's`, async () => {
      const { method, path, body } = request(route);
      const res = await call(method, path, bearer(OTHER_TENANT), body);
      const what = `${route} as globex admin: ${res.status} ${res.text.slice(0, 300)}`;
      expect(res.status < 500, what).toBe(true);
      // The path's own id comes back in answers ("no such session x", `agent_id: x` with nothing
      // found): cut it out first; what remains must hold nothing from acme's rows.
      const echoed = path
        .split('/')
        .map(decodeURIComponent)
        .filter((seg) => seg.length > 0 && acmeOnly.has(seg));
      const rest = echoed.reduce((text, id) => text.split(id).join(''), res.text);
      expect(
        [...acmeOnly].filter((id) => rest.includes(id)),
        what,
      ).toEqual([]);
      // An answer that names a tenant names the caller's.
      if (res.status < 300 && res.text.startsWith('{')) {
        const tenant = (JSON.parse(res.text) as { tenant_id?: unknown }).tenant_id;
        if (tenant !== undefined) expect(tenant, what).toBe('globex');
      }
    });
  }

  it('binds every SQL-injection payload in path and query parameters (nothing leaks, nothing breaks)', async () => {
    const before = await count('events');
    const admin = bearer(ROLE_KEYS.admin);
    const globexOnly = new Set<string>();
    for (const r of await (
      await ch.query({
        query: "SELECT DISTINCT agent_id FROM events WHERE tenant_id != 'acme'",
        format: 'JSONEachRow',
      })
    ).json<{ agent_id: string }>())
      globexOnly.add(r.agent_id);
    let requests = 0;
    for (const route of Object.keys(MATRIX)) {
      const [method, url] = route.split(' ') as [string, string];
      if (method !== 'GET' || MATRIX[route] === 'public') continue;
      const paths: string[] = [];
      for (const payload of SQL_INJECTIONS) {
        if (url.includes(':id')) paths.push(url.replace(':id', encodeURIComponent(payload)));
        for (const q of QUERY[route] ?? []) {
          paths.push(`${request(route).path}?${new URLSearchParams({ [q]: payload }).toString()}`);
        }
      }
      for (const path of paths) {
        const res = await call('GET', path, admin);
        requests++;
        const what = `GET ${path}: ${res.status} ${res.text.slice(0, 200)}`;
        expect(res.status < 500, what).toBe(true);
        expect(
          [...globexOnly].filter((id) => res.text.includes(id)),
          what,
        ).toEqual([]);
      }
    }
    expect(requests).toBeGreaterThan(100);
    // DROP/SHUTDOWN payloads did nothing: the table and its rows are still there, the API still answers.
    expect(await count('events')).toBe(before);
    expect((await call('GET', '/v1/agents', admin)).status).toBe(200);
  });

  async function count(table: string): Promise<number> {
    const rows = await (await ch.query({ query: `SELECT count() AS n FROM ${table}`, format: 'JSONEachRow' })).json<{
      n: string;
    }>();
    return Number(rows[0]!.n);
  }
});
