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

/** True for an id in configuration (enforcement point, tenant): letters, digits, '.', '_', '-', 1–128. */
export function isConfigId(value: string): boolean {
  return ID.test(value);
}
const HEX64 = /^[0-9a-fA-F]{64}$/;

export interface KeySpecField {
  readonly name: string;
  /** Why a value is unacceptable, or null; the default accepts ids of letters, digits, '.', '_' and '-'. */
  readonly check?: (value: string) => string | null;
}

/**
 * Parses `field:field:…:sha256hex,…` lists of hashed keys (INGEST_API_KEYS, DECISION_API_KEYS,
 * API_KEYS). Every bad entry is reported at once, by position, without echoing hashes.
 */
export function parseKeySpec(
  spec: string,
  variable: string,
  fields: readonly KeySpecField[],
): readonly { values: string[]; hash: Buffer }[] {
  const entries: { values: string[]; hash: Buffer }[] = [];
  const problems: string[] = [];
  const format = `${fields.map((f) => f.name).join(':')}:sha256hex`;
  const items = spec
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  items.forEach((item, i) => {
    const parts = item.split(':');
    const values = parts.slice(0, -1);
    const hex = parts[parts.length - 1] ?? '';
    if (parts.length !== fields.length + 1 || parts.some((p) => p.length === 0)) {
      problems.push(`${variable}[${i}]: must be ${format}`);
      return;
    }
    const bad = fields
      .map((f, j) =>
        f.check ? f.check(values[j]!) : isConfigId(values[j]!) ? null : 'may hold only letters, digits, . _ -',
      )
      .map((msg, j) => (msg ? `${fields[j]!.name} ${msg} (got ${values[j]})` : null))
      .filter((m): m is string => m !== null);
    if (bad.length > 0) problems.push(`${variable}[${i}] (${values[0]}): ${bad.join('; ')}`);
    else if (!HEX64.test(hex)) {
      problems.push(
        `${variable}[${i}] (${values[0]}): the hash must be 64 hex digits, the sha256 of the key (tsx services/ingest/hash-key.ts)`,
      );
    } else entries.push({ values, hash: Buffer.from(hex, 'hex') });
  });
  if (items.length === 0) problems.push(`${variable}: no entries`);
  if (problems.length > 0) throw new WardenError('CONFIG_INVALID', `\n  - ${problems.join('\n  - ')}`);
  return entries;
}

/** Parses `enforcement_point_id:tenant_id:sha256hex,…` from the variable named `variable`. */
export function parseApiKeys(spec: string, variable: string): readonly ApiKeyEntry[] {
  return Object.freeze(
    parseKeySpec(spec, variable, [{ name: 'enforcement_point_id' }, { name: 'tenant_id' }]).map(({ values, hash }) => ({
      enforcementPointId: values[0]!,
      tenantId: values[1]!,
      hash,
    })),
  );
}

/** The entry whose hash matches the presented key, compared in constant time against every entry. */
export function matchKeyHash<T extends { readonly hash: Buffer }>(entries: readonly T[], key: string): T | undefined {
  const hash = hashApiKey(key);
  let match: T | undefined;
  for (const entry of entries) {
    if (timingSafeEqual(entry.hash, hash) && match === undefined) match = entry;
  }
  return match;
}

/**
 * The entry a presented key belongs to, or undefined. Every entry is compared in constant time, so
 * response timing tells nothing about which entry, or how much of a hash, matched.
 */
export function matchApiKey(entries: readonly ApiKeyEntry[], key: string): Caller | undefined {
  const match = matchKeyHash(entries, key);
  return match && { enforcementPointId: match.enforcementPointId, tenantId: match.tenantId };
}
