/**
 * Load shedding at ingest: first the saturation throughput (closed loop, --concurrency clients, each
 * waiting for its answer), then an open-loop offered load of --factor × that rate for --seconds,
 * requests sent on a fixed schedule whatever the answers. Ingest must shed the excess with 429/503
 * and a Retry-After header instead of queueing it in memory: the service's RSS is sampled from
 * /proc every 100 ms and must stay under --rss-limit-mb. Prints the figures; exit code 1 when a
 * shed answer lacks Retry-After, an answer is a 5xx other than 503, RSS passed the limit, or the
 * excess over what was accepted was not shed at all (it queued inside the service instead).
 *
 *   npx tsx bench/backpressure.bench.ts [--seconds=10] [--factor=2] [--concurrency=16] [--batch=50]
 *     [--content-bytes=512] [--in-flight-mb=16] [--rss-limit-mb=400] [--max-outstanding=4000]
 *
 * Needs the stack (`npm run stack -- up`); writes to its own topic prefix and deletes it at the end.
 * A benchmark, not a test: it prints what it measured with the machine it ran on.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
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
    seconds: { type: 'string', default: '10' },
    factor: { type: 'string', default: '2' },
    concurrency: { type: 'string', default: '16' },
    batch: { type: 'string', default: '50' },
    'content-bytes': { type: 'string', default: '512' },
    'in-flight-mb': { type: 'string', default: '16' },
    'rss-limit-mb': { type: 'string', default: '400' },
    'max-outstanding': { type: 'string', default: '4000' },
  },
});
const seconds = Number(values.seconds);
const factor = Number(values.factor);
const concurrency = Number(values.concurrency);
const batch = Number(values.batch);
const contentBytes = Number(values['content-bytes']);
const inFlightMb = Number(values['in-flight-mb']);
const rssLimitMb = Number(values['rss-limit-mb']);
const maxOutstanding = Number(values['max-outstanding']);
if (
  !(seconds > 0 && seconds <= 120) ||
  !(factor >= 1 && factor <= 10) ||
  !(Number.isInteger(concurrency) && concurrency >= 1 && concurrency <= 256) ||
  !(Number.isInteger(batch) && batch >= 1 && batch <= 5000) ||
  !(contentBytes >= 0 && contentBytes <= 65536) ||
  !(inFlightMb >= 1 && rssLimitMb >= 64 && maxOutstanding >= 1)
) {
  console.error('bad arguments: see the usage at the top of bench/backpressure.bench.ts');
  process.exit(64);
}

const KEY = 'warden-dev-key';
const log = createLogger('bench', { level: 'warn' });
const prefix = `bench.backpressure.${Date.now().toString(36)}.${randomBytes(2).toString('hex')}.`;
const env = {
  ...process.env,
  KAFKA_TOPIC_PREFIX: prefix,
  LOG_LEVEL: 'warn',
  WARDEN_ENV: 'local',
  INGEST_API_KEYS: '',
  INGEST_MAX_IN_FLIGHT_BYTES: String(inFlightMb * 1024 * 1024),
};

function requestBody(seq: number): string {
  const text = 'x'.repeat(contentBytes);
  return JSON.stringify(
    Array.from({ length: batch }, (_, i) => ({
      ts: Date.now(),
      tenant_id: 'acme',
      agent_id: `agent-${(seq + i) % 64}`,
      session_id: `sess-${seq % 1000}`,
      kind: 'model_request',
      model: { system: 'openai', name: 'gpt-4o' },
      content: { text },
      usage: { input_tokens: 100, output_tokens: 20, cost_usd: 0.001 },
    })),
  );
}
const bodies = Array.from({ length: 16 }, (_, i) => requestBody(i));

async function startIngest(port: number): Promise<ChildProcess> {
  // node itself (no wrapper), so the pid is the process whose memory is measured.
  const child = spawn(process.execPath, ['--import', 'tsx', 'services/ingest/main.ts'], {
    env: { ...env, INGEST_PORT: String(port), INGEST_HOST: '127.0.0.1' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const deadline = Date.now() + 90_000;
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
  throw new Error('ingest did not become ready within 90 s');
}

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const line = status.split('\n').find((l) => l.startsWith('VmRSS:'));
  return line ? Number(line.split(/\s+/)[1]) / 1024 : Number.NaN;
}

class RssSampler {
  maxMb = 0;
  startMb: number;
  private readonly timer: NodeJS.Timeout;
  constructor(pid: number) {
    this.startMb = rssMb(pid);
    this.timer = setInterval(() => {
      this.maxMb = Math.max(this.maxMb, rssMb(pid));
    }, 100);
  }
  stop(): void {
    clearInterval(this.timer);
  }
}

interface Tally {
  sent: number;
  accepted: number;
  shed429: number;
  shed503: number;
  withoutRetryAfter: number;
  otherStatus: Record<string, number>;
  clientErrors: number;
  skipped: number;
  latenciesMs: number[];
}
const tally = (): Tally => ({
  sent: 0,
  accepted: 0,
  shed429: 0,
  shed503: 0,
  withoutRetryAfter: 0,
  otherStatus: {},
  clientErrors: 0,
  skipped: 0,
  latenciesMs: [],
});

async function post(url: string, seq: number, t: Tally): Promise<void> {
  const t0 = performance.now();
  t.sent++;
  try {
    const res = await fetch(`${url}/v1/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
      body: bodies[seq % bodies.length]!,
    });
    await res.arrayBuffer();
    t.latenciesMs.push(performance.now() - t0);
    if (res.status === 202) t.accepted++;
    else if (res.status === 429 || res.status === 503) {
      if (res.status === 429) t.shed429++;
      else t.shed503++;
      if (!res.headers.get('retry-after')) t.withoutRetryAfter++;
    } else t.otherStatus[res.status] = (t.otherStatus[res.status] ?? 0) + 1;
  } catch {
    t.clientErrors++;
  }
}

/** Closed loop: `concurrency` clients, each sending the next request once answered. */
async function saturation(url: string): Promise<{ eventsPerS: number; t: Tally }> {
  const t = tally();
  const started = performance.now();
  const endAt = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async (_, w) => {
      for (let seq = w; performance.now() < endAt; seq += concurrency) await post(url, seq, t);
    }),
  );
  return { eventsPerS: (t.accepted * batch) / ((performance.now() - started) / 1000), t };
}

/** Open loop: requests on a fixed schedule at `requestsPerS`, at most `maxOutstanding` unanswered. */
async function offered(url: string, requestsPerS: number): Promise<{ t: Tally; elapsedS: number }> {
  const t = tally();
  const pending = new Set<Promise<void>>();
  const started = performance.now();
  const total = Math.round(requestsPerS * seconds);
  for (let i = 0; i < total; i++) {
    const due = started + (i * 1000) / requestsPerS;
    const wait = due - performance.now();
    if (wait > 1) await delay(wait);
    if (pending.size >= maxOutstanding) {
      // The client's own limit, so the load generator does not become the thing that runs out of memory.
      t.skipped++;
      continue;
    }
    const p = post(url, i, t).finally(() => pending.delete(p));
    pending.add(p);
  }
  await Promise.all(pending);
  return { t, elapsedS: (performance.now() - started) / 1000 };
}

async function main(): Promise<void> {
  const machine = machineInfo();
  const pc = loadProvisionConfig(env);
  await provision(pc, log);
  const port = await freePort();
  const child = await startIngest(port);
  const url = `http://127.0.0.1:${port}`;
  let failed = false;
  try {
    await saturation(url); // warm-up: JIT, schema cache, producer connections
    const rss = new RssSampler(child.pid!);
    const sat = await saturation(url);
    const requestsPerS = (sat.eventsPerS * factor) / batch;
    const load = await offered(url, requestsPerS);
    rss.stop();
    const lat = summariseLatencies(load.t.latenciesMs);
    const shed = load.t.shed429 + load.t.shed503;
    const serverErrors = Object.entries(load.t.otherStatus).filter(([s]) => Number(s) >= 500);
    console.log(
      `backpressure: ingest POST /v1/events, ${batch} events per request, ${contentBytes} B content, ` +
        `INGEST_MAX_IN_FLIGHT_BYTES ${inFlightMb} MiB, ${seconds} s per phase`,
    );
    console.log(formatMachine(machine));
    console.log(
      formatTable(
        [
          'phase',
          'events/s offered',
          'events/s accepted',
          'requests',
          '202',
          '429',
          '503',
          'other',
          'p50 ms',
          'p99 ms',
        ],
        [
          [
            `saturation (closed loop, ${concurrency} clients)`,
            '-',
            Math.round(sat.eventsPerS).toLocaleString('en-US'),
            String(sat.t.sent),
            String(sat.t.accepted),
            String(sat.t.shed429),
            String(sat.t.shed503),
            JSON.stringify(sat.t.otherStatus),
            summariseLatencies(sat.t.latenciesMs).p50Ms.toFixed(1),
            summariseLatencies(sat.t.latenciesMs).p99Ms.toFixed(1),
          ],
          [
            `offered ${factor}x (open loop)`,
            Math.round(requestsPerS * batch).toLocaleString('en-US'),
            Math.round((load.t.accepted * batch) / load.elapsedS).toLocaleString('en-US'),
            String(load.t.sent),
            String(load.t.accepted),
            String(load.t.shed429),
            String(load.t.shed503),
            JSON.stringify(load.t.otherStatus),
            lat.p50Ms.toFixed(1),
            lat.p99Ms.toFixed(1),
          ],
        ],
      ),
    );
    console.log(
      `ingest RSS: ${rss.startMb.toFixed(0)} MB before, ${rss.maxMb.toFixed(0)} MB max under load (limit ${rssLimitMb} MB); ` +
        `shed answers without Retry-After: ${load.t.withoutRetryAfter} of ${shed}; client-side errors ${load.t.clientErrors}, ` +
        `not sent (client outstanding limit ${maxOutstanding}): ${load.t.skipped}`,
    );
    if (rss.maxMb > rssLimitMb) {
      console.log(`FAIL: RSS ${rss.maxMb.toFixed(0)} MB over the ${rssLimitMb} MB limit`);
      failed = true;
    }
    const acceptedPerS = (load.t.accepted * batch) / load.elapsedS;
    if (shed === 0 && requestsPerS * batch > 1.2 * acceptedPerS) {
      // The excess was neither accepted nor refused: it waited in the service (latency and memory grow).
      console.log('FAIL: offered load above what was accepted, yet nothing was shed (queued instead)');
      failed = true;
    }
    if (load.t.withoutRetryAfter > 0 || serverErrors.length > 0) {
      console.log('FAIL: shed without Retry-After, or a 5xx other than 503');
      failed = true;
    }
  } finally {
    child.kill('SIGTERM');
    const admin = createKafka(pc, log, 'bench-admin').admin();
    await admin.connect();
    await admin.deleteTopics({
      topics: ['events', 'findings', 'verdicts', 'control', 'dlq'].map((k) => topicName(prefix, k as 'events')),
    });
    await admin.disconnect();
  }
  process.exit(failed ? 1 : 0);
}

await main();
