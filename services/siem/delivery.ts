import { setTimeout as delay } from 'node:timers/promises';
import type { Logger } from '../lib/logger.ts';
import type { DestinationConfig } from './config.ts';
import { DeliveryError } from './delivery-error.ts';
import type { DestinationMetrics } from './metrics.ts';
import type { SiemRecord } from './record.ts';

/**
 * One record on its way to one destination: the destination's encoding of it, and the ticket that
 * tells the source when every destination is done with the record (delivered or dead-lettered).
 */
export interface QueuedItem<P> {
  readonly record: SiemRecord;
  readonly origin: Origin;
  readonly payload: P;
  readonly ticket: Ticket;
  /** When the source read it (epoch ms): latency is measured from here to delivery. */
  readonly readAt: number;
}

/** Where a record came from: what a dead letter carries so it can be replayed. */
export interface Origin {
  /** Kafka topic, or `clickhouse:<table>` for the ClickHouse sources. */
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly key: Buffer | null;
  /** The original bytes (Kafka) or the record as JSON (ClickHouse). */
  readonly value: Buffer | null;
}

/** Settled once per destination the record was routed to; the source commits when all settled. */
export interface Ticket {
  settle(): void;
}

/** The wire side of a destination (destinations/*.ts): encode one record, send one batch. */
export interface Destination<P> {
  readonly name: string;
  /** Throws when the record cannot be mapped; that record alone is dead-lettered. */
  encode(record: SiemRecord): P;
  /** Resolves once the receiver accepted (or, for HEC with acks, acknowledged) the whole batch. */
  send(batch: readonly P[]): Promise<void>;
  close(): Promise<void>;
}

export interface DeadLetterSink {
  /** Durable once it resolves (acks from all replicas). */
  deadLetter(destination: string, origins: readonly Origin[], err: DeliveryError): Promise<void>;
}

export interface QueueDeps {
  log: Logger;
  metrics: DestinationMetrics;
  deadLetters: DeadLetterSink;
  /** Injected so tests observe the back-off without waiting for it. */
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  now?: () => number;
  /** Called before each back-off wait (tests count attempts and check the intervals). */
  onBackoff?: (e: { destination: string; attempt: number; waitMs: number; code: string }) => void;
}

/** Full-jitter exponential back-off (AWS architecture blog): uniform in [0, min(max, initial * 2^n)). */
export function backoffMs(attempt: number, initialMs: number, maxMs: number, random: () => number): number {
  const cap = Math.min(maxMs, initialMs * 2 ** Math.min(attempt - 1, 30));
  return Math.floor(random() * cap);
}

/**
 * The per-destination half of delivery: a bounded buffer, batching, a token-bucket rate limit and
 * retries. Each destination has its own queue and loop, so a slow or dead receiver only fills its
 * own buffer; the source pauses when any buffer is full (waitForSpace) and resumes as it drains,
 * and a batch that fails maxAttempts times is dead-lettered with the last error's code, so even a
 * dead destination drains and the others keep getting records.
 */
export class DeliveryQueue<P> {
  readonly name: string;
  private readonly items: QueuedItem<P>[] = [];
  private inFlight = 0;
  private readonly spaceWaiters: (() => void)[] = [];
  private wake: (() => void) | null = null;
  private closed = false;
  private readonly loop: Promise<void>;
  private tokens: number;
  private tokensAt: number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;
  private readonly now: () => number;

  constructor(
    private readonly config: DestinationConfig,
    private readonly destination: Destination<P>,
    private readonly deps: QueueDeps,
  ) {
    this.name = config.name;
    this.sleep = deps.sleep ?? ((ms) => delay(ms));
    this.random = deps.random ?? Math.random;
    this.now = deps.now ?? Date.now;
    this.tokens = this.bucketSize();
    this.tokensAt = this.now();
    this.loop = this.run();
  }

  /** Records buffered or being sent. */
  get depth(): number {
    return this.items.length + this.inFlight;
  }

  get hasSpace(): boolean {
    return this.depth < this.config.bufferMaxRecords;
  }

  /** Resolves once the buffer has room again (the source awaits this instead of reading on). */
  waitForSpace(): Promise<void> {
    if (this.hasSpace || this.closed) return Promise.resolve();
    return new Promise((resolve) => this.spaceWaiters.push(resolve));
  }

  /**
   * Encodes and buffers one record. A record the destination cannot map is dead-lettered at once
   * (its ticket settles after the dead letter is durable), never forwarded half-mapped.
   */
  async push(record: SiemRecord, origin: Origin, ticket: Ticket, readAt: number): Promise<void> {
    let payload: P;
    try {
      payload = this.destination.encode(record);
    } catch (err) {
      const e = new DeliveryError('SIEM_RECORD_UNMAPPABLE', `${this.name}: ${(err as Error).message}`, {
        retryable: false,
        cause: err,
        fix: 'report the record (it is on the DLQ) so the mapping can be fixed',
      });
      this.deps.log.error({ err: e, code: e.code, destination: this.name, kind: record.kind }, e.message);
      await this.deps.deadLetters.deadLetter(this.name, [origin], e);
      this.deps.metrics.deadLettered(this.name, e.code, 1);
      ticket.settle();
      return;
    }
    this.items.push({ record, origin, payload, ticket, readAt });
    this.deps.metrics.depth(this.name, this.depth);
    this.wake?.();
  }

  /** Sends what is buffered (bounded by the retry budget), then stops the loop. */
  async close(): Promise<void> {
    this.closed = true;
    this.wake?.();
    await this.loop;
    for (const w of this.spaceWaiters.splice(0)) w();
    await this.destination.close();
  }

  private bucketSize(): number {
    const rate = this.config.rateLimitPerSec;
    return rate === undefined ? Number.POSITIVE_INFINITY : Math.max(1, Math.min(rate, this.config.batchMaxRecords));
  }

  private async run(): Promise<void> {
    for (;;) {
      if (this.items.length === 0) {
        if (this.closed) return;
        await new Promise<void>((resolve) => {
          this.wake = resolve;
        });
        this.wake = null;
        continue;
      }
      // Let a batch fill for batchMaxWaitMs unless it is already full or we are closing.
      if (this.items.length < this.config.batchMaxRecords && this.config.batchMaxWaitMs > 0 && !this.closed) {
        await Promise.race([
          this.sleep(this.config.batchMaxWaitMs),
          new Promise<void>((resolve) => {
            this.wake = () => {
              if (this.items.length >= this.config.batchMaxRecords || this.closed) resolve();
            };
          }),
        ]);
        this.wake = null;
      }
      const n = await this.takeTokens(Math.min(this.items.length, this.config.batchMaxRecords));
      const batch = this.items.splice(0, n);
      this.inFlight = batch.length;
      await this.deliver(batch);
      this.inFlight = 0;
      this.deps.metrics.depth(this.name, this.depth);
      while (this.hasSpace && this.spaceWaiters.length > 0) this.spaceWaiters.shift()?.();
    }
  }

  /** Token bucket: waits until `want` records (at most the bucket size) may be sent; returns how many. */
  private async takeTokens(want: number): Promise<number> {
    const rate = this.config.rateLimitPerSec;
    if (rate === undefined) return want;
    const n = Math.min(want, this.bucketSize());
    for (;;) {
      const now = this.now();
      this.tokens = Math.min(this.bucketSize(), this.tokens + ((now - this.tokensAt) / 1000) * rate);
      this.tokensAt = now;
      if (this.tokens >= n) {
        this.tokens -= n;
        return n;
      }
      this.deps.metrics.rateLimited(this.name);
      await this.sleep(Math.ceil(((n - this.tokens) / rate) * 1000));
    }
  }

  private async deliver(batch: QueuedItem<P>[]): Promise<void> {
    const payloads = batch.map((i) => i.payload);
    for (let attempt = 1; ; attempt++) {
      const started = this.now();
      try {
        await this.destination.send(payloads);
        const now = this.now();
        this.deps.metrics.delivered(this.name, batch.length, (now - started) / 1000);
        for (const item of batch) {
          this.deps.metrics.endToEnd(this.name, (now - item.readAt) / 1000);
          item.ticket.settle();
        }
        return;
      } catch (caught) {
        const err =
          caught instanceof DeliveryError
            ? caught
            : new DeliveryError('SIEM_DESTINATION_UNREACHABLE', `${this.name}: ${(caught as Error).message}`, {
                retryable: true,
                cause: caught,
                fix: 'see the cause',
              });
        const last = !err.retryable || attempt >= this.config.maxAttempts;
        const fields = {
          err,
          code: err.code,
          destination: this.name,
          attempt,
          maxAttempts: this.config.maxAttempts,
          records: batch.length,
          fix: err.fix,
        };
        // Operator problems (certificates, tokens, URLs) at error level; a busy receiver at warn.
        const operatorProblem = err.code === 'SIEM_DESTINATION_TLS_FAILED' || err.code === 'SIEM_DESTINATION_REJECTED';
        if (operatorProblem || last) this.deps.log.error(fields, `delivery failed: ${err.message}; fix: ${err.fix}`);
        else this.deps.log.warn(fields, `delivery failed, retrying: ${err.message}`);
        if (last) {
          await this.deadLetterDurably(batch, err);
          return;
        }
        if (this.closed) {
          // Stopping: leave the batch unsettled (uncommitted), so the next owner reads it again.
          this.deps.log.warn(
            { destination: this.name, records: batch.length },
            'stopping with an undelivered batch; it will be re-read',
          );
          return;
        }
        this.deps.metrics.retried(this.name, err.code);
        const wait = Math.min(
          this.config.backoffMaxMs,
          Math.max(
            backoffMs(attempt, this.config.backoffInitialMs, this.config.backoffMaxMs, this.random),
            err.retryAfterMs ?? 0,
          ),
        );
        this.deps.onBackoff?.({ destination: this.name, attempt, waitMs: wait, code: err.code });
        await this.sleep(wait);
      }
    }
  }

  /** The DLQ must take the batch before its tickets settle; while Kafka refuses, keep trying. */
  private async deadLetterDurably(batch: QueuedItem<P>[], err: DeliveryError): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.deps.deadLetters.deadLetter(
          this.name,
          batch.map((i) => i.origin),
          err,
        );
        this.deps.metrics.deadLettered(this.name, err.code, batch.length);
        for (const item of batch) item.ticket.settle();
        return;
      } catch (dlqErr) {
        this.deps.log.error({ err: dlqErr, destination: this.name, attempt }, 'dead letters not written; retrying');
        await this.sleep(backoffMs(attempt, this.config.backoffInitialMs, this.config.backoffMaxMs, this.random));
      }
    }
  }
}
