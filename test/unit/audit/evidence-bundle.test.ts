import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type Checkpoint, signCheckpoint } from '../../../services/lib/audit/checkpoint.ts';
import { type VerifyResult, verifyBundle, writeBundle } from '../../../services/lib/audit/evidence-bundle.ts';
import { type AuditRecord, chainRecord, hashRecord } from '../../../services/lib/audit/hash-chain.ts';
import { type SigningKey, signingKeyFromPem } from '../../../services/lib/audit/signing-key.ts';

const T0 = Date.UTC(2026, 10, 26, 12, 0, 0);
const APPROVALS = 'tenant:acme/approvals';
const SESSION = 'tenant:acme/session:s1';

function newKey(): SigningKey {
  const pem = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  return signingKeyFromPem(pem, 'test');
}

function chain(stream: string, n: number): AuditRecord[] {
  const out: AuditRecord[] = [];
  for (let i = 0; i < n; i++) {
    const prev = out.at(-1);
    const entry = { actor: `user:u${i % 3}`, action: 'policy.change', subject: 'agent:bot', payload: { version: i } };
    out.push(chainRecord(stream, prev ? { seq: prev.seq, hash: prev.hash } : null, entry, new Date(T0 + i)));
  }
  return out;
}

function checkpointAt(records: AuditRecord[], seq: number, key: SigningKey): Checkpoint {
  const r = records[seq - 1]!;
  return signCheckpoint({ stream: r.stream, seq, hash: r.hash }, key, new Date(T0 + 1000));
}

/** A bundle with two streams of 6 records, checkpoints at seq 3 and 6, and session events. */
function makeBundle(key = newKey()) {
  const dir = mkdtempSync(join(tmpdir(), 'warden-bundle-'));
  const approvals = chain(APPROVALS, 6);
  const session = chain(SESSION, 6);
  writeBundle({
    tenant: 'acme',
    session: 's1',
    streams: [
      {
        stream: APPROVALS,
        records: approvals,
        checkpoints: [checkpointAt(approvals, 3, key), checkpointAt(approvals, 6, key)],
      },
      { stream: SESSION, records: session, checkpoints: [checkpointAt(session, 6, key)] },
    ],
    sessionRows: { events: ['{"event_id":"e1","session_id":"s1"}'], findings: [], verdicts: [] },
    key,
    outDir: dir,
  });
  return { dir, key };
}

/** Rewrites records.jsonl line by line (the manifest is left alone, as an attacker without the key must). */
function editRecords(dir: string, edit: (lines: Record<string, unknown>[]) => Record<string, unknown>[]): void {
  const path = join(dir, 'records.jsonl');
  const lines = readFileSync(path, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  writeFileSync(
    path,
    edit(lines)
      .map((l) => `${JSON.stringify(l)}\n`)
      .join(''),
  );
}

const lineOf = (lines: Record<string, unknown>[], stream: string, seq: number) =>
  lines.findIndex((l) => l.stream === stream && l.seq === seq);

function expectProblem(result: VerifyResult, match: Record<string, unknown>): void {
  expect(result.ok).toBe(false);
  expect(result.problems).toContainEqual(expect.objectContaining(match));
}

describe('evidence bundle verification (offline)', () => {
  it('a clean bundle verifies', () => {
    const { dir, key } = makeBundle();
    const result = verifyBundle(dir, { expectedKeyId: key.keyId });
    expect(result.problems).toEqual([]);
    expect(result.ok).toBe(true);
    expect(result.streams.map((s) => [s.stream, s.records, s.checkpointed_seq])).toEqual([
      [APPROVALS, 6, 6],
      [SESSION, 6, 6],
    ]);
  });

  it('names a record whose payload was edited', () => {
    const { dir } = makeBundle();
    editRecords(dir, (lines) => {
      lines[lineOf(lines, APPROVALS, 4)]!.payload = { version: 400 };
      return lines;
    });
    const result = verifyBundle(dir);
    expectProblem(result, { check: 'record', stream: APPROVALS, seq: 4 });
    expectProblem(result, { check: 'file', file: 'records.jsonl' });
  });

  it('names a record whose actor was edited and re-hashed', () => {
    const { dir } = makeBundle();
    editRecords(dir, (lines) => {
      const r = lines[lineOf(lines, APPROVALS, 2)]!;
      r.actor = 'user:mallory';
      r.hash = hashRecord(r);
      return lines;
    });
    const result = verifyBundle(dir);
    expectProblem(result, { check: 'chain', stream: APPROVALS, seq: 3 });
    expect(result.problems.find((p) => p.check === 'chain')!.message).toMatch(/seq 2 or 3 was edited/);
  });

  it('names a deleted middle record', () => {
    const { dir } = makeBundle();
    editRecords(dir, (lines) => lines.filter((_, i) => i !== lineOf(lines, SESSION, 3)));
    const result = verifyBundle(dir);
    expectProblem(result, { check: 'chain', stream: SESSION, seq: 3 });
    expect(result.problems.find((p) => p.check === 'chain')!.message).toMatch(/record 3 is missing/);
  });

  it('names swapped records', () => {
    const { dir } = makeBundle();
    editRecords(dir, (lines) => {
      const a = lineOf(lines, APPROVALS, 2);
      const b = lineOf(lines, APPROVALS, 3);
      [lines[a], lines[b]] = [lines[b]!, lines[a]!];
      return lines;
    });
    expectProblem(verifyBundle(dir), { check: 'order', stream: APPROVALS, seq: 2 });
  });

  it('detects a tail dropped after a checkpoint', () => {
    const { dir } = makeBundle();
    editRecords(dir, (lines) => lines.filter((l) => !(l.stream === APPROVALS && Number(l.seq) > 4)));
    const result = verifyBundle(dir);
    expectProblem(result, { check: 'truncated', stream: APPROVALS, seq: 5 });
    expect(result.problems.find((p) => p.check === 'truncated')!.message).toMatch(/records 5\.\.6 missing/);
  });

  it('names a file with one changed byte', () => {
    const { dir } = makeBundle();
    const path = join(dir, 'events.jsonl');
    writeFileSync(path, readFileSync(path, 'utf8').replace('e1', 'e2'));
    const result = verifyBundle(dir);
    expect(result.problems).toEqual([expect.objectContaining({ check: 'file', file: 'events.jsonl' })]);
  });

  it('rejects a checkpoint forged with another key', () => {
    const { dir } = makeBundle();
    const forger = newKey();
    const path = join(dir, 'checkpoints.jsonl');
    const lines = readFileSync(path, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Checkpoint);
    const forged = signCheckpoint({ stream: APPROVALS, seq: 9, hash: 'f'.repeat(64) }, forger, new Date(T0));
    writeFileSync(
      path,
      [...lines, { ...forged, key_id: lines[0]!.key_id }].map((l) => `${JSON.stringify(l)}\n`).join(''),
    );
    const result = verifyBundle(dir);
    expectProblem(result, { check: 'checkpoint', stream: APPROVALS, seq: 9 });
    expect(result.problems.find((p) => p.check === 'checkpoint')!.message).toMatch(/signature does not verify/);
  });

  it('rejects a bundle re-signed by another key when the key id is pinned', () => {
    const { dir, key } = makeBundle();
    const forger = newKey();
    writeFileSync(join(dir, 'public-key.pem'), forger.publicKeyPem);
    const result = verifyBundle(dir, { expectedKeyId: key.keyId });
    expectProblem(result, { check: 'key' });
    expectProblem(result, { check: 'signature' });
  });

  it('rejects an edited manifest', () => {
    const { dir } = makeBundle();
    const path = join(dir, 'manifest.json');
    writeFileSync(path, readFileSync(path, 'utf8').replace('"tenant": "acme"', '"tenant": "globex"'));
    expectProblem(verifyBundle(dir), { check: 'signature', file: 'manifest.json' });
  });
});
