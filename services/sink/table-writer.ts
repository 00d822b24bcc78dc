import type { SchemaRegistryClient } from '@confluentinc/schemaregistry';
import type { Consumer, EachBatchPayload, Producer } from 'kafkajs';
import type { ClickHouseClient } from '../lib/clickhouse/client.ts';
import { isWardenError, WardenError } from '../lib/errors.ts';
import { type DeadLetter, deadLetterOf, sendDeadLetters } from '../lib/kafka/dead-letter.ts';
import { topicName } from '../lib/kafka/topics.ts';
import type { Logger } from '../lib/logger.ts';
import { AvroCodec } from '../lib/serde/avro-codec.ts';
import type { TopicValue } from '../lib/serde/contracts.ts';
import { eventRow, findingRow, type RowContext, verdictRow } from './rows.ts';

export type StoredTopic = 'events' | 'findings' | 'verdicts';

const TABLES: {
  [K in StoredTopic]: { table: string; row: (v: TopicValue[K], ctx: RowContext) => Record<string, unknown> };
} = {
  events: { table: 'events', row: eventRow },
  findings: { table: 'findings', row: findingRow },
  verdicts: { table: 'verdicts', row: verdictRow },
};

export interface WriterDeps {
  consumer: Consumer;
  producer: Producer;
  clickhouse: ClickHouseClient;
  registry: SchemaRegistryClient;
  log: Logger;
  topicPrefix: string;
  retentionDays: number;
  stats: SinkStats;
}

export interface SinkStats {
  rowsInserted: number;
  batchesInserted: number;
  deadLetters: number;
  insertFailures: number;
}

/**
 * Consumes warden topics and writes each fetched batch to its ClickHouse table. The offset is
 * committed only after ClickHouse has acknowledged the insert (and any dead letters are on the
 * DLQ), so a crash at any point replays the batch; the deterministic insert_deduplication_token
 * and ReplacingMergeTree make the replay harmless.
 */
export function tableWriter(topics: StoredTopic[], deps: WriterDeps) {
  const byTopic = new Map<string, { key: StoredTopic; codec: AvroCodec<StoredTopic> }>();
  for (const key of topics) {
    byTopic.set(topicName(deps.topicPrefix, key), { key, codec: new AvroCodec(deps.registry, deps.topicPrefix, key) });
  }
  const dlqTopic = topicName(deps.topicPrefix, 'dlq');

  return async function eachBatch({
    batch,
    heartbeat,
    isRunning,
    isStale,
    resolveOffset,
  }: EachBatchPayload): Promise<void> {
    if (!isRunning() || isStale() || batch.messages.length === 0) return;
    const target = byTopic.get(batch.topic);
    if (!target) throw new Error(`sink received unexpected topic ${batch.topic}`);
    const { table, row } = TABLES[target.key] as {
      table: string;
      row: (v: unknown, c: RowContext) => Record<string, unknown>;
    };
    const rows: Record<string, unknown>[] = [];
    const letters: DeadLetter[] = [];
    for (const m of batch.messages) {
      try {
        const value = await target.codec.decode(m.value);
        rows.push(row(value, { partition: batch.partition, offset: m.offset, retentionDays: deps.retentionDays }));
      } catch (err) {
        if (!isWardenError(err)) throw err;
        letters.push(deadLetterOf(err, batch, m));
      }
    }
    if (letters.length > 0) {
      await sendDeadLetters(deps.producer, dlqTopic, 'sink', letters);
      deps.stats.deadLetters += letters.length;
      deps.log.warn({ code: letters[0]!.reason, count: letters.length, topic: batch.topic }, 'dead-lettered records');
    }
    if (rows.length > 0) {
      const token = `${batch.topic}:${batch.partition}:${batch.firstOffset()}-${batch.lastOffset()}`;
      try {
        await deps.clickhouse.insert({
          table,
          values: rows,
          format: 'JSONEachRow',
          clickhouse_settings: { insert_deduplication_token: token },
        });
      } catch (err) {
        deps.stats.insertFailures++;
        // Not committed: kafkajs backs off and re-delivers this batch from the last committed offset.
        const wrapped = new WardenError('SINK_INSERT_FAILED', `${table}: ${(err as Error).message}`, { cause: err });
        deps.log.error({ err: wrapped, code: wrapped.code, table, rows: rows.length }, 'insert failed; will retry');
        throw wrapped;
      }
      deps.stats.rowsInserted += rows.length;
      deps.stats.batchesInserted++;
    }
    const next = (BigInt(batch.lastOffset()) + 1n).toString();
    await deps.consumer.commitOffsets([{ topic: batch.topic, partition: batch.partition, offset: next }]);
    // Without this librdkafka's adapter re-delivers the batch: it seeks back to the last resolved offset.
    resolveOffset(batch.lastOffset());
    await heartbeat();
  };
}
