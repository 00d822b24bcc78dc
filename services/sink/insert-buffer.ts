import { createHash } from 'node:crypto';
import type { KafkaMessage } from 'kafkajs';
import { WardenError } from '../lib/errors.ts';
import type { DeadLetter } from '../lib/kafka/dead-letter.ts';
import { deadLetterOf } from '../lib/kafka/dead-letter.ts';
import type { Logger } from '../lib/logger.ts';
import { isDataError } from './insert-errors.ts';
import { RowBinaryWriter, type TableEncoder } from './row-binary.ts';
import type { SinkStats } from './stats.ts';

/** The offsets one flush covers, per source partition. */
export interface OffsetRange {
  readonly topic: string;
  readonly partition: number;
  readonly first: string;
  readonly last: string;
}

export interface BufferLimits {
  /** Flush once this many rows are buffered. */
  readonly maxRows: number;
  /** …or this many bytes of RowBinary. */
  readonly maxBytes: number;
  /** …or when the oldest buffered row has waited this long. */
  readonly maxWaitMs: number;
}

export interface FlushDeps {
  /** The table's encoder, for the columns of this row (cached once ClickHouse answered). */
  encoder(sample: Readonly<Record<string, unknown>>): Promise<TableEncoder>;
  /** One INSERT of RowBinary bytes; rejects with ClickHouse's error. */
  insert(query: string, body: Buffer, dedupToken: string): Promise<void>;
  sendDeadLetters(letters: DeadLetter[]): Promise<void>;
  /** Commits the offset after each range; called only once its rows are in ClickHouse or dead-lettered. */
  commit(ranges: readonly OffsetRange[]): Promise<void>;
  readonly log: Logger;
  readonly stats: SinkStats;
}

interface Pending {
  readonly rows: Readonly<Record<string, unknown>>[];
  /** The record each row came from (for dead letters). */
  readonly sources: { topic: string; partition: number; message: KafkaMessage }[];
  /** Bytes of the source records, a stand-in for the size of the insert. */
  bytes: number;
  readonly letters: DeadLetter[];
  readonly ranges: Map<string, { topic: string; partition: number; first: string; last: string }>;
  oldestAt: number;
}

const RETRY_BASE_MS = 200;
const RETRY_MAX_MS = 30_000;

/**
 * The rows of one table from every partition the sink reads, gathered into few large inserts:
 * ClickHouse's cost per row falls about threefold from 500-row to 10,000-row inserts (measured,
 * bench/RESULTS.md). One flush is in flight at a time, so commits of a partition stay in order;
 * while it runs, new rows gather in the next buffer, and a caller whose rows would overflow that
 * one waits (backpressure into the consumer). A failed insert is retried with the same
 * deduplication token until ClickHouse takes it, so a retry whose first attempt did land is
 * dropped by ClickHouse instead of stored twice; rows ClickHouse refuses as data are dead-lettered.
 */
export class InsertBuffer {
  private pending: Pending = this.fresh();
  private inFlight: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private stopping = false;

  constructor(
    private readonly table: string,
    private readonly limits: BufferLimits,
    private readonly deps: FlushDeps,
  ) {
    this.timer = setInterval(() => this.flushIfOld(), Math.max(10, Math.floor(limits.maxWaitMs / 4)));
    this.timer.unref();
  }

  private fresh(): Pending {
    return {
      rows: [],
      sources: [],
      bytes: 0,
      letters: [],
      ranges: new Map(),
      oldestAt: 0,
    };
  }

  get bufferedRows(): number {
    return this.pending.rows.length;
  }

  /**
   * Adds one consumed batch of a partition: its rows and its offsets join the next flush.
   * Resolves once they are buffered, which waits for a flush when the buffer is full.
   */
  async add(
    topic: string,
    partition: number,
    items: readonly { row: Readonly<Record<string, unknown>>; message: KafkaMessage }[],
    letters: readonly DeadLetter[],
    range: { first: string; last: string },
  ): Promise<void> {
    const p = this.pending;
    if (p.ranges.size === 0) p.oldestAt = Date.now();
    for (const { row, message } of items) {
      p.rows.push(row);
      p.sources.push({ topic, partition, message });
      p.bytes += message.value?.length ?? 0;
    }
    p.letters.push(...letters);
    const key = `${topic}:${partition}`;
    const known = p.ranges.get(key);
    p.ranges.set(key, { topic, partition, first: known?.first ?? range.first, last: range.last });
    if (p.rows.length >= this.limits.maxRows || p.bytes >= this.limits.maxBytes) await this.flush();
  }

  /** Writes what is buffered (after any flush in flight) and commits it. */
  async flush(): Promise<void> {
    while (this.inFlight) await this.inFlight;
    const p = this.pending;
    if (p.ranges.size === 0) return;
    this.pending = this.fresh();
    this.inFlight = this.write(p).finally(() => {
      this.inFlight = null;
    });
    await this.inFlight;
  }

  private flushIfOld(): void {
    const p = this.pending;
    if (this.inFlight || p.ranges.size === 0 || Date.now() - p.oldestAt < this.limits.maxWaitMs) return;
    this.flush().catch((err) => this.deps.log.error({ err, table: this.table }, 'timed flush failed'));
  }

  private async write(p: Pending): Promise<void> {
    const ranges = [...p.ranges.values()].sort((a, b) =>
      a.topic === b.topic ? a.partition - b.partition : a.topic < b.topic ? -1 : 1,
    );
    // Deterministic for the same rows: a retried flush is recognised by ClickHouse.
    const token = createHash('sha256')
      .update(`${this.table}|${ranges.map((r) => `${r.topic}:${r.partition}:${r.first}-${r.last}`).join(',')}`)
      .digest('hex');
    let stored = 0;
    if (p.rows.length > 0) {
      // Encoded at flush time: the encoder needs the table's column types, read from ClickHouse,
      // which may be down; that is retried below like any failed insert.
      let encoded: { body: Buffer; rowStarts: number[]; sources: Pending['sources'] } | null = null;
      for (let attempt = 0; ; attempt++) {
        try {
          const encoder = await this.deps.encoder(p.rows[0]!);
          encoded ??= this.encode(encoder, p);
          if (encoded.rowStarts.length > 0) await this.deps.insert(encoder.insertQuery, encoded.body, token);
          stored = encoded.rowStarts.length;
          break;
        } catch (err) {
          if (isDataError(err) && encoded) {
            stored = await this.rowByRow(p, encoded, token);
            break;
          }
          this.deps.stats.insertFailures++;
          const wrapped = new WardenError('SINK_INSERT_FAILED', `${this.table}: ${(err as Error).message}`, {
            cause: err,
          });
          // Not committed: a crash now re-delivers these rows from the last committed offsets.
          if (this.stopping) throw wrapped;
          const waitMs = Math.min(RETRY_MAX_MS, RETRY_BASE_MS * 2 ** attempt) * (0.5 + Math.random() / 2);
          this.deps.log.error(
            {
              err: wrapped,
              code: wrapped.code,
              table: this.table,
              rows: p.rows.length,
              attempt,
              retryInMs: Math.round(waitMs),
            },
            'insert failed; retrying the same rows',
          );
          await new Promise((r) => setTimeout(r, waitMs));
        }
      }
    }
    if (p.letters.length > 0) {
      await this.retry('dead-lettering', () => this.deps.sendDeadLetters(p.letters), Number.POSITIVE_INFINITY);
      this.deps.stats.deadLetters += p.letters.length;
      this.deps.log.warn(
        { code: p.letters[0]!.reason, count: p.letters.length, table: this.table },
        'dead-lettered records',
      );
    }
    this.deps.stats.rowsInserted += stored;
    if (stored > 0) this.deps.stats.batchesInserted++;
    try {
      // A commit that keeps failing is most often a partition that moved to another sink in a
      // rebalance: its new owner reads from the last committed offset, so the rows come again
      // (at-least-once; ReplacingMergeTree keeps one), and nothing is lost by giving up here.
      await this.retry('committing', () => this.deps.commit(ranges), 3);
    } catch (err) {
      this.deps.log.warn(
        { err, code: 'KAFKA_UNREACHABLE', table: this.table },
        'offsets not committed; they will be re-read',
      );
    }
  }

  /** Kafka calls after the insert: retried with back-off (a broker restart takes seconds). */
  private async retry(what: string, fn: () => Promise<void>, attempts: number): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await fn();
      } catch (err) {
        if (this.stopping || attempt + 1 >= attempts) throw err;
        const waitMs = Math.min(RETRY_MAX_MS, RETRY_BASE_MS * 2 ** attempt) * (0.5 + Math.random() / 2);
        this.deps.log.warn(
          { err, table: this.table, attempt, retryInMs: Math.round(waitMs) },
          `${what} failed; retrying`,
        );
        await new Promise((r) => setTimeout(r, waitMs));
      }
    }
  }

  /** Rows the table cannot hold (a value out of its column's range) are dead-lettered here. */
  private encode(encoder: TableEncoder, p: Pending) {
    const writer = new RowBinaryWriter();
    const rowStarts: number[] = [];
    const sources: Pending['sources'] = [];
    for (let i = 0; i < p.rows.length; i++) {
      const start = writer.length;
      const s = p.sources[i]!;
      try {
        encoder.write(writer, p.rows[i]!);
      } catch (err) {
        if (!(err instanceof WardenError)) throw err;
        p.letters.push(deadLetterOf(err, s, s.message));
        continue;
      }
      rowStarts.push(start);
      sources.push(s);
    }
    return { body: writer.slice(), rowStarts, sources };
  }

  /** ClickHouse refused the data itself: one insert per row finds the rows to dead-letter. */
  private async rowByRow(
    p: Pending,
    e: { body: Buffer; rowStarts: number[]; sources: Pending['sources'] },
    token: string,
  ): Promise<number> {
    const encoder = await this.deps.encoder(p.rows[0]!);
    let stored = 0;
    for (let i = 0; i < e.rowStarts.length; i++) {
      const row = e.body.subarray(e.rowStarts[i]!, e.rowStarts[i + 1] ?? e.body.length);
      try {
        await this.deps.insert(encoder.insertQuery, row, `${token}:${i}`);
        stored++;
      } catch (err) {
        if (!isDataError(err)) throw err;
        const s = e.sources[i]!;
        const reason = new WardenError('SINK_RECORD_INVALID', `${this.table}: ${(err as Error).message}`);
        p.letters.push(deadLetterOf(reason, s, s.message));
      }
    }
    return stored;
  }

  /** Flushes what is left (one attempt: a ClickHouse that is down leaves it uncommitted, to be re-read). */
  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.stopping = true;
    await this.flush();
  }
}
