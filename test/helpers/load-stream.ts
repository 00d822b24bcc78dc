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
}

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
  private producer: Producer | null = null;
  private readonly fleet;
  private codec!: AvroCodec<'events'>;
  private steady: Promise<void> | null = null;
  private stopSteady = false;

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

  /** Produces the fleet's next `n` events; a failed send is counted, and the next call reconnects. */
  async produce(n: number): Promise<boolean> {
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

  /** Produces given events (a scripted scenario beside the generated load); false when the send failed. */
  async produceEvents(events: readonly AgentEvent[]): Promise<boolean> {
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
      [topicName(prefix, 'events'), topicName(prefix, 'verdicts')],
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
  const cols = ['table', 'sent', 'acknowledged', 'stored', 'duplicates', 'replayed', 'lost'] as const;
  const width = cols.map((c) => Math.max(c.length, ...rows.map((r) => String(r[c]).length)));
  const line = (values: string[]) => values.map((v, i) => v.padEnd(width[i]!)).join('  ');
  return [line([...cols]), ...rows.map((r) => line(cols.map((c) => String(r[c]))))].join('\n');
}
