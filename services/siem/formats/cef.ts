import type { ProductMeta, SiemRecord } from '../record.ts';
import { tenantOf } from '../record.ts';
import { agentsOf, isoMs, recordId, recordTimeMs, type Severity, severityOf, signatureOf, titleOf } from './facts.ts';

/**
 * ArcSight CEF, revision 25 of the spec:
 *   CEF:0|Device Vendor|Device Product|Device Version|Signature ID|Name|Severity|Extension
 * Header fields escape `\` and `|`; extension values escape `\` and `=` and write line breaks as
 * `\n` / `\r`. Keys used (docs/siem.md has the table): rt, externalId, cat, act, outcome, reason,
 * msg, suser, start, end, cs1..cs6 with their csNLabel, cfp1/cfp1Label, cn1/cn1Label.
 */

/** CEF severity 0-10: Low 0-3, Medium 4-6, High 7-8, Very-High 9-10. */
export const CEF_SEVERITY: Record<Severity, number> = { info: 1, low: 3, medium: 5, high: 8, critical: 10 };

/** Longest Name the spec allows (512 characters); a longer title is cut, never the signature id. */
const NAME_MAX = 512;

/** Header fields: backslash and pipe escaped; CEF headers cannot hold line breaks, so they become spaces. */
export function cefHeaderEscape(value: string): string {
  return value
    .replaceAll('\\', '\\\\')
    .replaceAll('|', '\\|')
    .replaceAll('\r\n', ' ')
    .replaceAll('\n', ' ')
    .replaceAll('\r', ' ');
}

/** Extension values: backslash and equals escaped, line breaks as the two characters \n or \r. */
export function cefExtensionEscape(value: string): string {
  return value
    .replaceAll('\\', '\\\\')
    .replaceAll('=', '\\=')
    .replaceAll('\r\n', '\\n')
    .replaceAll('\n', '\\n')
    .replaceAll('\r', '\\r');
}

/** Cuts by code point, so a surrogate pair is never split into invalid UTF-8. */
function truncate(text: string, max: number): string {
  const chars = [...text];
  return chars.length > max ? `${chars.slice(0, max - 1).join('')}…` : text;
}

type Ext = [key: string, value: string | number | undefined];

/** Custom-string slots with their label, skipped when the value is absent. */
function cs(slot: number, label: string, value: string | undefined): Ext[] {
  return value === undefined || value === ''
    ? []
    : [
        [`cs${slot}Label`, label],
        [`cs${slot}`, value],
      ];
}

function extensions(r: SiemRecord): Ext[] {
  const common: Ext[] = [
    ['rt', recordTimeMs(r)],
    ['externalId', recordId(r)],
    ['cat', signatureOf(r).split('.')[0]],
    ...cs(1, 'tenant', tenantOf(r)),
  ];
  const agents = agentsOf(r);
  if (agents.length > 0) common.push(['suser', agents.join(',')]);
  switch (r.kind) {
    case 'finding': {
      const f = r.finding;
      return [
        ...common,
        ['msg', `${titleOf(r)}; masked evidence: ${f.evidence || '(none)'}`],
        ['start', f.ts],
        ['end', f.ts],
        ...cs(2, 'session', f.session_id),
        ...cs(3, 'detector', `${f.detector} ${f.detector_version}`),
        ...cs(4, 'maskedEvidence', f.evidence),
        ...cs(5, 'event', f.event_id),
        ['cfp1Label', 'confidence'],
        ['cfp1', f.score],
      ];
    }
    case 'verdict': {
      const v = r.verdict;
      const outcome = v.shadow_action ? 'shadow' : v.action === 'allow' ? 'allowed' : 'enforced';
      return [
        ...common,
        ['act', v.action],
        ['outcome', outcome],
        ['reason', v.reasons.join(',') || undefined],
        ['msg', titleOf(r)],
        ['end', v.expires_at ?? undefined],
        ...cs(2, 'session', v.session_id ?? undefined),
        ...cs(3, 'policy', `${v.policy_id} v${v.policy_version}`),
        ...cs(4, 'scope', v.scope),
        ...cs(5, 'event', v.event_id ?? undefined),
        ...cs(6, 'shadowAction', v.shadow_action ?? undefined),
        ['cn1Label', 'latencyMs'],
        ['cn1', Math.round(v.latency_ms)],
      ];
    }
    case 'incident_opened': {
      const i = r.incident;
      const regimes = [
        i.gdpr_personal_data_breach ? 'gdpr' : '',
        i.nis2_significant ? 'nis2' : '',
        i.dora_major_ict ? 'dora' : '',
      ].filter(Boolean);
      return [
        ...common,
        ['msg', titleOf(r)],
        ['start', isoMs(r, i.detected_at, 'detected_at')],
        ...cs(2, 'openedBy', i.opened_by),
        ...cs(3, 'regimes', regimes.join(',') || 'none'),
        ...cs(4, 'findings', i.finding_ids.join(',')),
        ...cs(6, 'incident', i.incident_id),
      ];
    }
    case 'clock_warning': {
      const w = r.warning;
      return [
        ...common,
        ['outcome', w.status],
        ['msg', titleOf(r)],
        ['end', isoMs(r, w.deadline, 'deadline')],
        ...cs(2, 'regime', w.regime),
        ...cs(3, 'stage', w.stage),
        ...cs(4, 'basis', w.basis),
        ...cs(6, 'incident', w.incident_id),
        ['cn1Label', 'remainingMs'],
        ['cn1', w.remaining_ms],
      ];
    }
    case 'audit_checkpoint': {
      const c = r.checkpoint;
      return [
        ...common,
        ['msg', titleOf(r)],
        ...cs(2, 'keyId', c.key_id),
        ...cs(3, 'signature', c.signature),
        ...cs(4, 'chainHash', c.hash),
        ...cs(6, 'auditStream', c.stream),
        ['cn1Label', 'seq'],
        ['cn1', c.seq],
      ];
    }
  }
}

/** One CEF line, no trailing newline. */
export function toCef(r: SiemRecord, meta: ProductMeta): string {
  const name = titleOf(r);
  const header = [
    'CEF:0',
    cefHeaderEscape(meta.vendor),
    cefHeaderEscape(meta.product),
    cefHeaderEscape(meta.version),
    cefHeaderEscape(signatureOf(r)),
    cefHeaderEscape(truncate(name, NAME_MAX)),
    String(CEF_SEVERITY[severityOf(r)]),
  ].join('|');
  const ext = extensions(r)
    .filter((e): e is [string, string | number] => e[1] !== undefined)
    .map(([k, v]) => `${k}=${cefExtensionEscape(String(v))}`)
    .join(' ');
  return `${header}|${ext}`;
}
