import { parseArgs } from 'node:util';
import {
  type ProcessingActivity,
  type ProcessingRecord,
  renderProcessingRecordMarkdown,
} from '../../services/api/processing-record.ts';
import { CliError, EXIT } from '../lib/api-client.ts';
import { type CliContext, processContext, runCommand } from '../lib/io.ts';
import { list, renderTable } from '../lib/table.ts';

export const REPORT_USAGE = 'warden report processing-record [--days 30] [--markdown | --json]';

const COLUMNS = [
  { header: 'AGENT', value: (a: ProcessingActivity) => a.agent_id },
  { header: 'PURPOSE', value: (a: ProcessingActivity) => a.purposes.join('; ') },
  { header: 'PERSONAL', value: (a: ProcessingActivity) => (a.processes_personal_data ? 'yes' : 'no') },
  {
    header: 'DATA CATEGORIES',
    value: (a: ProcessingActivity) =>
      list(
        a.personal_data_categories.map((c) => c.type),
        4,
      ),
  },
  {
    header: 'RECIPIENTS',
    value: (a: ProcessingActivity) =>
      list([...a.recipients.model_providers.map((p) => p.system), ...a.recipients.tool_destinations], 4),
  },
  {
    header: 'RETENTION',
    value: (a: ProcessingActivity) => a.retention.events_days.map((d) => `${d}d`).join('/') || '-',
  },
  {
    header: 'MEASURES',
    value: (a: ProcessingActivity) =>
      list(
        a.security_measures.map((m) => m.action),
        4,
      ),
  },
];

export function renderProcessingRecord(r: ProcessingRecord): string {
  const personal = r.activities.filter((a) => a.processes_personal_data).length;
  const summary =
    `record of processing (GDPR art. 30), tenant ${r.tenant_id}, last ${r.period.days} days: ` +
    `${r.activities.length} agents, ${personal} processing personal data\n`;
  if (r.activities.length === 0) return summary;
  return `${summary}\n${renderTable(COLUMNS, r.activities)}`;
}

/** `warden report processing-record`: GET /v1/reports/processing-record, as a table, JSON or Markdown. */
export async function reportCommand(args: string[], ctx: CliContext = processContext()): Promise<number> {
  return runCommand(ctx, REPORT_USAGE, async () => {
    const { values, positionals } = parseArgs({
      args,
      options: {
        days: { type: 'string', default: '30' },
        markdown: { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
      },
      allowPositionals: true,
    });
    if (positionals.length !== 1 || positionals[0] !== 'processing-record') {
      throw new CliError('the only report is processing-record', EXIT.usage);
    }
    const days = Number(values.days);
    if (!Number.isInteger(days) || days < 1 || days > 3650) {
      throw new CliError(`--days must be an integer from 1 to 3650 (got ${values.days})`, EXIT.usage);
    }
    if (values.markdown && values.json) throw new CliError('give --markdown or --json, not both', EXIT.usage);
    const record = await ctx.client.request<ProcessingRecord>('GET', `/v1/reports/processing-record?days=${days}`);
    if (values.json) ctx.out(`${JSON.stringify(record, null, 2)}\n`);
    else if (values.markdown) ctx.out(renderProcessingRecordMarkdown(record));
    else ctx.out(renderProcessingRecord(record));
    return EXIT.ok;
  });
}
