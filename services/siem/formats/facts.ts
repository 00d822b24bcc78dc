import type { Verdict } from '../../../schemas/generated/index.ts';
import { WardenError } from '../../lib/errors.ts';
import type { SiemRecord } from '../record.ts';

/**
 * What every format needs to know about a record, derived in one place so OCSF, CEF and syslog
 * never disagree on a record's id, severity, time or title.
 */
export type Severity = 'info' | 'low' | 'medium' | 'high' | 'critical';

const ORDER: readonly Severity[] = ['info', 'low', 'medium', 'high', 'critical'];

/**
 * A record that cannot be mapped faithfully (a time that is not a time, a severity or action
 * outside the contract) throws, so the forwarder dead-letters it instead of sending it half-mapped.
 */
function unmappable(r: SiemRecord, detail: string): never {
  throw new WardenError('SIEM_RECORD_UNMAPPABLE', `${r.kind}: ${detail}`);
}

/** Epoch ms of an ISO-8601 field, or unmappable. */
export function isoMs(r: SiemRecord, value: string, field: string): number {
  const ms = Date.parse(value);
  if (!Number.isFinite(ms)) unmappable(r, `${field} is not an ISO-8601 time (${JSON.stringify(value.slice(0, 40))})`);
  return ms;
}

function epochMs(r: SiemRecord, value: number, field: string): number {
  if (!Number.isFinite(value)) unmappable(r, `${field} is not a time (${value})`);
  return value;
}

function known<T extends string>(r: SiemRecord, value: T, table: Record<T, Severity>, field: string): Severity {
  const s = Object.hasOwn(table, value) ? table[value] : undefined;
  if (s === undefined) unmappable(r, `${field} ${JSON.stringify(String(value).slice(0, 40))} is not in the contract`);
  return s;
}

const SEVERITY_SELF: Record<Severity, Severity> = {
  info: 'info',
  low: 'low',
  medium: 'medium',
  high: 'high',
  critical: 'critical',
};

function rank(s: Severity): number {
  return ORDER.indexOf(s);
}

function maxSeverity(a: Severity, b: Severity): Severity {
  return rank(a) >= rank(b) ? a : b;
}

/** How severe an enforcement action is for a SOC: blocking or quarantining means something was caught. */
const ACTION_SEVERITY: Record<Verdict['action'], Severity> = {
  allow: 'info',
  redact: 'low',
  require_approval: 'medium',
  block: 'high',
  quarantine_agent: 'critical',
  revoke_credential: 'critical',
};

export function severityOf(r: SiemRecord): Severity {
  switch (r.kind) {
    case 'finding':
      return known(r, r.finding.severity, SEVERITY_SELF, 'severity');
    case 'verdict': {
      // A shadow policy allows everything but records what it would have done: that detection is
      // as severe for the SOC as the enforced one, or shadow mode would hide the very thing it trials.
      const v = r.verdict;
      const enforced = known(r, v.action, ACTION_SEVERITY, 'action');
      return maxSeverity(
        enforced,
        v.shadow_action ? known(r, v.shadow_action, ACTION_SEVERITY, 'shadow_action') : 'info',
      );
    }
    case 'incident_opened': {
      const i = r.incident;
      if (i.nis2_significant || i.dora_major_ict) return 'critical';
      return i.gdpr_personal_data_breach ? 'high' : 'medium';
    }
    case 'clock_warning':
      return r.warning.status === 'overdue' ? 'critical' : 'high';
    case 'audit_checkpoint':
      return 'info';
  }
}

/**
 * Stable id of a record, the same on every redelivery (at-least-once), for dedup downstream. A
 * clock warning includes its status: due_soon and then overdue are two warnings, not a duplicate.
 */
export function recordId(r: SiemRecord): string {
  switch (r.kind) {
    case 'finding':
      return r.finding.finding_id;
    case 'verdict':
      return r.verdict.verdict_id;
    case 'incident_opened':
      return r.incident.incident_id;
    case 'clock_warning': {
      const w = r.warning;
      return `${w.incident_id}:${w.regime}:${w.stage}:${w.status}`;
    }
    case 'audit_checkpoint':
      return `${r.checkpoint.stream}:${r.checkpoint.seq}`;
  }
}

/** When the record happened, epoch ms: the event's time for findings, issue or opening time otherwise. */
export function recordTimeMs(r: SiemRecord): number {
  switch (r.kind) {
    case 'finding':
      return epochMs(r, r.finding.ts, 'ts');
    case 'verdict':
      return epochMs(r, r.verdict.issued_at, 'issued_at');
    case 'incident_opened':
      return isoMs(r, r.incident.opened_at, 'opened_at');
    case 'clock_warning':
      // The instant the warning was computed: remaining_ms was measured then.
      return epochMs(r, isoMs(r, r.warning.deadline, 'deadline') - r.warning.remaining_ms, 'remaining_ms');
    case 'audit_checkpoint':
      return isoMs(r, r.checkpoint.ts, 'ts');
  }
}

/** Event-class id shared by CEF's signature id and OCSF's finding types: the finding type, or `kind.detail`. */
export function signatureOf(r: SiemRecord): string {
  switch (r.kind) {
    case 'finding':
      return r.finding.type;
    case 'verdict':
      return `verdict.${r.verdict.action}`;
    case 'incident_opened':
      return 'incident.opened';
    case 'clock_warning':
      return `incident.clock.${r.warning.regime}.${r.warning.stage}`;
    case 'audit_checkpoint':
      return 'audit.checkpoint';
  }
}

function hours(ms: number): string {
  return `${Math.round((Math.abs(ms) / 3_600_000) * 10) / 10} h`;
}

/** One-line human title. Built from ids, types and masked evidence only, never from event content. */
export function titleOf(r: SiemRecord): string {
  switch (r.kind) {
    case 'finding': {
      const f = r.finding;
      const field = f.spans[0]?.field;
      return `${f.type} detected${field ? ` in ${field}` : ''} of agent ${f.agent_id}`;
    }
    case 'verdict': {
      const v = r.verdict;
      const shadow = v.shadow_action ? ` (shadow policy would ${v.shadow_action})` : '';
      const why = v.reasons.length > 0 ? ` for ${v.reasons.join(', ')}` : '';
      return `${v.action} (${v.scope}) on agent ${v.agent_id}${why}${shadow}`;
    }
    case 'incident_opened':
      return `Incident opened: ${r.incident.title}`;
    case 'clock_warning': {
      const w = r.warning;
      const when = w.remaining_ms >= 0 ? `due in ${hours(w.remaining_ms)}` : `overdue by ${hours(w.remaining_ms)}`;
      return `${w.regime.toUpperCase()} ${w.stage} of incident ${w.incident_id} ${when} (${w.basis})`;
    }
    case 'audit_checkpoint':
      return `Audit log checkpoint ${r.checkpoint.stream} at seq ${r.checkpoint.seq}`;
  }
}

/** Agents a record is about (an incident may span several). */
export function agentsOf(r: SiemRecord): string[] {
  switch (r.kind) {
    case 'finding':
      return [r.finding.agent_id];
    case 'verdict':
      return [r.verdict.agent_id];
    case 'incident_opened':
      return r.incident.agent_ids;
    case 'clock_warning':
    case 'audit_checkpoint':
      return [];
  }
}

/** Finding types a record is about: the finding's own, or the verdict's reasons. */
export function findingTypesOf(r: SiemRecord): string[] {
  if (r.kind === 'finding') return [r.finding.type];
  if (r.kind === 'verdict') return r.verdict.reasons;
  return [];
}
