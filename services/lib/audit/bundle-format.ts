import { readFileSync } from 'node:fs';

/**
 * Layout of an evidence bundle directory. Everything is plain files so a bundle can be verified
 * offline, with nothing but this code (or sha256sum, openssl and a JSON reader) and the public key.
 */
export const BUNDLE_FORMAT = 'warden-evidence/1';

export const BUNDLE_FILES = {
  records: 'records.jsonl',
  checkpoints: 'checkpoints.jsonl',
  events: 'events.jsonl',
  findings: 'findings.jsonl',
  verdicts: 'verdicts.jsonl',
  publicKey: 'public-key.pem',
  manifest: 'manifest.json',
  signature: 'manifest.sig',
} as const;

export type SessionTable = 'events' | 'findings' | 'verdicts';
export const SESSION_TABLES: readonly SessionTable[] = ['events', 'findings', 'verdicts'];

export interface ManifestFile {
  name: string;
  sha256: string;
  bytes: number;
  lines: number;
}

export interface ManifestStream {
  stream: string;
  records: number;
  head_seq: number;
  head_hash: string;
  checkpoints: number;
}

/** manifest.json; manifest.sig is the base64 Ed25519 signature over its exact bytes. */
export interface Manifest {
  format: typeof BUNDLE_FORMAT;
  tool: { name: 'warden'; version: string };
  created_at: string;
  tenant: string;
  session: string | null;
  key_id: string;
  files: ManifestFile[];
  streams: ManifestStream[];
  counts: Record<string, number>;
}

/** Shape check of a parsed manifest.json; returns the list of what is wrong (empty = well-formed). */
export function manifestProblems(value: unknown): string[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return ['manifest is not a JSON object'];
  const m = value as Record<string, unknown>;
  const problems: string[] = [];
  if (m.format !== BUNDLE_FORMAT) problems.push(`format is ${JSON.stringify(m.format)}, want ${BUNDLE_FORMAT}`);
  for (const key of ['created_at', 'tenant', 'key_id'] as const) {
    if (typeof m[key] !== 'string') problems.push(`${key} is not a string`);
  }
  const files = m.files;
  if (!Array.isArray(files) || files.some((f) => typeof f?.name !== 'string' || typeof f?.sha256 !== 'string')) {
    problems.push('files is not a list of {name, sha256}');
  }
  const streams = m.streams;
  if (
    !Array.isArray(streams) ||
    streams.some(
      (s) => typeof s?.stream !== 'string' || typeof s?.head_seq !== 'number' || typeof s?.records !== 'number',
    )
  ) {
    problems.push('streams is not a list of {stream, records, head_seq, head_hash}');
  }
  return problems;
}

/** warden's version from package.json, recorded in every manifest (read per export: exports are rare). */
export function toolVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as {
    version?: string;
  };
  return pkg.version ?? '0.0.0';
}
