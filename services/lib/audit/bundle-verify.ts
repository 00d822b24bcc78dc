import type { KeyObject } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { WardenError } from '../errors.ts';
import { BUNDLE_FILES, type Manifest, type ManifestStream, manifestProblems } from './bundle-format.ts';
import { type Checkpoint, verifyCheckpoint } from './checkpoint.ts';
import { sha256Hex, verifyChain } from './hash-chain.ts';
import { keyIdOf, publicKeyFromPem, verifyBytes } from './signing-key.ts';

export type VerifyCheck =
  | 'key' // public key missing, unreadable, or not the expected one
  | 'signature' // manifest.sig does not verify
  | 'manifest' // manifest missing, malformed, or disagreeing with the content
  | 'file' // a listed file is missing, modified, or an unlisted file is present
  | 'record' // a record is malformed or its content does not match its hash
  | 'chain' // a gap, a broken prev_hash link, a duplicate or fork
  | 'order' // records out of seq order
  | 'checkpoint' // a checkpoint's signature fails or it disagrees with the chain
  | 'truncated'; // records after the last one in the bundle are missing

export interface VerifyProblem {
  check: VerifyCheck;
  stream?: string;
  seq?: number;
  file?: string;
  line?: number;
  message: string;
}

export interface StreamReport {
  stream: string;
  records: number;
  head_seq: number;
  checkpoints: number;
  /** Highest seq covered by a valid checkpoint, 0 if none. */
  checkpointed_seq: number;
  ok: boolean;
}

export interface VerifyResult {
  ok: boolean;
  dir: string;
  key_id: string | null;
  tenant: string | null;
  session: string | null;
  created_at: string | null;
  streams: StreamReport[];
  problems: VerifyProblem[];
}

export interface VerifyOptions {
  /** Pin the signer: fail unless public-key.pem has this key id (a bundle re-signed by anyone else fails). */
  expectedKeyId?: string | undefined;
}

interface Line {
  line: number;
  value: Record<string, unknown>;
}

function readLines(text: string, file: string, problems: VerifyProblem[]): Line[] {
  const out: Line[] = [];
  text.split('\n').forEach((raw, i) => {
    if (raw.length === 0) return;
    try {
      const value: unknown = JSON.parse(raw);
      if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('not an object');
      out.push({ line: i + 1, value: value as Record<string, unknown> });
    } catch (err) {
      problems.push({
        check: 'record',
        file,
        line: i + 1,
        message: `${file} line ${i + 1}: ${(err as Error).message}`,
      });
    }
  });
  return out;
}

function readText(dir: string, name: string): string | null {
  const path = join(dir, name);
  return existsSync(path) ? readFileSync(path, 'utf8') : null;
}

/**
 * Verifies a bundle directory offline: manifest signature, every file's sha256, every chain link,
 * every checkpoint's signature and its agreement with the chain. Never throws on a bad bundle:
 * each problem is reported, naming the file, line, stream and seq it concerns.
 */
export function verifyBundle(dir: string, options: VerifyOptions = {}): VerifyResult {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new WardenError('EVIDENCE_BUNDLE_UNREADABLE', `${dir} is not a directory`);
  }
  const problems: VerifyProblem[] = [];
  const add = (p: VerifyProblem) => problems.push(p);

  let publicKey: KeyObject | null = null;
  let keyId: string | null = null;
  const pem = readText(dir, BUNDLE_FILES.publicKey);
  if (pem === null) add({ check: 'key', file: BUNDLE_FILES.publicKey, message: 'public-key.pem is missing' });
  else {
    try {
      publicKey = publicKeyFromPem(pem);
      keyId = keyIdOf(publicKey);
    } catch (err) {
      add({ check: 'key', file: BUNDLE_FILES.publicKey, message: `public-key.pem: ${(err as Error).message}` });
    }
  }
  if (options.expectedKeyId !== undefined && keyId !== options.expectedKeyId) {
    add({ check: 'key', message: `bundle is signed by key ${keyId}, expected ${options.expectedKeyId}` });
  }

  const manifestBytes = existsSync(join(dir, BUNDLE_FILES.manifest))
    ? readFileSync(join(dir, BUNDLE_FILES.manifest))
    : null;
  const signature = readText(dir, BUNDLE_FILES.signature);
  let manifest: Manifest | null = null;
  if (manifestBytes === null)
    add({ check: 'manifest', file: BUNDLE_FILES.manifest, message: 'manifest.json is missing' });
  else {
    if (signature === null)
      add({ check: 'signature', file: BUNDLE_FILES.signature, message: 'manifest.sig is missing' });
    else if (publicKey && !verifyBytes(publicKey, manifestBytes, signature.trim())) {
      add({
        check: 'signature',
        file: BUNDLE_FILES.manifest,
        message: `manifest.sig does not verify with key ${keyId}: manifest.json was modified or signed by another key`,
      });
    }
    try {
      const parsed: unknown = JSON.parse(manifestBytes.toString('utf8'));
      const shape = manifestProblems(parsed);
      if (shape.length > 0) throw new Error(shape.join('; '));
      manifest = parsed as Manifest;
    } catch (err) {
      add({ check: 'manifest', file: BUNDLE_FILES.manifest, message: `manifest.json: ${(err as Error).message}` });
    }
  }
  if (manifest && keyId && manifest.key_id !== keyId) {
    add({ check: 'key', message: `manifest names key ${manifest.key_id}, public-key.pem is ${keyId}` });
  }

  if (manifest) checkFiles(dir, manifest, add);
  const recordsText = readText(dir, BUNDLE_FILES.records);
  if (recordsText === null) add({ check: 'file', file: BUNDLE_FILES.records, message: 'records.jsonl is missing' });
  const records = readLines(recordsText ?? '', BUNDLE_FILES.records, problems);
  const checkpoints = readLines(readText(dir, BUNDLE_FILES.checkpoints) ?? '', BUNDLE_FILES.checkpoints, problems);
  const streams = checkStreams(records, checkpoints, manifest?.streams ?? [], publicKey, keyId, add);

  return {
    ok: problems.length === 0,
    dir,
    key_id: keyId,
    tenant: manifest?.tenant ?? null,
    session: manifest?.session ?? null,
    created_at: manifest?.created_at ?? null,
    streams: streams.map((s) => ({ ...s, ok: !problems.some((p) => p.stream === s.stream) })),
    problems,
  };
}

function checkFiles(dir: string, manifest: Manifest, add: (p: VerifyProblem) => void): void {
  const listed = new Set(manifest.files.map((f) => f.name));
  for (const f of manifest.files) {
    if (f.name.includes('/') || f.name.includes('\\') || f.name.startsWith('.')) {
      add({ check: 'manifest', file: f.name, message: `manifest lists a file outside the bundle: ${f.name}` });
      continue;
    }
    const path = join(dir, f.name);
    if (!existsSync(path)) {
      add({ check: 'file', file: f.name, message: `${f.name} is listed in the manifest but missing` });
      continue;
    }
    const actual = sha256Hex(readFileSync(path));
    if (actual !== f.sha256) {
      add({
        check: 'file',
        file: f.name,
        message: `${f.name} was modified: sha256 ${actual}, manifest says ${f.sha256}`,
      });
    }
  }
  for (const name of readdirSync(dir)) {
    if (name === BUNDLE_FILES.manifest || name === BUNDLE_FILES.signature || listed.has(name)) continue;
    add({ check: 'file', file: name, message: `${name} is not listed in the manifest (added after export)` });
  }
}

function groupByStream(lines: Line[]): Map<string, Line[]> {
  const out = new Map<string, Line[]>();
  for (const l of lines) {
    const stream = typeof l.value.stream === 'string' ? l.value.stream : '(no stream)';
    const list = out.get(stream) ?? [];
    list.push(l);
    out.set(stream, list);
  }
  return out;
}

function checkStreams(
  recordLines: Line[],
  checkpointLines: Line[],
  manifestStreams: ManifestStream[],
  publicKey: KeyObject | null,
  keyId: string | null,
  add: (p: VerifyProblem) => void,
): Omit<StreamReport, 'ok'>[] {
  const byStream = groupByStream(recordLines);
  const cpByStream = groupByStream(checkpointLines);
  const declared = new Map(manifestStreams.map((s) => [s.stream, s]));
  const names = [...new Set([...byStream.keys(), ...declared.keys(), ...cpByStream.keys()])].sort();
  const reports: Omit<StreamReport, 'ok'>[] = [];
  for (const stream of names) {
    const lines = byStream.get(stream) ?? [];
    for (let i = 1; i < lines.length; i++) {
      const [a, b] = [lines[i - 1]!, lines[i]!];
      if (Number(b.value.seq) < Number(a.value.seq)) {
        add({
          check: 'order',
          stream,
          seq: Number(b.value.seq),
          line: b.line,
          message: `${stream} seq ${b.value.seq} (line ${b.line}) comes after seq ${a.value.seq} (line ${a.line}): records reordered`,
        });
      }
    }
    const sorted = [...lines].sort((x, y) => Number(x.value.seq) - Number(y.value.seq));
    const lineOf = new Map(sorted.map((l) => [Number(l.value.seq), l.line]));
    for (const p of verifyChain(
      stream,
      sorted.map((l) => l.value),
    )) {
      add({
        check: p.kind === 'record_edited' ? 'record' : 'chain',
        stream,
        seq: p.seq,
        line: lineOf.get(p.seq),
        message: p.message,
      });
    }
    const last = sorted.at(-1)?.value;
    const headSeq = Number(last?.seq ?? 0);
    const hashAt = new Map(sorted.map((l) => [Number(l.value.seq), l.value.hash]));
    const d = declared.get(stream);
    if (!d) add({ check: 'manifest', stream, message: `${stream} has records but is not in the manifest` });
    else if (d.head_seq > headSeq) {
      add({
        check: 'truncated',
        stream,
        seq: headSeq + 1,
        message: `${stream}: manifest lists head seq ${d.head_seq} but the last record is seq ${headSeq}: records ${headSeq + 1}..${d.head_seq} missing (truncated tail)`,
      });
    } else if (d.head_seq !== headSeq || d.records !== lines.length || (last && d.head_hash !== last.hash)) {
      add({
        check: 'manifest',
        stream,
        seq: headSeq,
        message: `${stream}: manifest lists ${d.records} records ending at seq ${d.head_seq}, bundle has ${lines.length} ending at seq ${headSeq}`,
      });
    }
    let checkpointed = 0;
    const cps = cpByStream.get(stream) ?? [];
    for (const { value, line } of cps) {
      const cp = value as unknown as Checkpoint;
      const where = `checkpoint ${stream} seq ${cp.seq} (checkpoints.jsonl line ${line})`;
      if (cp.key_id !== keyId) {
        add({
          check: 'checkpoint',
          stream,
          seq: cp.seq,
          line,
          message: `${where} names key ${cp.key_id}, bundle key is ${keyId}`,
        });
      }
      if (!publicKey || typeof cp.signature !== 'string' || !verifyCheckpoint(cp, publicKey)) {
        add({
          check: 'checkpoint',
          stream,
          seq: cp.seq,
          line,
          message: `${where}: signature does not verify with key ${keyId} (forged or edited)`,
        });
        continue;
      }
      if (cp.seq > headSeq) {
        add({
          check: 'truncated',
          stream,
          seq: headSeq + 1,
          message: `${stream}: signed checkpoint at seq ${cp.seq} but the last record is seq ${headSeq}: records ${headSeq + 1}..${cp.seq} missing (truncated tail)`,
        });
      } else if (!hashAt.has(cp.seq)) {
        add({ check: 'checkpoint', stream, seq: cp.seq, message: `${where}: record seq ${cp.seq} is missing` });
      } else if (hashAt.get(cp.seq) !== cp.hash) {
        add({
          check: 'checkpoint',
          stream,
          seq: cp.seq,
          line: lineOf.get(cp.seq),
          message: `${stream} seq ${cp.seq} differs from its signed checkpoint (the record or an earlier one was edited)`,
        });
      } else checkpointed = Math.max(checkpointed, cp.seq);
    }
    reports.push({
      stream,
      records: lines.length,
      head_seq: headSeq,
      checkpoints: cps.length,
      checkpointed_seq: checkpointed,
    });
  }
  return reports;
}
