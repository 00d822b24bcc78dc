import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_FLEET, generateFleet } from '../../deploy/demo/fleet.ts';
import { loadStackConfig } from '../../deploy/local/stack/config.ts';
import { components, up } from '../../deploy/local/stack/stack.ts';
import { stopProcess } from '../../deploy/local/stack/supervisor.ts';
import { loadDetectConfig } from '../../services/detect/config.ts';
import { type RunningDetect, startDetect } from '../../services/detect/detect.ts';
import { type ClickHouseClient, createClickHouse } from '../../services/lib/clickhouse/client.ts';
import { createKafka } from '../../services/lib/kafka/client.ts';
import { topicName } from '../../services/lib/kafka/topics.ts';
import { createLogger } from '../../services/lib/logger.ts';
import { AvroCodec, createRegistryClient } from '../../services/lib/serde/avro-codec.ts';
import { loadProvisionConfig } from '../../services/provision/config.ts';
import { provision } from '../../services/provision/provision.ts';
import { loadSinkConfig } from '../../services/sink/config.ts';
import { type RunningSink, startSink } from '../../services/sink/sink.ts';
import { waitForGroupCaughtUp } from '../helpers/consumer-lag.ts';
import { isolatedEnv } from '../helpers/isolated-env.ts';
import { pollUntil } from '../helpers/poll.ts';

/**
 * Restarts the shared local broker in the middle of a stream. Integration files run one at a time,
 * so no other test sees the broker go away; the stack is healthy again when this file ends.
 */
const env = { ...isolatedEnv('broker'), DETECT_WORKER_THREADS: '1', DETECT_GROUP_ID: `broker-detect-${Date.now()}` };
const log = createLogger('test', { level: 'silent' });
const pc = loadProvisionConfig(env);
const stack = loadStackConfig(process.env);
const kafkaComponent = components(stack).find((c) => c.name === 'kafka')!;

describe('a broker restart mid-stream', () => {
  let detect: RunningDetect;
  let sink: RunningSink;
  let ch: ClickHouseClient;

  beforeAll(async () => {
    await provision(pc, log);
    ch = createClickHouse(pc);
    detect = await startDetect(loadDetectConfig(env), log);
    sink = await startSink(loadSinkConfig(env), log);
  });

  afterAll(async () => {
    await up(stack, () => undefined);
    await detect?.stop();
    await sink?.stop();
    await ch?.command({ query: `DROP DATABASE IF EXISTS ${pc.CLICKHOUSE_DATABASE}` });
    await ch?.close();
  });

  it('loses no event and decides each once', async () => {
    const codec = new AvroCodec(createRegistryClient(pc), pc.KAFKA_TOPIC_PREFIX, 'events');
    const fleet = generateFleet({ ...DEFAULT_FLEET, seed: 31 }, Date.now());
    const send = async (n: number) => {
      const producer = createKafka(pc, log, 'broker-test').producer({ idempotent: true });
      await producer.connect();
      const messages = [];
      for (let i = 0; i < n; i++) {
        const { event } = fleet.next().value!;
        messages.push({ key: `${event.tenant_id}:${event.agent_id}`, value: await codec.encode(event) });
      }
      await producer.send({ topic: codec.topic, messages });
      await producer.disconnect();
    };
    const count = async (sql: string) =>
      Number((await (await ch.query({ query: sql, format: 'JSONEachRow' })).json<{ n: number }>())[0]!.n);

    await send(500);
    await pollUntil(
      () => count('SELECT count() AS n FROM events'),
      (n) => n > 0,
      { what: 'the first rows' },
    );
    await stopProcess(kafkaComponent.pidFile);
    await up(stack, () => undefined);
    await send(500);

    await pollUntil(
      () => count('SELECT uniqExact(event_id) AS n FROM events'),
      (n) => n >= 1000,
      {
        what: 'all 1000 events stored after the restart',
        timeoutMs: 240_000,
      },
    );
    await pollUntil(
      () => count('SELECT uniqExact(event_id) AS n FROM verdicts'),
      (n) => n >= 1000,
      {
        what: 'a verdict for all 1000 events',
        timeoutMs: 240_000,
      },
    );
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
    expect(await count('SELECT count() AS n FROM events FINAL')).toBe(1000);
    expect(await count('SELECT count() AS n FROM verdicts FINAL')).toBe(1000);
  }, 600_000);
});
