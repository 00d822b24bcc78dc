import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Authenticator, parseApiKeys } from '../../../services/ingest/auth.ts';
import { loadIngestConfig } from '../../../services/ingest/config.ts';

const sha = (key: string) => createHash('sha256').update(key).digest('hex');
const entries = parseApiKeys(`gw-eu:acme:${sha('key-acme')}, gw-us:globex:${sha('key-globex')}`, 'INGEST_API_KEYS');
const auth = new Authenticator(entries);

describe('ingest authentication', () => {
  it('accepts a Bearer key or X-API-Key and names the enforcement point and tenant', () => {
    expect(auth.authenticate({ authorization: 'Bearer key-acme' })).toEqual({
      enforcementPointId: 'gw-eu',
      tenantId: 'acme',
    });
    expect(auth.authenticate({ 'x-api-key': 'key-globex' })).toEqual({
      enforcementPointId: 'gw-us',
      tenantId: 'globex',
    });
  });

  it.each([
    ['no key', {}],
    ['an unknown key', { authorization: 'Bearer key-other' }],
    ['another scheme', { authorization: 'Basic key-acme' }],
  ])('answers 401 to %s', (_label, headers) => {
    expect(() => auth.authenticate(headers)).toThrow(
      expect.objectContaining({ code: 'INGEST_UNAUTHENTICATED', statusCode: 401 }),
    );
  });

  it('reports every malformed INGEST_API_KEYS entry at start-up without echoing hashes', () => {
    expect(() => parseApiKeys(`gw:acme, gw:acme:nothex, a b:acme:${sha('x')}`, 'INGEST_API_KEYS')).toThrow(
      /INGEST_API_KEYS\[0\].*\n.*INGEST_API_KEYS\[1\].*64 hex.*\n.*INGEST_API_KEYS\[2\]/,
    );
  });

  it('uses the dev keys only in WARDEN_ENV=local and refuses to start in production without keys', () => {
    expect(loadIngestConfig({}).devKeys).toBe(true);
    expect(() => loadIngestConfig({ WARDEN_ENV: 'production' })).toThrow(
      expect.objectContaining({ code: 'CONFIG_INVALID', message: expect.stringContaining('INGEST_API_KEYS') }),
    );
    const config = loadIngestConfig({ WARDEN_ENV: 'production', INGEST_API_KEYS: `gw-eu:acme:${sha('k')}` });
    expect(config.devKeys).toBe(false);
    expect(config.apiKeys.map((k) => k.tenantId)).toEqual(['acme']);
  });
});
