import type { Session } from 'chdb';
import type { ChdbEngine } from './engine.ts';
import { CH, ClickHouseHttpError } from './errors.ts';

interface Entry {
  readonly session: Session;
  busy: boolean;
  timer: NodeJS.Timeout | undefined;
}

/**
 * HTTP sessions (`session_id=`): one engine connection kept per id so `SET`, `USE` and temporary
 * tables persist across requests, expiring `session_timeout` seconds after the last request ends.
 * Like the real server, a session runs one query at a time; a second concurrent request gets
 * SESSION_IS_LOCKED rather than waiting.
 */
export class SessionRegistry {
  readonly #engine: ChdbEngine;
  readonly #defaultTimeoutS: number;
  readonly #entries = new Map<string, Entry>();

  constructor(engine: ChdbEngine, defaultTimeoutS: number) {
    this.#engine = engine;
    this.#defaultTimeoutS = defaultTimeoutS;
  }

  acquire(id: string): Session {
    let entry = this.#entries.get(id);
    if (entry?.busy) {
      throw ClickHouseHttpError.of(
        CH.SESSION_IS_LOCKED,
        `Session ${id.slice(0, 100)} is locked by a concurrent client`,
      );
    }
    if (!entry) {
      entry = { session: this.#engine.connect(), busy: false, timer: undefined };
      this.#entries.set(id, entry);
    }
    clearTimeout(entry.timer);
    entry.busy = true;
    return entry.session;
  }

  release(id: string, timeoutS: number | undefined): void {
    const entry = this.#entries.get(id);
    if (!entry) return;
    entry.busy = false;
    const ms = (timeoutS && timeoutS > 0 ? Math.min(timeoutS, 3600) : this.#defaultTimeoutS) * 1000;
    entry.timer = setTimeout(() => this.#expire(id), ms);
    entry.timer.unref();
  }

  get size(): number {
    return this.#entries.size;
  }

  closeAll(): void {
    for (const id of [...this.#entries.keys()]) this.#expire(id);
  }

  #expire(id: string): void {
    const entry = this.#entries.get(id);
    if (!entry) return;
    clearTimeout(entry.timer);
    this.#entries.delete(id);
    this.#engine.release(entry.session);
  }
}
