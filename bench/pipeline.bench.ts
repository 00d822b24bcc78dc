/**
 * End to end on the local stack: events produced to Kafka (as an SDK or ingest would) → detect
 * (worker pool, verdicts) → sink → ClickHouse. Per offered load it measures, in the same run, the
 * raw two-hop floor (bench/lib/raw-two-hop.ts: produce → consume → produce → consume, no detection,
 * the services' client settings) and then warden's verdict latency: event produced → verdict
 * received by the SDK's own verdict subscription (sdk/verdict-subscriber.ts). Then saturation: the
 * sustained rate from first produce until every event, verdict and finding is committed in
 * ClickHouse, the CPU each process spent per event, and a reconciliation of what was produced
 * against the rows stored (lost, duplicates).
 *
 *   npx tsx bench/pipeline.bench.ts [--rates=1000,5000,10000] [--seconds=10] [--saturation=30000] [--json]
 *     [--profile=<dir>]  (CPU profiles of detect and sink, summarised by bench/profile-summary.ts)
 *
 * detect and sink run as separate processes, like production. Everything talks to 127.0.0.1 only.
 */
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as delay } from 'node:timers/promises';
import { DEFAULT_FLEET, generateFleet } from '../deploy/demo/fleet.ts';
import { loadStackConfig } from '../deploy/local/stack/config.ts';
import { serviceEnv } from '../deploy/local/stack/service-env.ts';
import { readPid } from '../deploy/local/stack/supervisor.ts';
import { subscribeVerdicts } from '../sdk/verdict-subscriber.ts';
import { createClickHouse } from '../services/lib/clickhouse/client.ts';
import { createKafka } from '../services/lib/kafka/client.ts';
import { fetchEndOffsets, topicName } from '../services/lib/kafka/topics.ts';
import { createLogger } from '../services/lib/logger.ts';
import { AvroCodec, createRegistryClient } from '../services/lib/serde/avro-codec.ts';
import { loadProvisionConfig } from '../services/provision/config.ts';
import { provision } from '../services/provision/provision.ts';
import { killed, startServiceProcess } from '../test/helpers/service-process.ts';
import { formatMachine, machineInfo } from './lib/machine.ts';
import { summariseLatencies } from './lib/percentile.ts';
import { cpuPerEvent, cpuSnapshot } from './lib/process-cpu.ts';
import { startRawTwoHop } from './lib/raw-two-hop.ts';

const arg = (name: string, def: string) =>
  process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? def;
const rates = arg('rates', '1000,5000,10000').split(',').map(Number);
const seconds = Number(arg('seconds', '10'));
const saturationEvents = Number(arg('saturation', '30000'));
const json = process.argv.includes('--json');
// --profile=<dir>: detect and sink write V8 CPU profiles (every thread) there; see bench/profile-summary.ts.
const profileDir = arg('profile', '');
const TICK_MS = 20;

const id = `bench${Date.now().toString(36)}`;
const stackConfig = loadStackConfig();
const env: NodeJS.ProcessEnv = {
  ...process.env,
  ...serviceEnv(stackConfig),
  KAFKA_TOPIC_PREFIX: `${id}.`,
  CLICKHOUSE_DATABASE: id,
  DETECT_GROUP_ID: `${id}-detect`,
  SINK_GROUP_ID: `${id}-sink`,
  LOG_LEVEL: 'warn',
  DETECT_METRICS_PORT: '0',
  SINK_METRICS_PORT: '0',
};
const log = createLogger('bench', { level: 'error' });
const pc = loadProvisionConfig(env);
const machine = machineInfo();
await provision(pc, log);
const kafka = createKafka(pc, log, 'bench');
const registry = createRegistryClient(pc);
const codec = new AvroCodec(registry, pc.KAFKA_TOPIC_PREFIX, 'events');

// The raw floor's topics, partitioned like the events topic.
const rawTopics = { a: `${id}.raw-a`, b: `${id}.raw-b` };
{
  const admin = kafka.admin();
  await admin.connect();
  const partitions = (await fetchEndOffsets(admin, codec.topic)).length;
  await admin.createTopics({
    topics: [rawTopics.a, rawTopics.b].map((topic) => ({ topic, numPartitions: partitions, replicationFactor: 1 })),
    waitForLeaders: true,
  });
  await admin.disconnect();
}
const raw = await startRawTwoHop(kafka, rawTopics, {
  groupId: `${id}-raw-relay`,
  valueBytes: 1500,
  maxBatchEvents: 2000,
  partitionsConcurrently: 3,
});

// Events go out like an enforcement point's: idempotent, acks=all, no linger.
const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 5, lingerMs: 0 });
await producer.connect();
const ch = createClickHouse(pc);
const nodeArgs = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
const services: ChildProcess[] = [
  startServiceProcess('services/detect/main.ts', env, nodeArgs),
  startServiceProcess('services/sink/main.ts', env, nodeArgs),
];
// A bench that fails (a timeout, a crash) must not leave detect and sink running: orphans kept
// consuming on the private stack and inflated every later run on the same box.
process.on('exit', () => {
  for (const s of services) if (s.exitCode === null && s.signalCode === null) s.kill('SIGKILL');
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(130));

// Verdicts as an enforcement point receives them: the SDK's subscription.
const sentAt = new Map<string, number>();
const latencies: number[] = [];
// Event time -> the verdict's issued_at (its latency_ms, both wall clocks in detect's and this
// process's Date.now(), ms resolution): how much of the round trip is spent before detect decides.
const issuedLatencies: number[] = [];
let verdictCount = 0;
const subscription = await subscribeVerdicts({
  kafka,
  topicPrefix: pc.KAFKA_TOPIC_PREFIX,
  codec: new AvroCodec(registry, pc.KAFKA_TOPIC_PREFIX, 'verdicts'),
  log,
  accept: () => true,
  onVerdict: (v) => {
    const now = performance.now();
    verdictCount++;
    const t = sentAt.get(v.event_id ?? '');
    if (t !== undefined) {
      latencies.push(now - t);
      issuedLatencies.push(v.latency_ms);
      sentAt.delete(v.event_id!);
    }
  },
});
await subscription.ready;

const produced = new Set<string>();
const fleet = generateFleet({ ...DEFAULT_FLEET, seed: 5 }, Date.now());
async function encodeEvents(n: number) {
  const messages: { key: string; value: Buffer; eventId: string }[] = [];
  const now = Date.now();
  for (let i = 0; i < n; i++) {
    const { event } = fleet.next().value!;
    event.ts = now;
    messages.push({
      key: `${event.tenant_id}:${event.agent_id}`,
      value: await codec.encode(event),
      eventId: event.event_id,
    });
  }
  return messages;
}
async function sendEvents(messages: Awaited<ReturnType<typeof encodeEvents>>, track: boolean) {
  const now = performance.now();
  for (const m of messages) {
    produced.add(m.eventId);
    if (track) sentAt.set(m.eventId, now);
  }
  await producer.send({ topic: codec.topic, messages: messages.map(({ key, value }) => ({ key, value })) });
}

/** Offers `rate`/s in ticks for `seconds`; returns the time from the first send until `done()`. */
async function offer(rate: number, send: (n: number) => Promise<void>, done: (offered: number) => boolean) {
  const perTick = Math.max(1, Math.round((rate * TICK_MS) / 1000));
  const ticks = Math.round((seconds * 1000) / TICK_MS);
  const started = Date.now();
  for (let t = 0; t < ticks; t++) {
    const tickStart = Date.now();
    await send(perTick);
    await delay(Math.max(0, TICK_MS - (Date.now() - tickStart)));
  }
  const offered = perTick * ticks;
  await waitFor(async () => done(offered), 120_000, `receipts at ${rate}/s`);
  return { offered, achieved: offered / ((Date.now() - started) / 1000) };
}

// Warm-up: consumers join, threads start, the ML model loads.
await raw.send(200);
await waitFor(async () => raw.received() >= 200, 120_000, 'raw warm-up');
raw.drain();
await sendEvents(await encodeEvents(500), false);
await waitFor(async () => verdictCount >= 500, 120_000, 'warm-up verdicts');

const round = (x: number) => Math.round(x * 100) / 100;
const rows: Record<string, number>[] = [];
for (const rate of rates) {
  const rawBefore = raw.received();
  const r = await offer(rate, raw.send, (offered) => raw.received() - rawBefore >= offered);
  const rawLat = summariseLatencies(raw.drain());

  latencies.length = 0;
  issuedLatencies.length = 0;
  const before = verdictCount;
  const w = await offer(
    rate,
    async (n) => sendEvents(await encodeEvents(n), true),
    (offered) => verdictCount - before >= offered,
  );
  const l = summariseLatencies(latencies);
  const issued = summariseLatencies(issuedLatencies);
  rows.push({
    offered_per_s: rate,
    events: w.offered,
    achieved_per_s: Math.round(w.achieved),
    verdict_p50_ms: round(l.p50Ms),
    verdict_p99_ms: round(l.p99Ms),
    verdict_max_ms: round(l.maxMs),
    verdict_issued_p50_ms: round(issued.p50Ms),
    verdict_issued_p99_ms: round(issued.p99Ms),
    raw_two_hop_achieved_per_s: Math.round(r.achieved),
    raw_two_hop_p50_ms: round(rawLat.p50Ms),
    raw_two_hop_p99_ms: round(rawLat.p99Ms),
    p99_ratio: round(l.p99Ms / rawLat.p99Ms),
  });
}
await raw.stop();

// Saturation: everything at once (encoded beforehand: the load generator's Avro work is not warden's),
// timed until every event, verdict and finding is committed in ClickHouse.
type Counts = Record<'events' | 'event_ids' | 'verdicts' | 'verdict_events' | 'findings' | 'finding_ids', number>;
const queryRow = async <T>(query: string) => (await (await ch.query({ query, format: 'JSONEachRow' })).json<T>())[0]!;
// Polled while waiting: plain counts only, so the polling itself costs ClickHouse next to nothing.
const stored = () =>
  queryRow<{ events: number; verdicts: number }>(
    'SELECT (SELECT count() FROM events) AS events, (SELECT count() FROM verdicts) AS verdicts',
  );
// Once at the end: distinct ids, to tell duplicates from rows.
const reconcile = () =>
  queryRow<Counts>(
    `SELECT (SELECT count() FROM events) AS events, (SELECT uniqExact(event_id) FROM events) AS event_ids,
            (SELECT count() FROM verdicts) AS verdicts, (SELECT uniqExact(event_id) FROM verdicts) AS verdict_events,
            (SELECT count() FROM findings) AS findings, (SELECT uniqExact(finding_id) FROM findings) AS finding_ids`,
  );
const sinkCaughtUp = async (topic: string) => {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const ends = await fetchEndOffsets(admin, topic);
    const [group] = await admin.fetchOffsets({ groupId: `${id}-sink`, topics: [topic] });
    const committed = new Map(group!.partitions.map((p) => [p.partition, BigInt(p.offset)]));
    return ends.every((e) => BigInt(e.high) === 0n || (committed.get(e.partition) ?? -1n) >= BigInt(e.high));
  } finally {
    await admin.disconnect();
  }
};
const batches: Awaited<ReturnType<typeof encodeEvents>>[] = [];
for (let i = 0; i < saturationEvents; i += 1000) batches.push(await encodeEvents(Math.min(1000, saturationEvents - i)));
const base = produced.size;
await waitFor(async () => (await stored()).events >= base && verdictCount >= base, 120_000, 'rate rounds stored');
// Who burns the CPU at saturation: every component shares these cores, so this is the budget.
const pids = {
  'kafka broker (JVM)': readPid(join(stackConfig.runDir, 'kafka.pid')),
  'schema registry (JVM)': readPid(join(stackConfig.runDir, 'registry.pid')),
  'clickhouse (chDB server)': readPid(join(stackConfig.runDir, 'clickhouse.pid')),
  'detect (main + workers)': services[0]!.pid,
  sink: services[1]!.pid,
  'load generator + SDK verdict subscription (this process)': process.pid,
};
const cpuBefore = cpuSnapshot(pids);
const satStart = Date.now();
for (const b of batches) await sendEvents(b, false);
const producedMs = Date.now() - satStart;
const total = produced.size;
await waitFor(
  async () => {
    const c = await stored();
    return (
      c.events >= total && c.verdicts >= total && (await sinkCaughtUp(topicName(pc.KAFKA_TOPIC_PREFIX, 'findings')))
    );
  },
  300_000,
  'saturation rows',
);
const storedMs = Date.now() - satStart;
const cpu = cpuPerEvent(cpuBefore, cpuSnapshot(pids), saturationEvents);
const final = await reconcile();

await subscription.stop();
await producer.disconnect();
await Promise.all(services.map((s) => killed(s, 'SIGTERM')));
{
  const admin = kafka.admin();
  await admin.connect();
  await admin.deleteTopics({ topics: [rawTopics.a, rawTopics.b] }).catch(() => undefined);
  await admin.disconnect();
}
await ch.command({ query: `DROP DATABASE IF EXISTS ${id}` });
await ch.close();

const components = Object.fromEntries(cpu.map((c) => [c.component, Math.round(c.microsPerEvent)]));
const cpuTotal = cpu.reduce((a, c) => a + c.microsPerEvent, 0);
const generator = cpu.find((c) => c.component.startsWith('load generator'))?.microsPerEvent ?? 0;
const saturation = {
  events: saturationEvents,
  produce_per_s: Math.round(saturationEvents / (producedMs / 1000)),
  stored_per_s: Math.round(saturationEvents / (storedMs / 1000)),
  cpu_us_per_event: Math.round(cpuTotal),
  cpu_us_per_event_without_load_generator: Math.round(cpuTotal - generator),
  components,
};
const reconciliation = {
  produced: total,
  events_stored: final.event_ids,
  verdicts_stored: final.verdict_events,
  findings_stored: final.finding_ids,
};
const lost = total - final.event_ids + (total - final.verdict_events);
const duplicates =
  final.events - final.event_ids + (final.verdicts - final.verdict_events) + (final.findings - final.finding_ids);
if (json) {
  process.stdout.write(
    `${JSON.stringify({ machine, rates: rows, saturation, reconciliation, lost, duplicates }, null, 2)}\n`,
  );
} else {
  console.log(formatMachine(machine));
  console.log(
    'pipeline: Kafka → detect (worker pool) → verdicts → SDK subscription; sink → ClickHouse; one broker, chDB',
  );
  console.log(
    'offered/s  achieved/s  verdict p50 ms  p99 ms  | raw two-hop achieved/s  p50 ms  p99 ms | p99 ratio | issued p50 / p99 ms',
  );
  for (const r of rows) {
    console.log(
      `${String(r.offered_per_s).padStart(9)}  ${String(r.achieved_per_s).padStart(10)}  ${r.verdict_p50_ms!.toFixed(1).padStart(14)}  ${r.verdict_p99_ms!.toFixed(1).padStart(6)}  | ` +
        `${String(r.raw_two_hop_achieved_per_s).padStart(22)}  ${r.raw_two_hop_p50_ms!.toFixed(1).padStart(6)}  ${r.raw_two_hop_p99_ms!.toFixed(1).padStart(6)} | ${r.p99_ratio!.toFixed(1).padStart(9)} | ${r.verdict_issued_p50_ms!.toFixed(0).padStart(10)} / ${r.verdict_issued_p99_ms!.toFixed(0)}`,
    );
  }
  console.log(
    `saturation: ${saturation.events} events produced at ${saturation.produce_per_s}/s, all events, verdicts and findings committed in ClickHouse at ${saturation.stored_per_s}/s`,
  );
  console.log(`CPU per event at saturation, by component (${(storedMs / 1000).toFixed(1)} s wall):`);
  for (const c of cpu) {
    console.log(
      `  ${c.component.padEnd(58)} ${c.cpuSeconds.toFixed(2).padStart(7)} CPU-s  ${c.microsPerEvent.toFixed(0).padStart(5)} µs/event`,
    );
  }
  console.log(
    `  ${'total'.padEnd(58)} ${' '.repeat(13)}${cpuTotal.toFixed(0).padStart(5)} µs/event (${saturation.cpu_us_per_event_without_load_generator} without the load generator)`,
  );
  console.log(
    `reconciliation: produced ${total}, stored ${final.event_ids} events, ${final.verdict_events} verdicts, ${final.finding_ids} findings; lost ${lost}, duplicates ${duplicates}`,
  );
}
process.exit(0);

async function waitFor(check: () => Promise<boolean>, timeoutMs: number, what: string) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`bench: timed out waiting for ${what}`);
    await delay(100);
  }
}
