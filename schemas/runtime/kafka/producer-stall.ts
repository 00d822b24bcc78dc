/**
 * Notices a producer that stopped getting acknowledgements while sends wait, and lets the adapter
 * fail those sends once it has replaced the producer.
 *
 * Why: after a broker restart librdkafka's idempotent producer can stay for minutes without the
 * topic's metadata ("metadata information unknown", its partitions parked on the internal broker
 * while the broker is back and every other client of the process produces again): seen in the
 * broker-restart fault test, where the test's own producer got no acknowledgement for 4 minutes.
 * Every send then waits for message.timeout.ms (5 minutes) and detect's batches, retried on the
 * same producer, never get through. A new producer gets fresh metadata and a new producer id.
 * Sends still waiting on the replaced producer are rejected (never acknowledged, so their callers
 * retry or answer 503): at-least-once, nothing lost; duplicates are absorbed downstream by event id.
 */
export interface StallPolicy {
  /** Sends waiting this long with no acknowledgement of any send in that time: stalled. */
  readonly stallMs: number;
  /** Longest wait between two replacements while the stall lasts (a broker really down for long). */
  readonly maxBackoffMs: number;
}

interface Waiting {
  readonly startedAt: number;
  readonly generation: number;
  readonly reject: (err: unknown) => void;
}

export class ProducerStall {
  private readonly waiting = new Map<number, Waiting>();
  private nextId = 0;
  private lastAckAt: number;
  private generation = 0;
  private backoffMs: number;
  private lastReplacedAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly policy: StallPolicy,
    now: number,
  ) {
    this.lastAckAt = now;
    this.backoffMs = policy.stallMs;
  }

  /** Wraps one send: its result, or its rejection if its producer is replaced before it settles. */
  track<T>(send: () => Promise<T>, now: () => number): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      let sent: Promise<T>;
      try {
        sent = send();
      } catch (err) {
        // Thrown before anything was queued: nothing waits.
        reject(err);
        return;
      }
      this.waiting.set(id, { startedAt: now(), generation: this.generation, reject });
      sent.then(
        (value) => {
          if (!this.waiting.delete(id)) return;
          this.acknowledged(now());
          resolve(value);
        },
        (err: unknown) => {
          if (this.waiting.delete(id)) reject(err);
        },
      );
    });
  }

  /** True when sends have waited the stall time with no acknowledgement, and the back-off allows a replacement. */
  stalled(now: number): boolean {
    if (now - this.lastAckAt < this.policy.stallMs) return false;
    if (now - this.lastReplacedAt < this.backoffMs) return false;
    for (const w of this.waiting.values()) if (now - w.startedAt >= this.policy.stallMs) return true;
    return false;
  }

  /** How long the oldest send has waited (for the log line). */
  oldestWaitMs(now: number): number {
    let oldest = now;
    for (const w of this.waiting.values()) oldest = Math.min(oldest, w.startedAt);
    return now - oldest;
  }

  /**
   * A replacement is being tried: the next one waits the back-off, doubled (up to the cap) when no
   * acknowledgement came since the previous try, as with a broker that is really down.
   */
  attempted(now: number): void {
    this.backoffMs =
      this.lastAckAt < this.lastReplacedAt
        ? Math.min(this.backoffMs * 2, this.policy.maxBackoffMs)
        : this.policy.stallMs;
    this.lastReplacedAt = now;
  }

  /** The producer was replaced: new sends belong to the next generation. Returns the replaced one. */
  replaced(): number {
    return this.generation++;
  }

  /** Rejects every send still waiting on the given (replaced) generation. */
  fail(generation: number, err: unknown): number {
    let n = 0;
    for (const [id, w] of this.waiting) {
      if (w.generation !== generation) continue;
      this.waiting.delete(id);
      w.reject(err);
      n++;
    }
    return n;
  }

  private acknowledged(now: number): void {
    this.lastAckAt = now;
    this.backoffMs = this.policy.stallMs;
  }
}
