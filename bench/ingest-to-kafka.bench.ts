/**
 * HTTP in to Kafka acks: POST /v1/events (JSON arrays) against the ingest service running as its own
 * process (`services/ingest/main.ts`) on the real local broker and registry, at a few concurrency levels.
 * Each request is answered 202 only after Kafka acknowledged its events, so the latency printed is
 * validate + Avro encode + produce with acks=all.
 *
 *   npx tsx bench/ingest-to-kafka.bench.ts [--seconds=5] [--concurrency=1,4,16,64] [--batch=50] [--content-bytes=512]
 *
 * Needs the stack (`npm run stack -- up`). Writes to its own topic prefix (bench.ingest.<id>.) and deletes
 * those topics at the end. Only loopback addresses are used; every level stops after --seconds.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { setTimeout as delay } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { createKafka } from '../services/lib/kafka/client.ts';
import { topicName } from '../services/lib/kafka/topics.ts';
import { createLogger } from '../services/lib/logger.ts';
import { loadProvisionConfig } from '../services/provision/config.ts';
import { provision } from '../services/provision/provision.ts';
import { freePort } from '../test/helpers/free-port.ts';
import { formatMachine, machineInfo } from './lib/machine.ts';
import { summariseLatencies } from './lib/percentile.ts';
import { formatTable } from './lib/table.ts';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '5' },
    concurrency: { type: 'string', default: '1,4,16,64' },
    batch: { type: 'string', default: '50' },
    'content-bytes': { type: 'string', default: '512' },
  },
});
const seconds = Number(values.seconds);
const levels = values.concurrency.split(',').map(Number);
const batch = Number(values.batch);
const contentBytes = Number(values['content-bytes']);
if (
  !(seconds > 0 && seconds <= 120) ||
  levels.some((c) => !Number.isInteger(c) || c < 1 || c > 512) ||
  !(Number.isInteger(batch) && batch >= 1 && batch <= 5000) ||
  !(Number.isInteger(contentBytes) && contentBytes >= 0 && contentBytes <= 65536)
) {
  console.error('--seconds in (0,120], --concurrency integers 1..512, --batch 1..5000, --content-bytes 0..65536');
  process.exit(64);
}

const KEY = 'warden-dev-key';
const log = createLogger('bench', { level: 'warn' });
const prefix = `bench.ingest.${Date.now().toString(36)}.${randomBytes(2).toString('hex')}.`;
const env = { ...process.env, KAFKA_TOPIC_PREFIX: prefix, LOG_LEVEL: 'warn', WARDEN_ENV: 'local', INGEST_API_KEYS: '' };

function requestBody(seq: number): string {
  const text = 'x'.repeat(contentBytes);
  const events = Array.from({ length: batch }, (_, i) => ({
    ts: Date.now(),
    tenant_id: 'acme',
    agent_id: `agent-${(seq + i) % 64}`,
    session_id: `sess-${seq % 1000}`,
    kind: 'model_request',
    model: { system: 'openai', name: 'gpt-4o' },
    content: { text },
    usage: { input_tokens: 100, output_tokens: 20, cost_usd: 0.001 },
  }));
  return JSON.stringify(events);
}

async function startService(port: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'services/ingest/main.ts'], {
    env: { ...env, INGEST_PORT: String(port), INGEST_HOST: '127.0.0.1' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`ingest exited with ${child.exitCode}`);
    const status = await fetch(`http://127.0.0.1:${port}/readyz`).then(
      (r) => r.status,
      () => 0,
    );
    if (status === 200) return child;
    await delay(200);
  }
  child.kill('SIGTERM');
  throw new Error('ingest did not become ready within 60 s');
}

interface LevelResult {
  concurrency: number;
  requests: number;
  events: number;
  bytes: number;
  errors: number;
  elapsedS: number;
  latenciesMs: number[];
}

async function runLevel(url: string, concurrency: number): Promise<LevelResult> {
  const bodies = Array.from({ length: 16 }, (_, i) => requestBody(i));
  const latenciesMs: number[] = [];
  let requests = 0;
  let events = 0;
  let bytes = 0;
  let errors = 0;
  const started = performance.now();
  const endAt = started + seconds * 1000;
  const worker = async (w: number) => {
    let seq = w;
    while (performance.now() < endAt) {
      const body = bodies[seq++ % bodies.length]!;
      const t0 = performance.now();
      const res = await fetch(`${url}/v1/events`, {
        method: 'POST',
        headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
        body,
      });
      await res.arrayBuffer();
      latenciesMs.push(performance.now() - t0);
      requests++;
      if (res.status === 202) {
        events += batch;
        bytes += Buffer.byteLength(body);
      } else {
        errors++;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, (_, w) => worker(w)));
  return { concurrency, requests, events, bytes, errors, elapsedS: (performance.now() - started) / 1000, latenciesMs };
}

async function main(): Promise<void> {
  const machine = machineInfo();
  const provisionConfig = loadProvisionConfig(env);
  await provision(provisionConfig, log);
  const port = await freePort();
  const child = await startService(port);
  const url = `http://127.0.0.1:${port}`;
  const rows: string[][] = [];
  try {
    await runLevel(url, 4); // warm-up: JIT, registry schema cache, producer connections
    for (const c of levels) {
      const r = await runLevel(url, c);
      const lat = summariseLatencies(r.latenciesMs);
      rows.push([
        String(c),
        String(r.requests),
        Math.round(r.events / r.elapsedS).toLocaleString('en-US'),
        (r.bytes / r.elapsedS / 1e6).toFixed(1),
        lat.p50Ms.toFixed(1),
        lat.p99Ms.toFixed(1),
        String(r.errors),
      ]);
    }
  } finally {
    child.kill('SIGTERM');
    const admin = createKafka(provisionConfig, log, 'bench-admin').admin();
    await admin.connect();
    await admin.deleteTopics({
      topics: ['events', 'findings', 'verdicts', 'control', 'dlq'].map((k) => topicName(prefix, k as 'events')),
    });
    await admin.disconnect();
  }
  console.log(
    `ingest-to-kafka: POST /v1/events, ${batch} events per request, ${contentBytes} B content, ${seconds} s per level`,
  );
  console.log(
    'service: services/ingest/main.ts in its own process; client in this process; one local Kafka broker (acks=all)',
  );
  console.log(formatMachine(machine));
  console.log(formatTable(['concurrency', 'requests', 'events/s', 'MB/s (body)', 'p50 ms', 'p99 ms', 'errors'], rows));
}

await main();
