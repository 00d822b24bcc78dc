import type { Finding, Verdict } from '../../schemas/generated/index.ts';

/**
 * What the SIEM forwarder forwards: one record of warden's own streams, decoded. Formats
 * (formats/*.ts) map a SiemRecord to a destination's wire shape; sources (sources/*.ts) produce
 * them from Kafka topics or ClickHouse tables. Findings carry masked evidence only, by contract.
 */
export type SiemRecord =
  | { kind: 'finding'; finding: Finding }
  | { kind: 'verdict'; verdict: Verdict }
  | { kind: 'incident_opened'; incident: SiemIncident }
  | { kind: 'clock_warning'; warning: SiemClockWarning }
  | { kind: 'audit_checkpoint'; checkpoint: SiemCheckpoint };

export type SiemRecordKind = SiemRecord['kind'];

/** An incident as the SIEM sees it: no finding evidence, only references. */
export interface SiemIncident {
  tenant_id: string;
  incident_id: string;
  title: string;
  /** ISO-8601 */
  detected_at: string;
  /** ISO-8601 */
  opened_at: string;
  opened_by: string;
  agent_ids: string[];
  finding_ids: string[];
  gdpr_personal_data_breach: boolean;
  nis2_significant: boolean;
  dora_major_ict: boolean;
}

/** A regulatory clock of an open incident that is close to (or past) its deadline. */
export interface SiemClockWarning {
  tenant_id: string;
  incident_id: string;
  /** 'gdpr' | 'nis2' | 'dora' */
  regime: string;
  /** e.g. early_warning, notification, final_report */
  stage: string;
  /** Article the deadline comes from. */
  basis: string;
  /** ISO-8601 */
  deadline: string;
  remaining_ms: number;
  /** 'due_soon' | 'overdue' */
  status: string;
}

/** A signed audit-log checkpoint (services/lib/audit/checkpoint.ts), tenant-wide stream head. */
export interface SiemCheckpoint {
  tenant_id: string;
  stream: string;
  seq: number;
  hash: string;
  /** ISO-8601 */
  ts: string;
  key_id: string;
  signature: string;
}

/** Product identity stamped on every forwarded record (OCSF metadata.product, CEF header). */
export interface ProductMeta {
  vendor: string;
  product: string;
  version: string;
}

/** Tenant of any record, for per-destination tenant filters. */
export function tenantOf(r: SiemRecord): string {
  switch (r.kind) {
    case 'finding':
      return r.finding.tenant_id;
    case 'verdict':
      return r.verdict.tenant_id;
    case 'incident_opened':
      return r.incident.tenant_id;
    case 'clock_warning':
      return r.warning.tenant_id;
    case 'audit_checkpoint':
      return r.checkpoint.tenant_id;
  }
}
