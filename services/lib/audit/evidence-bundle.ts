import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ClickHouseClient } from '../clickhouse/client.ts';
import { WardenError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import { readStreamRecords } from './audit-log.ts';
import {
  BUNDLE_FILES,
  BUNDLE_FORMAT,
  type Manifest,
  type ManifestFile,
  SESSION_TABLES,
  type SessionTable,
  toolVersion,
} from './bundle-format.ts';
import { type Checkpoint, type Checkpointer, readCheckpoints } from './checkpoint.ts';
import { type AuditRecord, parseStream, sha256Hex } from './hash-chain.ts';
import { type SigningKey, signBytes } from './signing-key.ts';

export { type VerifyOptions, type VerifyProblem, type VerifyResult, verifyBundle } from './bundle-verify.ts';

export interface BundleStream {
  stream: string;
  records: AuditRecord[];
  checkpoints: Checkpoint[];
}

export interface BundleContent {
  tenant: string;
  session?: string | undefined;
  streams: BundleStream[];
  /** JSON lines of the session's rows, one file per table; absent tables are not written. */
  sessionRows?: Partial<Record<SessionTable, string[]>>;
  key: SigningKey;
  outDir: string;
  createdAt?: Date;
}

function jsonl(lines: readonly string[]): string {
  return lines.map((l) => `${l}\n`).join('');
}

function prepareOutDir(outDir: string): void {
  if (existsSync(outDir)) {
    if (readdirSync(outDir).length > 0) throw new WardenError('EVIDENCE_OUT_DIR_NOT_EMPTY', outDir);
  } else {
    mkdirSync(outDir, { recursive: true });
  }
}

/**
 * Writes a bundle from data already read: records.jsonl (streams by name, records by seq),
 * checkpoints.jsonl, the session's table files, public-key.pem, manifest.json and manifest.sig.
 */
export function writeBundle(content: BundleContent): Manifest {
  prepareOutDir(content.outDir);
  const written: string[] = [];
  try {
    return writeBundleFiles(content, written);
  } catch (err) {
    // A cut bundle (disk full mid-way) must not stay behind looking like one: the directory was
    // empty before, so everything in it is this bundle's and goes.
    for (const name of written) rmSync(join(content.outDir, name), { force: true });
    const code = (err as NodeJS.ErrnoException).code;
    const fix = code === 'ENOSPC' ? 'disk full: free space or pass another --out' : 'check the output directory';
    throw new WardenError(
      'EVIDENCE_EXPORT_FAILED',
      `writing ${content.outDir}: ${(err as Error).message}; nothing of the bundle was kept (${fix})`,
      { cause: err },
    );
  }
}

function writeBundleFiles(content: BundleContent, written: string[]): Manifest {
  const streams = [...content.streams].sort((a, b) => (a.stream < b.stream ? -1 : a.stream > b.stream ? 1 : 0));
  const files: ManifestFile[] = [];
  const counts: Record<string, number> = {};
  const write = (name: string, text: string) => {
    written.push(name);
    writeFileSync(join(content.outDir, name), text);
  };
  const put = (name: string, text: string, lines: number) => {
    write(name, text);
    files.push({ name, sha256: sha256Hex(text), bytes: Buffer.byteLength(text), lines });
  };
  const records = streams.flatMap((s) => [...s.records].sort((a, b) => a.seq - b.seq).map((r) => JSON.stringify(r)));
  put(BUNDLE_FILES.records, jsonl(records), records.length);
  counts.records = records.length;
  const checkpoints = streams.flatMap((s) => s.checkpoints.map((c) => JSON.stringify(c)));
  put(BUNDLE_FILES.checkpoints, jsonl(checkpoints), checkpoints.length);
  counts.checkpoints = checkpoints.length;
  for (const table of SESSION_TABLES) {
    const rows = content.sessionRows?.[table];
    if (rows === undefined) continue;
    put(BUNDLE_FILES[table], jsonl(rows), rows.length);
    counts[table] = rows.length;
  }
  put(BUNDLE_FILES.publicKey, content.key.publicKeyPem, content.key.publicKeyPem.split('\n').length - 1);
  const manifest: Manifest = {
    format: BUNDLE_FORMAT,
    tool: { name: 'warden', version: toolVersion() },
    created_at: (content.createdAt ?? new Date()).toISOString(),
    tenant: content.tenant,
    session: content.session ?? null,
    key_id: content.key.keyId,
    files,
    streams: streams.map((s) => {
      const last = s.records.reduce<AuditRecord | undefined>((m, r) => (m && m.seq > r.seq ? m : r), undefined);
      return {
        stream: s.stream,
        records: s.records.length,
        head_seq: last?.seq ?? 0,
        head_hash: last?.hash ?? '',
        checkpoints: s.checkpoints.length,
      };
    }),
    counts,
  };
  const manifestText = `${JSON.stringify(manifest, null, 2)}\n`;
  write(BUNDLE_FILES.manifest, manifestText);
  write(BUNDLE_FILES.signature, `${signBytes(content.key, manifestText)}\n`);
  return manifest;
}

export interface ExportOptions {
  clickhouse: ClickHouseClient;
  tenant: string;
  /** Full names (tenant:acme/approvals) or names within the tenant (approvals). */
  streams?: string[] | undefined;
  /** Adds the session's stream (tenant:<t>/session:<id>) and its events, findings and verdicts. */
  session?: string | undefined;
  outDir: string;
  key: SigningKey;
  /** When given, each exported stream is checkpointed first, so the bundle's tail is signed. */
  checkpointer?: Checkpointer | undefined;
  log: Logger;
}

export interface ExportResult {
  dir: string;
  manifest: Manifest;
  /** Problems met while exporting that do not stop it (e.g. a chain that no longer verifies). */
  warnings: string[];
}

async function step<T>(what: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (err instanceof WardenError) throw err;
    throw new WardenError('EVIDENCE_EXPORT_FAILED', `${what}: ${(err as Error).message}`, { cause: err });
  }
}

export function resolveStreams(tenant: string, names: readonly string[]): string[] {
  return names.map((name) => {
    const stream = name.startsWith('tenant:') ? name : `tenant:${tenant}/${name}`;
    if (parseStream(stream).tenant !== tenant) {
      throw new WardenError('EVIDENCE_STREAM_FORBIDDEN', `${stream} is not a stream of tenant ${tenant}`);
    }
    return stream;
  });
}

async function tenantStreams(ch: ClickHouseClient, tenant: string): Promise<string[]> {
  const rows = await (
    await ch.query({
      query: 'SELECT DISTINCT stream FROM audit_log WHERE tenant_id = {tenant:String} ORDER BY stream',
      query_params: { tenant },
      format: 'JSONEachRow',
    })
  ).json<{ stream: string }>();
  return rows.map((r) => r.stream);
}

const SESSION_ORDER: Record<SessionTable, string> = {
  events: 'ts, event_id',
  findings: 'ts, finding_id',
  verdicts: 'issued_at, verdict_id',
};

/** Rows of one session, filtered by tenant AND session id (both bound as query parameters). */
async function sessionRows(ch: ClickHouseClient, table: SessionTable, tenant: string, session: string) {
  const text = await (
    await ch.query({
      query: `SELECT * FROM ${table} FINAL
        WHERE tenant_id = {tenant:String} AND session_id = {session:String} ORDER BY ${SESSION_ORDER[table]}`,
      query_params: { tenant, session },
      format: 'JSONEachRow',
    })
  ).text();
  return text.split('\n').filter((l) => l.length > 0);
}

/** Reads the tenant's streams (and session) from ClickHouse and writes a signed bundle to outDir. */
export async function exportBundle(options: ExportOptions): Promise<ExportResult> {
  const { clickhouse: ch, tenant, session } = options;
  parseStream(`tenant:${tenant}/x`);
  if (existsSync(options.outDir) && readdirSync(options.outDir).length > 0) {
    throw new WardenError('EVIDENCE_OUT_DIR_NOT_EMPTY', options.outDir);
  }
  const warnings: string[] = [];
  const explicit = resolveStreams(tenant, options.streams ?? []);
  let streams = [...explicit];
  if (session !== undefined) streams.push(resolveStreams(tenant, [`session:${session}`])[0]!);
  if (streams.length === 0) streams = await step('listing streams', () => tenantStreams(ch, tenant));
  streams = [...new Set(streams)];
  const bundleStreams: BundleStream[] = [];
  for (const stream of streams) {
    if (options.checkpointer) {
      try {
        await options.checkpointer.checkpoint(stream);
      } catch (err) {
        if (!(err instanceof WardenError && err.code === 'AUDIT_CHAIN_BROKEN')) throw err;
        // Export anyway: the bundle is the evidence of the break, and verify names the record.
        warnings.push(err.message);
        options.log.error({ err, code: err.code, stream }, 'audit chain broken in ClickHouse; exporting as is');
      }
    }
    const records = await step(`reading ${stream}`, () => readStreamRecords(ch, stream));
    if (records.length === 0 && explicit.includes(stream)) throw new WardenError('EVIDENCE_STREAM_NOT_FOUND', stream);
    if (records.length === 0) continue;
    const checkpoints = await step(`reading checkpoints of ${stream}`, () => readCheckpoints(ch, stream));
    bundleStreams.push({ stream, records, checkpoints });
  }
  let rows: Partial<Record<SessionTable, string[]>> | undefined;
  if (session !== undefined) {
    rows = {};
    for (const table of SESSION_TABLES) {
      rows[table] = await step(`reading ${table} of session ${session}`, () => sessionRows(ch, table, tenant, session));
    }
  }
  const manifest = await step(`writing ${options.outDir}`, async () =>
    writeBundle({
      tenant,
      session,
      streams: bundleStreams,
      sessionRows: rows,
      key: options.key,
      outDir: options.outDir,
    }),
  );
  options.log.info(
    { tenant, session, streams: bundleStreams.length, records: manifest.counts.records, dir: options.outDir },
    'evidence bundle exported',
  );
  return { dir: options.outDir, manifest, warnings };
}
