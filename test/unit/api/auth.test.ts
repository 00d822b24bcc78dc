import { afterEach, describe, expect, it } from 'vitest';
import { authenticate, parseRoleKeys } from '../../../services/api/auth.ts';
import { loadApiConfig } from '../../../services/api/config.ts';
import { hashApiKey } from '../../../services/lib/api-keys.ts';
import { bearer, testServer } from './fakes.ts';

const servers: { close(): Promise<unknown> }[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
});
function server(...args: Parameters<typeof testServer>) {
  const s = testServer(...args);
  servers.push(s.app);
  return s;
}

describe('governance API access control', () => {
  it('answers /healthz without a key', async () => {
    const { app } = server();
    expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
  });

  it('refuses a missing or unknown key with 401 API_UNAUTHENTICATED', async () => {
    const { app } = server();
    for (const headers of [{}, bearer('wrong-key'), { authorization: 'Basic abc' }]) {
      const res = await app.inject({ method: 'GET', url: '/v1/agents', headers });
      expect(res.statusCode).toBe(401);
      expect(res.json()).toMatchObject({ code: 'API_UNAUTHENTICATED', statusCode: 401 });
    }
  });

  it('refuses a role the route does not allow with 403 API_FORBIDDEN', async () => {
    const { app, sent } = server();
    const res = await app.inject({
      method: 'POST',
      url: '/v1/agents/bot/revoke',
      headers: bearer('warden-dev-analyst-key'),
      payload: { reason: 'x' },
    });
    expect(res.statusCode).toBe(403);
    expect(res.json()).toMatchObject({ code: 'API_FORBIDDEN', statusCode: 403 });
    expect(sent).toEqual([]);
    const register = await app.inject({
      method: 'POST',
      url: '/v1/agents',
      headers: bearer('warden-dev-approver-key'),
      payload: { agent_id: 'a', owner: 'o', purpose: 'p', risk_tier: 'high' },
    });
    expect(register.statusCode).toBe(403);
  });

  it('refuses an ingest key on every governance route', async () => {
    const keys = parseRoleKeys(`ep-1:acme:ingest:${hashApiKey('ingest-only').toString('hex')}`);
    expect(authenticate(keys, 'Bearer ingest-only')).toEqual({ keyId: 'ep-1', tenantId: 'acme', role: 'ingest' });
    const { app } = server({}, Date.now(), keys);
    for (const [method, url] of [
      ['GET', '/v1/agents'],
      ['GET', '/v1/agents/bot'],
      ['POST', '/v1/agents'],
      ['POST', '/v1/agents/bot/revoke'],
      ['POST', '/v1/agents/bot/quarantine'],
    ] as const) {
      const res = await app.inject({
        method,
        url,
        headers: bearer('ingest-only'),
        payload: method === 'POST' ? {} : undefined,
      });
      expect(res.statusCode, `${method} ${url}`).toBe(403);
    }
  });

  it('takes the tenant from the key and publishes the control record under it', async () => {
    const { app, sent } = server();
    const res = await app.inject({
      method: 'POST',
      url: '/v1/agents/bot/revoke',
      headers: bearer('warden-dev-admin-key-globex'),
      payload: { reason: 'leaked', credential_id: 'cred-1' },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      key: 'globex:bot:revocation:cred-1',
      record: {
        tenant_id: 'globex',
        issued_by: 'local-admin-globex',
        payload: { 'dev.warden.v1.Revocation': { credential_id: 'cred-1', reason: 'leaked', expires_at: null } },
      },
    });
    expect(sent).toEqual([{ topic: 'warden.control.v1', key: 'globex:bot:revocation:cred-1' }]);
  });

  it('rejects unknown body fields and a tenant in the request with 400 API_INVALID_REQUEST', async () => {
    const { app } = server();
    const body = await app.inject({
      method: 'POST',
      url: '/v1/agents/bot/quarantine',
      headers: bearer('warden-dev-admin-key'),
      payload: { reason: 'x', tenant_id: 'globex' },
    });
    expect(body.statusCode).toBe(400);
    expect(body.json()).toMatchObject({ code: 'API_INVALID_REQUEST' });
    const query = await app.inject({
      method: 'GET',
      url: '/v1/agents?tenant_id=globex',
      headers: bearer('warden-dev-analyst-key'),
    });
    expect(query.json()).toMatchObject({ code: 'API_INVALID_REQUEST', statusCode: 400 });
  });

  it('refuses to start with a route that declares no roles', async () => {
    const { app } = server();
    expect(() => app.get('/v1/unguarded', async () => ({}))).toThrow(/declares no roles/);
  });

  it("answers the router's own refusals in the API's error shape, not with FST_ codes", async () => {
    const { app } = server();
    const long = await app.inject({
      method: 'GET',
      url: `/v1/agents/${'a'.repeat(101)}`,
      headers: bearer('warden-dev-admin-key'),
    });
    expect(long.statusCode).toBe(414);
    expect(long.json()).toEqual({
      code: 'API_PARAM_TOO_LONG',
      message: 'a path parameter is longer than the router accepts: limit 100 characters',
      statusCode: 414,
    });
    const fits = await app.inject({
      method: 'GET',
      url: `/v1/agents/${'a'.repeat(100)}`,
      headers: bearer('warden-dev-admin-key'),
    });
    expect(fits.json()).toMatchObject({ code: 'API_NOT_FOUND' });
    const badUrl = await app.inject({
      method: 'GET',
      url: '/v1/agents/%E0%A4%A',
      headers: bearer('warden-dev-admin-key'),
    });
    expect(badUrl.statusCode).toBe(400);
    expect(badUrl.json()).toMatchObject({ code: 'API_INVALID_REQUEST', statusCode: 400 });
  });

  it('answers unknown routes with 404 API_NOT_FOUND', async () => {
    const { app } = server();
    const res = await app.inject({ method: 'GET', url: '/v1/nothing', headers: bearer('warden-dev-admin-key') });
    expect(res.json()).toMatchObject({ code: 'API_NOT_FOUND', statusCode: 404 });
  });
});

describe('API key configuration', () => {
  it('reports every bad API_KEYS entry at once', () => {
    expect(() => parseRoleKeys('a:acme:root:00,b:acme:admin:xyz,c')).toThrow(
      /API_KEYS\[0\] \(a\): role must be one of[\s\S]*API_KEYS\[1\] \(b\): the hash must be 64 hex[\s\S]*API_KEYS\[2\]/,
    );
  });

  it('requires API_KEYS outside WARDEN_ENV=local and uses dev keys only locally', () => {
    expect(() => loadApiConfig({ WARDEN_ENV: 'production' })).toThrow(/API_KEYS: required/);
    expect(loadApiConfig({ WARDEN_ENV: 'local' }).devKeys).toBe(true);
    const hex = hashApiKey('k').toString('hex');
    const cfg = loadApiConfig({ WARDEN_ENV: 'production', API_KEYS: `ciso:acme:analyst:${hex}` });
    expect(cfg.devKeys).toBe(false);
    expect(cfg.apiKeys.map((k) => k.role)).toEqual(['analyst']);
  });
});
