import { createHash } from 'node:crypto';
import { WardenError } from '../errors.ts';

/** prev_hash of the first record of every stream. */
export const GENESIS_HASH = '0'.repeat(64);

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/**
 * One entry of the append-only audit log. `hash` = sha256(canonicalJson(every other field)), and
 * `prev_hash` is the hash of the record with seq - 1 in the same stream (GENESIS_HASH for seq 1), so
 * editing, deleting or reordering any record breaks a link that verifyChain names.
 */
export interface AuditRecord {
  stream: string;
  seq: number;
  /** ISO 8601, UTC, millisecond precision (what DateTime64(3) keeps). */
  ts: string;
  actor: string;
  action: string;
  subject: string;
  /** Masked data only: callers never pass clear PII. */
  payload: JsonObject;
  prev_hash: string;
  hash: string;
}

export interface ChainHead {
  seq: number;
  hash: string;
}

export interface AuditEntry {
  actor: string;
  action: string;
  subject: string;
  payload?: JsonObject;
}

/**
 * Sorted keys, no whitespace, strings and numbers as JSON.stringify writes them. Rejects what JSON
 * cannot represent faithfully (NaN, Infinity, bigint, functions) instead of silently changing it;
 * `undefined` object members are dropped, as JSON.stringify does.
 */
export function canonicalJson(value: unknown): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) throw new WardenError('AUDIT_RECORD_INVALID', `non-finite number ${value}`);
      return JSON.stringify(value);
    case 'object': {
      if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v ?? null)).join(',')}]`;
      const obj = value as Record<string, unknown>;
      const keys = Object.keys(obj)
        .filter((k) => obj[k] !== undefined)
        .sort();
      return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`).join(',')}}`;
    }
    default:
      throw new WardenError('AUDIT_RECORD_INVALID', `a ${typeof value} is not JSON`);
  }
}

export function sha256Hex(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** The hash of a record: sha256 of the canonical JSON of every field except `hash` itself. */
export function hashRecord(record: object): string {
  const { hash: _ignored, ...rest } = record as Record<string, unknown>;
  return sha256Hex(canonicalJson(rest));
}

const MAX_STREAM_LENGTH = 512;

function isNameChar(c: string): boolean {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || '_.-:'.includes(c);
}

/**
 * Streams are `tenant:<tenant>/<name>`, e.g. `tenant:acme/approvals` or `tenant:acme/session:s1`.
 * Checked character by character (no RegExp: session ids come from agents).
 */
export function parseStream(stream: string): { tenant: string; name: string } {
  const bad = (why: string) =>
    new WardenError('AUDIT_STREAM_INVALID', `${JSON.stringify(stream.slice(0, 80))}: ${why} (want tenant:<id>/<name>)`);
  if (stream.length > MAX_STREAM_LENGTH) throw bad(`longer than ${MAX_STREAM_LENGTH} characters`);
  if (!stream.startsWith('tenant:')) throw bad('does not start with tenant:');
  const slash = stream.indexOf('/');
  const tenant = stream.slice('tenant:'.length, slash < 0 ? undefined : slash);
  const name = slash < 0 ? '' : stream.slice(slash + 1);
  if (tenant.length === 0 || [...tenant].some((c) => !isNameChar(c) || c === ':')) throw bad('bad tenant id');
  if (name.length === 0 || [...name].some((c) => !isNameChar(c) && c !== '/')) throw bad('bad stream name');
  return { tenant, name };
}

export function streamFor(tenant: string, name: string): string {
  const stream = `tenant:${tenant}/${name}`;
  parseStream(stream);
  return stream;
}

/** Builds the next record of a stream after `head` (null = empty stream). */
export function chainRecord(stream: string, head: ChainHead | null, entry: AuditEntry, ts: Date): AuditRecord {
  for (const field of ['actor', 'action', 'subject'] as const) {
    if (typeof entry[field] !== 'string' || entry[field].length === 0) {
      throw new WardenError('AUDIT_RECORD_INVALID', `${field} must be a non-empty string`);
    }
  }
  const payload = entry.payload ?? {};
  // Round-trip through the canonical form so the stored payload is exactly what was hashed.
  const normalized = JSON.parse(canonicalJson(payload)) as JsonObject;
  const unsigned = {
    stream,
    seq: (head?.seq ?? 0) + 1,
    ts: ts.toISOString(),
    actor: entry.actor,
    action: entry.action,
    subject: entry.subject,
    payload: normalized,
    prev_hash: head?.hash ?? GENESIS_HASH,
  };
  return { ...unsigned, hash: hashRecord(unsigned) };
}

export type ChainProblemKind = 'record_edited' | 'records_missing' | 'chain_broken' | 'duplicate_seq' | 'seq_invalid';

export interface ChainProblem {
  kind: ChainProblemKind;
  stream: string;
  seq: number;
  message: string;
}

/**
 * Checks records of one stream, sorted by seq, starting after `start` (genesis by default): each
 * record's hash matches its content, seq has no gap, and prev_hash links to the previous record.
 * Every problem names the stream and the seq it concerns.
 */
export function verifyChain(
  stream: string,
  records: ReadonlyArray<object>,
  start: ChainHead = { seq: 0, hash: GENESIS_HASH },
): ChainProblem[] {
  const problems: ChainProblem[] = [];
  const add = (kind: ChainProblemKind, seq: number, message: string) =>
    problems.push({ kind, stream, seq, message: `${stream} seq ${seq}: ${message}` });
  let prev: ChainHead = start;
  for (const item of records) {
    const record = item as Record<string, unknown>;
    const seq = record.seq;
    if (typeof seq !== 'number' || !Number.isSafeInteger(seq) || seq < 1) {
      add('seq_invalid', Number(seq) || 0, `seq ${JSON.stringify(seq)} is not a positive integer`);
      continue;
    }
    const storedHash = typeof record.hash === 'string' ? record.hash : '';
    const computed = hashRecord(record);
    if (computed !== storedHash) {
      add('record_edited', seq, 'content does not match its hash (record edited)');
    }
    if (seq === prev.seq) {
      add('duplicate_seq', seq, storedHash === prev.hash ? 'duplicate record' : 'two different records (fork)');
      continue;
    }
    if (seq > prev.seq + 1) {
      const from = prev.seq + 1;
      const to = seq - 1;
      add(
        'records_missing',
        from,
        `${from === to ? `record ${from} is` : `records ${from}..${to} are`} missing (deleted); chain resumes at seq ${seq}`,
      );
    } else if (seq < prev.seq) {
      add('seq_invalid', seq, `comes after seq ${prev.seq}`);
      continue;
    } else if (record.prev_hash !== prev.hash) {
      add(
        'chain_broken',
        seq,
        `prev_hash does not match the hash of seq ${prev.seq} (seq ${prev.seq} or ${seq} was edited or replaced)`,
      );
    }
    prev = { seq, hash: storedHash };
  }
  return problems;
}
