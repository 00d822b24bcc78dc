import { accessSync, constants, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { drainPending, Session } from 'chdb';
import { WardenError } from '../../../services/lib/errors.ts';
import type { Logger } from '../../../services/lib/logger.ts';

/**
 * Owns the embedded engine for one data folder. chDB binds one data directory per process; every
 * request gets its own native connection to it (≈0.5 ms to open, measured) because a connection
 * carries query state: `SET`, `USE` and temporary tables. A fresh connection per request gives the
 * same isolation as the real server's per-query context, and several connections run queries in
 * parallel (each on a libuv thread). A `base` connection stays open for the engine's lifetime so
 * the data directory is never released between requests.
 */
export class ChdbEngine {
  readonly dataDir: string;
  readonly version: string;
  /** Per-process scratch folder for INSERT bodies that go through FROM INFILE. */
  readonly scratchDir: string;
  readonly #base: Session;
  readonly #log: Logger;
  readonly #open = new Set<Session>();
  #closed = false;

  private constructor(dataDir: string, base: Session, version: string, scratchDir: string, log: Logger) {
    this.dataDir = dataDir;
    this.#base = base;
    this.version = version;
    this.scratchDir = scratchDir;
    this.#log = log;
  }

  /** Opens (creating if needed) the data folder; fails with a clear message if it is unusable. */
  static async open(dataDir: string, log: Logger): Promise<ChdbEngine> {
    try {
      mkdirSync(dataDir, { recursive: true });
      accessSync(dataDir, constants.R_OK | constants.W_OK);
    } catch (err) {
      throw new WardenError('STACK_START_FAILED', `ClickHouse data dir ${dataDir} is not usable`, { cause: err });
    }
    let base: Session;
    try {
      // Load databases before the first request so a query never races table loading.
      base = new Session(dataDir, { connectionArgs: ['--async_load_databases=0'] });
    } catch (err) {
      throw new WardenError('STACK_START_FAILED', `chDB cannot open data dir ${dataDir}`, { cause: err });
    }
    const version = (await base.queryAsync('SELECT version()', { format: 'TabSeparatedRaw' })).text().trim();
    const scratchDir = mkdtempSync(join(tmpdir(), 'warden-clickhouse-http-'));
    log.info({ dataDir, version }, 'chDB engine open');
    return new ChdbEngine(dataDir, base, version, scratchDir, log);
  }

  /** A connection with fresh query state. The caller closes it with `release`. */
  connect(): Session {
    if (this.#closed) throw new Error('engine is closed');
    const s = new Session(this.dataDir);
    this.#open.add(s);
    return s;
  }

  release(session: Session): void {
    this.#open.delete(session);
    // close() defers the native teardown until operations still running on it finish.
    session.close();
  }

  get openConnections(): number {
    return this.#open.size;
  }

  /**
   * Closes every connection, waits for native work still running on libuv threads, then releases
   * the data folder so parts and async-insert buffers are flushed by the engine's shutdown.
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const s of this.#open) s.close();
    this.#open.clear();
    await drainPending();
    this.#base.close();
    await drainPending();
    rmSync(this.scratchDir, { recursive: true, force: true });
    this.#log.info({ dataDir: this.dataDir }, 'chDB engine closed');
  }
}
