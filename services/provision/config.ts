import { Type } from '@sinclair/typebox';
import { ConnectionEnv } from '../lib/connections.ts';
import { readEnv } from '../lib/env-config.ts';

const DAY_MS = 86_400_000;

const ProvisionEnv = Type.Object({
  ...ConnectionEnv,
  TOPIC_PARTITIONS: Type.Integer({ minimum: 1, default: 6, description: 'Partitions of events, findings, verdicts' }),
  TOPIC_REPLICATION_FACTOR: Type.Integer({ minimum: 1, default: 1, description: '3 in production' }),
  EVENTS_RETENTION_MS: Type.Integer({ minimum: 60_000, default: 7 * DAY_MS }),
  FINDINGS_RETENTION_MS: Type.Integer({ minimum: 60_000, default: 30 * DAY_MS }),
  DLQ_RETENTION_MS: Type.Integer({ minimum: 60_000, default: 30 * DAY_MS }),
});

export type ProvisionConfig = ReturnType<typeof loadProvisionConfig>;

export function loadProvisionConfig(env: NodeJS.ProcessEnv = process.env) {
  return readEnv(ProvisionEnv, env);
}
