import { setTimeout as delay } from 'node:timers/promises';
import type { ClickHouseClient } from '../clickhouse/client.ts';
import { WardenError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import {
  type AuditEntry,
  type AuditRecord,
  type ChainHead,
  canonicalJson,
  chainRecord,
  type JsonObject,
  parseStream,
} from './hash-chain.ts';

interface RecordRow {
  stream: string;
  seq: number;
  ts_ms: number;
  actor: string;
  action: string;
  subject: string;
  payload: string;
  prev_hash: string;
  hash: string;
}

const RECORD_COLUMNS =
  'stream, seq, toUnixTimestamp64Milli(ts) AS ts_ms, actor, action, subject, payload, prev_hash, hash';

function fromRow(r: RecordRow): AuditRecord {
  return {
    stream: r.stream,
    seq: Number(r.seq),
    ts: new Date(Number(r.ts_ms)).toISOString(),
    actor: r.actor,
    action: r.action,
    subject: r.subject,
    payload: JSON.parse(r.payload) as JsonObject,
    prev_hash: r.prev_hash,
    hash: r.hash,
  };
}

/**
 * Records of one stream with seq > afterSeq, in seq order. A row stored twice (an insert retried
 * past the deduplication window) is returned once; two different rows with one seq both come back,
 * so verifyChain reports the fork.
 */
export async function readStreamRecords(clickhouse: ClickHouseClient, stream: string, afterSeq = 0) {
  const rows = await (
    await clickhouse.query({
      query: `SELECT ${RECORD_COLUMNS} FROM audit_log
        WHERE stream = {stream:String} AND seq > {after:UInt64} ORDER BY seq, hash`,
      query_params: { stream, after: afterSeq },
      format: 'JSONEachRow',
    })
  ).json<RecordRow>();
  const records: AuditRecord[] = [];
  for (const row of rows) {
    const prev = records.at(-1);
    if (prev && prev.seq === Number(row.seq) && prev.hash === row.hash) continue;
    records.push(fromRow(row));
  }
  return records;
}

export async function readStreamHead(clickhouse: ClickHouseClient, stream: string): Promise<ChainHead | null> {
  const rows = await (
    await clickhouse.query({
      query: 'SELECT seq, hash FROM audit_log WHERE stream = {stream:String} ORDER BY seq DESC LIMIT 1',
      query_params: { stream },
      format: 'JSONEachRow',
    })
  ).json<{ seq: number; hash: string }>();
  const row = rows[0];
  return row ? { seq: Number(row.seq), hash: row.hash } : null;
}

interface Pending {
  entry: AuditEntry;
  resolve: (record: AuditRecord) => void;
  reject: (err: unknown) => void;
}

interface StreamState {
  /** undefined = unknown, read from ClickHouse before the next append. */
  head: ChainHead | null | undefined;
  pending: Pending[];
  flushing: boolean;
}

export interface AuditLogOptions {
  clickhouse: ClickHouseClient;
  log: Logger;
  now?: () => Date;
  /** Most records written by one insert. */
  maxBatch?: number;
  /** Insert attempts per batch (same deduplication token each time). */
  attempts?: number;
  /** Idle streams whose head is cached; beyond this the oldest idle heads are forgotten and re-read. */
  maxCachedStreams?: number;
}

/**
 * Append-only, hash-chained audit log in ClickHouse. Appends to one stream are serialized in this
 * process: while one insert is in flight, later appends queue and go out together in the next
 * insert (group commit), so concurrent callers never race for a seq. The head of a stream is read
 * from ClickHouse the first time it is used (and after a failed insert), so a new instance, e.g.
 * after a restart, continues the chain. One process writes a given stream; two writers of the same
 * stream would fork it, which verification reports as two records with one seq.
 */
export class AuditLog {
  readonly #ch: ClickHouseClient;
  readonly #log: Logger;
  readonly #now: () => Date;
  readonly #maxBatch: number;
  readonly #attempts: number;
  readonly #maxCached: number;
  readonly #streams = new Map<string, StreamState>();

  constructor(options: AuditLogOptions) {
    this.#ch = options.clickhouse;
    this.#log = options.log.child({ component: 'audit-log' });
    this.#now = options.now ?? (() => new Date());
    this.#maxBatch = options.maxBatch ?? 500;
    this.#attempts = options.attempts ?? 3;
    this.#maxCached = options.maxCachedStreams ?? 10_000;
  }

  /** Appends one record; resolves with it (seq and hash set) once ClickHouse acknowledged it. */
  append(stream: string, entry: AuditEntry): Promise<AuditRecord> {
    try {
      parseStream(stream);
      canonicalJson(entry.payload ?? {});
    } catch (err) {
      return Promise.reject(err);
    }
    let state = this.#streams.get(stream);
    if (!state) {
      this.#evictIdle();
      state = { head: undefined, pending: [], flushing: false };
      this.#streams.set(stream, state);
    }
    const target = state;
    const promise = new Promise<AuditRecord>((resolve, reject) => target.pending.push({ entry, resolve, reject }));
    if (!state.flushing) void this.#drain(stream, state);
    return promise;
  }

  /** The last record's seq and hash, as this instance knows it (read from ClickHouse if unknown). */
  async head(stream: string): Promise<ChainHead | null> {
    const cached = this.#streams.get(stream)?.head;
    if (cached !== undefined) return cached;
    return readStreamHead(this.#ch, stream);
  }

  async #drain(stream: string, state: StreamState): Promise<void> {
    state.flushing = true;
    try {
      while (state.pending.length > 0) {
        const batch = state.pending.splice(0, this.#maxBatch);
        try {
          if (state.head === undefined) state.head = await readStreamHead(this.#ch, stream);
          const records: AuditRecord[] = [];
          let head = state.head;
          for (const p of batch) {
            const record = chainRecord(stream, head, p.entry, this.#now());
            records.push(record);
            head = { seq: record.seq, hash: record.hash };
          }
          await this.#insert(stream, records);
          state.head = head;
          for (const [i, p] of batch.entries()) p.resolve(records[i]!);
        } catch (err) {
          // The insert may or may not have landed: forget the head and read it again next time.
          state.head = undefined;
          const wrapped =
            err instanceof WardenError
              ? err
              : new WardenError('AUDIT_APPEND_FAILED', `${stream}: ${(err as Error).message}`, { cause: err });
          this.#log.error({ err: wrapped, code: wrapped.code, stream, records: batch.length }, 'audit append failed');
          for (const p of batch) p.reject(wrapped);
        }
      }
    } finally {
      state.flushing = false;
    }
  }

  async #insert(stream: string, records: AuditRecord[]): Promise<void> {
    const { tenant } = parseStream(stream);
    const first = records[0]!;
    const last = records.at(-1)!;
    const token = `audit:${stream}:${first.seq}-${last.seq}:${last.hash}`;
    const values = records.map((r) => ({ tenant_id: tenant, ...r, payload: canonicalJson(r.payload) }));
    for (let attempt = 1; ; attempt++) {
      try {
        await this.#ch.insert({
          table: 'audit_log',
          values,
          format: 'JSONEachRow',
          clickhouse_settings: { insert_deduplication_token: token },
        });
        return;
      } catch (err) {
        if (attempt >= this.#attempts) {
          throw new WardenError(
            'AUDIT_APPEND_FAILED',
            `${stream} seq ${first.seq}..${last.seq}: ${(err as Error).message}`,
            {
              cause: err,
            },
          );
        }
        await delay(100 * 2 ** attempt);
      }
    }
  }

  #evictIdle(): void {
    if (this.#streams.size < this.#maxCached) return;
    for (const [stream, state] of this.#streams) {
      if (this.#streams.size < this.#maxCached) break;
      if (!state.flushing && state.pending.length === 0) this.#streams.delete(stream);
    }
  }
}
