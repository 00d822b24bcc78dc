import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { SuggestedScope, ToolUsage } from '../../services/api/least-privilege.ts';
import type { AgentPolicyView, DecisionResult, ProposalResult } from '../../services/api/policy-changes.ts';
import type { PolicyVersion } from '../../services/api/policy-store.ts';
import type { ShadowReport } from '../../services/api/shadow-report.ts';
import type { Policy } from '../../services/lib/control/control-state.ts';
import { CliError, EXIT } from '../lib/api-client.ts';
import { type CliContext, processContext, runCommand } from '../lib/io.ts';
import { renderTable } from '../lib/table.ts';

export const POLICY_USAGE =
  'warden policy show <agent> [--json] | warden policy suggest <agent> [--days 7] [--json] | warden policy propose <agent> (--file <policy.json> | --from-suggestion [--days 7]) [--reason <text>] [--json] | warden policy shadow <agent> [--since 7d] [--json] | warden policy pending [--json]';
export const APPROVE_USAGE = 'warden approve <change-id> [--comment <text>] | --reject --reason <text> [--json]';

type Scope = Omit<Policy, 'policy_id' | 'version'>;

const allow = (values: readonly string[] | null) =>
  values === null ? 'any (not restricted)' : values.length === 0 ? 'none' : values.join(', ');
const orAny = (v: number | null, unit = '') => (v === null ? 'any' : `${v}${unit}`);
const when = (iso: string | null) => (iso === null ? '-' : iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z'));

/** The scope of a policy as FIELD / VALUE rows. */
export function renderScope(p: Scope): string {
  const rows: [string, string][] = [
    ['models', allow(p.allowed_models)],
    ['tools', p.allowed_tools === null ? allow(null) : allow(p.allowed_tools.map((t) => `${t.name}:${t.mode}`))],
    ['destinations', allow(p.allowed_destinations)],
    ['data classes', allow(p.allowed_data_classes)],
    [
      'budgets',
      `calls/session ${orAny(p.budgets.max_calls_per_session)}, tokens/session ${orAny(p.budgets.max_tokens_per_session)}, ` +
        `cost/day ${orAny(p.budgets.max_cost_usd_per_day, ' USD')}`,
    ],
    ['actions', allow(Object.entries(p.actions).map(([k, v]) => `${k}=${v}`)).replace('none', 'defaults')],
    ['enforcement', `${p.enforcement} (fail ${p.fail_mode})`],
  ];
  return renderTable(
    [
      { header: 'FIELD', value: (r: [string, string]) => r[0] },
      { header: 'VALUE', value: (r: [string, string]) => r[1] },
    ],
    rows,
  );
}

function renderVersions(versions: readonly PolicyVersion[]): string {
  return renderTable(
    [
      { header: 'CHANGE', value: (v: PolicyVersion) => v.change_id },
      { header: 'AGENT', value: (v) => v.agent_id },
      { header: 'VERSION', value: (v) => String(v.version), align: 'right' },
      { header: 'STATUS', value: (v) => v.status },
      { header: 'FOUR-EYES', value: (v) => (v.requires_approval ? 'yes' : 'no') },
      { header: 'PROPOSED BY', value: (v) => v.proposed_by },
      { header: 'PROPOSED AT', value: (v) => when(v.proposed_at) },
      { header: 'DECIDED BY', value: (v) => v.decided_by ?? '-' },
      { header: 'DECIDED AT', value: (v) => when(v.decided_at) },
      { header: 'REASON', value: (v) => v.reason },
    ],
    versions,
  );
}

export function renderView(v: AgentPolicyView): string {
  const tier = v.risk_tier === null ? 'not registered' : `risk tier ${v.risk_tier}`;
  const rule = v.requires_approval ? 'changes need approval by a second person (approver)' : 'changes apply at once';
  let out = `agent ${v.agent_id} of tenant ${v.tenant_id} (${tier}; ${rule})\n`;
  if (v.current === null) {
    out += 'current: none (the tenant default or the built-in policy applies)\n';
  } else {
    const c = v.current;
    out +=
      `current: version ${c.version} (${c.policy.policy_id}), applied ${when(c.applied_at)}, ` +
      `proposed by ${c.proposed_by}${c.requires_approval ? `, approved by ${c.decided_by ?? '?'}` : ''}\n\n`;
    out += renderScope(c.policy);
  }
  if (v.pending !== null) {
    const p = v.pending;
    out += `\npending: change ${p.change_id}, version ${p.version}, proposed by ${p.proposed_by} at ${when(p.proposed_at)}: ${p.reason}\n`;
    out += `  approve with: warden approve ${p.change_id}   (another person with role approver)\n\n`;
    out += renderScope(p.policy);
  }
  if (v.history.length > 0) out += `\nhistory:\n${renderVersions(v.history)}`;
  return out;
}

export function renderSuggestion(s: SuggestedScope): string {
  let out =
    `least-privilege scope of agent ${s.agent_id} (tenant ${s.tenant_id}) from ${s.events} events ` +
    `over the last ${s.days} days (${when(s.since)} .. ${when(s.until)})\n`;
  if (s.events === 0) out += 'no traffic in the window: every allow-list is empty (deny all)\n';
  out += `\n${renderScope(s.policy)}`;
  if (s.tools.length > 0) {
    out += `\n${renderTable(
      [
        { header: 'TOOL', value: (t: ToolUsage) => t.name },
        { header: 'MODES SEEN', value: (t) => (t.modes_seen.length ? t.modes_seen.join(',') : 'unreported') },
        { header: 'CALLS', value: (t) => String(t.calls), align: 'right' },
        { header: 'GRANT', value: (t) => t.granted },
      ],
      s.tools,
    )}`;
  }
  out +=
    '\nThe suggestion starts in shadow mode. Propose it with PUT /v1/agents/<id>/policy ' +
    '(the "policy" object of --json plus a "reason").\n';
  return out;
}

type ShadowOutcome = ShadowReport['outcomes'][number];

function renderShadow(r: ShadowReport): string {
  let out =
    `shadow mode for agent ${r.agent_id} (tenant ${r.tenant_id}) since ${r.from}: ${r.judged} events judged, ` +
    `${r.judged_in_shadow} under a shadow policy, ${r.would_have_denied} would have been denied\n`;
  if (r.outcomes.length > 0) {
    out += `\n${renderTable(
      [
        { header: 'WOULD DO', value: (o: ShadowOutcome) => o.shadow_action },
        { header: 'POLICY', value: (o: ShadowOutcome) => `${o.policy_id} v${o.policy_version}` },
        { header: 'EVENTS', value: (o: ShadowOutcome) => String(o.events) },
        { header: 'SESSIONS', value: (o: ShadowOutcome) => String(o.sessions) },
        { header: 'REASONS', value: (o: ShadowOutcome) => o.reasons.join(', ') },
      ],
      r.outcomes,
    )}`;
  }
  return out;
}

function oneId(positionals: string[], what: string): string {
  const [id, ...rest] = positionals;
  if (id === undefined || rest.length > 0) throw new CliError(`name exactly one ${what}`, EXIT.usage);
  return id;
}

function parseDays(raw: string | undefined): number {
  const days = raw === undefined ? 7 : Number(raw);
  if (!Number.isInteger(days) || days < 1 || days > 366) {
    throw new CliError('--days must be a whole number of days from 1 to 366', EXIT.usage);
  }
  return days;
}

interface ProposeFlags {
  file?: string | undefined;
  'from-suggestion'?: boolean | undefined;
  reason?: string | undefined;
  days?: string | undefined;
}

/**
 * The body of `PUT /v1/agents/:id/policy`: a JSON file (schemas/json/policy-proposal.schema.json)
 * or the least-privilege suggestion from the agent's recent traffic, which starts in shadow mode.
 * `--reason` overrides the file's; the API validates the rest and names any bad field.
 */
async function proposalBody(ctx: CliContext, agent: string, flags: ProposeFlags): Promise<Record<string, unknown>> {
  const fromSuggestion = flags['from-suggestion'] === true;
  if ((flags.file === undefined) === !fromSuggestion) {
    throw new CliError('propose needs exactly one of --file <policy.json> or --from-suggestion', EXIT.usage);
  }
  let body: Record<string, unknown>;
  if (flags.file !== undefined) {
    let text: string;
    try {
      text = readFileSync(flags.file, 'utf8');
    } catch (err) {
      throw new CliError(
        `cannot read ${flags.file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`,
        EXIT.usage,
      );
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (err) {
      throw new CliError(`${flags.file} is not JSON: ${(err as Error).message}`, EXIT.usage);
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new CliError(`${flags.file} must hold one JSON object (the proposed scope)`, EXIT.usage);
    }
    body = parsed as Record<string, unknown>;
  } else {
    const days = parseDays(flags.days);
    const path = `/v1/agents/${encodeURIComponent(agent)}/policy/suggested?days=${days}`;
    const suggestion = await ctx.client.request<SuggestedScope>('GET', path);
    body = {
      ...suggestion.policy,
      reason: `least-privilege scope from ${suggestion.events} events seen ${suggestion.since} to ${suggestion.until}`,
    };
  }
  if (flags.reason !== undefined) body.reason = flags.reason;
  if (typeof body.reason !== 'string' || body.reason.trim() === '') {
    throw new CliError(
      'a proposal needs a reason: pass --reason <text> (it is recorded in the audit trail)',
      EXIT.usage,
    );
  }
  return body;
}

function renderProposal(r: ProposalResult): string {
  const c = r.change;
  if (r.status === 'pending') {
    return (
      `change ${c.change_id}: version ${c.version} of agent ${c.agent_id} awaits approval (four-eyes)
` +
      (r.next
        ? `  next: ${r.next}
`
        : '')
    );
  }
  const p = r.published?.[0];
  return (
    `applied version ${c.version} of agent ${c.agent_id} (change ${c.change_id}, no review required)
` +
    (p
      ? `  control record ${p.key} on ${p.topic} (partition ${p.partition}, offset ${p.offset ?? '?'})
`
      : '')
  );
}

/** `warden policy show|suggest|propose|shadow|pending`: an agent's policy and history, a least-privilege suggestion, a proposal, pending changes. */
export async function policyCommand(args: string[], ctx: CliContext = processContext()): Promise<number> {
  return runCommand(ctx, POLICY_USAGE, async () => {
    const [sub, ...rest] = args;
    const { values, positionals } = parseArgs({
      args: rest,
      options: {
        json: { type: 'boolean', default: false },
        days: { type: 'string' },
        since: { type: 'string' },
        file: { type: 'string' },
        'from-suggestion': { type: 'boolean', default: false },
        reason: { type: 'string' },
      },
      allowPositionals: true,
    });
    const print = <T>(result: T, render: (r: T) => string) =>
      ctx.out(values.json ? `${JSON.stringify(result, null, 2)}\n` : render(result));
    if (sub === 'show') {
      const agent = oneId(positionals, 'agent');
      print(
        await ctx.client.request<AgentPolicyView>('GET', `/v1/agents/${encodeURIComponent(agent)}/policy`),
        renderView,
      );
      return EXIT.ok;
    }
    if (sub === 'suggest') {
      const agent = oneId(positionals, 'agent');
      const days = parseDays(values.days);
      const path = `/v1/agents/${encodeURIComponent(agent)}/policy/suggested?days=${days}`;
      print(await ctx.client.request<SuggestedScope>('GET', path), renderSuggestion);
      return EXIT.ok;
    }
    if (sub === 'propose') {
      const agent = oneId(positionals, 'agent');
      const body = await proposalBody(ctx, agent, values);
      let result: ProposalResult;
      try {
        result = await ctx.client.request<ProposalResult>(
          'PUT',
          `/v1/agents/${encodeURIComponent(agent)}/policy`,
          body,
        );
      } catch (err) {
        // The client maps 409 to a server problem; a change already waiting is not one.
        if (err instanceof CliError && err.message.startsWith('POLICY_CHANGE_PENDING')) {
          throw new CliError(
            `${err.message.replace(/\. The API or its backing store.*$/, '')}. ` +
              'Approve or reject it first: warden policy pending, then warden approve <change-id> [--reject --reason <text>]',
            EXIT.failed,
          );
        }
        throw err;
      }
      print(result, renderProposal);
      return EXIT.ok;
    }
    if (sub === 'shadow') {
      const agent = oneId(positionals, 'agent');
      const since = values.since ?? '7d';
      const path = `/v1/agents/${encodeURIComponent(agent)}/policy/shadow?since=${encodeURIComponent(since)}`;
      print(await ctx.client.request<ShadowReport>('GET', path), renderShadow);
      return EXIT.ok;
    }
    if (sub === 'pending') {
      if (positionals.length > 0) throw new CliError('pending takes no arguments', EXIT.usage);
      const res = await ctx.client.request<{ changes: PolicyVersion[] }>('GET', '/v1/change-requests?status=pending');
      print(res, (r) => (r.changes.length === 0 ? 'no pending policy changes\n' : renderVersions(r.changes)));
      return EXIT.ok;
    }
    throw new CliError(`unknown policy subcommand ${JSON.stringify(sub ?? '')}`, EXIT.usage);
  });
}

/** `warden approve <change-id>`: approves (second person, role approver) or, with --reject, rejects a policy change. */
export async function approveCommand(args: string[], ctx: CliContext = processContext()): Promise<number> {
  return runCommand(ctx, APPROVE_USAGE, async () => {
    const { values, positionals } = parseArgs({
      args,
      options: {
        reject: { type: 'boolean', default: false },
        reason: { type: 'string' },
        comment: { type: 'string' },
        json: { type: 'boolean', default: false },
      },
      allowPositionals: true,
    });
    const id = oneId(positionals, 'change request id (warden policy pending lists them)');
    if (values.reject && !values.reason?.trim()) {
      throw new CliError('--reject needs --reason (it is recorded in the audit trail)', EXIT.usage);
    }
    if (!values.reject && values.reason !== undefined) {
      throw new CliError('--reason goes with --reject; an approval takes --comment', EXIT.usage);
    }
    const path = `/v1/change-requests/${encodeURIComponent(id)}/${values.reject ? 'reject' : 'approve'}`;
    const body = values.reject ? { reason: values.reason } : values.comment ? { comment: values.comment } : {};
    let result: DecisionResult;
    try {
      result = await ctx.client.request<DecisionResult>('POST', path, body);
    } catch (err) {
      // The client maps 409 to a server problem; a decided change is not one.
      if (err instanceof CliError && err.message.startsWith('POLICY_CHANGE_DECIDED')) {
        throw new CliError(err.message.replace(/\. The API or its backing store.*$/, ''), EXIT.failed);
      }
      throw err;
    }
    if (values.json) {
      ctx.out(`${JSON.stringify(result, null, 2)}\n`);
      return EXIT.ok;
    }
    const c = result.change;
    if (result.status === 'rejected') {
      ctx.out(`rejected change ${c.change_id}: version ${c.version} of agent ${c.agent_id} is not applied\n`);
    } else {
      const p = result.published?.[0];
      ctx.out(
        `approved change ${c.change_id}: version ${c.version} of agent ${c.agent_id} applied ` +
          `(proposed by ${c.proposed_by}, approved by ${c.decided_by ?? '?'})\n` +
          (p ? `  control record ${p.key} on ${p.topic} (partition ${p.partition}, offset ${p.offset ?? '?'})\n` : ''),
      );
    }
    return EXIT.ok;
  });
}
