import type { DevWardenV1, Verdict } from '../schemas/generated/verdict.ts';

export type Action = DevWardenV1.Action;

/** What a standing decision applies to. */
export type StandingKind = 'session' | 'agent' | 'credential';

export interface StandingDecision {
  readonly kind: StandingKind;
  /** What `check` answers while it stands: block for sessions and agents, revoke_credential for credentials. */
  readonly action: Action;
  /** Finding types from the verdict that caused it. */
  readonly reasons: readonly string[];
  readonly verdictId: string;
  readonly issuedAt: number;
  readonly expiresAt: number;
}

export interface DecisionCacheOptions {
  readonly maxEntries: number;
  readonly defaultTtlMs: number;
}

export interface DecisionCacheStats {
  readonly size: number;
  /** Live entries dropped because the cache was full (each one is a standing decision forgotten early). */
  readonly evictions: number;
  readonly expired: number;
}

/** Actions that do not hold anything back: a standing verdict with one of them lifts an earlier block. */
function isRelease(action: Action): boolean {
  return action === 'allow' || action === 'redact';
}

/** Which standing decision a verdict states, if any. Event-scoped verdicts state none. */
export function standingKindOf(v: Verdict): StandingKind | null {
  if (v.action === 'revoke_credential') return 'credential';
  if (v.action === 'quarantine_agent') return 'agent';
  if (v.scope === 'session') return v.session_id === null ? null : 'session';
  if (v.scope === 'agent') return 'agent';
  if (v.scope === 'credential') return 'credential';
  return null;
}

const SEP = '\u0000';

function sessionKey(tenant: string, session: string): string {
  return `s${SEP}${tenant}${SEP}${session}`;
}
function agentKey(tenant: string, agent: string): string {
  return `a${SEP}${tenant}${SEP}${agent}`;
}
function credentialKey(tenant: string, credential: string): string {
  return `c${SEP}${tenant}${SEP}${credential}`;
}
/** A credential verdict without credential_id: every credential of the agent. */
function allCredentialsKey(tenant: string, agent: string): string {
  return `C${SEP}${tenant}${SEP}${agent}`;
}

/**
 * Standing decisions from the verdicts topic: blocked sessions, quarantined agents, revoked
 * credentials, each until its expires_at (or `defaultTtlMs` after issue when it has none).
 *
 * Bound: at most `maxEntries` entries (about 200 bytes each plus the ids, so ~30 MB at the default
 * 100 000). When full, expired entries are swept first, then the least recently used entry is evicted
 * and counted in `stats.evictions`; a standing decision that must never be forgotten belongs on the
 * compacted control topic (Quarantine, Revocation), which is not bounded by this cache.
 * A later verdict of the same kind with allow or redact lifts the decision; older verdicts never
 * override newer ones (issued_at decides).
 */
export class DecisionCache {
  private readonly entries = new Map<string, StandingDecision>();
  private evictions = 0;
  private expired = 0;
  private lastSweepMs = Number.NEGATIVE_INFINITY;

  constructor(private readonly options: DecisionCacheOptions) {}

  /** Applies a verdict; returns the kind it changed, or null when it stated nothing standing. */
  applyVerdict(v: Verdict, nowMs: number): StandingKind | null {
    const kind = standingKindOf(v);
    if (kind === null) return null;
    const key = this.keyFor(kind, v);
    if (key === null) return null;
    const existing = this.entries.get(key);
    if (existing && existing.issuedAt > v.issued_at) return null;
    if (isRelease(v.action)) {
      if (!existing) return null;
      this.entries.delete(key);
      return kind;
    }
    const expiresAt = v.expires_at ?? v.issued_at + this.options.defaultTtlMs;
    if (expiresAt <= nowMs) return null;
    const action: Action = kind === 'credential' ? 'revoke_credential' : kind === 'agent' ? 'block' : v.action;
    this.entries.delete(key);
    if (this.entries.size >= this.options.maxEntries) this.makeRoom(nowMs);
    this.entries.set(key, {
      kind,
      action,
      reasons: v.reasons,
      verdictId: v.verdict_id,
      issuedAt: v.issued_at,
      expiresAt,
    });
    return kind;
  }

  blockedSession(tenant: string, session: string, nowMs: number): StandingDecision | null {
    return this.live(sessionKey(tenant, session), nowMs);
  }

  quarantinedAgent(tenant: string, agent: string, nowMs: number): StandingDecision | null {
    return this.live(agentKey(tenant, agent), nowMs);
  }

  revokedCredential(tenant: string, agent: string, credential: string | null, nowMs: number): StandingDecision | null {
    const own = credential === null ? null : this.live(credentialKey(tenant, credential), nowMs);
    return own ?? this.live(allCredentialsKey(tenant, agent), nowMs);
  }

  get stats(): DecisionCacheStats {
    return { size: this.entries.size, evictions: this.evictions, expired: this.expired };
  }

  private keyFor(kind: StandingKind, v: Verdict): string | null {
    if (kind === 'session') return v.session_id === null ? null : sessionKey(v.tenant_id, v.session_id);
    if (kind === 'agent') return agentKey(v.tenant_id, v.agent_id);
    return v.credential_id === null
      ? allCredentialsKey(v.tenant_id, v.agent_id)
      : credentialKey(v.tenant_id, v.credential_id);
  }

  /** The entry if it has not expired; a hit moves it to the most recently used end. */
  private live(key: string, nowMs: number): StandingDecision | null {
    const d = this.entries.get(key);
    if (d === undefined) return null;
    this.entries.delete(key);
    if (d.expiresAt <= nowMs) {
      this.expired += 1;
      return null;
    }
    this.entries.set(key, d);
    return d;
  }

  private makeRoom(nowMs: number): void {
    // The sweep is O(size): at most once a second, so a verdict storm on a full cache stays cheap.
    if (nowMs - this.lastSweepMs >= 1000) {
      this.lastSweepMs = nowMs;
      for (const [k, d] of this.entries) {
        if (d.expiresAt <= nowMs) {
          this.entries.delete(k);
          this.expired += 1;
        }
      }
    }
    while (this.entries.size >= this.options.maxEntries) {
      const oldest = this.entries.keys().next();
      if (oldest.done) return;
      this.entries.delete(oldest.value);
      this.evictions += 1;
    }
  }
}
