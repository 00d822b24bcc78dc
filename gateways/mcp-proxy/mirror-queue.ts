import type { AgentEvent } from '../../schemas/generated/agent-event.ts';
import { isWardenError } from '../../services/lib/errors.ts';
import type { Logger } from '../../services/lib/logger.ts';
import type { ProxyMetrics } from './metrics.ts';

export interface MirrorSink {
  mirror(events: readonly AgentEvent[]): Promise<'ok' | 'retry'>;
}

export interface MirrorQueueOptions {
  readonly maxQueue: number;
  readonly maxBatch: number;
  readonly flushIntervalMs: number;
  readonly log: Logger;
  readonly metrics: ProxyMetrics;
}

const MAX_BACKOFF_MS = 10_000;

/**
 * Events on their way to the ingest API. `push` never waits, so mirroring never slows the agent; the
 * queue is bounded, and when it overflows the oldest events go, each one counted and logged with
 * MCP_PROXY_MIRROR_FAILED (never a silent drop). One batch is in flight at a time; an ingest answer of
 * 429/503 or a network error keeps the batch and retries with exponential back-off.
 */
export class MirrorQueue {
  readonly #queue: AgentEvent[] = [];
  readonly #o: MirrorQueueOptions;
  readonly #sink: MirrorSink;
  #timer: NodeJS.Timeout | null = null;
  #flushing: Promise<void> | null = null;
  #backoffMs = 0;
  #stopped = false;

  constructor(sink: MirrorSink, o: MirrorQueueOptions) {
    this.#sink = sink;
    this.#o = o;
  }

  get pending(): number {
    return this.#queue.length;
  }

  push(event: AgentEvent): void {
    this.#queue.push(event);
    if (this.#queue.length > this.#o.maxQueue) {
      const dropped = this.#queue.splice(0, this.#queue.length - this.#o.maxQueue);
      this.#o.metrics.mirrorDropped.inc(dropped.length);
      this.#o.log.error(
        { code: 'MCP_PROXY_MIRROR_FAILED', dropped: dropped.length, first_event_id: dropped[0]?.event_id },
        'mirror queue full: oldest events dropped (raise mirror.max_queue or check the ingest API)',
      );
    }
    this.#schedule(this.#queue.length >= this.#o.maxBatch ? 0 : this.#o.flushIntervalMs);
  }

  #schedule(delayMs: number): void {
    if (this.#stopped || this.#timer !== null || this.#flushing !== null) return;
    this.#timer = setTimeout(() => {
      this.#timer = null;
      this.#flushing = this.#flushOnce().finally(() => {
        this.#flushing = null;
        if (this.#queue.length > 0) this.#schedule(this.#backoffMs || this.#o.flushIntervalMs);
      });
    }, delayMs);
    this.#timer.unref();
  }

  async #flushOnce(): Promise<void> {
    const batch = this.#queue.slice(0, this.#o.maxBatch);
    if (batch.length === 0) return;
    let outcome: 'ok' | 'retry' | 'refused';
    try {
      outcome = await this.#sink.mirror(batch);
    } catch (err) {
      // An answer retrying cannot fix (bad key, invalid event): log the cause, count, move on.
      outcome = 'refused';
      this.#o.log.error(
        { err, code: isWardenError(err) ? err.code : 'MCP_PROXY_MIRROR_FAILED', events: batch.length },
        'ingest API refused mirrored events',
      );
    }
    if (outcome === 'retry') {
      this.#backoffMs = Math.min(MAX_BACKOFF_MS, Math.max(100, this.#backoffMs * 2));
      this.#o.metrics.mirrorRetries.inc();
      this.#o.log.warn({ code: 'MCP_PROXY_MIRROR_FAILED', retry_in_ms: this.#backoffMs }, 'ingest API unavailable');
      return;
    }
    this.#backoffMs = 0;
    // The batch is the head of the queue unless push() dropped some of it meanwhile.
    const head = this.#queue.indexOf(batch[batch.length - 1]!);
    this.#queue.splice(0, head + 1);
    if (outcome === 'ok') this.#o.metrics.mirrored.inc(batch.length);
    else this.#o.metrics.mirrorDropped.inc(batch.length);
  }

  /** Sends what is queued, for at most `deadlineMs`; what is left is logged with its count. */
  async drain(deadlineMs: number): Promise<void> {
    const until = Date.now() + deadlineMs;
    if (this.#timer !== null) {
      clearTimeout(this.#timer);
      this.#timer = null;
    }
    while (this.#queue.length > 0 && Date.now() < until) {
      if (this.#flushing !== null) await this.#flushing;
      else {
        this.#flushing = this.#flushOnce();
        await this.#flushing;
        this.#flushing = null;
      }
      if (this.#backoffMs > 0 && this.#queue.length > 0) {
        await new Promise((r) => setTimeout(r, Math.min(this.#backoffMs, Math.max(0, until - Date.now()))));
      }
    }
    this.#stopped = true;
    if (this.#queue.length > 0) {
      this.#o.metrics.mirrorDropped.inc(this.#queue.length);
      this.#o.log.error(
        { code: 'MCP_PROXY_MIRROR_FAILED', events: this.#queue.length },
        'stopping with events not mirrored',
      );
    }
  }
}
