import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseProxyConfig } from '../../../gateways/mcp-proxy/config.ts';

const secrets = { wardenKey: 'k', apiKey: null };
const minimal = {
  tenant_id: 'acme',
  agent_id: 'agent-1',
  warden: { decision_url: 'http://127.0.0.1:8787', ingest_url: 'http://127.0.0.1:8080' },
  servers: [{ name: 'files', command: 'npx', args: ['some-mcp-server'] }],
};

function problems(raw: unknown): string {
  try {
    parseProxyConfig(raw, '/etc/warden/proxy.json', secrets);
  } catch (err) {
    return `${(err as { code: string }).code} ${(err as Error).message}`;
  }
  return '';
}

describe('MCP proxy config', () => {
  it('fills defaults and anchors a relative data_dir at the config file', () => {
    const c = parseProxyConfig(minimal, '/etc/warden/proxy.json', secrets);
    expect(c).toMatchObject({
      mode: 'enforce',
      fail_mode: 'closed',
      shadowing: 'namespace',
      enforcement_point_id: 'mcp-proxy',
      listen: { stdio: true },
      warden: { timeout_ms: 2000, approval_refresh_ms: 5000 },
      mirror: { max_queue: 10_000, max_batch: 200 },
      dataDir: '/etc/warden/.warden/mcp-proxy',
    });
    expect(c.servers[0]).toEqual({ name: 'files', command: 'npx', args: ['some-mcp-server'], env: {} });
    expect(Object.isFrozen(c)).toBe(true);
  });

  it('refuses unknown fields and bad values, naming each', () => {
    const msg = problems({ ...minimal, mode: 'observe', servers: [{ name: 'x', url: 'ftp://nope' }], extra: 1 });
    expect(msg).toContain('CONFIG_INVALID');
    expect(msg).toContain('/mode: must be one of mirror, enforce (got "observe")');
    expect(msg).toContain('/servers/0/url: Expected string to match');
    expect(msg).toContain('extra');
  });

  it('reports every cross-field problem at once', () => {
    const msg = problems({
      ...minimal,
      tenant_id: 'acme corp',
      listen: { stdio: false },
      warden: { ingest_url: 'http://127.0.0.1:8080', api_url: 'http://127.0.0.1:8090' },
      servers: [
        { name: 'a', command: 'x' },
        { name: 'a', url: 'http://127.0.0.1:9/mcp' },
      ],
    });
    for (const part of [
      '/tenant_id',
      '/servers/1/name: a is used twice',
      '/warden/decision_url: required with mode enforce',
      '/listen: enable stdio, http or both',
      'MCP_PROXY_API_KEY: required',
    ]) {
      expect(msg).toContain(part);
    }
  });

  it('allows mirror mode without a decision endpoint', () => {
    const c = parseProxyConfig(
      { ...minimal, mode: 'mirror', warden: { ingest_url: 'http://127.0.0.1:8080' } },
      '/p.json',
      secrets,
    );
    expect(c.mode).toBe('mirror');
  });

  it('reads header values env:NAME from the environment and fails naming a missing one', () => {
    const raw = {
      ...minimal,
      servers: [{ name: 'search', url: 'http://h/mcp', headers: { authorization: 'env:SEARCH_TOKEN' } }],
    };
    const c = parseProxyConfig(raw, '/p.json', secrets, { SEARCH_TOKEN: 'Bearer s3cr3t' });
    expect(c.servers[0]).toMatchObject({ headers: { authorization: 'Bearer s3cr3t' } });
    expect(() => parseProxyConfig(raw, '/p.json', secrets, {})).toThrow(/SEARCH_TOKEN is not set/);
  });

  it('requires the key hashes of HTTP clients to be sha256 hex', () => {
    const msg = problems({ ...minimal, listen: { http: { api_key_sha256: ['not-a-hash'] } } });
    expect(msg).toContain('/listen/http/api_key_sha256/0');
  });
});

describe('the example config in gateways/mcp-proxy', () => {
  it('is valid, so the README example starts', () => {
    const url = new URL('../../../gateways/mcp-proxy/example.config.json', import.meta.url);
    const raw = JSON.parse(readFileSync(url, 'utf8'));
    const c = parseProxyConfig(raw, fileURLToPath(url), { wardenKey: 'k', apiKey: 'a' }, { SEARCH_MCP_TOKEN: 't' });
    expect(c.servers.map((s) => s.name)).toEqual(['files', 'search']);
    expect(c.listen.http?.port).toBe(8930);
  });
});
