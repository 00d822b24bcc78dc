import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { WardenError } from '../../services/lib/errors.ts';

/** What the proxy remembers of one tool across restarts. */
export interface PinEntry {
  /** The definition hash that is approved (on first use, or through four-eyes); null: never approved. */
  approved_sha256: string | null;
  /** `first_use`, or `change:<change_id>` of the approving policy change. */
  approved_by: string | null;
  approved_at: string | null;
  last_seen_sha256: string;
  last_seen_at: string;
}

interface PinFile {
  version: 1;
  tenant_id: string;
  agent_id: string;
  tools: Record<string, PinEntry>;
}

/** How a definition compares with what is pinned for its tool. */
export type PinStatus =
  /** The pinned, approved definition. */
  | { readonly state: 'approved' }
  /** Never seen: the caller decides (pins a clean one on first use). */
  | { readonly state: 'new' }
  /** Differs from the approved definition: a rug pull until re-approved. */
  | { readonly state: 'changed'; readonly approvedSha256: string }
  /** Seen before but never approved (it was poisoned when first seen). */
  | { readonly state: 'unapproved' };

/**
 * Tool-definition pins, persisted as one JSON file in the proxy's data dir, written atomically
 * (temp file + rename) so a crash never leaves half a file. One file belongs to one agent: a data dir
 * shared by two proxies of different agents is refused rather than mixing their approvals.
 */
export class PinStore {
  readonly #path: string;
  readonly #file: PinFile;
  readonly #now: () => number;

  constructor(dataDir: string, tenantId: string, agentId: string, now: () => number = Date.now) {
    mkdirSync(dataDir, { recursive: true });
    this.#path = join(dataDir, 'tool-pins.json');
    this.#now = now;
    this.#file = this.#read(tenantId, agentId);
  }

  get path(): string {
    return this.#path;
  }

  #read(tenantId: string, agentId: string): PinFile {
    let text: string;
    try {
      text = readFileSync(this.#path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT')
        return { version: 1, tenant_id: tenantId, agent_id: agentId, tools: {} };
      throw new WardenError('CONFIG_INVALID', `cannot read the pin store ${this.#path}: ${(err as Error).message}`, {
        cause: err,
      });
    }
    let parsed: PinFile;
    try {
      parsed = JSON.parse(text) as PinFile;
    } catch (err) {
      throw new WardenError(
        'CONFIG_INVALID',
        `the pin store ${this.#path} is not JSON (${(err as Error).message}); restore it from backup, or delete it to re-pin every tool on first use`,
        { cause: err },
      );
    }
    if (parsed.version !== 1 || typeof parsed.tools !== 'object' || parsed.tools === null) {
      throw new WardenError('CONFIG_INVALID', `the pin store ${this.#path} is not a version 1 pin file`);
    }
    if (parsed.tenant_id !== tenantId || parsed.agent_id !== agentId) {
      throw new WardenError(
        'CONFIG_INVALID',
        `the pin store ${this.#path} belongs to ${parsed.tenant_id}/${parsed.agent_id}, not ${tenantId}/${agentId}: give each agent its own data_dir`,
      );
    }
    return parsed;
  }

  #write(): void {
    const tmp = `${this.#path}.${process.pid}.tmp`;
    writeFileSync(tmp, `${JSON.stringify(this.#file, null, 2)}\n`, { mode: 0o600 });
    renameSync(tmp, this.#path);
  }

  get(key: string): PinEntry | undefined {
    return this.#file.tools[key];
  }

  status(key: string, sha256: string): PinStatus {
    const entry = this.#file.tools[key];
    if (entry === undefined) return { state: 'new' };
    if (entry.approved_sha256 === sha256) return { state: 'approved' };
    if (entry.approved_sha256 !== null) return { state: 'changed', approvedSha256: entry.approved_sha256 };
    return { state: 'unapproved' };
  }

  /** Records that `sha256` is what the server offers now (persisted only when it changed). */
  seen(key: string, sha256: string): void {
    const entry = this.#file.tools[key];
    const at = new Date(this.#now()).toISOString();
    if (entry === undefined) {
      this.#file.tools[key] = {
        approved_sha256: null,
        approved_by: null,
        approved_at: null,
        last_seen_sha256: sha256,
        last_seen_at: at,
      };
    } else if (entry.last_seen_sha256 !== sha256) {
      entry.last_seen_sha256 = sha256;
      entry.last_seen_at = at;
    } else return;
    this.#write();
  }

  approve(key: string, sha256: string, by: string): void {
    const at = new Date(this.#now()).toISOString();
    const entry = this.#file.tools[key];
    this.#file.tools[key] = {
      approved_sha256: sha256,
      approved_by: by,
      approved_at: at,
      last_seen_sha256: entry?.last_seen_sha256 ?? sha256,
      last_seen_at: entry?.last_seen_at ?? at,
    };
    this.#write();
  }
}
