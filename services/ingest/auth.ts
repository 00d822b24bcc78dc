import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { type ApiKeyEntry, type Caller, hashApiKey, isConfigId, matchApiKey } from '../lib/api-keys.ts';
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

/** An enforcement point that authenticates with a client certificate (mTLS) instead of a key. */
export interface CertificateClient {
  readonly enforcementPointId: string;
  readonly tenantId: string;
  /** Subject common name of its certificate, which must chain to INGEST_TLS_CLIENT_CA_FILE. */
  readonly subjectCn: string;
}

/**
 * Parses `enforcement_point_id:tenant_id:subject_cn,…` (INGEST_MTLS_CLIENTS). Configuration, not
 * traffic: checked here so a bad entry stops start-up with its position.
 */
export function parseCertificateClients(spec: string, variable: string): readonly CertificateClient[] {
  const out: CertificateClient[] = [];
  const problems: string[] = [];
  // INGEST_MTLS_CLIENTS is configuration, not traffic: native RegExp is fine here.
  const cn = /^[A-Za-z0-9._ @-]{1,64}$/;
  const items = spec
    .split(',')
    .map((x) => x.trim())
    .filter((x) => x !== '');
  items.forEach((item, i) => {
    const [ep, tenant, subject, ...rest] = item.split(':');
    if (rest.length > 0 || !ep || !tenant || !subject) {
      problems.push(`${variable}[${i}]: must be enforcement_point_id:tenant_id:subject_cn`);
    } else if (!isConfigId(ep) || !isConfigId(tenant)) {
      problems.push(`${variable}[${i}] (${ep}): ids may hold only letters, digits, . _ -`);
    } else if (!cn.test(subject)) {
      problems.push(`${variable}[${i}] (${ep}): subject_cn may hold letters, digits, space and . _ @ - (64 at most)`);
    } else if (out.some((c) => c.subjectCn === subject)) {
      problems.push(`${variable}[${i}] (${ep}): subject_cn ${subject} is listed twice`);
    } else out.push({ enforcementPointId: ep, tenantId: tenant, subjectCn: subject });
  });
  if (items.length === 0) problems.push(`${variable}: no entries`);
  if (problems.length > 0) throw new WardenError('CONFIG_INVALID', `\n  - ${problems.join('\n  - ')}`);
  return Object.freeze(out);
}

/**
 * The verified client certificate's subject CN, or null: no TLS, no certificate, or one that does
 * not chain to the configured client CA (the TLS layer asks for a certificate but lets the request
 * through, so a key can still authenticate and a failure gets a JSON 401, not a handshake error).
 */
export function verifiedPeerCn(socket: Socket): string | null {
  const tls = socket as Partial<TLSSocket>;
  if (typeof tls.getPeerCertificate !== 'function' || tls.authorized !== true) return null;
  const subject = tls.getPeerCertificate().subject as Record<string, string | string[] | undefined> | undefined;
  const cn = subject?.CN;
  return typeof cn === 'string' && cn !== '' ? cn : null;
}

/**
 * Authenticates by `Authorization: Bearer <key>` or `X-API-Key: <key>`, else by a verified client
 * certificate listed in INGEST_MTLS_CLIENTS. A presented key decides alone: a wrong key is refused
 * even on a connection with a valid certificate, so a mistake is never papered over.
 */
export class Authenticator {
  private readonly byCn: ReadonlyMap<string, CertificateClient>;

  constructor(
    private readonly entries: readonly ApiKeyEntry[],
    certificateClients: readonly CertificateClient[] = [],
  ) {
    this.byCn = new Map(certificateClients.map((c) => [c.subjectCn, c]));
  }

  /** `peerCn` is asked only when the request carries no key (reading a certificate is not free). */
  authenticate(headers: HeaderBag, peerCn: () => string | null = () => null): Caller {
    const key = presentedKey(headers);
    if (key !== undefined) {
      const caller = matchApiKey(this.entries, key);
      if (caller === undefined) throw new WardenError('INGEST_UNAUTHENTICATED', 'unknown API key');
      return caller;
    }
    const cn = this.byCn.size > 0 ? peerCn() : null;
    if (cn !== null) {
      const client = this.byCn.get(cn);
      if (client === undefined) {
        throw new WardenError('INGEST_UNAUTHENTICATED', `client certificate CN=${cn} is not in INGEST_MTLS_CLIENTS`);
      }
      return { enforcementPointId: client.enforcementPointId, tenantId: client.tenantId };
    }
    throw new WardenError(
      'INGEST_UNAUTHENTICATED',
      this.byCn.size > 0 ? 'no API key and no verified client certificate' : 'no API key in the request',
    );
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
