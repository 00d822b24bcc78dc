import { describe, expect, it } from 'vitest';
import {
  type AuditRecord,
  canonicalJson,
  chainRecord,
  GENESIS_HASH,
  hashRecord,
  parseStream,
  verifyChain,
} from '../../../services/lib/audit/hash-chain.ts';

const STREAM = 'tenant:acme/approvals';
const T0 = Date.UTC(2026, 10, 26, 12, 0, 0);

function chain(n: number, stream = STREAM): AuditRecord[] {
  const out: AuditRecord[] = [];
  for (let i = 0; i < n; i++) {
    const prev = out.at(-1);
    out.push(
      chainRecord(
        stream,
        prev ? { seq: prev.seq, hash: prev.hash } : null,
        {
          actor: 'user:alice',
          action: 'scope.approve',
          subject: `agent:bot-${i}`,
          payload: { change: i, b: [1, 'x'] },
        },
        new Date(T0 + i),
      ),
    );
  }
  return out;
}

describe('canonical JSON', () => {
  it('sorts keys at every depth and writes no whitespace', () => {
    expect(canonicalJson({ b: 1, a: { d: [true, null], c: 'x' } })).toBe('{"a":{"c":"x","d":[true,null]},"b":1}');
  });

  it('drops undefined members and rejects values JSON cannot carry', () => {
    expect(canonicalJson({ a: undefined, b: 2 })).toBe('{"b":2}');
    expect(() => canonicalJson({ a: Number.NaN })).toThrow(/AUDIT|non-finite/);
    expect(() => canonicalJson({ a: 1n })).toThrow(/not JSON/);
  });
});

describe('hash chain', () => {
  it('hashes deterministically: same content, same hash, independent of key order', () => {
    const a = chain(3);
    const b = chain(3);
    expect(a.map((r) => r.hash)).toEqual(b.map((r) => r.hash));
    const [first] = a;
    const reordered = Object.fromEntries(Object.entries(first!).reverse());
    expect(hashRecord(reordered)).toBe(first!.hash);
    expect(first!.prev_hash).toBe(GENESIS_HASH);
    expect(first!.seq).toBe(1);
    expect(a[1]!.prev_hash).toBe(first!.hash);
    expect(first!.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('a clean chain verifies', () => {
    expect(verifyChain(STREAM, chain(5))).toEqual([]);
  });

  it('names an edited record', () => {
    const records = chain(5);
    records[2] = { ...records[2]!, payload: { change: 999 } };
    const problems = verifyChain(STREAM, records);
    expect(problems).toEqual([expect.objectContaining({ kind: 'record_edited', stream: STREAM, seq: 3 })]);
  });

  it('names the link when an edited record was re-hashed', () => {
    const records = chain(5);
    const edited = { ...records[2]!, actor: 'user:mallory' };
    records[2] = { ...edited, hash: hashRecord(edited) };
    expect(verifyChain(STREAM, records)).toEqual([expect.objectContaining({ kind: 'chain_broken', seq: 4 })]);
  });

  it('names a deleted record', () => {
    const records = chain(5);
    records.splice(2, 1);
    expect(verifyChain(STREAM, records)).toEqual([expect.objectContaining({ kind: 'records_missing', seq: 3 })]);
  });

  it('reports a fork: two different records with one seq', () => {
    const records = chain(3);
    const fork = chainRecord(
      STREAM,
      { seq: 2, hash: records[1]!.hash },
      { actor: 'x', action: 'y', subject: 'z' },
      new Date(T0),
    );
    const problems = verifyChain(STREAM, [...records, fork]);
    expect(problems).toEqual([expect.objectContaining({ kind: 'duplicate_seq', seq: 3 })]);
  });

  it('validates stream names without regular expressions', () => {
    expect(parseStream('tenant:acme/session:s-1')).toEqual({ tenant: 'acme', name: 'session:s-1' });
    for (const bad of [
      'acme/approvals',
      'tenant:/x',
      'tenant:acme',
      'tenant:acme/',
      'tenant:ac me/x',
      `tenant:a/${'x'.repeat(600)}`,
    ]) {
      expect(() => parseStream(bad), bad).toThrow(/tenant:<id>\/<name>/);
    }
  });

  it('refuses entries without actor, action or subject', () => {
    expect(() => chainRecord(STREAM, null, { actor: '', action: 'a', subject: 's' }, new Date(T0))).toThrow(/actor/);
  });
});
