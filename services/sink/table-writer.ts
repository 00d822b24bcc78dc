import { Readable } from 'node:stream';
import type { SchemaRegistryClient } from '@confluentinc/schemaregistry/dist/schemaregistry-client.js';
import type { Consumer, EachBatchPayload, KafkaMessage, Producer } from 'kafkajs';
import type { ClickHouseClient } from '../lib/clickhouse/client.ts';
import { withDeadline } from '../lib/deadline.ts';
import { isWardenError } from '../lib/errors.ts';
import { KAFKA_CALL_DEADLINE_MS } from '../lib/kafka/commit-batch.ts';
import { type DeadLetter, deadLetterOf, sendDeadLetters } from '../lib/kafka/dead-letter.ts';
import { topicName } from '../lib/kafka/topics.ts';
import type { Logger } from '../lib/logger.ts';
import { AvroCodec } from '../lib/serde/avro-codec.ts';
import type { TopicValue } from '../lib/serde/contracts.ts';
import { type BufferLimits, InsertBuffer, type OffsetRange } from './insert-buffer.ts';
import { TableEncoder } from './row-binary.ts';
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
  limits: BufferLimits;
}

export interface TableWriter {
  eachBatch(payload: EachBatchPayload): Promise<void>;
  /** Flushes and commits what is buffered; call after the consumer stopped fetching. */
  close(): Promise<void>;
}

/**
 * Consumes warden topics into their ClickHouse tables. Each table gathers the rows of all its
 * partitions into one InsertBuffer (RowBinary, few large inserts); a partition's offsets are
 * committed only after the insert that holds its rows is acknowledged (and any dead letters are
 * on the DLQ), so a crash at any point replays from there. The deterministic
 * insert_deduplication_token and ReplacingMergeTree make a replay harmless.
 */
export function createTableWriter(topics: StoredTopic[], deps: WriterDeps): TableWriter {
  const dlqTopic = topicName(deps.topicPrefix, 'dlq');
  const encoders = new Map<string, TableEncoder>();
  const encoderFor = (table: string) => async (sample: Readonly<Record<string, unknown>>) => {
    let e = encoders.get(table);
    if (!e) {
      // Column order is the row builder's; the types are the server's own.
      const types = await readColumnTypes(deps.clickhouse, table);
      e = new TableEncoder(table, Object.keys(sample), types);
      encoders.set(table, e);
    }
    return e;
  };
  const flushDeps = {
    insert: (query: string, body: Buffer, token: string) => insertRowBinary(deps.clickhouse, query, body, token),
    sendDeadLetters: (letters: DeadLetter[]) => sendDeadLetters(deps.producer, dlqTopic, 'sink', letters),
    commit: (ranges: readonly OffsetRange[]) =>
      withDeadline(
        deps.consumer.commitOffsets(
          ranges.map((r) => ({ topic: r.topic, partition: r.partition, offset: (BigInt(r.last) + 1n).toString() })),
        ),
        KAFKA_CALL_DEADLINE_MS,
        'KAFKA_UNREACHABLE',
        `committing ${ranges.length} partitions`,
      ),
    log: deps.log,
    stats: deps.stats,
  };

  const byTopic = new Map<
    string,
    {
      key: StoredTopic;
      codec: AvroCodec<StoredTopic>;
      row: (v: unknown, c: RowContext) => Record<string, unknown>;
      buffer: InsertBuffer;
    }
  >();
  for (const key of topics) {
    byTopic.set(topicName(deps.topicPrefix, key), {
      key,
      codec: new AvroCodec(deps.registry, deps.topicPrefix, key),
      row: TABLES[key].row as (v: unknown, c: RowContext) => Record<string, unknown>,
      buffer: new InsertBuffer(TABLES[key].table, deps.limits, {
        ...flushDeps,
        encoder: encoderFor(TABLES[key].table),
      }),
    });
  }

  return {
    async eachBatch({ batch, heartbeat, isRunning, isStale, resolveOffset }: EachBatchPayload): Promise<void> {
      if (!isRunning() || isStale() || batch.messages.length === 0) return;
      const target = byTopic.get(batch.topic);
      if (!target) throw new Error(`sink received unexpected topic ${batch.topic}`);
      const items: { row: Record<string, unknown>; message: KafkaMessage }[] = [];
      const letters: DeadLetter[] = [];
      for (const m of batch.messages) {
        try {
          const value = await target.codec.decode(m.value);
          items.push({
            row: target.row(value, { partition: batch.partition, offset: m.offset, retentionDays: deps.retentionDays }),
            message: m,
          });
        } catch (err) {
          if (!isWardenError(err)) throw err;
          letters.push(deadLetterOf(err, batch, m));
        }
      }
      await target.buffer.add(batch.topic, batch.partition, items, letters, {
        first: batch.firstOffset() ?? batch.lastOffset(),
        last: batch.lastOffset(),
      });
      // Consumed, not yet committed: the commit follows the insert (InsertBuffer).
      resolveOffset(batch.lastOffset());
      await heartbeat();
    },
    async close() {
      await Promise.all([...byTopic.values()].map((t) => t.buffer.close()));
    },
  };
}

async function readColumnTypes(ch: ClickHouseClient, table: string): Promise<Map<string, string>> {
  const rows = await (
    await ch.query({
      query: 'SELECT name, type FROM system.columns WHERE database = currentDatabase() AND table = {table:String}',
      query_params: { table },
      format: 'JSONEachRow',
    })
  ).json<{ name: string; type: string }>();
  if (rows.length === 0) {
    throw new Error(
      `ClickHouse has no table ${table} in the sink's database (apply the migrations: npm run stack -- up)`,
    );
  }
  return new Map(rows.map((r) => [r.name, r.type]));
}

/** INSERT … FORMAT RowBinary with the body as is; the response is read to its end so the socket is reused. */
async function insertRowBinary(ch: ClickHouseClient, query: string, body: Buffer, token: string): Promise<void> {
  const result = await ch.exec({
    query,
    values: Readable.from([body]),
    clickhouse_settings: { insert_deduplication_token: token },
  });
  for await (const _ of result.stream) {
    // drained
  }
}
