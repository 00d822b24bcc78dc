import type { ControlRecord, DevWardenV1 } from '../../../schemas/generated/control-record.ts';

export type Policy = DevWardenV1.Policy;
export type Revocation = DevWardenV1.Revocation;
export type Quarantine = DevWardenV1.Quarantine;

/** Key of a control record on the compacted topic: one latest record per tenant, agent and kind. */
export function controlKey(r: Pick<ControlRecord, 'tenant_id' | 'agent_id'>, kind: ControlKind): string {
  return `${r.tenant_id}:${r.agent_id}:${kind}`;
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

  /** A revocation of the agent's credentials that is still in force at `atMs`. */
  revocation(tenant: string, agent: string, credentialId: string | null, atMs: number): Revocation | null {
    const r = this.records.get(`${tenant}:${agent}:revocation`)?.payload['dev.warden.v1.Revocation'];
    if (!r) return null;
    if (r.expires_at !== null && r.expires_at <= atMs) return null;
    if (r.credential_id !== null && r.credential_id !== credentialId) return null;
    return r;
  }

  get size(): number {
    return this.records.size;
  }
}
