import { createHash } from 'node:crypto';
import type { AgentEvent } from '../schemas/generated/agent-event.ts';
import type { DevWardenV1, Finding } from '../schemas/generated/finding.ts';

export type Severity = DevWardenV1.Severity;
export type Span = DevWardenV1.Span;

const SEVERITY_ORDER: readonly Severity[] = ['info', 'low', 'medium', 'high', 'critical'];

/** One step more severe, capped at critical. */
export function raiseSeverity(s: Severity, steps = 1): Severity {
  const i = Math.min(SEVERITY_ORDER.indexOf(s) + steps, SEVERITY_ORDER.length - 1);
  return SEVERITY_ORDER[i]!;
}

/**
 * Deterministic id: sha256 over event id, detector, type and spans, hex, first 32 chars.
 * A retried event yields the same finding ids, so downstream inserts deduplicate.
 */
export function findingId(eventId: string, detector: string, type: string, spans: readonly Span[]): string {
  // One update of the joined string hashes the same bytes as one update per part (every part
  // boundary is a NUL, so no surrogate pair forms across it) with one native call instead of 5+.
  let input = `${eventId}\0${detector}\0${type}`;
  for (const s of spans) input += `\0${s.field}:${s.start}:${s.end}`;
  return createHash('sha256').update(input).digest('hex').slice(0, 32);
}

export interface FindingInput {
  readonly detector: string;
  readonly detectorVersion: string;
  readonly type: string;
  readonly severity: Severity;
  readonly score: number;
  readonly spans: Span[];
  /** Already masked. Never the clear value. */
  readonly evidence: string;
  readonly attributes?: Record<string, string>;
}

export function buildFinding(e: AgentEvent, f: FindingInput): Finding {
  return {
    finding_id: findingId(e.event_id, f.detector, f.type, f.spans),
    event_id: e.event_id,
    ts: e.ts,
    tenant_id: e.tenant_id,
    agent_id: e.agent_id,
    session_id: e.session_id,
    detector: f.detector,
    detector_version: f.detectorVersion,
    type: f.type,
    severity: f.severity,
    score: Math.max(0, Math.min(1, f.score)),
    spans: f.spans,
    evidence: f.evidence,
    attributes: f.attributes ?? {},
  };
}
