import type { ProductMeta, SiemRecord } from '../record.ts';
import { tenantOf } from '../record.ts';
import { toCef } from './cef.ts';
import { agentsOf, findingTypesOf, recordId, recordTimeMs, type Severity, severityOf } from './facts.ts';
import { toOcsf } from './ocsf.ts';

/**
 * RFC 5424 messages and RFC 6587 octet-counting framing.
 *
 *   <PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID [warden@32473 tenant=".." agent=".." type=".."
 *   severity=".." id=".."] BOM body
 *
 * The SD-ID is `warden@32473`: 32473 is the IANA example Private Enterprise Number (RFC 5612),
 * reserved for documentation; an operator with their own PEN can swap it (sdId option). Values are
 * escaped per RFC 5424 §6.3.3 (`"`, `\` and `]`). `agent` and `type` repeat when a record names
 * several (an incident's agents, a verdict's reasons), as §6.3.3 allows for SD-PARAMs.
 */
export type SiemFormat = 'ocsf' | 'cef';

export const DEFAULT_SD_ID = 'warden@32473';
/** log audit (RFC 5424 table 1): what SIEM forwarders of audit/security records use by default. */
export const DEFAULT_FACILITY = 13;

/** RFC 5424 severities: 2 Critical, 3 Error, 4 Warning, 5 Notice, 6 Informational. */
export const SYSLOG_SEVERITY: Record<Severity, number> = { critical: 2, high: 3, medium: 4, low: 5, info: 6 };

export interface SyslogOptions {
  hostname: string;
  appName: string;
  body: SiemFormat;
  /** 0-23; default 13 (log audit). */
  facility?: number;
  procId?: string;
  /** SD-ID of the structured-data element, `name@PEN`; default warden@32473. */
  sdId?: string;
}

/** RFC 5424 §6.3.3: inside PARAM-VALUE, `"`, `\` and `]` are escaped with a backslash. */
export function sdEscape(value: string): string {
  return value.replaceAll('\\', '\\\\').replaceAll('"', '\\"').replaceAll(']', '\\]');
}

/**
 * Header fields are PRINTUSASCII (33-126) with a maximum length (§6.2); anything else becomes `_`
 * and an empty value the NILVALUE `-`, so a hostname with a space cannot shift every later field.
 */
export function headerField(value: string | undefined, maxLength: number): string {
  if (value === undefined || value === '') return '-';
  let out = '';
  for (const ch of value) {
    const c = ch.codePointAt(0) ?? 0;
    out += c >= 33 && c <= 126 ? ch : '_';
    if (out.length >= maxLength) break;
  }
  return out;
}

/** SD-NAME (SD-ID and PARAM-NAME): PRINTUSASCII except `=`, space, `]` and `"`, at most 32 characters. */
function assertSdName(name: string, what: string): void {
  let ok = name.length > 0 && name.length <= 32;
  for (const ch of name) {
    const c = ch.codePointAt(0) ?? 0;
    if (c < 33 || c > 126 || ch === '=' || ch === ']' || ch === '"') ok = false;
  }
  if (!ok) throw new Error(`${what} ${JSON.stringify(name)} is not a valid RFC 5424 SD-NAME`);
}

export function syslogPri(facility: number, severity: Severity): number {
  if (!Number.isInteger(facility) || facility < 0 || facility > 23) {
    throw new Error(`syslog facility must be an integer 0-23 (got ${facility})`);
  }
  return facility * 8 + SYSLOG_SEVERITY[severity];
}

/** RFC 3339 with milliseconds, always UTC (`Z`), as §6.2.3 allows. */
function timestamp(ms: number): string {
  return new Date(ms).toISOString();
}

function structuredData(r: SiemRecord, sdId: string): string {
  assertSdName(sdId, 'SD-ID');
  const params: [string, string][] = [['tenant', tenantOf(r)]];
  for (const a of agentsOf(r)) params.push(['agent', a]);
  for (const t of findingTypesOf(r)) params.push(['type', t]);
  params.push(['severity', severityOf(r)], ['id', recordId(r)]);
  return `[${sdId}${params.map(([k, v]) => ` ${k}="${sdEscape(v)}"`).join('')}]`;
}

const BOM = '\uFEFF';

/** One RFC 5424 message (no framing, no trailing newline); MSG is UTF-8 with its BOM. */
export function toSyslog(r: SiemRecord, meta: ProductMeta, o: SyslogOptions): string {
  const pri = syslogPri(o.facility ?? DEFAULT_FACILITY, severityOf(r));
  const header = [
    `<${pri}>1`,
    timestamp(recordTimeMs(r)),
    headerField(o.hostname, 255),
    headerField(o.appName, 48),
    headerField(o.procId, 128),
    headerField(r.kind, 32),
  ].join(' ');
  const body = o.body === 'cef' ? toCef(r, meta) : JSON.stringify(toOcsf(r, meta));
  return `${header} ${structuredData(r, o.sdId ?? DEFAULT_SD_ID)} ${BOM}${body}`;
}

/** RFC 6587 §3.4.1 octet counting: `MSG-LEN SP SYSLOG-MSG`, MSG-LEN in UTF-8 bytes. */
export function frameOctetCounting(message: string): Buffer {
  const body = Buffer.from(message, 'utf8');
  return Buffer.concat([Buffer.from(`${body.length} `, 'ascii'), body]);
}
