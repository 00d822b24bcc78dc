import { createHash, createPrivateKey } from 'node:crypto';
import { buildDetectorChain, type Detector } from '../../detectors/index.ts';
import { BUILTIN_POLICY } from '../../detectors/policy/builtin-policy.ts';
import { decide } from '../../detectors/policy/decide.ts';
import type { AgentEvent, Finding } from '../../schemas/generated/index.ts';
import { incidentClocks } from '../api/regulatory-clocks.ts';
import { runDetectors } from '../detect/detector-runner.ts';
import { buildVerdict } from '../detect/verdict.ts';
import { signCheckpoint } from '../lib/audit/checkpoint.ts';
import { chainRecord, streamFor } from '../lib/audit/hash-chain.ts';
import { signingKeyFromPem } from '../lib/audit/signing-key.ts';
import type { SiemRecord, SiemRecordKind } from './record.ts';

/**
 * Sample records for `warden siem sample` and the format tests: a generated agent event runs
 * through the real detector chain, runner, policy decision and verdict builder of services/detect,
 * so the finding carries exactly the masked evidence a production finding would. The incident,
 * clock warning and checkpoint are built from that finding with the API's clock arithmetic and
 * the audit log's real hash chain and signature. Everything is pinned to SAMPLE_TIME_MS, so the
 * samples (and docs/siem.md) are the same on every run.
 */
export const SAMPLE_KINDS: readonly SiemRecordKind[] = [
  'finding',
  'verdict',
  'incident_opened',
  'clock_warning',
  'audit_checkpoint',
];

/** 2026-01-15T09:30:00.123Z */
export const SAMPLE_TIME_MS = Date.UTC(2026, 0, 15, 9, 30, 0, 123);

/** The clear values in the sample event: they must never appear in any formatted record. */
export const SAMPLE_CLEAR_VALUES = ['jane.doe@example.com', '4111 1111 1111 1111'] as const;

export const SAMPLE_TEXT = `Refund order 8812 for ${SAMPLE_CLEAR_VALUES[0]}, card ${SAMPLE_CLEAR_VALUES[1]}, today please.`;

const HOUR_MS = 3_600_000;

export function sampleEvent(text: string = SAMPLE_TEXT, ts: number = SAMPLE_TIME_MS): AgentEvent {
  return {
    event_id: '01KF0SAMPLE0EVENT00000000A',
    ts,
    tenant_id: 'acme',
    agent_id: 'support-bot',
    agent_version: '1.4.2',
    owner: 'support-team',
    environment: 'production',
    session_id: 'sess-7f3a',
    trace_id: null,
    span_id: null,
    kind: 'tool_call',
    model: null,
    tool: { name: 'payments.refund', target: 'payments.internal', mode: 'write', arguments: null },
    content: { text, truncated: false, length: Buffer.byteLength(text), sha256: '' },
    usage: null,
    principal: { user_id: 'u-5521', credential_id: 'cred-support-bot-1' },
    source: { enforcement_point_id: 'gateway-eu-1', mode: 'inline' },
    data_classes: [],
    attributes: {},
  };
}

const SEVERITY_RANK = ['info', 'low', 'medium', 'high', 'critical'];

/** The most severe finding (first on a tie): the one an operator most wants to see mapped. */
function headline(findings: readonly Finding[]): Finding {
  const first = findings[0];
  if (first === undefined) throw new Error('the sample event produced no finding: the detectors changed');
  return findings.reduce(
    (best, f) => (SEVERITY_RANK.indexOf(f.severity) > SEVERITY_RANK.indexOf(best.severity) ? f : best),
    first,
  );
}

/**
 * A fixed Ed25519 key derived from a public label (PKCS#8 prefix + 32-byte seed), so the sample
 * signature is reproducible. It signs sample checkpoints only; nothing trusts it.
 */
function sampleSigningKey() {
  const seed = createHash('sha256').update('warden siem sample checkpoint key').digest();
  const der = Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), seed]);
  const pem = createPrivateKey({ key: der, format: 'der', type: 'pkcs8' }).export({ type: 'pkcs8', format: 'pem' });
  return signingKeyFromPem(pem.toString(), 'sample key');
}

export interface SampleSet {
  event: AgentEvent;
  findings: Finding[];
  records: Record<SiemRecordKind, SiemRecord>;
}

/** One record of each kind, derived from `event` as services/detect and services/api would. */
export function buildSamples(event: AgentEvent = sampleEvent(), chain?: readonly Detector[]): SampleSet {
  // The default chain of services/detect, the ML injection classifier included.
  const detectors = chain ?? buildDetectorChain();
  const detection = runDetectors(detectors, [event]).detections[0];
  if (detection === undefined) throw new Error('the detector runner returned no detection');
  const finding = headline(detection.findings);
  const decision = decide(detection.findings, BUILTIN_POLICY, { failed: detection.failed });
  const verdict = buildVerdict(event, decision, detection, event.ts + 3);

  const detectedAt = event.ts;
  const openedAt = detectedAt + 20 * 60_000;
  const incident = {
    tenant_id: event.tenant_id,
    incident_id: 'inc-2026-0042',
    title: `Personal data sent to ${event.tool?.name ?? 'a tool'} by ${event.agent_id}`,
    detected_at: new Date(detectedAt).toISOString(),
    opened_at: new Date(openedAt).toISOString(),
    opened_by: 'api-key:soc-analyst',
    agent_ids: [event.agent_id],
    finding_ids: detection.findings.map((f) => f.finding_id),
    gdpr_personal_data_breach: true,
    nis2_significant: false,
    dora_major_ict: false,
  };

  // 60 h after awareness the GDPR 72 h clock has 12 h left: inside its last quarter, so due soon.
  const warnAt = detectedAt + 60 * HOUR_MS;
  const clock = incidentClocks(
    { detected_at: detectedAt, classified_at: { gdpr: openedAt }, notifications: [] },
    warnAt,
  )[0];
  if (clock === undefined || clock.status !== 'due_soon') throw new Error('the GDPR clock arithmetic changed');
  const warning = {
    tenant_id: event.tenant_id,
    incident_id: incident.incident_id,
    regime: clock.regime,
    stage: clock.stage,
    basis: clock.basis,
    deadline: clock.deadline,
    remaining_ms: clock.remaining_ms,
    status: clock.status,
  };

  const stream = streamFor(event.tenant_id, 'incidents');
  const opened = chainRecord(
    stream,
    null,
    { actor: incident.opened_by, action: 'incident.open', subject: incident.incident_id },
    new Date(openedAt),
  );
  const key = sampleSigningKey();
  const cp = signCheckpoint({ stream, seq: opened.seq, hash: opened.hash }, key, new Date(openedAt + 60_000));

  return {
    event,
    findings: detection.findings,
    records: {
      finding: { kind: 'finding', finding },
      verdict: { kind: 'verdict', verdict },
      incident_opened: { kind: 'incident_opened', incident },
      clock_warning: { kind: 'clock_warning', warning },
      audit_checkpoint: { kind: 'audit_checkpoint', checkpoint: { tenant_id: event.tenant_id, ...cp } },
    },
  };
}
