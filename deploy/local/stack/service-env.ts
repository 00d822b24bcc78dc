import type { StackConfig } from './config.ts';
import { kafkaBootstrap, replicationFactor } from './kafka-cluster.ts';

/** Connection variables that point services at this local stack, unless the caller already set them. */
export function serviceEnv(config: StackConfig, env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const { env: s } = config;
  // A cluster: every broker in the bootstrap list, and topics provisioned on three of them.
  const cluster: NodeJS.ProcessEnv =
    config.brokers > 1
      ? { TOPIC_REPLICATION_FACTOR: env.TOPIC_REPLICATION_FACTOR ?? String(replicationFactor(config)) }
      : {};
  return {
    ...cluster,
    KAFKA_BROKERS: env.KAFKA_BROKERS ?? (config.brokers > 1 ? kafkaBootstrap(config) : `127.0.0.1:${s.KAFKA_PORT}`),
    SCHEMA_REGISTRY_URL: env.SCHEMA_REGISTRY_URL ?? `http://127.0.0.1:${s.SCHEMA_REGISTRY_PORT}/apis/ccompat/v7`,
    CLICKHOUSE_URL: env.CLICKHOUSE_URL ?? `http://127.0.0.1:${s.CLICKHOUSE_HTTP_PORT}`,
  };
}
