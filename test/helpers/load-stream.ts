import { setTimeout as delay } from 'node:timers/promises';
import { DEFAULT_FLEET, generateFleet } from '../../deploy/demo/fleet.ts';
import type { AgentEvent } from '../../schemas/generated/index.ts';
import { type ClickHouseClient, createClickHouse } from '../../services/lib/clickhouse/client.ts';
import { createKafka, type Producer } from '../../services/lib/kafka/client.ts';
import { topicName } from '../../services/lib/kafka/topics.ts';
import { createLogger, type Logger } from '../../services/lib/logger.ts';
import { AvroCodec, createRegistryClient } from '../../services/lib/serde/avro-codec.ts';
import { loadProvisionConfig, type ProvisionConfig } from '../../services/provision/config.ts';
import { provision } from '../../services/provision/provision.ts';
import { waitForGroupCaughtUp } from './consumer-lag.ts';
import { isolatedEnv } from './isolated-env.ts';

/** One row of the reconcile table the fault tests print. */
export interface ReconcileRow {
  table: string;
  sent: number;
  acknowledged: number;
  /** Distinct acknowledged events with a row in the table. */
  stored: number;
  /** Rows beyond one per event after ReplacingMergeTree's merge (FINAL): must be 0. */
  duplicates: number;
  /** Rows written more than once before the merge (at-least-once replays, removed by FINAL). */
  replayed: number;
  /** Acknowledged events without a row: must be 0. */
  lost: number;
  /** Rows of events this stream never sent: must be 0. */
  neverSent: number;
}

/** The local dev keys of ingest (WARDEN_ENV=local), one per tenant of the demo fleet. */
const DEV_KEYS: Readonly<Record<string, string>> = { acme: 'warden-dev-key', globex: 'warden-dev-key-globex' };

/**
 * Generated load for the fault and scale tests: the demo fleet's events, produced straight to the
 * events topic of an isolated prefix on a given stack, at a steady rate or in bursts. It remembers
 * which events the broker acknowledged (and which it may have written without saying so), so the
 * test can reconcile them with ClickHouse afterwards.
 */
export class LoadStream {
  readonly env: NodeJS.ProcessEnv & { DETECT_GROUP_ID: string; SINK_GROUP_ID: string };
  readonly pc: ProvisionConfig;
  readonly log: Logger;
  ch!: ClickHouseClient;
  /** Events handed to the producer, including sends that failed (the broker may still have them). */
  readonly sent = new Set<string>();
  readonly acknowledged = new Set<string>();
  sendErrors = 0;
  /** HTTP requests to ingest waiting for an answer (a test kills ingest while one is in flight). */
  inFlight = 0;
  private producer: Producer | null = null;
  private readonly fleet;
  private codec!: AvroCodec<'events'>;
  private steady: Promise<void> | null = null;
  private stopSteady = false;
  /** Set: events go through ingest's HTTP API (acknowledged = a 2xx answer) instead of to Kafka. */
  private ingestUrl: string | null = null;

  constructor(name: string, seed: number, stackEnv: NodeJS.ProcessEnv, overrides: NodeJS.ProcessEnv = {}) {
    const isolated = isolatedEnv(name);
    const base = { ...isolated, ...stackEnv, ...isolatedOnly(isolated) };
    this.env = {
      ...base,
      DETECT_GROUP_ID: `${name}-detect-${Date.now()}`,
      SINK_GROUP_ID: base.SINK_GROUP_ID!,
      DETECT_WORKER_THREADS: '1',
      ...overrides,
    } as LoadStream['env'];
    this.pc = loadProvisionConfig(this.env);
    this.log = createLogger('test', {
      level: process.env.E2E_LOG === '1' ? 'info' : (process.env.E2E_LOG ?? 'silent'),
    });
    this.fleet = generateFleet({ ...DEFAULT_FLEET, seed }, Date.now());
  }

  async setUp(): Promise<void> {
    await provision(this.pc, this.log);
    this.ch = createClickHouse(this.pc);
    this.codec = new AvroCodec(createRegistryClient(this.pc), this.pc.KAFKA_TOPIC_PREFIX, 'events');
  }

  async tearDown(): Promise<void> {
    await this.stop();
    await this.producer?.disconnect().catch(() => undefined);
    await this.ch?.command({ query: `DROP DATABASE IF EXISTS ${this.pc.CLICKHOUSE_DATABASE}` }).catch(() => undefined);
    await this.ch?.close();
  }

  /**
   * From now on events go through `url`/v1/events (null: straight to Kafka again). An event counts as
   * acknowledged only when its request got a 2xx; a request without an answer (ingest killed while
   * it was in flight) may or may not have reached Kafka, so its events are sent, not acknowledged.
   */
  viaIngest(url: string | null): void {
    this.ingestUrl = url;
  }

  private async postToIngest(events: AgentEvent[]): Promise<boolean> {
    let ok = true;
    for (const [tenant, key] of Object.entries(DEV_KEYS)) {
      const mine = events.filter((e) => e.tenant_id === tenant);
      if (mine.length === 0) continue;
      for (const e of mine) this.sent.add(e.event_id);
      this.inFlight++;
      try {
        const res = await fetch(`${this.ingestUrl}/v1/events`, {
          method: 'POST',
          headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
          body: JSON.stringify(mine),
          signal: AbortSignal.timeout(20_000),
        });
        await res.arrayBuffer();
        if (res.ok) for (const e of mine) this.acknowledged.add(e.event_id);
        else {
          this.sendErrors++;
          ok = false;
        }
      } catch {
        this.sendErrors++;
        ok = false;
      } finally {
        this.inFlight--;
      }
    }
    return ok;
  }

  /** Produces the fleet's next `n` events; a failed send is counted, and the next call reconnects. */
  async produce(n: number): Promise<boolean> {
    if (this.ingestUrl !== null) {
      return this.postToIngest(Array.from({ length: n }, () => this.fleet.next().value!.event));
    }
    const messages = [];
    const ids: string[] = [];
    for (let i = 0; i < n; i++) {
      const { event } = this.fleet.next().value!;
      ids.push(event.event_id);
      this.sent.add(event.event_id);
      messages.push({ key: `${event.tenant_id}:${event.agent_id}`, value: await this.codec.encode(event) });
    }
    return this.send(messages, ids);
  }

  private async send(messages: { key: string; value: Buffer }[], ids: string[]): Promise<boolean> {
    try {
      if (this.producer === null) {
        const producer = createKafka(this.pc, this.log, 'load').producer({ idempotent: true });
        await producer.connect();
        this.producer = producer;
      }
      await this.producer.send({ topic: this.codec.topic, messages });
      for (const id of ids) this.acknowledged.add(id);
      return true;
    } catch {
      this.sendErrors++;
      const old = this.producer;
      this.producer = null;
      await old?.disconnect().catch(() => undefined);
      return false;
    }
  }

  /** The fleet's next `n` events, not sent (for a scripted variant of the generated load). */
  nextEvents(n: number): AgentEvent[] {
    return Array.from({ length: n }, () => this.fleet.next().value!.event);
  }

  /** Produces given events (a scripted scenario beside the generated load); false when the send failed. */
  async produceEvents(events: readonly AgentEvent[]): Promise<boolean> {
    if (this.ingestUrl !== null) return this.postToIngest([...events]);
    const messages = [];
    for (const event of events) {
      this.sent.add(event.event_id);
      messages.push({ key: `${event.tenant_id}:${event.agent_id}`, value: await this.codec.encode(event) });
    }
    return this.send(
      messages,
      events.map((e) => e.event_id),
    );
  }

  /** Steady load in the background: `batch` events every `intervalMs` until stop(). */
  start({ batch = 20, intervalMs = 100 } = {}): void {
    if (this.steady) return;
    this.stopSteady = false;
    this.steady = (async () => {
      while (!this.stopSteady) {
        await this.produce(batch);
        await delay(intervalMs);
      }
    })();
  }

  async stop(): Promise<void> {
    this.stopSteady = true;
    await this.steady;
    this.steady = null;
  }

  async count(sql: string): Promise<number> {
    return Number((await (await this.ch.query({ query: sql, format: 'JSONEachRow' })).json<{ n: number }>())[0]!.n);
  }

  async detectCaughtUp(timeoutMs?: number): Promise<void> {
    await waitForGroupCaughtUp(
      createKafka(this.pc, this.log, 'lag'),
      this.env.DETECT_GROUP_ID,
      [topicName(this.pc.KAFKA_TOPIC_PREFIX, 'events')],
      timeoutMs,
    );
  }

  async sinkCaughtUp(timeoutMs?: number): Promise<void> {
    const prefix = this.pc.KAFKA_TOPIC_PREFIX;
    await waitForGroupCaughtUp(
      createKafka(this.pc, this.log, 'lag'),
      this.env.SINK_GROUP_ID,
      [topicName(prefix, 'events'), topicName(prefix, 'findings'), topicName(prefix, 'verdicts')],
      timeoutMs,
    );
  }

  async caughtUp(timeoutMs?: number): Promise<void> {
    await this.detectCaughtUp(timeoutMs);
    await this.sinkCaughtUp(timeoutMs);
  }

  /** Acknowledged events against the rows of `events` and `verdicts` (one each per event). */
  async reconcile(): Promise<ReconcileRow[]> {
    const rows: ReconcileRow[] = [];
    for (const table of ['events', 'verdicts']) {
      const ids = new Set(
        (
          await (
            await this.ch.query({ query: `SELECT DISTINCT event_id FROM ${table}`, format: 'JSONEachRow' })
          ).json<{
            event_id: string;
          }>()
        ).map((r) => r.event_id),
      );
      let storedAcked = 0;
      for (const id of this.acknowledged) if (ids.has(id)) storedAcked++;
      let neverSent = 0;
      for (const id of ids) if (!this.sent.has(id)) neverSent++;
      const finalRows = await this.count(`SELECT count() AS n FROM ${table} FINAL`);
      const rawRows = await this.count(`SELECT count() AS n FROM ${table}`);
      rows.push({
        table,
        sent: this.sent.size,
        acknowledged: this.acknowledged.size,
        stored: storedAcked,
        duplicates: finalRows - ids.size,
        replayed: rawRows - ids.size,
        lost: this.acknowledged.size - storedAcked,
        neverSent,
      });
    }
    return rows;
  }
}

/** The isolation variables alone (prefix, database, groups), to lay over a stack's connection env. */
function isolatedOnly(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const keys = ['KAFKA_TOPIC_PREFIX', 'CLICKHOUSE_DATABASE', 'SINK_GROUP_ID', 'TOPIC_PARTITIONS'];
  return Object.fromEntries(keys.map((k) => [k, env[k]]));
}

export function formatReconcile(rows: ReconcileRow[]): string {
  const cols = ['table', 'sent', 'acknowledged', 'stored', 'duplicates', 'replayed', 'lost', 'neverSent'] as const;
  const width = cols.map((c) => Math.max(c.length, ...rows.map((r) => String(r[c]).length)));
  const line = (values: string[]) => values.map((v, i) => v.padEnd(width[i]!)).join('  ');
  return [line([...cols]), ...rows.map((r) => line(cols.map((c) => String(r[c]))))].join('\n');
}
