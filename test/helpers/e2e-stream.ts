import { DEFAULT_FLEET, generateFleet } from '../../deploy/demo/fleet.ts';
import { type ClickHouseClient, createClickHouse } from '../../services/lib/clickhouse/client.ts';
import { createKafka, type Producer } from '../../services/lib/kafka/client.ts';
import { topicName } from '../../services/lib/kafka/topics.ts';
import { createLogger, type Logger } from '../../services/lib/logger.ts';
import { AvroCodec, createRegistryClient } from '../../services/lib/serde/avro-codec.ts';
import { loadProvisionConfig, type ProvisionConfig } from '../../services/provision/config.ts';
import { provision } from '../../services/provision/provision.ts';
import { waitForGroupCaughtUp } from './consumer-lag.ts';
import { isolatedEnv } from './isolated-env.ts';

/**
 * What the end-to-end failure tests share: an isolated topic prefix, groups and database; a producer
 * of the demo fleet's events; row counts; and the wait until detect and sink have committed all.
 */
export class E2eStream {
  readonly env: NodeJS.ProcessEnv & { DETECT_GROUP_ID: string; SINK_GROUP_ID: string };
  readonly pc: ProvisionConfig;
  readonly log: Logger;
  ch!: ClickHouseClient;
  private producer: Producer | null = null;
  private readonly fleet;
  private codec!: AvroCodec<'events'>;

  constructor(name: string, seed: number) {
    const base = isolatedEnv(name);
    this.env = {
      ...base,
      DETECT_GROUP_ID: `${name}-detect-${Date.now()}`,
      SINK_GROUP_ID: base.SINK_GROUP_ID!,
      DETECT_WORKER_THREADS: '1',
    };
    this.pc = loadProvisionConfig(this.env);
    this.log = createLogger('test', { level: 'warn' });
    this.fleet = generateFleet({ ...DEFAULT_FLEET, seed }, Date.now());
  }

  async setUp(): Promise<void> {
    await provision(this.pc, this.log);
    this.ch = createClickHouse(this.pc);
    this.codec = new AvroCodec(createRegistryClient(this.pc), this.pc.KAFKA_TOPIC_PREFIX, 'events');
  }

  async tearDown(): Promise<void> {
    await this.producer?.disconnect();
    await this.ch?.command({ query: `DROP DATABASE IF EXISTS ${this.pc.CLICKHOUSE_DATABASE}` });
    await this.ch?.close();
  }

  /** Produces the fleet's next `n` events; `fresh` uses a new connection (the broker may have restarted). */
  async produce(n: number, fresh = false): Promise<void> {
    let producer = this.producer;
    if (fresh || producer === null) {
      await this.producer?.disconnect();
      producer = createKafka(this.pc, this.log, 'e2e').producer({ idempotent: true });
      await producer.connect();
      this.producer = producer;
    }
    const messages = [];
    for (let i = 0; i < n; i++) {
      const { event } = this.fleet.next().value!;
      messages.push({ key: `${event.tenant_id}:${event.agent_id}`, value: await this.codec.encode(event) });
    }
    await producer.send({ topic: this.codec.topic, messages });
  }

  async count(sql: string): Promise<number> {
    return Number((await (await this.ch.query({ query: sql, format: 'JSONEachRow' })).json<{ n: number }>())[0]!.n);
  }

  /** Replayed batches may still be on their way: waits until detect, then the sink, have committed all. */
  async caughtUp(): Promise<void> {
    await this.detectCaughtUp();
    await this.sinkCaughtUp();
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

  /** At-least-once: a replayed batch may land twice; ReplacingMergeTree keeps one per id, as FINAL shows. */
  async rowsAfterMerge(): Promise<{ events: number; verdicts: number }> {
    return {
      events: await this.count('SELECT count() AS n FROM events FINAL'),
      verdicts: await this.count('SELECT count() AS n FROM verdicts FINAL'),
    };
  }
}
