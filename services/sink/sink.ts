import { createClickHouse } from '../lib/clickhouse/client.ts';
import { createKafka } from '../lib/kafka/client.ts';
import { requireTopics, topicName } from '../lib/kafka/topics.ts';
import type { Logger } from '../lib/logger.ts';
import { createRegistryClient } from '../lib/serde/avro-codec.ts';
import type { SinkConfig } from './config.ts';
import { SinkStats } from './stats.ts';
import { createTableWriter } from './table-writer.ts';

export interface RunningSink {
  readonly stats: SinkStats;
  stop(): Promise<void>;
}

/** Connects, subscribes and runs until stop(); used by main.ts and by tests in-process. */
export async function startSink(config: SinkConfig, log: Logger): Promise<RunningSink> {
  const kafka = createKafka(config, log, 'sink');
  const consumer = kafka.consumer({
    groupId: config.SINK_GROUP_ID,
    maxBytes: config.SINK_MAX_BATCH_BYTES,
    // Large fetch batches feed the insert buffers; the inserts themselves span partitions.
    maxBatchSize: config.SINK_INSERT_MAX_ROWS,
    maxWaitTimeInMs: config.SINK_MAX_WAIT_MS,
    retry: { retries: 10, initialRetryTime: 300, maxRetryTime: 30_000 },
  });
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  const clickhouse = createClickHouse(config);
  const registry = createRegistryClient(config);
  const stats = new SinkStats();

  const admin = kafka.admin();
  await admin.connect();
  try {
    await requireTopics(admin, [
      ...config.topics.map((t) => topicName(config.KAFKA_TOPIC_PREFIX, t)),
      topicName(config.KAFKA_TOPIC_PREFIX, 'dlq'),
    ]);
  } finally {
    await admin.disconnect();
  }
  await Promise.all([consumer.connect(), producer.connect()]);
  await consumer.subscribe({
    topics: config.topics.map((t) => topicName(config.KAFKA_TOPIC_PREFIX, t)),
    fromBeginning: config.SINK_FROM_BEGINNING,
  });
  const writer = createTableWriter(config.topics, {
    consumer,
    producer,
    clickhouse,
    registry,
    log,
    topicPrefix: config.KAFKA_TOPIC_PREFIX,
    retentionDays: config.SINK_RETENTION_DAYS,
    stats,
    limits: {
      maxRows: config.SINK_INSERT_MAX_ROWS,
      maxBytes: config.SINK_MAX_BATCH_BYTES,
      maxWaitMs: config.SINK_MAX_WAIT_MS,
    },
  });
  await consumer.run({
    autoCommit: false,
    eachBatchAutoResolve: false,
    partitionsConsumedConcurrently: 3,
    eachBatch: (payload) => writer.eachBatch(payload),
  });
  log.info({ topics: config.topics, group: config.SINK_GROUP_ID }, 'sink running');

  return {
    stats,
    async stop() {
      // Write what is buffered and commit it, then leave the group. Rows fetched meanwhile stay
      // uncommitted and are read again by the next owner of their partition.
      await writer.close().catch((err) => log.warn({ err }, 'buffered rows not flushed at stop; they will be re-read'));
      await consumer.disconnect();
      await producer.disconnect();
      await clickhouse.close();
      log.info(stats.snapshot(), 'sink stopped');
    },
  };
}
