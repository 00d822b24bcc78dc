import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKafka, type WardenKafka } from '../../services/lib/kafka/client.ts';
import { createLogger } from '../../services/lib/logger.ts';
import { loadProvisionConfig } from '../../services/provision/config.ts';
import { pollUntil } from '../helpers/poll.ts';
import { PrivateStack } from '../helpers/private-stack.ts';
import { TcpProxy } from '../helpers/tcp-proxy.ts';

/**
 * Every connection to the broker goes half-open at once (a NAT or load balancer forgetting its
 * flows; the broker itself never stops). librdkafka times the request out after 30 s and sends it
 * again on a new connection by itself, so the waiting send is acknowledged and nothing is lost; the
 * adapter's stall replacement (45 s, producer-stall.ts) must not step in first and fail it.
 */
const BASE = 39392;
const PROXY_PORT = BASE + 5;
const stack = new PrivateStack('halfopen', 1, BASE, { KAFKA_ADVERTISED_PORT: String(PROXY_PORT) });
const log = createLogger('test', { level: process.env.E2E_LOG ?? 'silent' });
const topic = `halfopen-${Date.now()}`;
let proxy: TcpProxy;
let kafka: WardenKafka;

describe('half-open connections to the broker', () => {
  beforeAll(async () => {
    // Before the broker: it advertises the proxy, and its own health check connects through it.
    proxy = await TcpProxy.start(PROXY_PORT, { host: '127.0.0.1', port: BASE });
    await stack.up();
    const config = loadProvisionConfig({ ...stack.env, KAFKA_BROKERS: `127.0.0.1:${PROXY_PORT}` });
    kafka = createKafka(config, log, 'halfopen');
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 1, replicationFactor: 1 }], waitForLeaders: true });
    await admin.disconnect();
  }, 300_000);

  afterAll(async () => {
    await proxy?.stop();
    await stack.destroy();
  }, 120_000);

  it('a waiting send is acknowledged once librdkafka reconnects by itself, with no producer replaced', async () => {
    if (kafka.library !== 'confluent')
      return expect.fail('this test needs librdkafka (@confluentinc/kafka-javascript)');
    const producer = kafka.producer({ idempotent: true });
    await producer.connect();
    await producer.send({ topic, messages: [{ key: 'k', value: 'before' }] });
    const handle = () => (producer as unknown as { _getInternalClient(): unknown })._getInternalClient();
    const original = handle();

    expect(proxy.halfOpenAll()).toBeGreaterThan(0);
    const waited = await producer.send({ topic, messages: [{ key: 'k', value: 'during' }] }).then(
      () => 'acknowledged',
      (err: { code?: string }) => `failed: ${err.code ?? String(err)}`,
    );
    expect(waited).toBe('acknowledged');
    expect(handle(), 'the producer was replaced').toBe(original);

    await producer.send({ topic, messages: [{ key: 'k', value: 'after' }] });
    await producer.disconnect();

    const seen = new Set<string>();
    const consumer = kafka.consumer({ groupId: `${topic}-reader` });
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => void seen.add(String(message.value)),
    });
    await pollUntil(
      () => Promise.resolve(seen),
      (s) => s.has('before') && s.has('during') && s.has('after'),
      {
        what: 'the records sent before, during and after the half-open connections, read back',
        timeoutMs: 60_000,
        intervalMs: 200,
      },
    );
    await consumer.disconnect();
  }, 240_000);
});
