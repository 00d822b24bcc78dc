import { parseArgs } from 'node:util';
import type { SiemStatus } from '../../services/siem/metrics.ts';
import { CliError, EXIT } from '../lib/api-client.ts';
import { type CliContext, processContext, runCommand } from '../lib/io.ts';
import { renderTable } from '../lib/table.ts';

export const SIEM_STATUS_USAGE = 'warden siem status [--url http://127.0.0.1:9466] [--json]';
export const DEFAULT_SIEM_STATUS_URL = 'http://127.0.0.1:9466';

type Row = SiemStatus['destinations'][number];

const COLUMNS = [
  { header: 'DESTINATION', value: (d: Row) => d.name },
  { header: 'TYPE', value: (d: Row) => d.type },
  { header: 'DELIVERED', value: (d: Row) => String(d.delivered), align: 'right' as const },
  { header: 'RETRIED', value: (d: Row) => String(d.retried), align: 'right' as const },
  { header: 'DEAD-LETTERED', value: (d: Row) => String(d.deadLettered), align: 'right' as const },
  { header: 'LAG', value: (d: Row) => String(d.lag), align: 'right' as const },
  {
    header: 'LATENCY',
    value: (d: Row) => (d.delivered === 0 ? '-' : `${(d.meanLatencySeconds * 1000).toFixed(1)} ms`),
    align: 'right' as const,
  },
  {
    header: 'LAST ERROR',
    value: (d: Row) => (d.lastError ? `${d.lastError.code} at ${d.lastError.at.slice(0, 19)}Z` : '-'),
  },
];

/** One row per destination, then the sources (records read, dead-lettered before routing, lag). */
export function renderSiemStatus(s: SiemStatus): string {
  const sources = s.sources
    .map((x) => `${x.source}: ${x.forwarded} read, ${x.deadLettered} undecodable, lag ${x.lag}`)
    .join('\n');
  return `${renderTable(COLUMNS, s.destinations)}${sources ? `\nsources\n${sources}\n` : ''}`;
}

/**
 * `warden siem status`: per-destination delivery numbers from the forwarder's GET /status (its
 * metrics port, SIEM_METRICS_PORT). The URL comes from --url or WARDEN_SIEM_URL.
 */
export async function siemStatusCommand(
  args: string[],
  ctx: CliContext = processContext(),
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  return runCommand(ctx, SIEM_STATUS_USAGE, async () => {
    const { values } = parseArgs({
      args,
      options: { url: { type: 'string' }, json: { type: 'boolean', default: false } },
      allowPositionals: false,
    });
    const base = values.url ?? env.WARDEN_SIEM_URL ?? DEFAULT_SIEM_STATUS_URL;
    let res: Response;
    try {
      res = await fetch(new URL('/status', base), { signal: AbortSignal.timeout(5000) });
    } catch (err) {
      throw new CliError(
        `the SIEM forwarder does not answer at ${base} (${(err as Error).message}); is it running (npm start) and is SIEM_METRICS_PORT the port in --url?`,
        EXIT.failed,
      );
    }
    if (!res.ok) throw new CliError(`${base}/status answered HTTP ${res.status}`, EXIT.failed);
    const status = (await res.json()) as SiemStatus;
    ctx.out(values.json ? `${JSON.stringify(status, null, 2)}\n` : renderSiemStatus(status));
    return EXIT.ok;
  });
}
