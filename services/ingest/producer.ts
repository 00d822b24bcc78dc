import { setTimeout as delay } from 'node:timers/promises';
import { WardenError } from '../lib/errors.ts';
import type { Producer } from '../lib/kafka/client.ts';
import type { Logger } from '../lib/logger.ts';

export interface OutgoingMessage {
  key: string;
  value: Buffer;
}

export interface EventProducerOptions {
  topic: string;
  /** Encoded bytes queued or in flight to Kafka; past it, send() throws INGEST_OVERLOADED (429). */
  maxInFlightBytes: number;
  /** How long send() waits for the acks of its messages before INGEST_KAFKA_UNAVAILABLE (503). */
  sendTimeoutMs: number;
  log: Logger;
  /** Called with the bytes in flight whenever they change (a metric gauge). */
  onInFlightBytes?: (bytes: number) => void;
}

interface Pending {
  messages: OutgoingMessage[];
  bytes: number;
  resolve: () => void;
  reject: (err: unknown) => void;
}

/**
 * The only way ingest writes to Kafka. send() resolves only after the broker acknowledged every message
 * of the call (acks=all, idempotent producer), so a 202 never covers an event Kafka does not have.
 *
 * Concurrent requests are coalesced: while one produce request is in flight, later calls queue, and the
 * queue goes out as the next single send (natural batching, no linger timer). Backpressure:
 * - not connected, or a send overdue past sendTimeoutMs → INGEST_KAFKA_UNAVAILABLE at once (503), so
 *   requests do not pile up behind a broker that is down;
 * - queued + in-flight bytes over maxInFlightBytes → INGEST_OVERLOADED (429).
 * Bytes stay counted until Kafka settles the send, even when the caller gave up waiting.
 */
export class EventProducer {
  private queue: Pending[] = [];
  private sending = false;
  private stalled = false;
  private inFlightBytes = 0;
  private connected = false;
  private stopped = false;
  private connecting: Promise<void> | undefined;
  private readonly abort = new AbortController();

  constructor(
    private readonly producer: Producer,
    private readonly options: EventProducerOptions,
  ) {}

  /** Connects in the background, retrying with back-off until stop(); the service starts without Kafka. */
  start(): void {
    // Once connected, both Kafka clients reconnect by themselves; a broker that goes away later shows up
    // as sends that do not complete, which isStalled turns into fast 503s until one completes.
    this.connecting = this.connectLoop();
  }

  get isConnected(): boolean {
    return this.connected;
  }

  get bytesInFlight(): number {
    return this.inFlightBytes;
  }

  /** True from the first caller that gave up waiting (send timeout) until the send in flight settles. */
  get isStalled(): boolean {
    return this.stalled;
  }

  async send(messages: OutgoingMessage[]): Promise<void> {
    if (messages.length === 0) return;
    if (this.stopped) throw new WardenError('INGEST_KAFKA_UNAVAILABLE', 'the service is stopping');
    if (!this.connected) throw new WardenError('INGEST_KAFKA_UNAVAILABLE', 'not connected to Kafka');
    if (this.stalled) {
      throw new WardenError(
        'INGEST_KAFKA_UNAVAILABLE',
        `a produce request is waiting for acks for over ${this.options.sendTimeoutMs} ms`,
      );
    }
    let bytes = 0;
    for (const m of messages) bytes += m.value.length + m.key.length;
    if (this.inFlightBytes + bytes > this.options.maxInFlightBytes && this.inFlightBytes > 0) {
      throw new WardenError(
        'INGEST_OVERLOADED',
        `${this.inFlightBytes} bytes in flight, limit ${this.options.maxInFlightBytes} (INGEST_MAX_IN_FLIGHT_BYTES)`,
      );
    }
    this.addInFlight(bytes);
    const acked = new Promise<void>((resolve, reject) => {
      this.queue.push({ messages, bytes, resolve, reject });
    });
    this.flush();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        // Kafka is down or stalled: later calls fail fast (503) until the send in flight settles.
        this.stalled = true;
        const detail = `no acks within ${this.options.sendTimeoutMs} ms (INGEST_KAFKA_SEND_TIMEOUT_MS)`;
        reject(new WardenError('INGEST_KAFKA_UNAVAILABLE', detail));
      }, this.options.sendTimeoutMs);
    });
    // The caller stops waiting at the timeout; the acked promise still settles later and frees the bytes.
    acked.catch(() => undefined);
    try {
      await Promise.race([acked, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Waits (bounded) for queued sends, then disconnects. */
  async stop(drainTimeoutMs = 5000): Promise<void> {
    this.stopped = true;
    this.abort.abort();
    const deadline = Date.now() + drainTimeoutMs;
    while ((this.sending || this.queue.length > 0) && Date.now() < deadline) await delay(20);
    for (const p of this.queue.splice(0)) {
      this.addInFlight(-p.bytes);
      p.reject(new WardenError('INGEST_KAFKA_UNAVAILABLE', 'the service stopped before Kafka acknowledged'));
    }
    // A connect attempt to an unreachable broker can last the client's whole timeout, and librdkafka's
    // disconnect waits for it: bound both, so a service that never reached Kafka still stops promptly.
    const disconnected = this.producer
      .disconnect()
      .catch((err: unknown) => this.options.log.warn({ err }, 'producer disconnect failed'));
    await Promise.race([Promise.all([this.connecting, disconnected]), delay(this.connected ? 10_000 : 1000)]);
  }

  private flush(): void {
    if (this.sending || this.queue.length === 0) return;
    const batch = this.queue.splice(0);
    this.sending = true;
    const messages = batch.length === 1 ? batch[0]!.messages : batch.flatMap((p) => p.messages);
    this.producer.send({ topic: this.options.topic, acks: -1, messages }).then(
      () => this.settle(batch, undefined),
      (err: unknown) => this.settle(batch, err),
    );
  }

  private settle(batch: Pending[], err: unknown): void {
    this.sending = false;
    this.stalled = false;
    let bytes = 0;
    for (const p of batch) {
      bytes += p.bytes;
      if (err === undefined) p.resolve();
      else p.reject(new WardenError('INGEST_KAFKA_UNAVAILABLE', (err as Error).message, { cause: err }));
    }
    this.addInFlight(-bytes);
    if (err !== undefined) {
      this.options.log.error({ err, code: 'INGEST_KAFKA_UNAVAILABLE', messages: batch.length }, 'produce failed');
    }
    this.flush();
  }

  private addInFlight(bytes: number): void {
    this.inFlightBytes += bytes;
    this.options.onInFlightBytes?.(this.inFlightBytes);
  }

  private async connectLoop(): Promise<void> {
    let backoffMs = 500;
    while (!this.stopped) {
      try {
        await this.producer.connect();
        this.connected = true;
        this.options.log.info({ topic: this.options.topic }, 'producer connected');
        return;
      } catch (err) {
        this.options.log.warn({ err, code: 'KAFKA_UNREACHABLE', retryInMs: backoffMs }, 'producer cannot connect');
        await delay(backoffMs, undefined, { signal: this.abort.signal }).catch(() => undefined);
        backoffMs = Math.min(backoffMs * 2, 10_000);
      }
    }
  }
}
