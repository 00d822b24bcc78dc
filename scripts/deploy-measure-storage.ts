/**
 * Bytes per row on disk and per record on Kafka, for the sizing model in docs/operations.md.
 *
 *   npx tsx scripts/deploy-measure-storage.ts [--events N] [--json]     (needs ClickHouse: npm run stack -- up)
 *
 * Generates the demo fleet's traffic (deploy/demo/fleet.ts: 2 tenants, 24 agents, PII in 8 % of model
 * requests, injections in 5 % of tool results), runs detect's own detector chain and policy decision
 * on it, turns events, findings and verdicts into the sink's rows (services/sink/rows.ts) and inserts
 * them into a throw-away database migrated by the real migrations. After merging, system.parts gives
 * compressed bytes per row of every table (the materialized views' rollups included). Avro sizes are
 * the contracts' binary encodings (schemas/avro), i.e. a Kafka record's value before compression.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Type } from '@sinclair/typebox';
import avro from 'avsc';
import { DEFAULT_FLEET, generateFleet } from '../deploy/demo/fleet.ts';
import { buildDetectorChain } from '../detectors/index.ts';
import { BUILTIN_POLICY } from '../detectors/policy/builtin-policy.ts';
import { decide } from '../detectors/policy/index.ts';
import type { AgentEvent } from '../schemas/generated/index.ts';
import { runDetectors } from '../services/detect/detector-runner.ts';
import { buildVerdict } from '../services/detect/verdict.ts';
import { createClickHouse } from '../services/lib/clickhouse/client.ts';
import { migrate } from '../services/lib/clickhouse/migrate.ts';
import { ConnectionEnv } from '../services/lib/connections.ts';
import { readEnv } from '../services/lib/env-config.ts';
import { createLogger } from '../services/lib/logger.ts';
import { eventRow, findingRow, verdictRow } from '../services/sink/rows.ts';

const { values } = parseArgs({
  options: {
    events: { type: 'string', default: '100000' },
    // Pad every content text to this many characters with slices of the repository's own docs (real
    // prose, so it compresses like text does): the demo fleet's prompts are ~100 characters, the
    // detect bench's realistic mix 2.6 KiB.
    'content-chars': { type: 'string', default: '0' },
    json: { type: 'boolean', default: false },
  },
});
const total = Number(values.events);
const contentChars = Number(values['content-chars']);
const prose = readdirSync(join(import.meta.dirname, '../docs'))
  .filter((f) => f.endsWith('.md'))
  .map((f) => readFileSync(join(import.meta.dirname, '../docs', f), 'utf8'))
  .join('\n');
let seed = 7;
const nextRandom = () => {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  return seed / 2147483648;
};
function padded(e: AgentEvent): AgentEvent {
  if (contentChars === 0 || !e.content?.text) return e;
  const missing = contentChars - e.content.text.length;
  if (missing <= 0) return e;
  const start = Math.floor(nextRandom() * (prose.length - missing));
  const text = `${e.content.text}\n${prose.slice(start, start + missing)}`;
  return { ...e, content: { ...e.content, text, length: Buffer.byteLength(text) } };
}
const env = readEnv(Type.Object({ ...ConnectionEnv }));
const database = `measure_storage_${Date.now().toString(36)}`;
const conn = { ...env, CLICKHOUSE_DATABASE: database };
const log = createLogger('measure-storage', { level: 'warn' });

const avroType = (file: string) =>
  avro.Type.forSchema(JSON.parse(readFileSync(join(import.meta.dirname, '../schemas/avro', file), 'utf8')));
const types = {
  event: avroType('agent-event.avsc'),
  finding: avroType('finding.avsc'),
  verdict: avroType('verdict.avsc'),
};
const avroBytes = { event: 0, finding: 0, verdict: 0 };
const counts = { event: 0, finding: 0, verdict: 0 };

await migrate(conn, log);
const ch = createClickHouse(conn);
try {
  const chain = buildDetectorChain({ disabled: [], chatGuardAgents: [] });
  const fleet = generateFleet(DEFAULT_FLEET, Date.now() - 86_400_000);
  const ctx = { partition: 0, offset: '0', retentionDays: 90 };
  let done = 0;
  while (done < total) {
    const events: AgentEvent[] = [];
    for (let i = 0; i < 10_000 && done + i < total; i++) events.push(padded(fleet.next().value!.event));
    const { detections } = runDetectors(chain, events);
    const rows = { events: [] as unknown[], findings: [] as unknown[], verdicts: [] as unknown[] };
    events.forEach((e, i) => {
      const d = detections[i]!;
      const verdict = buildVerdict(e, decide(d.findings, BUILTIN_POLICY, { failed: d.failed }), d, e.ts + 20);
      rows.events.push(eventRow(e, { ...ctx, offset: String(done + i) }));
      rows.verdicts.push(verdictRow(verdict, ctx));
      avroBytes.event += types.event.toBuffer(e).length;
      avroBytes.verdict += types.verdict.toBuffer(verdict).length;
      for (const f of d.findings) {
        rows.findings.push(findingRow(f, ctx));
        avroBytes.finding += types.finding.toBuffer(f).length;
      }
    });
    counts.event += rows.events.length;
    counts.finding += rows.findings.length;
    counts.verdict += rows.verdicts.length;
    for (const [table, values] of Object.entries(rows)) {
      if (values.length > 0) await ch.insert({ table, values, format: 'JSONEachRow' });
    }
    done += events.length;
  }
  const tables = ['events', 'findings', 'verdicts', 'agent_activity_daily', 'agent_finding_types'];
  for (const t of tables) await ch.command({ query: `OPTIMIZE TABLE ${t} FINAL` });
  const parts = await (
    await ch.query({
      query: `SELECT table, sum(rows) AS rows, sum(data_compressed_bytes) AS compressed,
                     sum(data_uncompressed_bytes) AS uncompressed
              FROM system.parts WHERE database = {db:String} AND active AND table IN {tables:Array(String)}
              GROUP BY table ORDER BY table`,
      query_params: { db: database, tables },
      format: 'JSONEachRow',
    })
  ).json<{ table: string; rows: number; compressed: number; uncompressed: number }>();
  const perEvent = (n: number) => n / counts.event;
  const report = {
    events: counts.event,
    findingsPerEvent: perEvent(counts.finding),
    avroBytesPerRecord: {
      event: avroBytes.event / counts.event,
      finding: counts.finding ? avroBytes.finding / counts.finding : 0,
      verdict: avroBytes.verdict / counts.verdict,
    },
    avroBytesPerEvent: perEvent(avroBytes.event + avroBytes.finding + avroBytes.verdict),
    clickhouse: parts.map((p) => ({
      table: p.table,
      rows: Number(p.rows),
      compressedBytesPerRow: Number(p.compressed) / Number(p.rows),
      uncompressedBytesPerRow: Number(p.uncompressed) / Number(p.rows),
      compressedBytesPerEvent: Number(p.compressed) / counts.event,
    })),
    clickhouseCompressedBytesPerEvent: parts.reduce((s, p) => s + Number(p.compressed), 0) / counts.event,
  };
  if (values.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  else {
    const f = (n: number) => n.toFixed(1);
    process.stdout.write(
      `${report.events} events, ${f(report.findingsPerEvent * 100)} findings per 100 events\n` +
        `Avro value bytes: event ${f(report.avroBytesPerRecord.event)}, finding ${f(report.avroBytesPerRecord.finding)}, ` +
        `verdict ${f(report.avroBytesPerRecord.verdict)}; all records of one event ${f(report.avroBytesPerEvent)}\n\n` +
        'table                  rows   compressed B/row  uncompressed B/row  compressed B/event\n' +
        report.clickhouse
          .map(
            (p) =>
              `${p.table.padEnd(20)} ${String(p.rows).padStart(7)}  ${f(p.compressedBytesPerRow).padStart(16)}  ${f(p.uncompressedBytesPerRow).padStart(18)}  ${f(p.compressedBytesPerEvent).padStart(18)}`,
          )
          .join('\n') +
        `\n\nClickHouse compressed bytes per event, all tables: ${f(report.clickhouseCompressedBytesPerEvent)}\n`,
    );
  }
} finally {
  await ch.command({ query: `DROP DATABASE IF EXISTS ${database}` }).catch(() => undefined);
  await ch.close();
}
