import { migrate } from '../lib/clickhouse/migrate.ts';
import { WardenError } from '../lib/errors.ts';
import { createKafka } from '../lib/kafka/client.ts';
import { ensureTopics } from '../lib/kafka/topics.ts';
import type { Logger } from '../lib/logger.ts';
import { createRegistryClient, registerContracts } from '../lib/serde/avro-codec.ts';
import type { ProvisionConfig } from './config.ts';

export interface ProvisionResult {
  createdTopics: string[];
  schemaIds: Record<string, number>;
  migrations: number[];
}

/**
 * Makes the backbone ready for the services: topics, Avro contracts in the registry, ClickHouse
 * tables. Idempotent, so every start and every test run calls it; each failure names the setting.
 */
export async function provision(config: ProvisionConfig, log: Logger): Promise<ProvisionResult> {
  const kafka = createKafka({ ...config, KAFKA_CONNECT_TIMEOUT_MS: config.KAFKA_CONNECT_TIMEOUT_MS }, log, 'provision');
  const admin = kafka.admin({ retry: { retries: 2, initialRetryTime: 200 } });
  let createdTopics: string[];
  try {
    await admin.connect();
    createdTopics = await ensureTopics(
      admin,
      {
        prefix: config.KAFKA_TOPIC_PREFIX,
        partitions: config.TOPIC_PARTITIONS,
        replicationFactor: config.TOPIC_REPLICATION_FACTOR,
        eventsRetentionMs: config.EVENTS_RETENTION_MS,
        findingsRetentionMs: config.FINDINGS_RETENTION_MS,
        dlqRetentionMs: config.DLQ_RETENTION_MS,
      },
      log,
    );
  } catch (err) {
    if (err instanceof WardenError) throw err;
    throw new WardenError(
      'KAFKA_UNREACHABLE',
      `KAFKA_BROKERS=${config.KAFKA_BROKERS}: ${(err as Error).message}. Is the broker running (npm run stack -- status)?`,
      { cause: err },
    );
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
  let schemaIds: Record<string, number>;
  try {
    schemaIds = await registerContracts(createRegistryClient(config), config.KAFKA_TOPIC_PREFIX);
  } catch (err) {
    throw new WardenError(
      'REGISTRY_UNREACHABLE',
      `SCHEMA_REGISTRY_URL=${config.SCHEMA_REGISTRY_URL}: ${(err as Error).message}`,
      {
        cause: err,
      },
    );
  }
  const migrations = await migrate(config, log);
  return { createdTopics, schemaIds, migrations };
}
