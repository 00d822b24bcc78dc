import { Type } from '@sinclair/typebox';
import { ConnectionEnv } from '../lib/connections.ts';
import { readEnv } from '../lib/env-config.ts';
import { WardenError } from '../lib/errors.ts';
import { type ApiKeyEntry, DEV_API_KEYS, parseApiKeys } from './auth.ts';

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
  INGEST_RETRY_AFTER_SECONDS: Type.Integer({ minimum: 1, default: 5, description: 'Retry-After on 503' }),
  INGEST_READY_TIMEOUT_MS: Type.Integer({ minimum: 100, default: 2000, description: 'Registry probe of /readyz' }),
});

export type IngestConfig = ReturnType<typeof loadIngestConfig>;

/** Reads and validates the environment once; the API keys are parsed here so a bad entry stops start-up. */
export function loadIngestConfig(env: NodeJS.ProcessEnv = process.env) {
  const values = readEnv(IngestEnv, env);
  let apiKeys: readonly ApiKeyEntry[];
  let devKeys = false;
  if (values.INGEST_API_KEYS !== undefined) {
    apiKeys = parseApiKeys(values.INGEST_API_KEYS, 'INGEST_API_KEYS');
  } else if (values.WARDEN_ENV === 'local') {
    apiKeys = DEV_API_KEYS;
    devKeys = true;
  } else {
    throw new WardenError(
      'CONFIG_INVALID',
      `\n  - INGEST_API_KEYS: required when WARDEN_ENV=${values.WARDEN_ENV} (dev keys exist only with WARDEN_ENV=local)`,
    );
  }
  return Object.freeze({ ...values, apiKeys, devKeys });
}
