import { parseArgs } from 'node:util';
import type { AgentSummary } from '../../services/api/inventory.ts';
import { EXIT } from '../lib/api-client.ts';
import { type CliContext, processContext, runCommand } from '../lib/io.ts';
import { list, renderTable } from '../lib/table.ts';

export const AGENTS_USAGE = 'warden agents [--running] [--personal-data] [--json]';

export interface AgentList {
  tenant_id: string;
  generated_at: string;
  count: number;
  running: number;
  shadow: number;
  personal_data: number;
  agents: AgentSummary[];
}

const COLUMNS = [
  { header: 'AGENT', value: (a: AgentSummary) => a.agent_id },
  { header: 'OWNER', value: (a: AgentSummary) => a.owner || '-' },
  { header: 'ENV', value: (a: AgentSummary) => a.environment || '-' },
  { header: 'RUNNING', value: (a: AgentSummary) => (a.running ? 'yes' : 'no') },
  { header: 'STATUS', value: (a: AgentSummary) => (a.shadow ? 'SHADOW' : 'registered') },
  { header: 'RISK', value: (a: AgentSummary) => a.risk_tier ?? '-' },
  { header: 'EVENTS', value: (a: AgentSummary) => String(a.events), align: 'right' as const },
  { header: 'LAST SEEN', value: (a: AgentSummary) => (a.last_seen ? `${a.last_seen.slice(0, 19)}Z` : 'never') },
  { header: 'DATA CLASSES', value: (a: AgentSummary) => list(a.data_classes) },
  { header: 'MODELS', value: (a: AgentSummary) => list(a.models, 2) },
  { header: 'TOOLS', value: (a: AgentSummary) => list(a.tools, 3) },
];

/** The human-readable inventory: a summary line answering the CISO's counts, then one row per agent. */
export function renderAgents(result: AgentList): string {
  const summary =
    `${result.count} agents in tenant ${result.tenant_id}: ${result.running} running now, ` +
    `${result.shadow} shadow (unregistered), ${result.personal_data} touching personal data\n`;
  if (result.agents.length === 0) return summary;
  return `${summary}\n${renderTable(COLUMNS, result.agents)}`;
}

/** `warden agents`: the caller tenant's inventory (GET /v1/agents). */
export async function agentsCommand(args: string[], ctx: CliContext = processContext()): Promise<number> {
  return runCommand(ctx, AGENTS_USAGE, async () => {
    const { values } = parseArgs({
      args,
      options: {
        running: { type: 'boolean', default: false },
        'personal-data': { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
      },
      allowPositionals: false,
    });
    const query = new URLSearchParams();
    if (values.running) query.set('running', 'true');
    if (values['personal-data']) query.set('personal_data', 'true');
    const qs = query.size > 0 ? `?${query}` : '';
    const result = await ctx.client.request<AgentList>('GET', `/v1/agents${qs}`);
    ctx.out(values.json ? `${JSON.stringify(result, null, 2)}\n` : renderAgents(result));
    return EXIT.ok;
  });
}
