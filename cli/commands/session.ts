import { parseArgs } from 'node:util';
import type { AgentSession, ReconstructedSession } from '../../services/api/session-reconstruction.ts';
import { CliError, EXIT } from '../lib/api-client.ts';
import { type CliContext, processContext, runCommand } from '../lib/io.ts';
import { list, renderTable } from '../lib/table.ts';

export const SESSION_USAGE =
  'warden session <session-id> [--json] | warden session --agent <agent-id> [--limit 20] [--json]';

type Event = ReconstructedSession['events'][number];

const EVENT_COLUMNS = [
  { header: '#', value: (e: Event) => String(e.seq), align: 'right' as const },
  { header: 'TS', value: (e: Event) => e.ts.replace('T', ' ').replace('Z', '') },
  { header: 'AGENT', value: (e: Event) => e.agent_id },
  { header: 'KIND', value: (e: Event) => e.kind },
  {
    header: 'TARGET',
    value: (e: Event) =>
      e.tool ? `${e.tool.name}${e.tool.target ? ` -> ${e.tool.target}` : ''}` : e.model ? e.model.name : '-',
  },
  {
    header: 'FINDINGS',
    value: (e: Event) =>
      list(
        e.findings.map((f) => `${f.type}(${f.evidence})`),
        3,
      ),
  },
  { header: 'VERDICT', value: (e: Event) => e.verdict?.action ?? '-' },
  { header: 'POLICY', value: (e: Event) => (e.verdict ? `${e.verdict.policy.id}@v${e.verdict.policy.version}` : '-') },
];

const SESSION_LIST_COLUMNS = [
  { header: 'SESSION', value: (s: AgentSession) => s.session_id },
  { header: 'FIRST', value: (s: AgentSession) => s.first_ts.slice(0, 19) },
  { header: 'LAST', value: (s: AgentSession) => s.last_ts.slice(0, 19) },
  { header: 'EVENTS', value: (s: AgentSession) => String(s.events), align: 'right' as const },
  { header: 'NOT ALLOWED', value: (s: AgentSession) => String(s.not_allowed), align: 'right' as const },
  { header: 'BLOCKED', value: (s: AgentSession) => String(s.blocked), align: 'right' as const },
];

/** Summary line, the ordered events, then the redacted text of each event that has one. */
export function renderSession(s: ReconstructedSession): string {
  const m = s.summary;
  const kinds = Object.entries(m.counts_by_kind)
    .map(([k, n]) => `${k} ${n}`)
    .join(', ');
  const out = [
    `session ${s.session_id} (tenant ${s.tenant_id}): ${m.events} events, ${m.findings} findings, ` +
      `${m.blocked} blocked, ${m.denied} denied; ${m.first_ts ?? '-'} .. ${m.last_ts ?? '-'}`,
    `agents: ${m.agents.join(', ') || '-'}; kinds: ${kinds || '-'}; policies: ${
      m.policies.map((p) => `${p.id}@v${p.version}`).join(', ') || '-'
    }`,
    '',
    renderTable(EVENT_COLUMNS, s.events),
  ];
  const texts = s.events.filter((e) => e.verdict?.content_redacted);
  if (texts.length > 0) {
    out.push('redacted content:');
    for (const e of texts) out.push(`  #${e.seq} ${JSON.stringify(e.verdict?.content_redacted)}`);
    out.push('');
  }
  if (s.standing_verdicts.length > 0) {
    out.push(
      `standing verdicts: ${s.standing_verdicts.map((v) => `${v.action} (${v.reasons.join(',') || '-'})`).join('; ')}`,
      '',
    );
  }
  return out.join('\n');
}

/** `warden session <id>`: full reconstruction (GET /v1/sessions/:id); `--agent` lists recent sessions. */
export async function sessionCommand(args: string[], ctx: CliContext = processContext()): Promise<number> {
  return runCommand(ctx, SESSION_USAGE, async () => {
    const { values, positionals } = parseArgs({
      args,
      options: {
        agent: { type: 'string' },
        limit: { type: 'string', default: '20' },
        json: { type: 'boolean', default: false },
      },
      allowPositionals: true,
    });
    if (values.agent !== undefined) {
      if (positionals.length > 0) throw new CliError('give either a session id or --agent, not both', EXIT.usage);
      const limit = Number(values.limit);
      if (!Number.isInteger(limit) || limit < 1 || limit > 500) {
        throw new CliError(`--limit must be an integer from 1 to 500 (got ${values.limit})`, EXIT.usage);
      }
      const result = await ctx.client.request<{ agent_id: string; count: number; sessions: AgentSession[] }>(
        'GET',
        `/v1/agents/${encodeURIComponent(values.agent)}/sessions?limit=${limit}`,
      );
      ctx.out(
        values.json
          ? `${JSON.stringify(result, null, 2)}\n`
          : `${result.count} recent sessions of agent ${result.agent_id}\n\n${renderTable(SESSION_LIST_COLUMNS, result.sessions)}`,
      );
      return EXIT.ok;
    }
    if (positionals.length !== 1) throw new CliError('expected exactly one session id', EXIT.usage);
    const session = await ctx.client.request<ReconstructedSession>(
      'GET',
      `/v1/sessions/${encodeURIComponent(positionals[0]!)}`,
    );
    ctx.out(values.json ? `${JSON.stringify(session, null, 2)}\n` : renderSession(session));
    return EXIT.ok;
  });
}
