import type { SchemaRegistryClient } from '@confluentinc/schemaregistry/dist/schemaregistry-client.js';
import type { Consumer, EachBatchPayload, KafkaMessage, Producer } from 'kafkajs';
import type { ClickHouseClient } from '../lib/clickhouse/client.ts';
import { isWardenError, WardenError } from '../lib/errors.ts';
import { commitBatch } from '../lib/kafka/commit-batch.ts';
import { type DeadLetter, deadLetterOf, sendDeadLetters } from '../lib/kafka/dead-letter.ts';
import { topicName } from '../lib/kafka/topics.ts';
import type { Logger } from '../lib/logger.ts';
import { AvroCodec } from '../lib/serde/avro-codec.ts';
import type { TopicValue } from '../lib/serde/contracts.ts';
import { isDataError } from './insert-errors.ts';
import { eventRow, findingRow, type RowContext, verdictRow } from './rows.ts';
import type { SinkStats } from './stats.ts';

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

  const insert = (table: string, values: Record<string, unknown>[], token: string) =>
    deps.clickhouse.insert({
      table,
      values,
      format: 'JSONEachRow',
      clickhouse_settings: { insert_deduplication_token: token },
    });

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
    const sources: KafkaMessage[] = [];
    const letters: DeadLetter[] = [];
    for (const m of batch.messages) {
      try {
        const value = await target.codec.decode(m.value);
        rows.push(row(value, { partition: batch.partition, offset: m.offset, retentionDays: deps.retentionDays }));
        sources.push(m);
      } catch (err) {
        if (!isWardenError(err)) throw err;
        letters.push(deadLetterOf(err, batch, m));
      }
    }
    const token = `${batch.topic}:${batch.partition}:${batch.firstOffset()}-${batch.lastOffset()}`;
    let stored = rows.length;
    if (rows.length > 0) {
      try {
        await insert(table, rows, token);
      } catch (err) {
        if (!isDataError(err)) {
          deps.stats.insertFailures++;
          // Not committed: the consumer backs off and re-delivers this batch from the last committed offset.
          const wrapped = new WardenError('SINK_INSERT_FAILED', `${table}: ${(err as Error).message}`, { cause: err });
          deps.log.error({ err: wrapped, code: wrapped.code, table, rows: rows.length }, 'insert failed; will retry');
          throw wrapped;
        }
        // ClickHouse refuses the data itself: retrying would block the partition forever. Insert row by
        // row, and dead-letter exactly the rows it refuses.
        stored = 0;
        for (let i = 0; i < rows.length; i++) {
          try {
            await insert(table, [rows[i]!], `${token}:${i}`);
            stored++;
          } catch (rowErr) {
            if (!isDataError(rowErr)) throw rowErr;
            const reason = new WardenError('SINK_RECORD_INVALID', `${table}: ${(rowErr as Error).message}`);
            letters.push(deadLetterOf(reason, batch, sources[i]!));
          }
        }
      }
    }
    if (letters.length > 0) {
      await sendDeadLetters(deps.producer, dlqTopic, 'sink', letters);
      deps.stats.deadLetters += letters.length;
      deps.log.warn({ code: letters[0]!.reason, count: letters.length, topic: batch.topic }, 'dead-lettered records');
    }
    deps.stats.rowsInserted += stored;
    if (stored > 0) deps.stats.batchesInserted++;
    await commitBatch(deps.consumer, { batch, resolveOffset, heartbeat });
  };
}
