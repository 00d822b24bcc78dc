import { type ErrorCode, WardenError } from '../lib/errors.ts';

/**
 * Why one delivery attempt failed, with what an operator should change. `retryable` false means
 * another attempt with the same bytes cannot succeed (the batch is dead-lettered at once);
 * `retryAfterMs` is the receiver's own Retry-After, which the back-off honours.
 */
export class DeliveryError extends WardenError {
  readonly retryable: boolean;
  readonly fix: string;
  readonly retryAfterMs: number | undefined;

  constructor(
    code: ErrorCode,
    detail: string,
    o: { retryable: boolean; fix: string; cause?: unknown; retryAfterMs?: number | undefined },
  ) {
    super(code, detail, { cause: o.cause });
    this.retryable = o.retryable;
    this.fix = o.fix;
    this.retryAfterMs = o.retryAfterMs;
  }
}

const TLS_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'ERR_SSL_WRONG_VERSION_NUMBER',
  'EPROTO',
]);

/** Maps a socket or TLS error of a connection attempt to a DeliveryError naming the cause and the fix. */
export function connectionError(err: unknown, target: string): DeliveryError {
  const e = err as NodeJS.ErrnoException & { reason?: string };
  const code = e?.code ?? '';
  if (err instanceof DeliveryError) return err;
  // Native RegExp on trusted text only: Node's own TLS error messages and codes, never agent content.
  if (TLS_CODES.has(code) || /alert|handshake|certificate|ssl/i.test(e?.message ?? '')) {
    return new DeliveryError('SIEM_DESTINATION_TLS_FAILED', `${target}: ${code || 'TLS'} ${e.message}`, {
      retryable: true,
      cause: err,
      fix:
        code === 'ERR_TLS_CERT_ALTNAME_INVALID'
          ? 'set serverName to a name in the receiver certificate, or fix the certificate'
          : // Node's own TLS error code, never agent content: a native RegExp is fine.
            /CERT|ISSUER|VERIFY|SELF_SIGNED/.test(code)
            ? "set caFile to the CA that signed the receiver's certificate"
            : 'check that the receiver speaks TLS on this port and accepts the client certificate (certFile/keyFile)',
    });
  }
  if (code === 'ETIMEDOUT' || code === 'SIEM_TIMEOUT') {
    return new DeliveryError('SIEM_DESTINATION_TIMEOUT', `${target}: ${e.message}`, {
      retryable: true,
      cause: err,
      fix: 'check the receiver load or raise timeoutMs',
    });
  }
  return new DeliveryError('SIEM_DESTINATION_UNREACHABLE', `${target}: ${code ? `${code} ` : ''}${e?.message ?? err}`, {
    retryable: true,
    cause: err,
    fix: 'check host and port of the destination and that the receiver runs',
  });
}

/** Maps an HTTP status of a HEC or webhook answer. 408 and 429 and 5xx are worth retrying. */
export function httpError(status: number, body: string, target: string, retryAfter: string | null): DeliveryError {
  const detail = `${target}: HTTP ${status} ${body.slice(0, 300)}`;
  const retryAfterMs = parseRetryAfter(retryAfter);
  if (status === 429 || status >= 500 || status === 408) {
    return new DeliveryError('SIEM_DESTINATION_UNAVAILABLE', detail, {
      retryable: true,
      retryAfterMs,
      fix: 'the receiver is busy or failing; it is retried with back-off (set rateLimitPerSec if it persists)',
    });
  }
  const fix =
    status === 401 || status === 403
      ? 'the token or key is wrong or lacks permission: check tokenEnv/secretEnv and the receiver configuration'
      : status === 404
        ? 'the URL path is wrong: HEC wants the base URL (https://host:8088), webhooks the full endpoint URL'
        : status === 413
          ? 'the batch is too large for the receiver: lower batchMaxRecords'
          : 'the receiver refused the payload: check index/sourcetype and the body format';
  // A 4xx is retried too (a fixed token or index takes effect without a restart), but it is an
  // operator problem, logged at error level with the fix; after maxAttempts the batch is dead-lettered.
  return new DeliveryError('SIEM_DESTINATION_REJECTED', detail, { retryable: status !== 400 && status !== 413, fix });
}

function parseRetryAfter(v: string | null): number | undefined {
  if (!v) return undefined;
  const seconds = Number(v);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}
