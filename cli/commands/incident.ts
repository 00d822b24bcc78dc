import { parseArgs } from 'node:util';
import type { NotificationDraft } from '../../services/api/notification-draft.ts';
import type { Clock } from '../../services/api/regulatory-clocks.ts';
import type { IncidentView } from '../../services/api/routes/incidents.ts';
import { CliError, EXIT } from '../lib/api-client.ts';
import { type CliContext, processContext, runCommand } from '../lib/io.ts';
import { list, renderTable } from '../lib/table.ts';

export const INCIDENT_USAGE = [
  'warden incident list [--overdue] [--json]',
  '       warden incident show <id> [--json]',
  '       warden incident open --title <t> [--finding <id>]... [--agent <id>]... [--detected-at <iso>] [--gdpr] [--nis2] [--dora] [--json]',
  '       warden incident classify <id> [--gdpr] [--nis2] [--dora] [--json]',
  '       warden incident notified <id> --regime gdpr|nis2|dora --stage <stage> [--sent-at <iso>] [--reference <r>] [--json]',
  '       warden incident draft <id> --regime gdpr|nis2|dora [--stage <stage>] [--json]',
].join('\n');

export interface IncidentList {
  tenant_id: string;
  generated_at: string;
  count: number;
  overdue: number;
  incidents: IncidentView[];
}

const regimesOf = (i: IncidentView) =>
  [i.gdpr_personal_data_breach && 'GDPR', i.nis2_significant && 'NIS2', i.dora_major_ict && 'DORA'].filter(
    (x): x is string => typeof x === 'string',
  );

/** The clock that falls due first among those not met. */
function nextClock(clocks: readonly Clock[]): Clock | undefined {
  return clocks.filter((c) => c.status !== 'met').sort((a, b) => a.deadline_ms - b.deadline_ms)[0];
}

export function formatRemaining(ms: number): string {
  const sign = ms < 0 ? '-' : '';
  const abs = Math.abs(ms);
  const d = Math.floor(abs / 86_400_000);
  const h = Math.floor((abs % 86_400_000) / 3_600_000);
  const m = Math.floor((abs % 3_600_000) / 60_000);
  return d > 0 ? `${sign}${d}d${h}h` : `${sign}${h}h${String(m).padStart(2, '0')}m`;
}

const LIST_COLUMNS = [
  { header: 'INCIDENT', value: (i: IncidentView) => i.incident_id },
  { header: 'DETECTED', value: (i: IncidentView) => `${i.detected_at.slice(0, 16)}Z` },
  { header: 'REGIMES', value: (i: IncidentView) => list(regimesOf(i)) },
  { header: 'AGENTS', value: (i: IncidentView) => list(i.agent_ids, 2) },
  { header: 'FINDINGS', value: (i: IncidentView) => String(i.finding_ids.length), align: 'right' as const },
  {
    header: 'NEXT DEADLINE',
    value: (i: IncidentView) => {
      const c = nextClock(i.clocks);
      return c ? `${c.regime} ${c.stage} ${c.deadline.slice(0, 16)}Z (${c.status})` : '-';
    },
  },
  { header: 'TITLE', value: (i: IncidentView) => i.title },
];

const CLOCK_COLUMNS = [
  { header: 'REGIME', value: (c: Clock) => c.regime.toUpperCase() },
  { header: 'STAGE', value: (c: Clock) => c.stage },
  { header: 'DEADLINE', value: (c: Clock) => `${c.deadline.slice(0, 19)}Z${c.provisional ? ' (provisional)' : ''}` },
  {
    header: 'REMAINING',
    value: (c: Clock) => (c.status === 'met' ? '-' : formatRemaining(c.remaining_ms)),
    align: 'right' as const,
  },
  {
    header: 'STATUS',
    value: (c: Clock) => (c.status === 'overdue' || c.status === 'due_soon' ? c.status.toUpperCase() : c.status),
  },
  { header: 'SENT', value: (c: Clock) => (c.notified_at ? `${c.notified_at.slice(0, 19)}Z` : '-') },
  { header: 'BASIS', value: (c: Clock) => c.basis },
];

export function renderIncidentList(r: IncidentList): string {
  const summary = `${r.count} incidents in tenant ${r.tenant_id}, ${r.overdue} with an overdue notification\n`;
  return r.incidents.length === 0 ? summary : `${summary}\n${renderTable(LIST_COLUMNS, r.incidents)}`;
}

export function renderIncident(i: IncidentView): string {
  const lines = [
    `incident ${i.incident_id}: ${i.title}`,
    `  detected   ${i.detected_at}`,
    `  opened     ${i.opened_at} by ${i.opened_by}`,
    `  regimes    ${regimesOf(i).join(', ') || 'not classified'}`,
    `  agents     ${i.agent_ids.join(', ') || '-'}`,
    `  findings   ${i.finding_ids.length}`,
    `  overdue    ${i.overdue ? 'YES' : 'no'}`,
  ];
  const clocks =
    i.clocks.length === 0 ? 'no regulatory clocks running (not classified)\n' : renderTable(CLOCK_COLUMNS, i.clocks);
  return `${lines.join('\n')}\n\n${clocks}`;
}

function needId(positionals: string[], sub: string): string {
  const id = positionals[1];
  if (id === undefined || positionals.length > 2)
    throw new CliError(`incident ${sub} takes one incident id`, EXIT.usage);
  return encodeURIComponent(id);
}

/** `warden incident …`: incidents with their regulatory clocks (docs/incidents.md). */
export async function incidentCommand(args: string[], ctx: CliContext = processContext()): Promise<number> {
  return runCommand(ctx, INCIDENT_USAGE, async () => {
    const { values, positionals } = parseArgs({
      args,
      options: {
        json: { type: 'boolean', default: false },
        overdue: { type: 'boolean', default: false },
        title: { type: 'string' },
        description: { type: 'string' },
        finding: { type: 'string', multiple: true },
        agent: { type: 'string', multiple: true },
        'detected-at': { type: 'string' },
        gdpr: { type: 'boolean' },
        nis2: { type: 'boolean' },
        dora: { type: 'boolean' },
        regime: { type: 'string' },
        stage: { type: 'string' },
        'sent-at': { type: 'string' },
        reference: { type: 'string' },
      },
      allowPositionals: true,
    });
    const out = <T>(result: T, human: (r: T) => string) => {
      ctx.out(values.json ? `${JSON.stringify(result, null, 2)}\n` : human(result));
      return EXIT.ok;
    };
    const flags = () => ({
      ...(values.gdpr ? { gdpr_personal_data_breach: true } : {}),
      ...(values.nis2 ? { nis2_significant: true } : {}),
      ...(values.dora ? { dora_major_ict: true } : {}),
    });
    const sub = positionals[0];
    switch (sub) {
      case 'list': {
        const qs = values.overdue ? '?overdue=true' : '';
        return out(await ctx.client.request<IncidentList>('GET', `/v1/incidents${qs}`), renderIncidentList);
      }
      case 'show': {
        const id = needId(positionals, sub);
        return out(await ctx.client.request<IncidentView>('GET', `/v1/incidents/${id}`), renderIncident);
      }
      case 'open': {
        if (!values.title) throw new CliError('incident open needs --title', EXIT.usage);
        const body = {
          title: values.title,
          ...(values.description ? { description: values.description } : {}),
          ...(values['detected-at'] ? { detected_at: values['detected-at'] } : {}),
          ...(values.finding ? { finding_ids: [...new Set(values.finding)] } : {}),
          ...(values.agent ? { agent_ids: [...new Set(values.agent)] } : {}),
          ...flags(),
        };
        return out(await ctx.client.request<IncidentView>('POST', '/v1/incidents', body), renderIncident);
      }
      case 'classify': {
        const id = needId(positionals, sub);
        const body = flags();
        if (Object.keys(body).length === 0)
          throw new CliError('incident classify needs --gdpr, --nis2 or --dora', EXIT.usage);
        return out(
          await ctx.client.request<IncidentView>('POST', `/v1/incidents/${id}/classify`, body),
          renderIncident,
        );
      }
      case 'notified': {
        const id = needId(positionals, sub);
        if (!values.regime || !values.stage)
          throw new CliError('incident notified needs --regime and --stage', EXIT.usage);
        const body = {
          regime: values.regime,
          stage: values.stage,
          ...(values['sent-at'] ? { sent_at: values['sent-at'] } : {}),
          ...(values.reference ? { reference: values.reference } : {}),
        };
        return out(
          await ctx.client.request<IncidentView>('POST', `/v1/incidents/${id}/notifications`, body),
          renderIncident,
        );
      }
      case 'draft': {
        const id = needId(positionals, sub);
        if (!values.regime) throw new CliError('incident draft needs --regime gdpr|nis2|dora', EXIT.usage);
        const query = new URLSearchParams({ regime: values.regime });
        if (values.stage) query.set('stage', values.stage);
        const draft = await ctx.client.request<NotificationDraft>('GET', `/v1/incidents/${id}/draft?${query}`);
        return out(draft, (d) => d.markdown);
      }
      default:
        throw new CliError(
          sub === undefined ? 'incident needs a subcommand' : `unknown incident subcommand ${JSON.stringify(sub)}`,
          EXIT.usage,
        );
    }
  });
}
