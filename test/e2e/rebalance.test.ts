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

const env = {
  ...isolatedEnv('rebalance'),
  DETECT_GROUP_ID: `rebalance-detect-${Date.now()}`,
  DETECT_WORKER_THREADS: '1',
};
const log = createLogger('test', { level: 'warn' });
const pc = loadProvisionConfig(env);
const TOTAL = 3000;

/**
 * Scale-out and scale-in while events flow: a second detect instance joins the group (partitions
 * move to it), then the first leaves (they move back). Every event must end with one verdict and
 * one row, and no verdict twice after merges.
 */
describe('detect instances joining and leaving mid-stream', () => {
  let ch: ClickHouseClient;
  let producer: Producer;
  const running: ChildProcess[] = [];
  const count = async (sql: string) =>
    Number((await (await ch.query({ query: sql, format: 'JSONEachRow' })).json<{ n: number }>())[0]!.n);

  beforeAll(async () => {
    await provision(pc, log);
    ch = createClickHouse(pc);
    producer = createKafka(pc, log, 'rebalance').producer({ idempotent: true });
    await producer.connect();
  });

  afterAll(async () => {
    await Promise.all(running.map((s) => killed(s, 'SIGTERM')));
    await producer?.disconnect();
    await ch?.command({ query: `DROP DATABASE IF EXISTS ${pc.CLICKHOUSE_DATABASE}` });
    await ch?.close();
  });

  it('loses no event and stores none twice across two rebalances', async () => {
    const codec = new AvroCodec(createRegistryClient(pc), pc.KAFKA_TOPIC_PREFIX, 'events');
    const fleet = generateFleet({ ...DEFAULT_FLEET, seed: 91 }, Date.now());
    let produced = 0;
    const produce = async (n: number) => {
      const messages = [];
      for (let i = 0; i < n; i++) {
        const { event } = fleet.next().value!;
        messages.push({ key: `${event.tenant_id}:${event.agent_id}`, value: await codec.encode(event) });
      }
      await producer.send({ topic: codec.topic, messages });
      produced += n;
    };
    const verdicts = () => count('SELECT uniqExact(event_id) AS n FROM verdicts');
    const admin = createKafka(pc, log, 'rebalance-admin').admin();
    await admin.connect();
    const members = async () =>
      (await admin.describeGroups([env.DETECT_GROUP_ID])).groups[0]?.members.filter(
        (m) => m.memberAssignment.length > 0,
      ).length ?? 0;

    const first = startServiceProcess('services/detect/main.ts', env);
    running.push(first, startServiceProcess('services/sink/main.ts', env));
    for (let i = 0; i < TOTAL / 3; i += 100) await produce(100);
    await pollUntil(verdicts, (n) => n > 0, { what: 'the first verdicts', timeoutMs: 120_000 });

    // Scale out: the group rebalances while the first instance is busy.
    running.push(startServiceProcess('services/detect/main.ts', env));
    await pollUntil(members, (n) => n === 2, { what: 'both detect instances in the group', timeoutMs: 120_000 });
    for (let i = 0; i < TOTAL / 3; i += 100) await produce(100);
    await pollUntil(verdicts, (n) => n >= (2 * TOTAL) / 3, { what: 'two thirds judged', timeoutMs: 180_000 });

    // Scale in: the first instance leaves (SIGTERM, as an orchestrator stops it) mid-stream.
    const stopping = produce(TOTAL / 3);
    await killed(first, 'SIGTERM');
    running.splice(running.indexOf(first), 1);
    await stopping;
    expect(produced).toBe(TOTAL);
    await pollUntil(members, (n) => n === 1, { what: 'the group down to one instance', timeoutMs: 120_000 });
    await admin.disconnect();

    await pollUntil(verdicts, (n) => n >= TOTAL, { what: `a verdict for all ${TOTAL} events`, timeoutMs: 180_000 });
    await waitForGroupCaughtUp(createKafka(pc, log, 'lag'), env.DETECT_GROUP_ID, [
      topicName(pc.KAFKA_TOPIC_PREFIX, 'events'),
    ]);
    await waitForGroupCaughtUp(createKafka(pc, log, 'lag'), (env as NodeJS.ProcessEnv).SINK_GROUP_ID!, [
      topicName(pc.KAFKA_TOPIC_PREFIX, 'events'),
      topicName(pc.KAFKA_TOPIC_PREFIX, 'verdicts'),
    ]);
    expect(await count('SELECT count() AS n FROM events FINAL')).toBe(TOTAL);
    expect(await count('SELECT count() AS n FROM verdicts FINAL')).toBe(TOTAL);
    expect(await count('SELECT uniqExact(event_id) AS n FROM verdicts FINAL')).toBe(TOTAL);
  }, 420_000);
});
