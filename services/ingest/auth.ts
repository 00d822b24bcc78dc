import { type ApiKeyEntry, type Caller, hashApiKey, matchApiKey } from '../lib/api-keys.ts';
import { WardenError } from '../lib/errors.ts';

export { type ApiKeyEntry, type Caller, hashApiKey, parseApiKeys } from '../lib/api-keys.ts';

/**
 * Documented keys for the local stack only (WARDEN_ENV=local and INGEST_API_KEYS unset):
 * `warden-dev-key` writes tenant acme, `warden-dev-key-globex` tenant globex. Production refuses to
 * start without INGEST_API_KEYS, so these can never open a deployed service.
 */
export const DEV_API_KEYS: readonly ApiKeyEntry[] = Object.freeze([
  { enforcementPointId: 'local-dev', tenantId: 'acme', hash: hashApiKey('warden-dev-key') },
  { enforcementPointId: 'local-dev-globex', tenantId: 'globex', hash: hashApiKey('warden-dev-key-globex') },
]);

export type HeaderBag = Record<string, string | string[] | undefined>;

/** Authenticates by `Authorization: Bearer <key>` or `X-API-Key: <key>`. */
export class Authenticator {
  constructor(private readonly entries: readonly ApiKeyEntry[]) {}

  authenticate(headers: HeaderBag): Caller {
    const key = presentedKey(headers);
    if (key === undefined) throw new WardenError('INGEST_UNAUTHENTICATED', 'no API key in the request');
    const caller = matchApiKey(this.entries, key);
    if (caller === undefined) throw new WardenError('INGEST_UNAUTHENTICATED', 'unknown API key');
    return caller;
  }
}

function presentedKey(headers: HeaderBag): string | undefined {
  const auth = single(headers.authorization);
  if (auth !== undefined) {
    const space = auth.indexOf(' ');
    if (space > 0 && auth.slice(0, space).toLowerCase() === 'bearer') {
      const key = auth.slice(space + 1).trim();
      if (key.length > 0) return key;
    }
  }
  const apiKey = single(headers['x-api-key'])?.trim();
  return apiKey ? apiKey : undefined;
}

function single(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}
