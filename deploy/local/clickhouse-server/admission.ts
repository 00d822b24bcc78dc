import { CH, ClickHouseHttpError } from './errors.ts';

/**
 * Bounds work in flight: at most `maxConcurrent` queries run, at most `maxQueued` wait, and
 * anything beyond is refused at once with ClickHouse's TOO_MANY_SIMULTANEOUS_QUERIES so the
 * client can back off instead of piling up memory and sockets here.
 */
export class Admission {
  readonly #maxConcurrent: number;
  readonly #maxQueued: number;
  readonly #waiting: Array<() => void> = [];
  #running = 0;

  constructor(maxConcurrent: number, maxQueued: number) {
    this.#maxConcurrent = maxConcurrent;
    this.#maxQueued = maxQueued;
  }

  /** Resolves with a release function once a slot is free; throws when the queue is full. */
  async acquire(): Promise<() => void> {
    if (this.#running < this.#maxConcurrent) {
      this.#running++;
      return this.#releaser();
    }
    if (this.#waiting.length >= this.#maxQueued) {
      throw ClickHouseHttpError.of(
        CH.TOO_MANY_SIMULTANEOUS_QUERIES,
        `Too many simultaneous queries. Maximum: ${this.#maxConcurrent} running and ${this.#maxQueued} queued`,
      );
    }
    // The slot is handed over by the releaser (running count unchanged), so no newcomer can
    // overtake a queued request between release and wake-up.
    await new Promise<void>((resolve) => this.#waiting.push(resolve));
    return this.#releaser();
  }

  get running(): number {
    return this.#running;
  }

  get queued(): number {
    return this.#waiting.length;
  }

  #releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.#waiting.shift();
      if (next) next();
      else this.#running--;
    };
  }
}
