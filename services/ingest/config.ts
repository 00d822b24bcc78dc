import { readFileSync } from 'node:fs';
import { type Static, Type } from '@sinclair/typebox';
import { ConnectionEnv } from '../lib/connections.ts';
import { readEnv } from '../lib/env-config.ts';
import { WardenError } from '../lib/errors.ts';
import { type ApiKeyEntry, DEV_API_KEYS, parseApiKeys, parseCertificateClients } from './auth.ts';

const MiB = 1024 * 1024;

const IngestEnv = Type.Object({
  ...ConnectionEnv,
  WARDEN_ENV: Type.Union([Type.Literal('local'), Type.Literal('staging'), Type.Literal('production')], {
    default: 'local',
    description: 'local enables the documented dev API keys when INGEST_API_KEYS is unset',
  }),
  INGEST_HOST: Type.String({ default: '127.0.0.1', description: 'Listen address (0.0.0.0 in a container)' }),
  INGEST_PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 8080, description: '0 picks a free port' }),
  INGEST_API_KEYS: Type.Optional(
    Type.String({ description: 'Comma-separated enforcement_point_id:tenant_id:sha256hex-of-key' }),
  ),
  INGEST_MAX_BODY_BYTES: Type.Integer({ minimum: 1024, default: 5 * MiB, description: 'After gzip decompression' }),
  INGEST_MAX_EVENTS_PER_REQUEST: Type.Integer({ minimum: 1, default: 5000 }),
  INGEST_MAX_CONTENT_BYTES: Type.Integer({
    minimum: 1,
    default: 64 * 1024,
    description: 'content.text longer than this (UTF-8 bytes) is truncated; length and sha256 keep the full text',
  }),
  INGEST_MAX_IN_FLIGHT_BYTES: Type.Integer({
    minimum: 1024,
    default: 64 * MiB,
    description: 'Encoded bytes waiting for Kafka acks before requests get 429',
  }),
  INGEST_KAFKA_SEND_TIMEOUT_MS: Type.Integer({
    minimum: 100,
    default: 10_000,
    description: 'How long a request waits for Kafka acks before 503',
  }),
  INGEST_MAX_IN_FLIGHT_REQUESTS: Type.Integer({
    minimum: 0,
    default: 256,
    description: 'Requests handled at once above which new ones get 503 INGEST_SATURATED (0: no cap)',
  }),
  INGEST_MAX_EVENT_LOOP_DELAY_MS: Type.Integer({
    minimum: 0,
    default: 200,
    description: 'Sampled mean event-loop delay above which new requests get 503 INGEST_SATURATED (0: off)',
  }),
  INGEST_MAX_EVENT_LOOP_UTILIZATION: Type.Number({
    minimum: 0,
    maximum: 1,
    default: 0,
    description: 'Sampled event-loop utilisation (0-1) above which new requests get 503 (0: off)',
  }),
  INGEST_PRESSURE_SAMPLE_INTERVAL_MS: Type.Integer({
    minimum: 10,
    default: 250,
    description: 'How often event-loop delay and utilisation are sampled for load shedding',
  }),
  INGEST_RETRY_AFTER_SECONDS: Type.Integer({ minimum: 1, default: 5, description: 'Retry-After on 503' }),
  INGEST_READY_TIMEOUT_MS: Type.Integer({ minimum: 100, default: 2000, description: 'Registry probe of /readyz' }),
  INGEST_TLS_CERT_FILE: Type.Optional(Type.String({ description: 'PEM server certificate (chain): serve HTTPS' })),
  INGEST_TLS_KEY_FILE: Type.Optional(Type.String({ description: 'PEM private key of INGEST_TLS_CERT_FILE' })),
  INGEST_TLS_CLIENT_CA_FILE: Type.Optional(
    Type.String({ description: "PEM CA(s) that sign enforcement points' client certificates (mTLS)" }),
  ),
  INGEST_MTLS_CLIENTS: Type.Optional(
    Type.String({ description: 'Comma-separated enforcement_point_id:tenant_id:subject_cn of client certificates' }),
  ),
});

/** PEM material for HTTPS, read at start-up so a missing file fails fast naming its variable. */
export interface IngestTls {
  readonly cert: Buffer;
  readonly key: Buffer;
  /** Set for mTLS: client certificates are requested and verified against it. */
  readonly clientCa: Buffer | null;
}

function readPem(variable: string, path: string, problems: string[]): Buffer {
  try {
    const pem = readFileSync(path);
    if (!pem.includes('-----BEGIN ')) problems.push(`${variable}: ${path} is not PEM (no -----BEGIN line)`);
    return pem;
  } catch (err) {
    problems.push(`${variable}: cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
    return Buffer.alloc(0);
  }
}

function loadTls(values: Static<typeof IngestEnv>): IngestTls | null {
  const problems: string[] = [];
  const { INGEST_TLS_CERT_FILE: certFile, INGEST_TLS_KEY_FILE: keyFile, INGEST_TLS_CLIENT_CA_FILE: caFile } = values;
  if ((certFile === undefined) !== (keyFile === undefined)) {
    problems.push('INGEST_TLS_CERT_FILE and INGEST_TLS_KEY_FILE: set both (HTTPS) or neither (HTTP)');
  }
  if (caFile !== undefined && certFile === undefined) {
    problems.push('INGEST_TLS_CLIENT_CA_FILE: mTLS needs HTTPS, set INGEST_TLS_CERT_FILE and INGEST_TLS_KEY_FILE');
  }
  if ((values.INGEST_MTLS_CLIENTS === undefined) !== (caFile === undefined)) {
    problems.push('INGEST_MTLS_CLIENTS and INGEST_TLS_CLIENT_CA_FILE: set both (mTLS) or neither');
  }
  const tls =
    certFile !== undefined && keyFile !== undefined
      ? {
          cert: readPem('INGEST_TLS_CERT_FILE', certFile, problems),
          key: readPem('INGEST_TLS_KEY_FILE', keyFile, problems),
          clientCa: caFile === undefined ? null : readPem('INGEST_TLS_CLIENT_CA_FILE', caFile, problems),
        }
      : null;
  if (problems.length > 0) throw new WardenError('CONFIG_INVALID', `\n  - ${problems.join('\n  - ')}`);
  return tls;
}

export type IngestConfig = ReturnType<typeof loadIngestConfig>;

/** Reads and validates the environment once; the API keys are parsed here so a bad entry stops start-up. */
export function loadIngestConfig(env: NodeJS.ProcessEnv = process.env) {
  const values = readEnv(IngestEnv, env);
  const tls = loadTls(values);
  const certificateClients =
    values.INGEST_MTLS_CLIENTS === undefined
      ? []
      : parseCertificateClients(values.INGEST_MTLS_CLIENTS, 'INGEST_MTLS_CLIENTS');
  let apiKeys: readonly ApiKeyEntry[] = [];
  let devKeys = false;
  if (values.INGEST_API_KEYS !== undefined) {
    apiKeys = parseApiKeys(values.INGEST_API_KEYS, 'INGEST_API_KEYS');
  } else if (values.WARDEN_ENV === 'local') {
    apiKeys = DEV_API_KEYS;
    devKeys = true;
  } else if (certificateClients.length === 0) {
    throw new WardenError(
      'CONFIG_INVALID',
      `\n  - INGEST_API_KEYS or INGEST_MTLS_CLIENTS: one is required when WARDEN_ENV=${values.WARDEN_ENV} (dev keys exist only with WARDEN_ENV=local)`,
    );
  }
  return Object.freeze({ ...values, apiKeys, devKeys, tls, certificateClients });
}
