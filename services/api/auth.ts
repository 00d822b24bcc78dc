import { hashApiKey, matchKeyHash, parseKeySpec } from '../lib/api-keys.ts';
import { WardenError } from '../lib/errors.ts';

/**
 * API keys of people and tools calling the governance API. Only sha256 hashes are configured
 * (`API_KEYS=key_id:tenant_id:role:sha256hex,…`); the tenant of every query comes from the key,
 * never from the request.
 */
export const ROLES = ['ingest', 'analyst', 'approver', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export interface RoleKeyEntry {
  readonly keyId: string;
  readonly tenantId: string;
  readonly role: Role;
  readonly hash: Buffer;
}

/** Who made a request, once its key matched an entry. */
export interface Principal {
  readonly keyId: string;
  readonly tenantId: string;
  readonly role: Role;
}

/**
 * Documented keys for the local stack only (WARDEN_ENV=local and API_KEYS unset). Production refuses
 * to start without API_KEYS, so these never open a deployed API.
 */
export const DEV_KEYS = Object.freeze({
  'warden-dev-admin-key': { keyId: 'local-admin', tenantId: 'acme', role: 'admin' },
  'warden-dev-approver-key': { keyId: 'local-approver', tenantId: 'acme', role: 'approver' },
  'warden-dev-analyst-key': { keyId: 'local-analyst', tenantId: 'acme', role: 'analyst' },
  'warden-dev-admin-key-globex': { keyId: 'local-admin-globex', tenantId: 'globex', role: 'admin' },
  'warden-dev-analyst-key-globex': { keyId: 'local-analyst-globex', tenantId: 'globex', role: 'analyst' },
} satisfies Record<string, Omit<Principal, 'role'> & { role: Role }>);

export const DEV_ADMIN_KEY = 'warden-dev-admin-key';

export const DEV_ROLE_KEYS: readonly RoleKeyEntry[] = Object.freeze(
  Object.entries(DEV_KEYS).map(([key, p]) => ({ ...p, role: p.role as Role, hash: hashApiKey(key) })),
);

/** Parses `key_id:tenant_id:role:sha256hex,…`; every bad entry is reported at once, by position, hashes never echoed. */
export function parseRoleKeys(spec: string, variable = 'API_KEYS'): readonly RoleKeyEntry[] {
  const roleCheck = (v: string) => (isRole(v) ? null : `must be one of ${ROLES.join(', ')}`);
  return Object.freeze(
    parseKeySpec(spec, variable, [{ name: 'key_id' }, { name: 'tenant_id' }, { name: 'role', check: roleCheck }]).map(
      ({ values, hash }) => ({ keyId: values[0]!, tenantId: values[1]!, role: values[2] as Role, hash }),
    ),
  );
}

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

/**
 * Authenticates `Authorization: Bearer <key>`. Every entry is compared in constant time, so
 * response timing tells nothing about which entry, or how much of a hash, matched.
 */
export function authenticate(entries: readonly RoleKeyEntry[], authorization: string | undefined): Principal {
  const key = bearerKey(authorization);
  if (key === undefined) throw new WardenError('API_UNAUTHENTICATED', 'expected Authorization: Bearer <key>');
  const match = matchKeyHash(entries, key);
  if (match === undefined) throw new WardenError('API_UNAUTHENTICATED', 'unknown API key');
  return { keyId: match.keyId, tenantId: match.tenantId, role: match.role };
}

/** Refuses a principal whose role is not among `allowed`, naming both. */
export function authorize(principal: Principal, allowed: readonly Role[]): void {
  if (!allowed.includes(principal.role)) {
    throw new WardenError(
      'API_FORBIDDEN',
      `role ${principal.role} (key ${principal.keyId}); allowed: ${allowed.join(', ')}`,
    );
  }
}

function bearerKey(authorization: string | undefined): string | undefined {
  if (authorization === undefined) return undefined;
  const space = authorization.indexOf(' ');
  if (space <= 0 || authorization.slice(0, space).toLowerCase() !== 'bearer') return undefined;
  const key = authorization.slice(space + 1).trim();
  return key.length > 0 ? key : undefined;
}
