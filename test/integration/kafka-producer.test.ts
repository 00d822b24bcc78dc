import { Kafka, type KafkaMessage, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKafka, type Producer } from '../../services/lib/kafka/client.ts';
import { createLogger } from '../../services/lib/logger.ts';
import { loadProvisionConfig } from '../../services/provision/config.ts';
import { isolatedEnv } from '../helpers/isolated-env.ts';
import { pollUntil } from '../helpers/poll.ts';

/**
 * The producer the services use, on the real broker: plain messages take the adapter's direct path
 * to librdkafka (one opaque per topic), messages with headers the library's own. Both must deliver
 * every message with its key and value, report the lowest offset per partition, and fail loudly.
 */
const env = isolatedEnv('producer');
const config = loadProvisionConfig(env);
const log = createLogger('test', { level: 'warn' });
const prefix = config.KAFKA_TOPIC_PREFIX;
const topics = { a: `${prefix}a`, b: `${prefix}b`, headers: `${prefix}h` };
const peer = new Kafka({ brokers: config.KAFKA_BROKERS.split(','), logLevel: logLevel.NOTHING });

type Read = KafkaMessage & { partition: number };

async function readAll(topic: string, count: number): Promise<Read[]> {
  const consumer = peer.consumer({ groupId: `${topic}-reader` });
  const seen: Read[] = [];
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  await consumer.run({ eachMessage: async ({ partition, message }) => void seen.push({ ...message, partition }) });
  try {
    await pollUntil(
      async () => seen.length,
      (n) => n >= count,
      { what: `${count} records on ${topic}` },
    );
  } finally {
    await consumer.disconnect();
  }
  return seen;
}

describe('Kafka producer adapter on the real broker', () => {
  let producer: Producer;
  const admin = peer.admin();

  beforeAll(async () => {
    await admin.connect();
    await admin.createTopics({
      topics: Object.values(topics).map((topic) => ({ topic, numPartitions: 3 })),
      waitForLeaders: true,
    });
    const kafka = createKafka(config, log, 'test');
    producer = kafka.producer({ idempotent: true });
    await producer.connect();
    // The direct path needs the library's (private) handle on its librdkafka producer; should a
    // library update drop it, every send silently takes the slower path — say so here instead.
    if (kafka.library === 'confluent') {
      expect(typeof (producer as unknown as { _getInternalClient?: unknown })._getInternalClient).toBe('function');
    }
  });

  afterAll(async () => {
    await producer?.disconnect();
    await admin.deleteTopics({ topics: Object.values(topics) }).catch(() => undefined);
    await admin.disconnect();
  });

  it('delivers a two-topic batch, keys and values intact, and reports the first offset of each partition', async () => {
    const messages = (n: number, tag: string) =>
      Array.from({ length: n }, (_, i) => ({ key: `tenant:agent-${i % 7}`, value: Buffer.from(`${tag}-${i}`) }));
    const first = await producer.sendBatch({ topicMessages: [{ topic: topics.a, messages: messages(300, 'a') }] });
    const afterFirst = await admin.fetchTopicOffsets(topics.a);
    const second = await producer.sendBatch({
      topicMessages: [
        { topic: topics.a, messages: messages(200, 'a2') },
        { topic: topics.b, messages: [{ key: null, value: 'as a string' }, ...messages(99, 'b')] },
      ],
    });
    // One entry per partition written to, offsets as decimal strings.
    expect(first.every((m) => m.topicName === topics.a && /^\d+$/.test(String(m.baseOffset)))).toBe(true);
    expect(first.map((m) => m.baseOffset)).toEqual(first.map(() => '0'));
    const secondA = second.filter((m) => m.topicName === topics.a);
    expect(secondA.length).toBeGreaterThan(0);
    expect(secondA.every((m) => Number(m.baseOffset) > 0)).toBe(true);
    expect(second.some((m) => m.topicName === topics.b)).toBe(true);

    const ends = await admin.fetchTopicOffsets(topics.a);
    expect(ends.reduce((n, p) => n + Number(p.high), 0)).toBe(500);
    // The lowest offset the second batch reported per partition is where the first batch ended there.
    for (const m of secondA) expect(m.baseOffset).toBe(afterFirst.find((p) => p.partition === m.partition)!.high);

    const a = await readAll(topics.a, 500);
    const got = new Map(a.map((m) => [m.value!.toString(), m.key!.toString()]));
    expect(got.size).toBe(500);
    for (let i = 0; i < 300; i++) expect(got.get(`a-${i}`)).toBe(`tenant:agent-${i % 7}`);
    for (let i = 0; i < 200; i++) expect(got.get(`a2-${i}`)).toBe(`tenant:agent-${i % 7}`);
    // One key, one partition: the per-agent order of verdicts depends on it.
    const partitionsOfKey = new Map<string, Set<number>>();
    for (const m of a) {
      const key = m.key!.toString();
      partitionsOfKey.set(key, (partitionsOfKey.get(key) ?? new Set()).add(m.partition));
    }
    expect([...partitionsOfKey.values()].every((s) => s.size === 1)).toBe(true);
    const b = await readAll(topics.b, 100);
    expect(b.map((m) => m.value!.toString())).toContain('as a string');
    expect(b.find((m) => m.value!.toString() === 'as a string')!.key).toBeNull();
  });

  it('sends messages with headers through the library path, headers intact', async () => {
    await producer.send({
      topic: topics.headers,
      messages: [{ key: 'k', value: 'with headers', headers: { reason: 'DLQ_TEST', n: '1' } }],
    });
    const [m] = await readAll(topics.headers, 1);
    expect(m!.headers?.reason?.toString()).toBe('DLQ_TEST');
    expect(m!.value!.toString()).toBe('with headers');
  });

  it('rejects, not hangs, when the broker refuses the topic', async () => {
    await expect(
      producer.sendBatch({
        topicMessages: [
          {
            topic: `${prefix}does-not-exist`,
            messages: [
              { key: 'k', value: 'x' },
              { key: 'k', value: 'y' },
            ],
          },
        ],
      }),
    ).rejects.toThrow(/unknown topic/i);
  });

  it('rejects a send on a producer that is not connected', async () => {
    const idle = createKafka(config, log, 'test-idle').producer({});
    await expect(idle.send({ topic: topics.a, messages: [{ value: 'x' }] })).rejects.toThrow(/connect/i);
  });
});
