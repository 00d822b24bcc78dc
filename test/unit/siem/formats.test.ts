import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { siemSampleCommand } from '../../../cli/commands/siem-sample.ts';
import { ApiClient, clientSettings, EXIT } from '../../../cli/lib/api-client.ts';
import type { CliContext } from '../../../cli/lib/io.ts';
import { buildDetectorChain } from '../../../detectors/index.ts';
import type { AgentEvent, Finding } from '../../../schemas/generated/index.ts';
import {
  frameOctetCounting,
  type OcsfRecord,
  recordId,
  severityOf,
  toCef,
  toHecEvent,
  toOcsf,
  toSyslog,
} from '../../../services/siem/formats/index.ts';
import type { ProductMeta, SiemRecord } from '../../../services/siem/record.ts';
import {
  buildSamples as buildWith,
  SAMPLE_CLEAR_VALUES,
  SAMPLE_KINDS,
  SAMPLE_TIME_MS,
  sampleEvent,
} from '../../../services/siem/sample.ts';

// One chain for the file: building it compiles every pattern, which is most of a sample's cost.
const CHAIN = buildDetectorChain();
const buildSamples = (event?: AgentEvent) => buildWith(event ?? sampleEvent(), CHAIN);

const META: ProductMeta = { vendor: 'warden', product: 'warden', version: '0.1.0' };
const SYSLOG = { hostname: 'siem-1.example.net', appName: 'warden-siem', procId: '4242' };

/** Splits on a separator not preceded by an odd number of backslashes, and unescapes `\x` to `x`. */
function splitEscaped(text: string, sep: string): string[] {
  const parts: string[] = [];
  let cur = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === '\\' && i + 1 < text.length) {
      cur += ch + text[i + 1];
      i++;
    } else if (ch === sep) {
      parts.push(cur);
      cur = '';
    } else cur += ch;
  }
  parts.push(cur);
  return parts;
}

/** A CEF reader written from the spec, independent of the writer: header fields and extension map. */
function parseCef(line: string): { header: string[]; ext: Map<string, string> } {
  const fields = splitEscaped(line, '|');
  const header = fields.slice(0, 7).map((f) => f.replace(/\\(.)/g, '$1'));
  const extText = fields.slice(7).join('|');
  const ext = new Map<string, string>();
  // A key starts after a space (or at the start) and ends at the first unescaped `=`.
  const keyAt = /(?:^| )([A-Za-z0-9_]+)=/g;
  const starts: { key: string; valueStart: number; keyStart: number }[] = [];
  for (let m = keyAt.exec(extText); m !== null; m = keyAt.exec(extText)) {
    let backslashes = 0;
    for (let j = m.index + m[0].length - 2; j >= 0 && extText[j] === '\\'; j--) backslashes++;
    if (backslashes % 2 === 1) continue;
    starts.push({ key: m[1]!, keyStart: m.index, valueStart: m.index + m[0].length });
  }
  starts.forEach((s, i) => {
    const raw = extText.slice(s.valueStart, starts[i + 1]?.keyStart ?? extText.length);
    ext.set(
      s.key,
      raw.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c === 'r' ? '\r' : c)),
    );
  });
  return { header, ext };
}

/** Structured data of an RFC 5424 message: SD-ID and params (repeatable), unescaped. */
function parseSd(message: string): { id: string; params: [string, string][] } {
  const open = message.indexOf('[');
  const params: [string, string][] = [];
  let i = message.indexOf(' ', open);
  const id = message.slice(open + 1, i);
  while (message[i] === ' ') {
    const eq = message.indexOf('=', i);
    const name = message.slice(i + 1, eq);
    let j = eq + 2;
    let value = '';
    while (message[j] !== '"') {
      if (message[j] === '\\') j++;
      value += message[j];
      j++;
    }
    params.push([name, value]);
    i = j + 1;
  }
  expect(message[i]).toBe(']');
  return { id, params };
}

function finding(over: Partial<Finding> = {}): SiemRecord {
  const base = buildSamples().records.finding;
  if (base.kind !== 'finding') throw new Error('sample finding');
  return { kind: 'finding', finding: { ...base.finding, ...over } };
}

function everyFormat(r: SiemRecord): string[] {
  return [
    JSON.stringify(toOcsf(r, META)),
    toCef(r, META),
    JSON.stringify(toHecEvent(r, META, { host: 'h' })),
    toSyslog(r, META, { ...SYSLOG, body: 'ocsf' }),
    toSyslog(r, META, { ...SYSLOG, body: 'cef' }),
  ];
}

describe('CEF', () => {
  it('escapes pipe and backslash in header fields and keeps the seven header fields apart', () => {
    const meta = { vendor: 'Acme|Corp', product: 'war\\den', version: '1|2' };
    const line = toCef(finding(), meta);
    expect(line.startsWith('CEF:0|Acme\\|Corp|war\\\\den|1\\|2|pii.payment_card|')).toBe(true);
    const { header } = parseCef(line);
    expect(header.slice(0, 4)).toEqual(['CEF:0', 'Acme|Corp', 'war\\den', '1|2']);
    expect(header[6]).toBe('8');
  });

  it('escapes backslash, equals and line breaks in extension values so they read back unchanged', () => {
    const evidence = 'a=b \\ c\nd\r\ne | f';
    const line = toCef(finding({ evidence, session_id: 's=1' }), META);
    expect(line).not.toMatch(/[\r\n]/);
    expect(line).toContain('cs4=a\\=b \\\\ c\\nd\\ne | f');
    const { ext } = parseCef(line);
    expect(ext.get('cs4Label')).toBe('maskedEvidence');
    expect(ext.get('cs4')).toBe('a=b \\ c\nd\ne | f');
    expect(ext.get('cs2')).toBe('s=1');
    expect(ext.get('externalId')).toBe(recordId(finding()));
  });

  it('replaces line breaks in the name header field, which CEF headers cannot carry', () => {
    const r = finding({ agent_id: 'bot\nnext' });
    const { header } = parseCef(toCef(r, META));
    expect(header[5]).toBe('pii.payment_card detected in content.text of agent bot next');
  });

  it('cuts a name longer than 512 characters without splitting a surrogate pair', () => {
    const { header } = parseCef(toCef(finding({ agent_id: '🚀'.repeat(600) }), META));
    const name = header[5]!;
    expect([...name]).toHaveLength(512);
    expect(name.endsWith('🚀…')).toBe(true);
    expect(Buffer.from(name, 'utf8').toString('utf8')).toBe(name);
  });

  it('maps warden severity to CEF 0-10', () => {
    const got = (['info', 'low', 'medium', 'high', 'critical'] as const).map(
      (severity) => parseCef(toCef(finding({ severity }), META)).header[6],
    );
    expect(got).toEqual(['1', '3', '5', '8', '10']);
  });

  it('gives every record kind a header and the standard keys rt, externalId, cat and cs1 tenant', () => {
    for (const kind of SAMPLE_KINDS) {
      const r = buildSamples().records[kind];
      const { header, ext } = parseCef(toCef(r, META));
      expect(header).toHaveLength(7);
      expect(ext.get('rt')).toMatch(/^\d{13}$/);
      expect(ext.get('externalId')).toBe(recordId(r));
      expect(ext.get('cs1Label')).toBe('tenant');
      expect(ext.get('cs1')).toBe('acme');
      expect(ext.get('cat')).toBe(header[4]!.split('.')[0]);
    }
  });
});

describe('syslog RFC 5424', () => {
  it('writes PRI from facility and severity, VERSION 1, an RFC 3339 ms timestamp and the record kind as MSGID', () => {
    const msg = toSyslog(finding({ severity: 'high' }), META, { ...SYSLOG, body: 'cef', facility: 16 });
    const [pri, ts, host, app, proc, msgid] = msg.split(' ');
    expect(pri).toBe(`<${16 * 8 + 3}>1`);
    expect(ts).toBe(new Date(SAMPLE_TIME_MS).toISOString());
    expect(ts).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect([host, app, proc, msgid]).toEqual(['siem-1.example.net', 'warden-siem', '4242', 'finding']);
  });

  it('maps severities to syslog Critical 2, Error 3, Warning 4, Notice 5, Informational 6 under facility 13 by default', () => {
    const pris = (['critical', 'high', 'medium', 'low', 'info'] as const).map((severity) =>
      toSyslog(finding({ severity }), META, { ...SYSLOG, body: 'ocsf' }).slice(0, 6),
    );
    expect(pris).toEqual(['<106>1', '<107>1', '<108>1', '<109>1', '<110>1']);
  });

  it('rejects a facility outside 0-23', () => {
    expect(() => toSyslog(finding(), META, { ...SYSLOG, body: 'ocsf', facility: 24 })).toThrow(/facility/);
    expect(() => toSyslog(finding(), META, { ...SYSLOG, body: 'ocsf', facility: -1 })).toThrow(/facility/);
  });

  it('escapes quote, backslash and closing bracket in SD-PARAM values (RFC 5424 §6.3.3)', () => {
    const tenant = 'ten"ant]\\x';
    const msg = toSyslog(finding({ tenant_id: tenant }), META, { ...SYSLOG, body: 'cef' });
    expect(msg).toContain('tenant="ten\\"ant\\]\\\\x"');
    const sd = parseSd(msg);
    expect(sd.id).toBe('warden@32473');
    expect(sd.params).toEqual([
      ['tenant', tenant],
      ['agent', 'support-bot'],
      ['type', 'pii.payment_card'],
      ['severity', 'high'],
      ['id', recordId(finding())],
    ]);
  });

  it('repeats the type parameter for each reason of a verdict', () => {
    const v = buildSamples().records.verdict;
    const sd = parseSd(toSyslog(v, META, { ...SYSLOG, body: 'ocsf' }));
    expect(sd.params.filter(([k]) => k === 'type').map(([, val]) => val)).toEqual(['pii.email', 'pii.payment_card']);
  });

  it('turns header fields that are not printable ASCII into _ and empty ones into the NILVALUE', () => {
    const msg = toSyslog(finding(), META, { hostname: 'my host', appName: 'wärden', procId: '', body: 'cef' });
    expect(msg.split(' ').slice(2, 5)).toEqual(['my_host', 'w_rden', '-']);
  });

  it('starts MSG with the UTF-8 BOM followed by the chosen body', () => {
    const r = finding();
    const cef = toSyslog(r, META, { ...SYSLOG, body: 'cef' });
    expect(cef.endsWith(`] \uFEFF${toCef(r, META)}`)).toBe(true);
    const ocsf = toSyslog(r, META, { ...SYSLOG, body: 'ocsf' });
    const body = ocsf.slice(ocsf.indexOf('\uFEFF') + 1);
    expect(JSON.parse(body)).toEqual(toOcsf(r, META));
    expect(Buffer.from(ocsf, 'utf8').includes(Buffer.from([0xef, 0xbb, 0xbf]))).toBe(true);
  });

  it('rejects an SD-ID that is not an SD-NAME', () => {
    expect(() => toSyslog(finding(), META, { ...SYSLOG, body: 'cef', sdId: 'warden 1' })).toThrow(/SD-NAME/);
  });
});

describe('RFC 6587 octet counting', () => {
  it('counts UTF-8 bytes, not characters, including multi-byte text and the BOM', () => {
    const message = '<13>1 - - - - - - \uFEFFgrüße 日本 🚀';
    const framed = frameOctetCounting(message);
    const bytes = Buffer.byteLength(message, 'utf8');
    expect(bytes).toBeGreaterThan(message.length);
    expect(framed.subarray(0, `${bytes} `.length).toString('ascii')).toBe(`${bytes} `);
    expect(framed.subarray(`${bytes} `.length).toString('utf8')).toBe(message);
    expect(framed.length).toBe(`${bytes} `.length + bytes);
  });

  it('frames a real syslog message so a reader can split a stream of several', () => {
    const msgs = SAMPLE_KINDS.map((k) => toSyslog(buildSamples().records[k], META, { ...SYSLOG, body: 'ocsf' }));
    const stream = Buffer.concat(msgs.map(frameOctetCounting));
    const read: string[] = [];
    let at = 0;
    while (at < stream.length) {
      const sp = stream.indexOf(0x20, at);
      const len = Number(stream.subarray(at, sp).toString('ascii'));
      read.push(stream.subarray(sp + 1, sp + 1 + len).toString('utf8'));
      at = sp + 1 + len;
    }
    expect(read).toEqual(msgs);
  });
});

describe('OCSF', () => {
  it('sets type_uid = class_uid * 100 + activity_id and the severity_id of each kind', () => {
    const got = SAMPLE_KINDS.map((k) => {
      const o: OcsfRecord = toOcsf(buildSamples().records[k], META);
      expect(o.type_uid).toBe(o.class_uid * 100 + o.activity_id);
      expect(o.metadata.version).toBe('1.5.0');
      return [k, o.class_uid, o.activity_id, o.severity_id];
    });
    expect(got).toEqual([
      ['finding', 2004, 1, 4],
      ['verdict', 2004, 1, 2],
      ['incident_opened', 2005, 1, 4],
      ['clock_warning', 2005, 2, 4],
      ['audit_checkpoint', 1008, 99, 1],
    ]);
  });

  it('maps warden severity info..critical to severity_id 1..5 and the score to confidence_score', () => {
    const ids = (['info', 'low', 'medium', 'high', 'critical'] as const).map(
      (severity) => toOcsf(finding({ severity }), META).severity_id,
    );
    expect(ids).toEqual([1, 2, 3, 4, 5]);
    expect(toOcsf(finding({ score: 0.456 }), META).confidence_score).toBe(46);
  });

  it('lists the AI agent, its session and the tool or destination a finding names as resources', () => {
    const r = finding({
      type: 'policy.destination_not_allowed',
      attributes: { tool: 'http.get', destination: 'evil.example' },
    });
    expect(toOcsf(r, META).resources).toEqual([
      { type: 'AI Agent', uid: 'support-bot', name: 'support-bot' },
      { type: 'AI Agent Session', uid: 'sess-7f3a' },
      { type: 'Tool', name: 'http.get' },
      { type: 'Destination', name: 'evil.example' },
    ]);
  });

  it('never forwards the verdict redacted text or arguments', () => {
    const v = buildSamples().records.verdict;
    if (v.kind !== 'verdict') throw new Error('verdict');
    const withText = {
      ...v,
      verdict: { ...v.verdict, redacted_text: 'REDACTED-BODY-MARKER', redacted_arguments: 'ARGS-MARKER' },
    };
    for (const out of everyFormat(withText)) {
      expect(out).not.toContain('REDACTED-BODY-MARKER');
      expect(out).not.toContain('ARGS-MARKER');
    }
  });

  it('grades a shadow verdict by the action the shadow policy would have taken', () => {
    const v = buildSamples().records.verdict;
    if (v.kind !== 'verdict') throw new Error('verdict');
    expect(severityOf({ ...v, verdict: { ...v.verdict, action: 'allow', shadow_action: 'block' } })).toBe('high');
    expect(severityOf({ ...v, verdict: { ...v.verdict, action: 'allow', shadow_action: null } })).toBe('info');
  });
});

describe('HEC', () => {
  it('carries epoch seconds with the milliseconds as fraction, and index only when given', () => {
    const e = toHecEvent(finding(), META, { host: 'h1', sourcetype: 'st', source: 'src' });
    expect(e.time).toBe(SAMPLE_TIME_MS / 1000);
    expect(String(e.time)).toMatch(/\.123$/);
    expect(e).not.toHaveProperty('index');
    expect([e.host, e.source, e.sourcetype]).toEqual(['h1', 'src', 'st']);
    expect(e.event).toEqual(toOcsf(finding(), META));
    expect(toHecEvent(finding(), META, { host: 'h', index: 'security' }).index).toBe('security');
  });
});

describe('masked evidence only', () => {
  it('keeps the clear email, card number and secret of the source event out of every format and kind', () => {
    const awsKey = 'AKIAIOSFODNN7EXAMPLE';
    const secretValue = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
    const text = `Email jane.doe@example.com, card 4111 1111 1111 1111, aws_access_key_id=${awsKey} aws_secret_access_key=${secretValue}`;
    const set = buildSamples(sampleEvent(text));
    const types = set.findings.map((f) => f.type);
    expect(types).toEqual(expect.arrayContaining(['pii.email', 'pii.payment_card']));
    expect(types.some((t) => t.startsWith('secret.'))).toBe(true);
    const clear = [...SAMPLE_CLEAR_VALUES, '4111111111111111', 'jane.doe', awsKey, secretValue];
    // Every finding of the event, not only the headline one the sample picks.
    const records: SiemRecord[] = [
      ...set.findings.map((f): SiemRecord => ({ kind: 'finding', finding: f })),
      ...SAMPLE_KINDS.map((k) => set.records[k]),
    ];
    for (const r of records) {
      for (const out of everyFormat(r)) {
        for (const value of clear) expect(out).not.toContain(value);
        // JSON escapes / in the secret as-is; check the escaped form too.
        expect(out).not.toContain(JSON.stringify(secretValue).slice(1, -1));
      }
    }
    // The masked forms do reach the SIEM: the analyst sees what was found.
    const cardFinding = set.findings.find((f) => f.type === 'pii.payment_card');
    expect(cardFinding && toCef({ kind: 'finding', finding: cardFinding }, META)).toContain('cs4=****1111');
  });
});

describe('records that cannot be mapped', () => {
  it('throw SIEM_RECORD_UNMAPPABLE naming the field, in every format, instead of mapping half a record', () => {
    const s = buildSamples().records;
    if (s.incident_opened.kind !== 'incident_opened' || s.verdict.kind !== 'verdict') throw new Error('samples');
    const bad: [SiemRecord, RegExp][] = [
      [{ ...s.incident_opened, incident: { ...s.incident_opened.incident, opened_at: 'yesterday' } }, /opened_at/],
      [{ ...s.incident_opened, incident: { ...s.incident_opened.incident, detected_at: '' } }, /detected_at/],
      [finding({ ts: Number.NaN }), /ts is not a time/],
      [finding({ severity: 'severe' as Finding['severity'] }), /severity "severe"/],
      [{ ...s.verdict, verdict: { ...s.verdict.verdict, action: 'explode' as 'block' } }, /action "explode"/],
    ];
    for (const [r, message] of bad) {
      for (const format of [
        () => toOcsf(r, META),
        () => toCef(r, META),
        () => toHecEvent(r, META, { host: 'h' }),
        () => toSyslog(r, META, { ...SYSLOG, body: 'cef' }),
      ]) {
        expect(format).toThrow(message);
        try {
          format();
        } catch (err) {
          expect((err as { code?: string }).code).toBe('SIEM_RECORD_UNMAPPABLE');
        }
      }
    }
  });
});

describe('recordId', () => {
  it('is the same for the same record on every build and redelivery, and differs per record', () => {
    const a = buildSamples();
    const b = buildSamples();
    const ids = SAMPLE_KINDS.map((k) => recordId(a.records[k]));
    expect(SAMPLE_KINDS.map((k) => recordId(b.records[k]))).toEqual(ids);
    expect(SAMPLE_KINDS.map((k) => recordId(JSON.parse(JSON.stringify(a.records[k])) as SiemRecord))).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.slice(2)).toEqual([
      'inc-2026-0042',
      'inc-2026-0042:gdpr:notification:due_soon',
      'tenant:acme/incidents:1',
    ]);
    // Formats are deterministic too: a redelivered record is byte-identical downstream.
    expect(everyFormat(b.records.finding)).toEqual(everyFormat(a.records.finding));
  });

  it('follows the event: another event id gives other finding and verdict ids', () => {
    const other = buildSamples({ ...sampleEvent(), event_id: '01KF0SAMPLE0EVENT00000000B' });
    const base = buildSamples();
    expect(recordId(other.records.finding)).not.toBe(recordId(base.records.finding));
    expect(recordId(other.records.verdict)).toBe('v-01KF0SAMPLE0EVENT00000000B');
  });

  it('tells a due-soon warning from the overdue one of the same clock', () => {
    const w = buildSamples().records.clock_warning;
    if (w.kind !== 'clock_warning') throw new Error('clock_warning');
    const overdue: SiemRecord = { ...w, warning: { ...w.warning, status: 'overdue', remaining_ms: -1 } };
    expect(recordId(overdue)).not.toBe(recordId(w));
    expect(severityOf(overdue)).toBe('critical');
  });
});

describe('warden siem sample', () => {
  async function sample(args: string[]): Promise<{ code: number; out: string; err: string }> {
    let out = '';
    let err = '';
    const ctx: CliContext = {
      out: (t) => {
        out += t;
      },
      err: (t) => {
        err += t;
      },
      client: new ApiClient(clientSettings({})),
    };
    const code = await siemSampleCommand(args, ctx);
    return { code, out, err };
  }

  it('prints each format exactly as the formats write it, for every kind', async () => {
    const meta = {
      vendor: 'warden',
      product: 'warden',
      version: (await import('../../../package.json')).default.version,
    };
    const records = buildSamples().records;
    for (const kind of SAMPLE_KINDS) {
      const r = records[kind];
      const ocsf = await sample(['--format', 'ocsf', '--kind', kind]);
      expect(ocsf.code).toBe(EXIT.ok);
      expect(JSON.parse(ocsf.out)).toEqual(toOcsf(r, meta));
      expect((await sample(['--format', 'cef', '--kind', kind])).out).toBe(`${toCef(r, meta)}\n`);
      const hec = await sample(['--format', 'hec', '--kind', kind, '--hostname', 'h9']);
      expect(JSON.parse(hec.out)).toEqual(toHecEvent(r, meta, { host: 'h9' }));
      const syslog = await sample(['--format', 'syslog', '--kind', kind, '--hostname', 'h9', '--body', 'ocsf']);
      expect(syslog.out).toBe(`${toSyslog(r, meta, { hostname: 'h9', appName: 'warden', body: 'ocsf' })}\n`);
    }
  });

  it('describes the sample with --json: id, severity and the syslog octet count', async () => {
    const { code, out } = await sample(['--format', 'syslog', '--kind', 'verdict', '--json']);
    expect(code).toBe(EXIT.ok);
    const parsed = JSON.parse(out) as { record_id: string; severity: string; octet_count: number; sample: string };
    expect(parsed.record_id).toBe('v-01KF0SAMPLE0EVENT00000000A');
    expect(parsed.severity).toBe('low');
    expect(parsed.octet_count).toBe(Buffer.byteLength(parsed.sample, 'utf8'));
  });

  it('printed every sample in docs/siem.md: each marked block is the output of its command', async () => {
    const doc = readFileSync(new URL('../../../docs/siem.md', import.meta.url), 'utf8');
    const blocks = [...doc.matchAll(/<!-- sample: (.*?) -->\n```\w+\n([\s\S]*?)```/g)];
    expect(blocks.length).toBeGreaterThanOrEqual(8);
    const formats = new Set<string>();
    for (const [, args = '', body] of blocks) {
      const argv = args.split(' ');
      formats.add(argv[argv.indexOf('--format') + 1] ?? '');
      const { code, out } = await sample(argv);
      expect(code).toBe(EXIT.ok);
      // Regenerate with: npm run -s warden -- siem sample <the marker's arguments>
      expect(body, `docs/siem.md sample "${args}"`).toBe(out);
    }
    expect([...formats].sort()).toEqual(['cef', 'hec', 'ocsf', 'syslog']);
  });

  it('refuses an unknown format or kind with the usage exit code', async () => {
    const bad = await sample(['--format', 'xml']);
    expect(bad.code).toBe(EXIT.usage);
    expect(bad.err).toContain('--format must be one of ocsf, cef, hec, syslog');
    expect((await sample(['--format', 'cef', '--kind', 'event'])).code).toBe(EXIT.usage);
    expect((await sample([])).code).toBe(EXIT.usage);
  });
});
