import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_FLEET, generateFleet } from '../../deploy/demo/fleet.ts';
import { type ClickHouseClient, createClickHouse } from '../../services/lib/clickhouse/client.ts';
import { createKafka, type Producer } from '../../services/lib/kafka/client.ts';
import { topicName } from '../../services/lib/kafka/topics.ts';
import { createLogger } from '../../services/lib/logger.ts';
import { AvroCodec, createRegistryClient } from '../../services/lib/serde/avro-codec.ts';
import { loadProvisionConfig } from '../../services/provision/config.ts';
import { provision } from '../../services/provision/provision.ts';
import { waitForGroupCaughtUp } from '../helpers/consumer-lag.ts';
import { isolatedEnv } from '../helpers/isolated-env.ts';
import { pollUntil } from '../helpers/poll.ts';
import { killed, startServiceProcess } from '../helpers/service-process.ts';

const env = { ...isolatedEnv('restart'), DETECT_GROUP_ID: `restart-detect-${Date.now()}`, DETECT_WORKER_THREADS: '1' };
const log = createLogger('test', { level: 'warn' });
const pc = loadProvisionConfig(env);
const TOTAL = 3000;

describe('detect and sink survive SIGKILL mid-stream', () => {
  let ch: ClickHouseClient;
  let producer: Producer;
  const services: ChildProcess[] = [];
  const start = () => {
    services.push(
      startServiceProcess('services/detect/main.ts', env),
      startServiceProcess('services/sink/main.ts', env),
    );
  };
  const count = async (sql: string) =>
    Number((await (await ch.query({ query: sql, format: 'JSONEachRow' })).json<{ n: number }>())[0]!.n);

  beforeAll(async () => {
    await provision(pc, log);
    ch = createClickHouse(pc);
    producer = createKafka(pc, log, 'restart').producer({ idempotent: true });
    await producer.connect();
  });

  afterAll(async () => {
    await Promise.all(services.map((s) => killed(s, 'SIGTERM')));
    await producer?.disconnect();
    await ch?.command({ query: `DROP DATABASE IF EXISTS ${pc.CLICKHOUSE_DATABASE}` });
    await ch?.close();
  });

  it('loses no event and stores none twice', async () => {
    const codec = new AvroCodec(createRegistryClient(pc), pc.KAFKA_TOPIC_PREFIX, 'events');
    const fleet = generateFleet({ ...DEFAULT_FLEET, seed: 77 }, Date.now());
    const produce = async (n: number) => {
      const messages = [];
      for (let i = 0; i < n; i++) {
        const { event } = fleet.next().value!;
        messages.push({ key: `${event.tenant_id}:${event.agent_id}`, value: await codec.encode(event) });
      }
      await producer.send({ topic: codec.topic, messages });
    };

    start();
    for (let i = 0; i < TOTAL / 2; i += 100) await produce(100);
    // Kill while the services are busy: some batches are inserted, some verdicts sent, offsets behind.
    await pollUntil(
      () => count('SELECT count() AS n FROM events'),
      (n) => n > 0,
      { what: 'the first rows' },
    );
    await Promise.all(services.splice(0).map((s) => killed(s)));
    for (let i = TOTAL / 2; i < TOTAL; i += 100) await produce(100);
    start();

    await pollUntil(
      () => count('SELECT uniqExact(event_id) AS n FROM events'),
      (n) => n >= TOTAL,
      {
        what: `all ${TOTAL} events in ClickHouse`,
        timeoutMs: 120_000,
      },
    );
    await pollUntil(
      () => count('SELECT uniqExact(event_id) AS n FROM verdicts'),
      (n) => n >= TOTAL,
      {
        what: `a verdict for all ${TOTAL} events`,
        timeoutMs: 120_000,
      },
    );
    // Replays after the kill may have inserted copies; merging must leave exactly one row per id.
    // Replayed batches may still be on their way: wait until detect, then the sink, have committed all.
    await waitForGroupCaughtUp(createKafka(pc, log, 'lag'), env.DETECT_GROUP_ID, [
      topicName(pc.KAFKA_TOPIC_PREFIX, 'events'),
    ]);
    await waitForGroupCaughtUp(createKafka(pc, log, 'lag'), (env as NodeJS.ProcessEnv).SINK_GROUP_ID!, [
      topicName(pc.KAFKA_TOPIC_PREFIX, 'events'),
      topicName(pc.KAFKA_TOPIC_PREFIX, 'verdicts'),
    ]);
    // At-least-once: a replayed batch may land as a second copy; ReplacingMergeTree keeps one per id,
    // which FINAL (and every merge) applies.
    expect(await count('SELECT count() AS n FROM events FINAL')).toBe(TOTAL);
    expect(await count('SELECT count() AS n FROM verdicts FINAL')).toBe(TOTAL);
  }, 300_000);
});
