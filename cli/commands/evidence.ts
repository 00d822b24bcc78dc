import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { Type } from '@sinclair/typebox';
import { Checkpointer } from '../../services/lib/audit/checkpoint.ts';
import {
  type ExportResult,
  exportBundle,
  type VerifyResult,
  verifyBundle,
} from '../../services/lib/audit/evidence-bundle.ts';
import { AuditEnv, loadSigningKey } from '../../services/lib/audit/signing-key.ts';
import { createClickHouse } from '../../services/lib/clickhouse/client.ts';
import { ConnectionEnv } from '../../services/lib/connections.ts';
import { readEnv } from '../../services/lib/env-config.ts';
import { type ErrorCode, isWardenError, WardenError } from '../../services/lib/errors.ts';
import { createLogger } from '../../services/lib/logger.ts';
import { renderTable } from '../lib/table.ts';

const USAGE = `warden evidence export --tenant <id> [--session <id>] [--stream <name>]... --out <dir> [--no-checkpoint] [--json]
       warden evidence verify <dir> [--key-id <hex16>] [--json]`;

const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

/** The CLI reads only what it needs: ClickHouse connection and the audit signing key. */
const EvidenceEnv = Type.Object({
  CLICKHOUSE_URL: ConnectionEnv.CLICKHOUSE_URL,
  CLICKHOUSE_USER: ConnectionEnv.CLICKHOUSE_USER,
  CLICKHOUSE_PASSWORD: ConnectionEnv.CLICKHOUSE_PASSWORD,
  CLICKHOUSE_DATABASE: ConnectionEnv.CLICKHOUSE_DATABASE,
  ...AuditEnv,
  LOG_LEVEL: Type.Union(
    ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((l) => Type.Literal(l)),
    { default: 'warn' },
  ),
});

export interface EvidenceIo {
  env?: NodeJS.ProcessEnv;
  out?: (text: string) => void;
  err?: (text: string) => void;
}

class UsageError extends Error {}

/** What to do about each error the command can meet; the message says what happened. */
const FIX: Partial<Record<ErrorCode, string>> = {
  CONFIG_INVALID: 'fix the listed environment variables',
  CLICKHOUSE_UNREACHABLE:
    'start the local stack (npm run stack -- up) or set CLICKHOUSE_URL, CLICKHOUSE_USER, CLICKHOUSE_PASSWORD',
  EVIDENCE_EXPORT_FAILED:
    'check ClickHouse (npm run stack -- status); if a table is unknown, run provisioning (npx tsx services/provision/main.ts)',
  EVIDENCE_OUT_DIR_NOT_EMPTY: 'pass a new or empty directory to --out',
  EVIDENCE_STREAM_FORBIDDEN: 'export each tenant with its own --tenant',
  EVIDENCE_STREAM_NOT_FOUND: 'check the stream name: tenant:<id>/<name>, or just <name> within --tenant',
  EVIDENCE_BUNDLE_UNREADABLE: 'pass the directory written by `warden evidence export`',
  AUDIT_SIGNING_KEY_MISSING:
    'set AUDIT_SIGNING_KEY_FILE to a PKCS8 PEM Ed25519 key (openssl genpkey -algorithm ed25519)',
  AUDIT_SIGNING_KEY_INVALID:
    'AUDIT_SIGNING_KEY_FILE must hold an Ed25519 private key (openssl genpkey -algorithm ed25519)',
  AUDIT_STREAM_INVALID: 'stream names are tenant:<id>/<name>; tenant ids use letters, digits, _ . -',
};

/** `warden evidence export|verify …`; returns the process exit code (0 ok, 1 failed, 2 usage). */
export async function evidenceCommand(args: string[], io: EvidenceIo = {}): Promise<number> {
  const out = io.out ?? ((t: string) => process.stdout.write(t));
  const err = io.err ?? ((t: string) => process.stderr.write(t));
  const env = io.env ?? process.env;
  const [sub, ...rest] = args;
  try {
    if (sub === 'export') return await runExport(rest, env, out);
    if (sub === 'verify') return runVerify(rest, out);
    if (sub === undefined || sub === 'help' || sub === '--help') {
      out(`usage: ${USAGE}\n`);
      return sub === undefined ? EXIT.usage : EXIT.ok;
    }
    throw new UsageError(`unknown subcommand ${JSON.stringify(sub)}`);
  } catch (e) {
    if (e instanceof UsageError || (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      err(`warden evidence: ${(e as Error).message}\nusage: ${USAGE}\n`);
      return EXIT.usage;
    }
    if (isWardenError(e)) {
      const fix = FIX[e.code];
      err(`warden evidence: [${e.code}] ${e.message}\n${fix ? `fix: ${fix}\n` : ''}see docs/errors.md\n`);
      return EXIT.failed;
    }
    throw e;
  }
}

async function runExport(args: string[], env: NodeJS.ProcessEnv, out: (t: string) => void): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    strict: true,
    allowPositionals: true,
    options: {
      tenant: { type: 'string' },
      session: { type: 'string' },
      stream: { type: 'string', multiple: true },
      out: { type: 'string' },
      'no-checkpoint': { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
    },
  });
  if (positionals.length > 0) throw new UsageError(`unexpected argument ${positionals[0]}`);
  if (!values.tenant) throw new UsageError('--tenant is required');
  if (!values.out) throw new UsageError('--out is required');
  const config = readEnv(EvidenceEnv, env);
  const log = createLogger('cli-evidence', { level: config.LOG_LEVEL, destination: 2 });
  const key = loadSigningKey(config, log);
  const clickhouse = createClickHouse(config);
  try {
    const ping = await clickhouse.ping();
    if (!ping.success) {
      throw new WardenError('CLICKHOUSE_UNREACHABLE', `CLICKHOUSE_URL=${config.CLICKHOUSE_URL}: ${ping.error.message}`);
    }
    const result = await exportBundle({
      clickhouse,
      tenant: values.tenant,
      session: values.session,
      streams: values.stream,
      outDir: resolve(values.out),
      key,
      checkpointer: values['no-checkpoint'] ? undefined : new Checkpointer({ clickhouse, key, log }),
      log,
    });
    out(values.json ? `${JSON.stringify(result, null, 2)}\n` : formatExport(result));
    return EXIT.ok;
  } finally {
    await clickhouse.close();
  }
}

function runVerify(args: string[], out: (t: string) => void): number {
  const { values, positionals } = parseArgs({
    args,
    strict: true,
    allowPositionals: true,
    options: { json: { type: 'boolean', default: false }, 'key-id': { type: 'string' } },
  });
  if (positionals.length !== 1) throw new UsageError('verify takes exactly one bundle directory');
  const result = verifyBundle(resolve(positionals[0]!), { expectedKeyId: values['key-id'] });
  out(values.json ? `${JSON.stringify(result, null, 2)}\n` : formatVerify(result));
  return result.ok ? EXIT.ok : EXIT.failed;
}

function formatExport(result: ExportResult): string {
  const m = result.manifest;
  const lines = [
    `exported evidence bundle to ${result.dir}`,
    `tenant ${m.tenant}${m.session ? `, session ${m.session}` : ''}, signed by key ${m.key_id}, ${m.created_at}`,
    '',
    renderTable(
      [
        { header: 'STREAM', value: (s) => s.stream },
        { header: 'RECORDS', value: (s) => String(s.records), align: 'right' },
        { header: 'HEAD SEQ', value: (s) => String(s.head_seq), align: 'right' },
        { header: 'CHECKPOINTS', value: (s) => String(s.checkpoints), align: 'right' },
      ],
      m.streams,
    ),
    renderTable(
      [
        { header: 'FILE', value: (f) => f.name },
        { header: 'LINES', value: (f) => String(f.lines), align: 'right' },
        { header: 'SHA256', value: (f) => f.sha256 },
      ],
      m.files,
    ),
    ...result.warnings.map((w) => `warning: ${w}`),
    `verify offline with: warden evidence verify ${result.dir} --key-id ${m.key_id}`,
  ];
  return `${lines.join('\n')}\n`;
}

function formatVerify(result: VerifyResult): string {
  const lines = [
    `${result.ok ? 'OK' : 'FAILED'}: ${result.dir}`,
    `tenant ${result.tenant ?? '?'}${result.session ? `, session ${result.session}` : ''}, key ${result.key_id ?? '?'}, created ${result.created_at ?? '?'}`,
    '',
    renderTable(
      [
        { header: 'STREAM', value: (s) => s.stream },
        { header: 'RECORDS', value: (s) => String(s.records), align: 'right' },
        { header: 'HEAD SEQ', value: (s) => String(s.head_seq), align: 'right' },
        { header: 'SIGNED UP TO', value: (s) => String(s.checkpointed_seq), align: 'right' },
        { header: 'STATUS', value: (s) => (s.ok ? 'ok' : 'FAILED') },
      ],
      result.streams,
    ),
  ];
  if (result.problems.length > 0) {
    lines.push(
      `${result.problems.length} problem(s):`,
      renderTable(
        [
          { header: 'CHECK', value: (p) => p.check },
          { header: 'WHERE', value: (p) => p.file ?? (p.stream ? `${p.stream}#${p.seq ?? '-'}` : '-') },
          { header: 'DETAIL', value: (p) => p.message },
        ],
        result.problems,
      ),
    );
  }
  return `${lines.join('\n')}\n`;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await evidenceCommand(process.argv.slice(2));
}
