import { Type } from '@sinclair/typebox';
import { ConnectionEnv } from '../lib/connections.ts';
import { readEnv } from '../lib/env-config.ts';

const SinkEnv = Type.Object({
  ...ConnectionEnv,
  SINK_GROUP_ID: Type.String({ default: 'warden-sink' }),
  SINK_TOPICS: Type.String({ default: 'events,findings,verdicts', description: 'Which warden topics to store' }),
  SINK_MAX_BATCH_BYTES: Type.Integer({
    minimum: 1024,
    default: 16 * 1024 * 1024,
    description: 'Bytes of RowBinary per table that trigger an insert (and the fetch size)',
  }),
  SINK_INSERT_MAX_ROWS: Type.Integer({
    minimum: 1,
    default: 20_000,
    description: 'Rows per table that trigger an insert; fewer, larger inserts cost ClickHouse less per row',
  }),
  SINK_MAX_WAIT_MS: Type.Integer({
    minimum: 1,
    default: 500,
    description: 'Longest a row waits in the insert buffer before it is written',
  }),
  SINK_RETENTION_DAYS: Type.Integer({ minimum: 1, maximum: 65535, default: 90, description: 'Default per-row TTL' }),
  SINK_METRICS_PORT: Type.Integer({
    minimum: 0,
    maximum: 65535,
    default: 9465,
    description: 'Prometheus /metrics; 0 = off',
  }),
  METRICS_HOST: Type.String({ default: '127.0.0.1' }),
  SINK_FROM_BEGINNING: Type.Boolean({ default: true, description: 'A new consumer group starts at the oldest record' }),
});

export type SinkConfig = ReturnType<typeof loadSinkConfig>;

export function loadSinkConfig(env: NodeJS.ProcessEnv = process.env) {
  const values = readEnv(SinkEnv, env);
  const topics = values.SINK_TOPICS.split(',').map((t) => t.trim());
  for (const t of topics) {
    if (t !== 'events' && t !== 'findings' && t !== 'verdicts') {
      throw new Error(`SINK_TOPICS: unknown topic "${t}" (allowed: events, findings, verdicts)`);
    }
  }
  return Object.freeze({ ...values, topics: topics as ('events' | 'findings' | 'verdicts')[] });
}
