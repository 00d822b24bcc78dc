import { randomBytes } from 'node:crypto';

/**
 * Each test file gets its own topic prefix, consumer groups and ClickHouse database on the shared
 * local stack, so files never see each other's records and reruns start clean.
 */
export function isolatedEnv(label: string): NodeJS.ProcessEnv {
  const id = `${label}_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  return {
    ...process.env,
    KAFKA_TOPIC_PREFIX: `test.${id}.`,
    CLICKHOUSE_DATABASE: `test_${id}`,
    SINK_GROUP_ID: `test-sink-${id}`,
    TOPIC_PARTITIONS: '3',
    // Tests may run beside `npm start`, whose services hold the default metrics ports.
    DETECT_METRICS_PORT: '0',
    SINK_METRICS_PORT: '0',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
  };
}
