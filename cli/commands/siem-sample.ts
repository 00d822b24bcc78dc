import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { parseArgs } from 'node:util';
import {
  recordId,
  type SiemFormat,
  severityOf,
  toCef,
  toHecEvent,
  toOcsf,
  toSyslog,
} from '../../services/siem/formats/index.ts';
import type { ProductMeta, SiemRecordKind } from '../../services/siem/record.ts';
import { buildSamples, SAMPLE_KINDS } from '../../services/siem/sample.ts';
import { CliError, EXIT } from '../lib/api-client.ts';
import { type CliContext, processContext, runCommand } from '../lib/io.ts';

export const SIEM_SAMPLE_USAGE =
  'warden siem sample --format ocsf|cef|hec|syslog [--kind finding|verdict|incident_opened|clock_warning|audit_checkpoint] ' +
  '[--body cef|ocsf] [--hostname <name>] [--json]';

const FORMATS = ['ocsf', 'cef', 'hec', 'syslog'] as const;
type SampleFormat = (typeof FORMATS)[number];

function oneOf<T extends string>(value: string | undefined, allowed: readonly T[], what: string): T {
  if (value !== undefined && (allowed as readonly string[]).includes(value)) return value as T;
  throw new CliError(`${what} must be one of ${allowed.join(', ')} (got ${value ?? 'nothing'})`, EXIT.usage);
}

/** What the forwarder stamps on its records: warden's package version. */
function productMeta(): ProductMeta {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return { vendor: 'warden', product: 'warden', version: pkg.version };
}

/**
 * `warden siem sample`: one record formatted exactly as a destination receives it, built from a
 * generated event run through the real detectors (services/siem/sample.ts), with masked evidence.
 * No network: an operator checks a mapping before pointing production at a SIEM.
 */
export async function siemSampleCommand(args: string[], ctx: CliContext = processContext()): Promise<number> {
  return runCommand(ctx, SIEM_SAMPLE_USAGE, async () => {
    const { values } = parseArgs({
      args,
      options: {
        format: { type: 'string' },
        kind: { type: 'string', default: 'finding' },
        body: { type: 'string', default: 'cef' },
        hostname: { type: 'string', default: hostname() },
        json: { type: 'boolean', default: false },
      },
      allowPositionals: false,
    });
    const format = oneOf<SampleFormat>(values.format, FORMATS, '--format');
    const kind = oneOf<SiemRecordKind>(values.kind, SAMPLE_KINDS, '--kind');
    const body = oneOf<SiemFormat>(values.body, ['cef', 'ocsf'], '--body');
    const meta = productMeta();
    const record = buildSamples().records[kind];
    const host = values.hostname;

    let sample: unknown;
    let text: string;
    switch (format) {
      case 'ocsf':
        sample = toOcsf(record, meta);
        text = JSON.stringify(sample, null, 2);
        break;
      case 'hec':
        sample = toHecEvent(record, meta, { host });
        text = JSON.stringify(sample, null, 2);
        break;
      case 'cef':
        sample = toCef(record, meta);
        text = sample as string;
        break;
      case 'syslog':
        // The message as written to the TLS stream, minus the octet count that frames it.
        sample = toSyslog(record, meta, { hostname: host, appName: 'warden', body });
        text = sample as string;
        break;
    }
    if (values.json) {
      const out: Record<string, unknown> = { format, kind, record_id: recordId(record), severity: severityOf(record) };
      if (format === 'syslog') {
        out.body = body;
        // MSG-LEN of RFC 6587 octet counting: UTF-8 bytes, BOM included.
        out.octet_count = Buffer.byteLength(text, 'utf8');
      }
      out.sample = sample;
      ctx.out(`${JSON.stringify(out, null, 2)}\n`);
    } else {
      ctx.out(`${text}\n`);
    }
    return EXIT.ok;
  });
}
