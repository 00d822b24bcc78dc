import { type ApiKeyEntry, type Caller, matchApiKey } from '../lib/api-keys.ts';
import { WardenError } from '../lib/errors.ts';

export { type ApiKeyEntry, type Caller, parseApiKeys } from '../lib/api-keys.ts';

const BEARER = 'bearer ';

/**
 * `Authorization: Bearer <key>` against the configured hashes. Every entry is compared in constant
 * time, so response timing does not tell which entry (or how much of a hash) matched.
 */
export function authenticate(entries: readonly ApiKeyEntry[], authorization: string | undefined): Caller {
  if (authorization === undefined || authorization.length <= BEARER.length) {
    throw new WardenError('DECISION_UNAUTHORIZED', 'expected Authorization: Bearer <key>');
  }
  if (authorization.slice(0, BEARER.length).toLowerCase() !== BEARER) {
    throw new WardenError('DECISION_UNAUTHORIZED', 'expected Authorization: Bearer <key>');
  }
  const caller = matchApiKey(entries, authorization.slice(BEARER.length).trim());
  if (caller === undefined) throw new WardenError('DECISION_UNAUTHORIZED', 'unknown API key');
  return caller;
}
