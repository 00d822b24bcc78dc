import type { KeyObject } from 'node:crypto';
import type { ClickHouseClient } from '../clickhouse/client.ts';
import { WardenError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import { readStreamRecords } from './audit-log.ts';
import { type ChainHead, canonicalJson, GENESIS_HASH, parseStream, verifyChain } from './hash-chain.ts';
import { type SigningKey, signBytes, verifyBytes } from './signing-key.ts';

/** A signed statement "stream S had head (seq, hash) at ts", stored in audit_checkpoints. */
export interface Checkpoint {
  stream: string;
  seq: number;
  hash: string;
  ts: string;
  key_id: string;
  /** base64 Ed25519 signature over checkpointMessage(). */
  signature: string;
}

/** The signed bytes: canonical JSON of every field except the signature. */
export function checkpointMessage(cp: Omit<Checkpoint, 'signature'> | Checkpoint): string {
  const { stream, seq, hash, ts, key_id } = cp;
  return canonicalJson({ stream, seq, hash, ts, key_id });
}

export function signCheckpoint(head: ChainHead & { stream: string }, key: SigningKey, ts: Date): Checkpoint {
  const unsigned = { stream: head.stream, seq: head.seq, hash: head.hash, ts: ts.toISOString(), key_id: key.keyId };
  return { ...unsigned, signature: signBytes(key, checkpointMessage(unsigned)) };
}

export function verifyCheckpoint(cp: Checkpoint, publicKey: KeyObject): boolean {
  return verifyBytes(publicKey, checkpointMessage(cp), cp.signature);
}

interface CheckpointRow {
  stream: string;
  seq: number;
  hash: string;
  ts_ms: number;
  key_id: string;
  signature: string;
}

const CHECKPOINT_COLUMNS = 'stream, seq, hash, toUnixTimestamp64Milli(ts) AS ts_ms, key_id, signature';

function fromRow(r: CheckpointRow): Checkpoint {
  return {
    stream: r.stream,
    seq: Number(r.seq),
    hash: r.hash,
    ts: new Date(Number(r.ts_ms)).toISOString(),
    key_id: r.key_id,
    signature: r.signature,
  };
}

export async function readCheckpoints(clickhouse: ClickHouseClient, stream: string): Promise<Checkpoint[]> {
  const rows = await (
    await clickhouse.query({
      query: `SELECT ${CHECKPOINT_COLUMNS} FROM audit_checkpoints WHERE stream = {stream:String} ORDER BY seq, ts`,
      query_params: { stream },
      format: 'JSONEachRow',
    })
  ).json<CheckpointRow>();
  return rows.map(fromRow);
}

export interface CheckpointerOptions {
  clickhouse: ClickHouseClient;
  key: SigningKey;
  log: Logger;
  now?: () => Date;
}

/**
 * Signs the head of a stream. Before signing it re-verifies the records stored since the previous
 * checkpoint, so a chain edited in ClickHouse is never blessed (AUDIT_CHAIN_BROKEN instead).
 */
export class Checkpointer {
  readonly #ch: ClickHouseClient;
  readonly #key: SigningKey;
  readonly #log: Logger;
  readonly #now: () => Date;

  constructor(options: CheckpointerOptions) {
    this.#ch = options.clickhouse;
    this.#key = options.key;
    this.#log = options.log.child({ component: 'audit-checkpoint' });
    this.#now = options.now ?? (() => new Date());
  }

  /** Checkpoints one stream if it grew since its last checkpoint; returns null when nothing changed. */
  async checkpoint(stream: string): Promise<Checkpoint | null> {
    const { tenant } = parseStream(stream);
    try {
      const last = (await readCheckpoints(this.#ch, stream)).at(-1);
      const start: ChainHead = last ? { seq: last.seq, hash: last.hash } : { seq: 0, hash: GENESIS_HASH };
      const records = await readStreamRecords(this.#ch, stream, start.seq);
      if (records.length === 0) return null;
      const problems = verifyChain(stream, records, start);
      if (problems.length > 0) {
        throw new WardenError('AUDIT_CHAIN_BROKEN', problems.map((p) => p.message).join('; '));
      }
      const head = records.at(-1)!;
      const cp = signCheckpoint({ stream, seq: head.seq, hash: head.hash }, this.#key, this.#now());
      await this.#ch.insert({
        table: 'audit_checkpoints',
        values: [{ tenant_id: tenant, ...cp }],
        format: 'JSONEachRow',
      });
      this.#log.debug({ stream, seq: cp.seq }, 'audit checkpoint signed');
      return cp;
    } catch (err) {
      if (err instanceof WardenError) throw err;
      throw new WardenError('AUDIT_CHECKPOINT_FAILED', `${stream}: ${(err as Error).message}`, { cause: err });
    }
  }

  /** Checkpoints every stream (of one tenant, when given) that grew since its last checkpoint. */
  async checkpointAll(tenant?: string): Promise<Checkpoint[]> {
    const where = tenant === undefined ? '' : 'WHERE tenant_id = {tenant:String}';
    let rows: Array<{ stream: string; head: number; checkpointed: number }>;
    try {
      rows = await (
        await this.#ch.query({
          query: `SELECT l.stream AS stream, l.head AS head, c.checkpointed AS checkpointed
            FROM (SELECT stream, max(seq) AS head FROM audit_log ${where} GROUP BY stream) AS l
            LEFT JOIN (SELECT stream, max(seq) AS checkpointed FROM audit_checkpoints ${where} GROUP BY stream) AS c
            USING (stream) ORDER BY stream`,
          query_params: tenant === undefined ? {} : { tenant },
          format: 'JSONEachRow',
        })
      ).json();
    } catch (err) {
      throw new WardenError('AUDIT_CHECKPOINT_FAILED', (err as Error).message, { cause: err });
    }
    const signed: Checkpoint[] = [];
    for (const row of rows) {
      if (Number(row.head) <= Number(row.checkpointed ?? 0)) continue;
      const cp = await this.checkpoint(row.stream);
      if (cp) signed.push(cp);
    }
    return signed;
  }

  /** Runs checkpointAll every intervalMs; failures are logged with their code and retried next round. */
  start(intervalMs: number): { stop: () => Promise<void> } {
    let running: Promise<unknown> = Promise.resolve();
    const timer = setInterval(() => {
      running = this.checkpointAll().catch((err: unknown) => {
        this.#log.error({ err, code: err instanceof WardenError ? err.code : undefined }, 'audit checkpoint failed');
      });
    }, intervalMs);
    timer.unref();
    return {
      stop: async () => {
        clearInterval(timer);
        await running;
      },
    };
  }
}
