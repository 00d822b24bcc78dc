import { createHash, timingSafeEqual } from 'node:crypto';
import { WardenError } from './errors.ts';

/**
 * API keys of enforcement points, shared by every service that accepts them (ingest, decision).
 * Only sha256 hashes are configured; keys are never stored or logged.
 */
export interface ApiKeyEntry {
  readonly enforcementPointId: string;
  readonly tenantId: string;
  readonly hash: Buffer;
}

/** The caller of a request, once its key matched an entry. */
export interface Caller {
  readonly enforcementPointId: string;
  readonly tenantId: string;
}

export function hashApiKey(key: string): Buffer {
  return createHash('sha256').update(key, 'utf8').digest();
}

// Configuration values, not untrusted traffic: native RegExp is fine here.
const ID = /^[A-Za-z0-9._-]{1,128}$/;
const HEX64 = /^[0-9a-fA-F]{64}$/;

/**
 * Parses `enforcement_point_id:tenant_id:sha256hex,…` from the variable named `variable`. Every bad
 * entry is reported at once, by position, without echoing hashes.
 */
export function parseApiKeys(spec: string, variable: string): readonly ApiKeyEntry[] {
  const entries: ApiKeyEntry[] = [];
  const problems: string[] = [];
  const items = spec
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  items.forEach((item, i) => {
    const parts = item.split(':');
    const [ep, tenant, hex] = parts;
    if (parts.length !== 3 || !ep || !tenant || !hex) {
      problems.push(`${variable}[${i}]: must be enforcement_point_id:tenant_id:sha256hex`);
    } else if (!ID.test(ep) || !ID.test(tenant)) {
      problems.push(`${variable}[${i}]: ids may hold only letters, digits, '.', '_' and '-' (got ${ep}:${tenant})`);
    } else if (!HEX64.test(hex)) {
      problems.push(`${variable}[${i}] (${ep}): the hash must be 64 hex digits (tsx services/ingest/hash-key.ts)`);
    } else {
      entries.push({ enforcementPointId: ep, tenantId: tenant, hash: Buffer.from(hex, 'hex') });
    }
  });
  if (items.length === 0) problems.push(`${variable}: no entries`);
  if (problems.length > 0) throw new WardenError('CONFIG_INVALID', `\n  - ${problems.join('\n  - ')}`);
  return Object.freeze(entries);
}

/**
 * The entry a presented key belongs to, or undefined. Every entry is compared in constant time, so
 * response timing tells nothing about which entry, or how much of a hash, matched.
 */
export function matchApiKey(entries: readonly ApiKeyEntry[], key: string): Caller | undefined {
  const hash = hashApiKey(key);
  let match: ApiKeyEntry | undefined;
  for (const entry of entries) {
    if (timingSafeEqual(entry.hash, hash) && match === undefined) match = entry;
  }
  return match && { enforcementPointId: match.enforcementPointId, tenantId: match.tenantId };
}
