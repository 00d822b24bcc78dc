import type { DestinationConfig, SeverityName } from './config.ts';
import { severityOf } from './formats/index.ts';
import { type SiemRecord, tenantOf } from './record.ts';

const RANK: Record<SeverityName, number> = { info: 0, low: 1, medium: 2, high: 3, critical: 4 };

export type RecordFilter = (r: SiemRecord) => boolean;

/**
 * A destination's filter, compiled once: minimum severity, tenants, record kinds and finding types
 * (exact types, or family prefixes ending in "." such as "pii."). Finding types apply to findings
 * and to verdicts (by their reasons); incidents, clock warnings and checkpoints pass that test.
 */
export function compileFilter(config: DestinationConfig): RecordFilter {
  const f = config.filter;
  if (!f) return () => true;
  const min = f.minSeverity === undefined ? 0 : RANK[f.minSeverity];
  const tenants = f.tenants ? new Set(f.tenants) : null;
  const kinds = f.kinds ? new Set<string>(f.kinds) : null;
  const exact = new Set((f.findingTypes ?? []).filter((t) => !t.endsWith('.')));
  const prefixes = (f.findingTypes ?? []).filter((t) => t.endsWith('.'));
  const typeMatches = (t: string) => exact.has(t) || prefixes.some((p) => t.startsWith(p));
  return (r) => {
    if (kinds && !kinds.has(r.kind)) return false;
    if (tenants && !tenants.has(tenantOf(r))) return false;
    if (min > 0 && RANK[severityOf(r)] < min) return false;
    if (f.findingTypes) {
      if (r.kind === 'finding' && !typeMatches(r.finding.type)) return false;
      if (r.kind === 'verdict' && !r.verdict.reasons.some(typeMatches)) return false;
    }
    return true;
  };
}
