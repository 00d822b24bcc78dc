import { parseArgs } from 'node:util';
import type { ViolationGroup, ViolationReport } from '../../services/api/violations.ts';
import { CliError, EXIT } from '../lib/api-client.ts';
import { type CliContext, processContext, runCommand } from '../lib/io.ts';
import { renderTable } from '../lib/table.ts';

export const VIOLATIONS_USAGE = 'warden violations [--since 7d] [--json]';

const COLUMNS = [
  { header: 'AGENT', value: (g: ViolationGroup) => g.agent_id },
  { header: 'TYPE', value: (g: ViolationGroup) => g.type },
  { header: 'COUNT', value: (g: ViolationGroup) => String(g.count), align: 'right' as const },
  { header: 'BLOCKED', value: (g: ViolationGroup) => String(g.blocked), align: 'right' as const },
  { header: 'REDACTED', value: (g: ViolationGroup) => String(g.redacted), align: 'right' as const },
  { header: 'QUARANTINED', value: (g: ViolationGroup) => String(g.quarantined), align: 'right' as const },
  { header: 'REVOKED', value: (g: ViolationGroup) => String(g.revoked), align: 'right' as const },
  { header: 'NOT ENFORCED', value: (g: ViolationGroup) => String(g.not_enforced), align: 'right' as const },
  { header: 'LAST', value: (g: ViolationGroup) => g.last_ts.slice(0, 19) },
  {
    header: 'EXAMPLE EVIDENCE (MASKED)',
    value: (g: ViolationGroup) =>
      g.examples
        .map((e) => e.evidence)
        .filter((e) => e)
        .slice(0, 2)
        .join(' | ') || '-',
  },
];

/** One summary line ("3 violations since …: 3 blocked …"), then one row per agent and type. */
export function renderViolations(r: ViolationReport): string {
  const parts = [
    `${r.blocked} blocked`,
    `${r.redacted} redacted`,
    `${r.quarantined} quarantined`,
    `${r.revoked} revoked`,
    `${r.approval_required} held for approval`,
    `${r.not_enforced} not enforced`,
  ];
  const summary =
    `${r.count} violations in tenant ${r.tenant_id} since ${r.from.slice(0, 19)}Z (${r.since}) ` +
    `by ${r.agents.length} agents: ${parts.join(', ')}\n`;
  if (r.groups.length === 0) return summary;
  return `${summary}\n${renderTable(COLUMNS, r.groups)}`;
}

/** `warden violations`: GET /v1/violations. */
export async function violationsCommand(args: string[], ctx: CliContext = processContext()): Promise<number> {
  return runCommand(ctx, VIOLATIONS_USAGE, async () => {
    const { values } = parseArgs({
      args,
      options: { since: { type: 'string', default: '7d' }, json: { type: 'boolean', default: false } },
      allowPositionals: false,
    });
    if (!/^[0-9]{1,4}[mhdw]$/.test(values.since)) {
      throw new CliError(`--since must be like 7d, 24h, 30m or 2w (got ${values.since})`, EXIT.usage);
    }
    const result = await ctx.client.request<ViolationReport>(
      'GET',
      `/v1/violations?since=${encodeURIComponent(values.since)}`,
    );
    ctx.out(values.json ? `${JSON.stringify(result, null, 2)}\n` : renderViolations(result));
    return EXIT.ok;
  });
}
