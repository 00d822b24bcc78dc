import type { Finding, Verdict } from '../../../schemas/generated/index.ts';
import type { ProductMeta, SiemCheckpoint, SiemClockWarning, SiemIncident, SiemRecord } from '../record.ts';
import { tenantOf } from '../record.ts';
import { isoMs, recordId, recordTimeMs, type Severity, severityOf, titleOf } from './facts.ts';

/**
 * OCSF mapping (docs/siem.md has the table). Schema version 1.5.0, the version the validator in
 * test/integration/siem-ocsf-schema.test.ts is generated from. Classes:
 *   finding          → Detection Finding (2004), activity Create
 *   verdict          → Detection Finding (2004), activity Create: the decision is its own finding,
 *                      related to the agent event it decided
 *   incident_opened  → Incident Finding (2005), activity Create
 *   clock_warning    → Incident Finding (2005), activity Update (same incident, a clock running out)
 *   audit_checkpoint → Event Log Activity (1008), activity Other ("Checkpoint"): a statement about
 *                      warden's own audit log, not a detection
 * Only masked evidence and ids leave warden: no content, no tool arguments, no redacted text.
 */
export const OCSF_VERSION = '1.5.0';

export type OcsfValue = string | number | boolean | null | OcsfValue[] | { [key: string]: OcsfValue };
export type OcsfObject = { [key: string]: OcsfValue };

/** One OCSF event as plain JSON (what JSON.stringify writes to a destination). */
export type OcsfRecord = OcsfObject & {
  class_uid: number;
  category_uid: number;
  activity_id: number;
  type_uid: number;
  severity_id: number;
  time: number;
  metadata: OcsfObject;
};

const SEVERITY_ID: Record<Severity, { id: number; name: string }> = {
  info: { id: 1, name: 'Informational' },
  low: { id: 2, name: 'Low' },
  medium: { id: 3, name: 'Medium' },
  high: { id: 4, name: 'High' },
  critical: { id: 5, name: 'Critical' },
};

/** Incident Finding priority_id: Low 1, Medium 2, High 3, Critical 4. */
const PRIORITY_ID: Record<Severity, { id: number; name: string }> = {
  info: { id: 1, name: 'Low' },
  low: { id: 1, name: 'Low' },
  medium: { id: 2, name: 'Medium' },
  high: { id: 3, name: 'High' },
  critical: { id: 4, name: 'Critical' },
};

interface ClassIdentity {
  class_uid: number;
  class_name: string;
  category_uid: number;
  category_name: string;
  activity_id: number;
  activity_name: string;
}

const DETECTION_CREATE: ClassIdentity = {
  class_uid: 2004,
  class_name: 'Detection Finding',
  category_uid: 2,
  category_name: 'Findings',
  activity_id: 1,
  activity_name: 'Create',
};
const INCIDENT_CREATE: ClassIdentity = {
  class_uid: 2005,
  class_name: 'Incident Finding',
  category_uid: 2,
  category_name: 'Findings',
  activity_id: 1,
  activity_name: 'Create',
};
const INCIDENT_UPDATE: ClassIdentity = { ...INCIDENT_CREATE, activity_id: 2, activity_name: 'Update' };
const EVENT_LOG_CHECKPOINT: ClassIdentity = {
  class_uid: 1008,
  class_name: 'Event Log Activity',
  category_uid: 1,
  category_name: 'System Activity',
  activity_id: 99,
  activity_name: 'Checkpoint',
};

/** Analytic type_id: Rule 1, Statistical 3, Learning (ML/DL) 4; by detector family. */
function analyticType(detector: string): { type_id: number; type: string } {
  if (detector.startsWith('injection.ml') || detector.startsWith('injection.chat_guard')) {
    return { type_id: 4, type: 'Learning (ML/DL)' };
  }
  if (detector.startsWith('anomaly')) return { type_id: 3, type: 'Statistical' };
  return { type_id: 1, type: 'Rule' };
}

/** confidence_id from the score: Low 1 (< 0.5), Medium 2 (< 0.8), High 3. */
function confidence(score: number): { confidence_score: number; confidence_id: number; confidence: string } {
  const confidence_score = Math.round(Math.max(0, Math.min(1, score)) * 100);
  if (score >= 0.8) return { confidence_score, confidence_id: 3, confidence: 'High' };
  if (score >= 0.5) return { confidence_score, confidence_id: 2, confidence: 'Medium' };
  return { confidence_score, confidence_id: 1, confidence: 'Low' };
}

/** Drops undefined members, so optional OCSF attributes are absent rather than null. */
function compact(o: { [key: string]: OcsfValue | undefined }): OcsfObject {
  const out: OcsfObject = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) out[k] = v;
  return out;
}

function envelope(r: SiemRecord, meta: ProductMeta, cls: ClassIdentity, correlation: string | undefined): OcsfRecord {
  const sev = SEVERITY_ID[severityOf(r)];
  const type_uid = cls.class_uid * 100 + cls.activity_id;
  return {
    ...cls,
    type_uid,
    type_name: `${cls.class_name}: ${cls.activity_name}`,
    severity_id: sev.id,
    severity: sev.name,
    time: recordTimeMs(r),
    message: titleOf(r),
    metadata: compact({
      version: OCSF_VERSION,
      product: { name: meta.product, vendor_name: meta.vendor, version: meta.version },
      uid: recordId(r),
      tenant_uid: tenantOf(r),
      correlation_uid: correlation,
      log_name: r.kind,
    }),
  };
}

/** The AI agent and its session as OCSF resources (plus the tool a policy finding names). */
function agentResources(agentId: string, sessionId: string | null, extra: OcsfObject[] = []): OcsfObject[] {
  const out: OcsfObject[] = [{ type: 'AI Agent', uid: agentId, name: agentId }];
  if (sessionId) out.push({ type: 'AI Agent Session', uid: sessionId });
  return [...out, ...extra];
}

/** The acting AI agent: actor.app_* names the application (the agent), actor.session its session. */
function agentActor(agentId: string, sessionId: string | null): OcsfObject {
  return compact({ app_name: agentId, app_uid: agentId, session: sessionId ? { uid: sessionId } : undefined });
}

function findingToOcsf(r: SiemRecord & { kind: 'finding' }, meta: ProductMeta): OcsfRecord {
  const f: Finding = r.finding;
  const family = f.type.split('.')[0] ?? f.type;
  // Targets a detector names in its attributes (policy and anomaly findings, exfiltration links):
  // tool names and hosts, already shortened by the detector, never argument values.
  const extra: OcsfObject[] = [];
  if (f.attributes.tool) extra.push({ type: 'Tool', name: f.attributes.tool });
  const destination = f.attributes.destination ?? f.attributes.host;
  if (destination) extra.push({ type: 'Destination', name: destination });
  return {
    ...envelope(r, meta, DETECTION_CREATE, f.event_id),
    finding_info: {
      uid: f.finding_id,
      title: titleOf(r),
      desc: `Detector ${f.detector} ${f.detector_version} found ${f.type}; masked evidence: ${f.evidence || '(none)'}`,
      types: [f.type, family],
      first_seen_time: f.ts,
      last_seen_time: f.ts,
      analytic: { name: f.detector, uid: f.detector, version: f.detector_version, ...analyticType(f.detector) },
      related_events: [{ uid: f.event_id, type: 'AgentEvent' }],
    },
    ...confidence(f.score),
    is_alert: f.severity === 'high' || f.severity === 'critical',
    status_id: 1,
    status: 'New',
    resources: agentResources(f.agent_id, f.session_id, extra),
    evidences: [
      {
        name: f.type,
        uid: f.finding_id,
        // The finding's evidence is masked by contract; the field names say where it was, not what.
        data: { masked_evidence: f.evidence, fields: [...new Set(f.spans.map((s) => s.field))] },
        actor: agentActor(f.agent_id, f.session_id),
      },
    ],
    unmapped: {
      record_kind: r.kind,
      tenant_id: f.tenant_id,
      detector_version: f.detector_version,
      spans: f.spans.map((s) => ({ field: s.field, start: s.start, end: s.end })),
      attributes: { ...f.attributes },
    },
  };
}

function verdictToOcsf(r: SiemRecord & { kind: 'verdict' }, meta: ProductMeta): OcsfRecord {
  const v: Verdict = r.verdict;
  const eventTs = v.issued_at - v.latency_ms;
  const extra: OcsfObject[] = v.credential_id ? [{ type: 'Credential', uid: v.credential_id }] : [];
  return {
    ...envelope(r, meta, DETECTION_CREATE, v.event_id ?? undefined),
    finding_info: compact({
      uid: v.verdict_id,
      title: titleOf(r),
      desc: `Policy ${v.policy_id} v${v.policy_version} decided ${v.action} at ${v.scope} scope`,
      types: ['verdict', `verdict.${v.action}`, ...v.reasons],
      first_seen_time: v.event_id ? eventTs : v.issued_at,
      last_seen_time: v.issued_at,
      analytic: { name: 'policy', uid: v.policy_id, version: String(v.policy_version), type_id: 1, type: 'Rule' },
      related_events: v.event_id ? [{ uid: v.event_id, type: 'AgentEvent' }] : undefined,
    }),
    status_id: 1,
    status: 'New',
    resources: agentResources(v.agent_id, v.session_id, extra),
    evidences: [{ name: `verdict.${v.action}`, uid: v.verdict_id, actor: agentActor(v.agent_id, v.session_id) }],
    // redacted_text / redacted_arguments stay behind: they are event content, even redacted.
    unmapped: compact({
      record_kind: r.kind,
      tenant_id: v.tenant_id,
      action: v.action,
      scope: v.scope,
      shadow_action: v.shadow_action ?? undefined,
      reasons: [...v.reasons],
      policy_id: v.policy_id,
      policy_version: v.policy_version,
      latency_ms: v.latency_ms,
      expires_at: v.expires_at ?? undefined,
      event_id: v.event_id ?? undefined,
    }),
  };
}

function incidentFlags(i: SiemIncident): OcsfObject {
  return {
    gdpr_personal_data_breach: i.gdpr_personal_data_breach,
    nis2_significant: i.nis2_significant,
    dora_major_ict: i.dora_major_ict,
  };
}

function incidentToOcsf(r: SiemRecord & { kind: 'incident_opened' }, meta: ProductMeta): OcsfRecord {
  const i = r.incident;
  const prio = PRIORITY_ID[severityOf(r)];
  return {
    ...envelope(r, meta, INCIDENT_CREATE, i.incident_id),
    desc: i.title,
    start_time: isoMs(r, i.detected_at, 'detected_at'),
    finding_info_list: i.finding_ids.map((uid) => ({ uid })),
    status_id: 1,
    status: 'New',
    priority_id: prio.id,
    priority: prio.name,
    is_suspected_breach: i.gdpr_personal_data_breach,
    unmapped: {
      record_kind: r.kind,
      tenant_id: i.tenant_id,
      incident_id: i.incident_id,
      opened_by: i.opened_by,
      agent_ids: [...i.agent_ids],
      ...incidentFlags(i),
    },
  };
}

function clockToOcsf(r: SiemRecord & { kind: 'clock_warning' }, meta: ProductMeta): OcsfRecord {
  const w: SiemClockWarning = r.warning;
  const prio = PRIORITY_ID[severityOf(r)];
  return {
    ...envelope(r, meta, INCIDENT_UPDATE, w.incident_id),
    desc: titleOf(r),
    // The warning names no findings; the incident's own Create record lists them.
    finding_info_list: [],
    // An open incident whose notification clock runs is being handled.
    status_id: 2,
    status: 'In Progress',
    priority_id: prio.id,
    priority: prio.name,
    unmapped: {
      record_kind: r.kind,
      tenant_id: w.tenant_id,
      incident_id: w.incident_id,
      regime: w.regime,
      stage: w.stage,
      basis: w.basis,
      deadline: w.deadline,
      remaining_ms: w.remaining_ms,
      clock_status: w.status,
    },
  };
}

function checkpointToOcsf(r: SiemRecord & { kind: 'audit_checkpoint' }, meta: ProductMeta): OcsfRecord {
  const c: SiemCheckpoint = r.checkpoint;
  return {
    ...envelope(r, meta, EVENT_LOG_CHECKPOINT, c.stream),
    log_name: c.stream,
    log_provider: `${meta.product} audit log`,
    status_id: 1,
    status: 'Success',
    unmapped: {
      record_kind: r.kind,
      tenant_id: c.tenant_id,
      stream: c.stream,
      seq: c.seq,
      hash: c.hash,
      key_id: c.key_id,
      signature: c.signature,
    },
  };
}

export function toOcsf(r: SiemRecord, meta: ProductMeta): OcsfRecord {
  switch (r.kind) {
    case 'finding':
      return findingToOcsf(r, meta);
    case 'verdict':
      return verdictToOcsf(r, meta);
    case 'incident_opened':
      return incidentToOcsf(r, meta);
    case 'clock_warning':
      return clockToOcsf(r, meta);
    case 'audit_checkpoint':
      return checkpointToOcsf(r, meta);
  }
}

/** The OCSF class a record maps to, for routing (e.g. the HEC sourcetype). */
export function ocsfClassOf(r: SiemRecord): { class_uid: number; class_name: string } {
  if (r.kind === 'finding' || r.kind === 'verdict') return DETECTION_CREATE;
  if (r.kind === 'audit_checkpoint') return EVENT_LOG_CHECKPOINT;
  return INCIDENT_CREATE;
}
