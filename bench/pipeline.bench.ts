/**
 * End to end on the local stack: events produced to Kafka (as an SDK or ingest would) → detect
 * (worker pool, verdicts) → sink → ClickHouse. Prints, per offered load, the verdict latency
 * (event stamped at produce → verdict received by a consumer, as the SDK receives it) and, at
 * saturation, the sustained rate from first produce to the last row stored in ClickHouse.
 *
 *   npx tsx bench/pipeline.bench.ts [--rates=1000,5000,10000] [--seconds=10] [--saturation=30000] [--json]
 *
 * detect and sink run as separate processes, like production. Everything talks to 127.0.0.1 only.
 */
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { DEFAULT_FLEET, generateFleet } from '../deploy/demo/fleet.ts';
import { loadStackConfig } from '../deploy/local/stack/config.ts';
import { serviceEnv } from '../deploy/local/stack/service-env.ts';
import { readPid } from '../deploy/local/stack/supervisor.ts';
import { createClickHouse } from '../services/lib/clickhouse/client.ts';
import { createKafka } from '../services/lib/kafka/client.ts';
import { topicName } from '../services/lib/kafka/topics.ts';
import { createLogger } from '../services/lib/logger.ts';
import { AvroCodec, createRegistryClient } from '../services/lib/serde/avro-codec.ts';
import { loadProvisionConfig } from '../services/provision/config.ts';
import { provision } from '../services/provision/provision.ts';
import { killed, startServiceProcess } from '../test/helpers/service-process.ts';
import { formatMachine, machineInfo } from './lib/machine.ts';
import { summariseLatencies } from './lib/percentile.ts';
import { cpuPerEvent, cpuSnapshot } from './lib/process-cpu.ts';

const arg = (name: string, def: string) =>
  process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? def;
const rates = arg('rates', '1000,5000,10000').split(',').map(Number);
const seconds = Number(arg('seconds', '10'));
const saturationEvents = Number(arg('saturation', '30000'));
const json = process.argv.includes('--json');

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
const log = createLogger('bench', { level: 'warn' });
const pc = loadProvisionConfig(env);
const machine = machineInfo();
await provision(pc, log);
const kafka = createKafka(pc, log, 'bench');
const codec = new AvroCodec(createRegistryClient(pc), pc.KAFKA_TOPIC_PREFIX, 'events');
const verdicts = new AvroCodec(createRegistryClient(pc), pc.KAFKA_TOPIC_PREFIX, 'verdicts');
const producer = kafka.producer({ idempotent: true, lingerMs: 1 });
await producer.connect();
const ch = createClickHouse(pc);
const services: ChildProcess[] = [
  startServiceProcess('services/detect/main.ts', env),
  startServiceProcess('services/sink/main.ts', env),
];

// Verdict receipt times, keyed by event id: the latency sample is receipt minus the event's ts.
const sentAt = new Map<string, number>();
const latencies: number[] = [];
let verdictCount = 0;
const reader = kafka.consumer({ groupId: `${id}-reader`, maxWaitTimeInMs: 10 });
await reader.connect();
await reader.subscribe({ topics: [topicName(pc.KAFKA_TOPIC_PREFIX, 'verdicts')], fromBeginning: true });
await reader.run({
  eachBatch: async ({ batch }) => {
    const now = Date.now();
    for (const m of batch.messages) {
      const v = await verdicts.decode(m.value);
      verdictCount++;
      const t = sentAt.get(v.event_id ?? '');
      if (t !== undefined) {
        latencies.push(now - t);
        sentAt.delete(v.event_id!);
      }
    }
  },
});

const fleet = generateFleet({ ...DEFAULT_FLEET, seed: 5 }, Date.now());
async function produceBatch(n: number, track: boolean) {
  const messages = [];
  const now = Date.now();
  for (let i = 0; i < n; i++) {
    const { event } = fleet.next().value!;
    event.ts = now;
    if (track) sentAt.set(event.event_id, now);
    messages.push({ key: `${event.tenant_id}:${event.agent_id}`, value: await codec.encode(event) });
  }
  await producer.send({ topic: codec.topic, messages });
}

// Warm-up: threads start, the ML model loads, consumers join.
await produceBatch(500, false);
await waitFor(async () => verdictCount >= 500, 120_000, 'warm-up verdicts');

const rows: Record<string, unknown>[] = [];
for (const rate of rates) {
  latencies.length = 0;
  const before = verdictCount;
  const tickMs = 20;
  const perTick = Math.max(1, Math.round((rate * tickMs) / 1000));
  const ticks = Math.round((seconds * 1000) / tickMs);
  const started = Date.now();
  for (let t = 0; t < ticks; t++) {
    const tickStart = Date.now();
    await produceBatch(perTick, true);
    await delay(Math.max(0, tickMs - (Date.now() - tickStart)));
  }
  const offered = perTick * ticks;
  await waitFor(async () => verdictCount - before >= offered, 120_000, `verdicts at ${rate}/s`);
  const achieved = offered / ((Date.now() - started) / 1000);
  const l = summariseLatencies(latencies);
  rows.push({ offered_per_s: rate, events: offered, achieved_per_s: Math.round(achieved), ...l });
}

// Saturation: everything at once, timed until the last row is in ClickHouse.
const stored = async () =>
  Number(
    (
      await (await ch.query({ query: 'SELECT count() AS n FROM events', format: 'JSONEachRow' })).json<{ n: number }>()
    )[0]!.n,
  );
const base = await stored();
// Who burns the CPU at saturation: every component shares these cores, so this is the budget.
const pids = {
  'kafka broker (JVM)': readPid(join(stackConfig.runDir, 'kafka.pid')),
  'schema registry (JVM)': readPid(join(stackConfig.runDir, 'registry.pid')),
  'clickhouse (chDB server)': readPid(join(stackConfig.runDir, 'clickhouse.pid')),
  'detect (main + workers)': services[0]!.pid,
  sink: services[1]!.pid,
  'load generator + verdict reader (this process)': process.pid,
};
const cpuBefore = cpuSnapshot(pids);
const satStart = Date.now();
for (let i = 0; i < saturationEvents; i += 1000) await produceBatch(Math.min(1000, saturationEvents - i), false);
const producedMs = Date.now() - satStart;
await waitFor(async () => (await stored()) - base >= saturationEvents, 300_000, 'saturation rows');
const storedMs = Date.now() - satStart;
const cpu = cpuPerEvent(cpuBefore, cpuSnapshot(pids), saturationEvents);

await reader.disconnect();
await producer.disconnect();
await Promise.all(services.map((s) => killed(s, 'SIGTERM')));
await ch.command({ query: `DROP DATABASE IF EXISTS ${id}` });
await ch.close();

const saturation = {
  events: saturationEvents,
  produce_per_s: Math.round(saturationEvents / (producedMs / 1000)),
  stored_per_s: Math.round(saturationEvents / (storedMs / 1000)),
};
if (json) {
  process.stdout.write(`${JSON.stringify({ machine, rates: rows, saturation, cpu }, null, 2)}\n`);
} else {
  console.log(formatMachine(machine));
  console.log(
    'pipeline: Kafka → detect (worker pool) → verdicts; sink → ClickHouse; one broker, chDB, all on this machine',
  );
  console.log('offered/s  events  achieved/s  verdict p50 ms  p99 ms  max ms');
  for (const r of rows) {
    console.log(
      `${String(r.offered_per_s).padStart(9)}  ${String(r.events).padStart(6)}  ${String(r.achieved_per_s).padStart(10)}  ` +
        `${(r.p50Ms as number).toFixed(1).padStart(14)}  ${(r.p99Ms as number).toFixed(1).padStart(6)}  ${(r.maxMs as number).toFixed(1).padStart(6)}`,
    );
  }
  console.log(
    `saturation: ${saturation.events} events produced at ${saturation.produce_per_s}/s, stored in ClickHouse end to end at ${saturation.stored_per_s}/s`,
  );
  const total = cpu.reduce((a, c) => a + c.microsPerEvent, 0);
  console.log(`CPU per event at saturation, by component (${(storedMs / 1000).toFixed(1)} s wall):`);
  for (const c of cpu) {
    console.log(
      `  ${c.component.padEnd(48)} ${c.cpuSeconds.toFixed(2).padStart(7)} CPU-s  ${c.microsPerEvent.toFixed(0).padStart(5)} µs/event`,
    );
  }
  console.log(
    `  ${'total'.padEnd(48)} ${' '.repeat(13)}${total.toFixed(0).padStart(5)} µs/event -> at most ${Math.round((machine.cores * 1e6) / total)} events/s on ${machine.cores} cores`,
  );
}
process.exit(0);

async function waitFor(check: () => Promise<boolean>, timeoutMs: number, what: string) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`bench: timed out waiting for ${what}`);
    await delay(50);
  }
}
