/**
 * kafkajs vs @confluentinc/kafka-javascript (librdkafka) through the kafkajs-shaped API warden codes against.
 *
 * Per client, each on fresh 6-partition topics: produce throughput (acks=all, idempotent), consume throughput
 * (a new consumer group, eachBatch) and end-to-end latency at a fixed offered rate. Results: docs/kafka-client.md.
 *
 *   npx tsx bench/kafka-client.bench.ts [--messages=50000] [--sizes=1024,4096] [--rate=1000]
 *     [--latency-seconds=10] [--clients=kafkajs,confluent] [--brokers=127.0.0.1:19092] [--json]
 *
 * Each flag also reads KAFKA_BENCH_<FLAG> (e.g. KAFKA_BENCH_MESSAGES). The Confluent client is optional: it is
 * not in package.json (it needs system libraries and a compile), so it is loaded by dynamic import and skipped
 * with a message when absent. Only loopback brokers are accepted.
 */
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { Kafka, logLevel, Partitioners } from 'kafkajs';
import { formatMachine, machineInfo } from './lib/machine.ts';
import { type LatencySummary, summariseLatencies } from './lib/percentile.ts';
import { formatTable } from './lib/table.ts';

const CONFLUENT_PACKAGE: string = '@confluentinc/kafka-javascript';
const PARTITIONS = 6;
const KEYS = Array.from({ length: 64 }, (_, i) => `agent-${i}`);
const LATENCY_MESSAGE_BYTES = 1024;
const CONSUMER_BATCH_SIZE = 1000;

// ---- options -------------------------------------------------------------------------------------------------

interface Options {
  messages: number;
  sizes: number[];
  rate: number;
  latencySeconds: number;
  clients: string[];
  brokers: string[];
  json: boolean;
  keepTopics: boolean;
}

function readOptions(): Options {
  const { values } = parseArgs({
    options: {
      messages: { type: 'string' },
      sizes: { type: 'string' },
      rate: { type: 'string' },
      'latency-seconds': { type: 'string' },
      clients: { type: 'string' },
      brokers: { type: 'string' },
      json: { type: 'boolean' },
      'keep-topics': { type: 'boolean' },
    },
  });
  const get = (flag: keyof typeof values, fallback: string): string => {
    const v = values[flag];
    const env = process.env[`KAFKA_BENCH_${flag.toUpperCase().replaceAll('-', '_')}`];
    return typeof v === 'string' ? v : (env ?? fallback);
  };
  const errors: string[] = [];
  const positiveInt = (flag: keyof typeof values, fallback: string, max: number): number => {
    const n = Number(get(flag, fallback));
    if (!Number.isInteger(n) || n <= 0 || n > max) errors.push(`--${flag} must be an integer in 1..${max}`);
    return n;
  };
  const options: Options = {
    messages: positiveInt('messages', '50000', 10_000_000),
    sizes: get('sizes', '1024,4096').split(',').map(Number),
    rate: positiveInt('rate', '1000', 100_000),
    latencySeconds: positiveInt('latency-seconds', '10', 600),
    clients: get('clients', 'kafkajs,confluent').split(','),
    brokers: get('brokers', '127.0.0.1:19092').split(','),
    json: values.json === true || process.env.KAFKA_BENCH_JSON === '1',
    keepTopics: values['keep-topics'] === true,
  };
  if (options.sizes.some((s) => !Number.isInteger(s) || s < 16 || s > 900_000)) {
    errors.push('--sizes must be integers in 16..900000');
  }
  if (options.clients.some((c) => c !== 'kafkajs' && c !== 'confluent')) errors.push('--clients: kafkajs,confluent');
  if (options.brokers.some((b) => !/^(127\.0\.0\.1|localhost|\[::1\]):\d+$/.test(b))) {
    errors.push('--brokers must be loopback addresses (host:port): this bench never leaves the machine');
  }
  if (errors.length > 0) throw new Error(`invalid options:\n  ${errors.join('\n  ')}`);
  return options;
}

// ---- the two clients behind one small shape -------------------------------------------------------------------

interface BenchMessage {
  key: string;
  value: Buffer;
}
/** The part of a kafkajs-shaped producer the bench uses; both libraries satisfy it. */
interface LibProducer {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  sendBatch(batch: { topicMessages: { topic: string; messages: BenchMessage[] }[] }): Promise<unknown>;
}
interface LibConsumer {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  subscribe(s: { topics: string[]; fromBeginning?: boolean }): Promise<void>;
  run(c: { eachBatch: (p: { batch: { messages: { value: Buffer | null }[] } }) => Promise<void> }): Promise<void>;
}
interface ClientUnderTest {
  name: string;
  version: string;
  /** How the throughput phase drives this client: messages per sendBatch call and calls kept in flight. */
  messagesPerCall: number;
  callsInFlight: number;
  /**
   * Latency phase: sends kept in flight. Messages that come due while the window is full wait in the bench and go
   * out together in the next call (an application-side batcher); their wait counts toward the latency.
   */
  latencyCallsInFlight: number;
  throughputProducer(): LibProducer;
  latencyProducer(): LibProducer;
  consumer(groupId: string): LibConsumer;
  /** kafkajs takes fromBeginning per subscribe; the Confluent client only per consumer (it rejects it here). */
  subscribeFromBeginning: boolean;
}

function kafkajsClient(brokers: string[]): ClientUnderTest {
  const kafka = new Kafka({ clientId: 'bench-kafkajs', brokers, logLevel: logLevel.ERROR });
  const producer = () =>
    kafka.producer({ idempotent: true, createPartitioner: Partitioners.DefaultPartitioner, maxInFlightRequests: 5 });
  return {
    name: 'kafkajs',
    version: createRequire(import.meta.url)('kafkajs/package.json').version,
    messagesPerCall: 1000,
    // An idempotent kafkajs producer holds a lock per broker for each produce request (eosManager.acquireBrokerLock),
    // so concurrent calls would only queue inside kafkajs.
    callsInFlight: 1,
    latencyCallsInFlight: 1,
    // kafkajs has no linger: every send() call is its own request, so one producer config serves both phases.
    throughputProducer: producer,
    latencyProducer: producer,
    consumer: (groupId) => kafka.consumer({ groupId }),
    subscribeFromBeginning: true,
  };
}

interface ConfluentKafkaJS {
  Kafka: new (
    config: Record<string, unknown>,
  ) => {
    producer(config: Record<string, unknown>): LibProducer;
    consumer(config: Record<string, unknown>): LibConsumer;
  };
}

async function confluentClient(brokers: string[]): Promise<ClientUnderTest | string> {
  let mod: { KafkaJS: ConfluentKafkaJS; librdkafkaVersion: string };
  try {
    const imported = (await import(CONFLUENT_PACKAGE)) as { default?: unknown };
    mod = (imported.default ?? imported) as typeof mod;
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'ERR_MODULE_NOT_FOUND') {
      return `${CONFLUENT_PACKAGE} is not installed; see docs/kafka-client.md for the install steps`;
    }
    return `${CONFLUENT_PACKAGE} failed to load: ${e.message}`;
  }
  const kafka = new mod.KafkaJS.Kafka({ kafkaJS: { clientId: 'bench-confluent', brokers, logLevel: 1 } });
  const producer = (lingerMs: number) => () =>
    kafka.producer({ 'linger.ms': lingerMs, kafkaJS: { acks: -1, idempotent: true } });
  return {
    name: 'confluent',
    version: `${createRequire(import.meta.url)(`${CONFLUENT_PACKAGE}/package.json`).version} (librdkafka ${mod.librdkafkaVersion})`,
    // librdkafka batches internally; sendBatch only enqueues, so keep many small calls in flight.
    messagesPerCall: 100,
    callsInFlight: 200,
    latencyCallsInFlight: 1000,
    throughputProducer: producer(5),
    latencyProducer: producer(0),
    consumer: (groupId) =>
      kafka.consumer({
        'js.consumer.max.batch.size': CONSUMER_BATCH_SIZE,
        kafkaJS: { groupId, fromBeginning: true },
      }),
    subscribeFromBeginning: false,
  };
}

// ---- phases ---------------------------------------------------------------------------------------------------

interface Result {
  client: string;
  phase: string;
  messages: number;
  seconds: number;
  msgsPerSec: number;
  mbPerSec: number;
  latency?: LatencySummary;
  note?: string;
}

const log = (msg: string) => process.stderr.write(`${msg}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor(done: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(10);
  }
}

function rate(client: string, phase: string, messages: number, bytes: number, ms: number): Result {
  const seconds = ms / 1000;
  return { client, phase, messages, seconds, msgsPerSec: messages / seconds, mbPerSec: bytes / 1e6 / seconds };
}

async function produceThroughput(c: ClientUnderTest, topic: string, count: number, size: number): Promise<Result> {
  const producer = c.throughputProducer();
  await producer.connect();
  const payload = randomBytes(size);
  const inFlight = new Set<Promise<unknown>>();
  const started = performance.now();
  try {
    for (let sent = 0; sent < count; ) {
      const n = Math.min(c.messagesPerCall, count - sent);
      const messages = Array.from({ length: n }, (_, i) => ({ key: KEYS[(sent + i) % KEYS.length]!, value: payload }));
      const p = producer.sendBatch({ topicMessages: [{ topic, messages }] });
      inFlight.add(p);
      void p.finally(() => inFlight.delete(p)).catch(() => {}); // the rejection is surfaced by the awaits below
      sent += n;
      if (inFlight.size >= c.callsInFlight) await Promise.race(inFlight);
    }
    await Promise.all(inFlight);
  } finally {
    await producer.disconnect();
  }
  return rate(c.name, `produce ${size} B`, count, count * size, performance.now() - started);
}

async function consumeThroughput(c: ClientUnderTest, topic: string, count: number, size: number): Promise<Result> {
  const consumer = c.consumer(`bench-${topic}`);
  await consumer.connect();
  await consumer.subscribe(c.subscribeFromBeginning ? { topics: [topic], fromBeginning: true } : { topics: [topic] });
  let received = 0;
  let bytes = 0;
  let first = 0;
  let last = 0;
  const runStarted = performance.now();
  try {
    await consumer.run({
      eachBatch: async ({ batch }) => {
        if (first === 0) first = performance.now();
        for (const m of batch.messages) bytes += m.value?.length ?? 0;
        received += batch.messages.length;
        last = performance.now();
      },
    });
    await waitFor(() => received >= count, 120_000, `${count} messages on ${topic}`);
  } finally {
    await consumer.disconnect();
  }
  const result = rate(c.name, `consume ${size} B`, received, bytes, last - first);
  result.note = `group join + first fetch ${((first - runStarted) / 1000).toFixed(1)} s, not in the rate`;
  return result;
}

/** Offers `rate` msg/s for `seconds`, stamping performance.now() into each value; the consumer computes now - ts. */
async function endToEndLatency(c: ClientUnderTest, topic: string, rateMsgs: number, seconds: number): Promise<Result> {
  const WARMUP = 0;
  const MEASURED = 1;
  const consumer = c.consumer(`bench-${topic}`);
  const producer = c.latencyProducer();
  const total = rateMsgs * seconds;
  const latencies = new Float64Array(total);
  let measured = 0;
  let warmupSeen = false;
  let sendErrors = 0;
  let maxCoalesced = 0;
  const inFlight = new Set<Promise<unknown>>();
  const sent: Promise<unknown>[] = [];
  const message = (phase: number, i: number): BenchMessage => {
    const value = Buffer.alloc(LATENCY_MESSAGE_BYTES);
    value.writeUInt8(phase, 0);
    value.writeDoubleBE(performance.now(), 1);
    return { key: KEYS[i % KEYS.length]!, value };
  };
  const send = (messages: BenchMessage[]) => {
    const p: Promise<void> = producer.sendBatch({ topicMessages: [{ topic, messages }] }).then(
      () => {
        inFlight.delete(p);
      },
      () => {
        inFlight.delete(p);
        sendErrors += messages.length;
      },
    );
    inFlight.add(p);
    sent.push(p);
  };

  await Promise.all([consumer.connect(), producer.connect()]);
  await consumer.subscribe(c.subscribeFromBeginning ? { topics: [topic], fromBeginning: true } : { topics: [topic] });
  let sentCount = 0;
  let elapsedMs = 0;
  try {
    await consumer.run({
      eachBatch: async ({ batch }) => {
        const now = performance.now();
        for (const m of batch.messages) {
          if (!m.value) continue;
          if (m.value.readUInt8(0) === WARMUP) warmupSeen = true;
          else if (measured < total) latencies[measured++] = now - m.value.readDoubleBE(1);
        }
      },
    });
    // Warm up until the group has joined and a round trip works, so joining is not counted as latency.
    for (let i = 0; !warmupSeen; i++) {
      if (i >= 300) throw new Error(`no warm-up message came back on ${topic} within 30 s`);
      send([message(WARMUP, i)]);
      await sleep(100);
    }
    const started = performance.now();
    let pending: BenchMessage[] = [];
    while (sentCount < total || pending.length > 0) {
      const due = Math.min(total, Math.floor(((performance.now() - started) / 1000) * rateMsgs));
      for (; sentCount < due; sentCount++) pending.push(message(MEASURED, sentCount));
      if (pending.length > 0 && inFlight.size < c.latencyCallsInFlight) {
        maxCoalesced = Math.max(maxCoalesced, pending.length);
        send(pending);
        pending = [];
      }
      await sleep(1);
    }
    elapsedMs = performance.now() - started;
    await Promise.all(sent);
    await waitFor(() => measured >= total - sendErrors, 30_000, `the last latency messages on ${topic}`);
  } finally {
    await Promise.allSettled([consumer.disconnect(), producer.disconnect()]);
  }
  const result = rate(c.name, `latency @${rateMsgs}/s`, measured, measured * LATENCY_MESSAGE_BYTES, elapsedMs);
  result.latency = summariseLatencies(latencies.subarray(0, measured));
  result.note =
    `offered ${(sentCount / (elapsedMs / 1000)).toFixed(0)} msg/s, ${sent.length} send calls, ` +
    `max ${maxCoalesced} msgs per call${sendErrors ? `, ${sendErrors} send errors` : ''}`;
  return result;
}

// ---- main -----------------------------------------------------------------------------------------------------

async function benchClient(c: ClientUnderTest, o: Options, admin: ReturnType<Kafka['admin']>): Promise<Result[]> {
  const runId = Date.now().toString(36);
  const topicFor = (what: string) => `bench.kafka-client.${c.name}.${what}.${runId}`;
  const topics = [...o.sizes.map((s) => topicFor(`${s}b`)), topicFor('latency')];
  await admin.createTopics({
    topics: topics.map((topic) => ({ topic, numPartitions: PARTITIONS, replicationFactor: 1 })),
    waitForLeaders: true,
  });
  const results: Result[] = [];
  try {
    for (const size of o.sizes) {
      log(`${c.name}: produce ${o.messages} x ${size} B`);
      results.push(await produceThroughput(c, topicFor(`${size}b`), o.messages, size));
    }
    for (const size of o.sizes) {
      log(`${c.name}: consume ${o.messages} x ${size} B`);
      results.push(await consumeThroughput(c, topicFor(`${size}b`), o.messages, size));
    }
    log(`${c.name}: latency at ${o.rate} msg/s for ${o.latencySeconds} s`);
    results.push(await endToEndLatency(c, topicFor('latency'), o.rate, o.latencySeconds));
  } finally {
    if (!o.keepTopics) {
      await admin.deleteTopics({ topics }).catch((err: Error) => log(`could not delete topics: ${err.message}`));
    }
  }
  return results;
}

function printTable(name: string, version: string, results: Result[]): void {
  const f = (n: number | undefined, digits = 1) => (n === undefined || Number.isNaN(n) ? '' : n.toFixed(digits));
  const rows = results.map((r) => [
    r.phase,
    String(r.messages),
    f(r.seconds, 2),
    f(r.msgsPerSec, 0),
    f(r.mbPerSec),
    f(r.latency?.p50Ms, 2),
    f(r.latency?.p99Ms, 2),
    f(r.latency?.maxMs, 2),
    r.note ?? '',
  ]);
  console.log(`\n${name} ${version}`);
  console.log(formatTable(['phase', 'msgs', 's', 'msgs/s', 'MB/s', 'p50 ms', 'p99 ms', 'max ms', 'note'], rows));
}

async function main(): Promise<void> {
  const o = readOptions();
  const machine = machineInfo();
  const admin = new Kafka({ clientId: 'bench-admin', brokers: o.brokers, logLevel: logLevel.ERROR }).admin();
  await admin.connect();
  const report: { client: string; version: string; skipped?: string; results: Result[] }[] = [];
  try {
    for (const name of o.clients) {
      const c = name === 'kafkajs' ? kafkajsClient(o.brokers) : await confluentClient(o.brokers);
      if (typeof c === 'string') {
        log(`skipping ${name}: ${c}`);
        report.push({ client: name, version: '', skipped: c, results: [] });
        continue;
      }
      report.push({ client: c.name, version: c.version, results: await benchClient(c, o, admin) });
    }
  } finally {
    await admin.disconnect();
  }
  if (o.json) {
    console.log(JSON.stringify({ machine, options: o, clients: report }, null, 2));
    return;
  }
  console.log(formatMachine(machine));
  console.log(
    `options: ${o.messages} msgs per size, sizes ${o.sizes.join(',')} B, ${PARTITIONS} partitions, acks=all, ` +
      `idempotent, latency ${o.rate} msg/s x ${o.latencySeconds} s; MB = 10^6 bytes of message values`,
  );
  for (const r of report) {
    if (r.skipped) console.log(`\n${r.client}: skipped (${r.skipped})`);
    else printTable(r.client, r.version, r.results);
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
