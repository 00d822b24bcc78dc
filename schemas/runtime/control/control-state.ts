import type { ControlRecord, DevWardenV1 } from '../../generated/control-record.ts';

export type Policy = DevWardenV1.Policy;
export type Revocation = DevWardenV1.Revocation;
export type Quarantine = DevWardenV1.Quarantine;

/**
 * Key of a control record on the compacted topic: one latest record per tenant, agent and kind —
 * and, for revocations, per credential (`*` = every credential of the agent), so revoking a second
 * credential does not un-revoke the first.
 */
export function controlKey(r: Pick<ControlRecord, 'tenant_id' | 'agent_id' | 'payload'>, kind: ControlKind): string {
  const base = `${r.tenant_id}:${r.agent_id}:${kind}`;
  if (kind !== 'revocation') return base;
  return `${base}:${r.payload['dev.warden.v1.Revocation']?.credential_id ?? '*'}`;
}

export type ControlKind = 'policy' | 'revocation' | 'quarantine' | 'approval';

export function controlKind(r: ControlRecord): ControlKind {
  const p = r.payload;
  if (p['dev.warden.v1.Policy']) return 'policy';
  if (p['dev.warden.v1.Revocation']) return 'revocation';
  if (p['dev.warden.v1.Quarantine']) return 'quarantine';
  return 'approval';
}

/**
 * The latest standing instructions, folded from the control topic. Lookup precedence for a policy:
 * the agent's own, then the tenant default (agent_id '*'); null means the built-in default applies.
 */
export class ControlState {
  private readonly records = new Map<string, ControlRecord>();

  apply(record: ControlRecord): void {
    this.records.set(controlKey(record, controlKind(record)), record);
  }

  policyFor(tenant: string, agent: string): Policy | null {
    const own = this.records.get(`${tenant}:${agent}:policy`) ?? this.records.get(`${tenant}:*:policy`);
    return own?.payload['dev.warden.v1.Policy'] ?? null;
  }

  quarantine(tenant: string, agent: string): Quarantine | null {
    const q = this.records.get(`${tenant}:${agent}:quarantine`)?.payload['dev.warden.v1.Quarantine'];
    return q?.active ? q : null;
  }

  /** A revocation of this credential (or of all the agent's credentials) still in force at `atMs`. */
  revocation(tenant: string, agent: string, credentialId: string | null, atMs: number): Revocation | null {
    const keys = [`${tenant}:${agent}:revocation:*`];
    if (credentialId !== null) keys.push(`${tenant}:${agent}:revocation:${credentialId}`);
    for (const key of keys) {
      const r = this.records.get(key)?.payload['dev.warden.v1.Revocation'];
      if (r && (r.expires_at === null || r.expires_at > atMs)) return r;
    }
    return null;
  }

  get size(): number {
    return this.records.size;
  }
}
