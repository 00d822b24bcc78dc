import { afterEach, describe, expect, it, vi } from 'vitest';
import { type ConfluentModule, confluentConsumer } from '../../../services/lib/kafka/confluent-adapter.ts';
import { createLogger } from '../../../services/lib/logger.ts';

interface FakeConsumer {
  config: Record<string, unknown>;
  calls: string[];
  runConfig?: unknown;
}

/** A stand-in for @confluentinc/kafka-javascript that records the consumers the adapter builds. */
function fakeModule(failingConnects: number[] = []) {
  const consumers: FakeConsumer[] = [];
  let logger: { warn(message: string, extra?: object): void } | undefined;
  const mod = {
    KafkaJS: {
      Kafka: class {
        constructor(config: { kafkaJS: { logger: typeof logger } }) {
          logger = config.kafkaJS.logger;
        }
        consumer(config: Record<string, unknown>) {
          const c: FakeConsumer = { config, calls: [] };
          consumers.push(c);
          return {
            on: () => undefined,
            connect: async () => {
              c.calls.push('connect');
              if (failingConnects.includes(consumers.indexOf(c))) throw new Error('connect refused');
            },
            subscribe: async () => void c.calls.push('subscribe'),
            run: async (r: unknown) => {
              c.calls.push('run');
              c.runConfig = r;
            },
            disconnect: async () => void c.calls.push('disconnect'),
          };
        }
        producer() {
          throw new Error('not used');
        }
      },
    },
  } as unknown as ConfluentModule;
  return { mod, consumers, librdkafkaWarns: (fac: string) => logger!.warn('librdkafka line', { fac }) };
}

const rd = () => ({
  conn: {
    KAFKA_BROKERS: '127.0.0.1:1',
    KAFKA_CLIENT_ID: 't',
    KAFKA_SSL: false,
    KAFKA_CONNECT_TIMEOUT_MS: 1000,
  },
  clientId: 't',
  log: createLogger('test', { level: 'silent' }),
});

afterEach(() => {
  vi.useRealTimers();
});

describe('confluent consumer adapter', () => {
  it('rebuilds a consumer whose group session stays lost, with the same subscription and handler', async () => {
    vi.useFakeTimers();
    const { mod, consumers, librdkafkaWarns } = fakeModule();
    const consumer = confluentConsumer(mod, rd(), { groupId: 'g' });
    const eachBatch = async () => undefined;
    await consumer.subscribe({ topics: ['events'], fromBeginning: true });
    await consumer.run({ eachBatch, autoCommit: false });
    expect(consumers).toHaveLength(1);

    librdkafkaWarns('SESSTMOUT');
    await vi.advanceTimersByTimeAsync(30_000);
    // Still within the time a rejoin takes.
    expect(consumers).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(40_000);

    expect(consumers).toHaveLength(2);
    expect(consumers[0]!.calls).toContain('disconnect');
    expect(consumers[1]!.calls).toEqual(['connect', 'subscribe', 'run']);
    expect((consumers[1]!.runConfig as { eachBatch: unknown }).eachBatch).toBe(eachBatch);
    expect((consumers[1]!.config.kafkaJS as { autoCommit: boolean }).autoCommit).toBe(false);
    await consumer.disconnect();
  });

  it('leaves a consumer alone once the group assigns partitions again', async () => {
    vi.useFakeTimers();
    const { mod, consumers, librdkafkaWarns } = fakeModule();
    const consumer = confluentConsumer(mod, rd(), { groupId: 'g' });
    await consumer.subscribe({ topics: ['events'] });
    await consumer.run({ eachBatch: async () => undefined });
    librdkafkaWarns('SESSTMOUT');
    await vi.advanceTimersByTimeAsync(10_000);
    const rebalance = consumers[0]!.config['rebalance_cb'] as (err: { code: number }) => void;
    rebalance({ code: -175 });
    await vi.advanceTimersByTimeAsync(120_000);
    expect(consumers).toHaveLength(1);
    await consumer.disconnect();
  });

  it('tries again at the next check when rebuilding fails', async () => {
    vi.useFakeTimers();
    const { mod, consumers, librdkafkaWarns } = fakeModule([1]);
    const consumer = confluentConsumer(mod, rd(), { groupId: 'g' });
    await consumer.subscribe({ topics: ['events'] });
    await consumer.run({ eachBatch: async () => undefined });
    librdkafkaWarns('SESSTMOUT');
    await vi.advanceTimersByTimeAsync(62_000);
    expect(consumers).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(consumers).toHaveLength(3);
    expect(consumers[2]!.calls).toEqual(['connect', 'subscribe', 'run']);
    await vi.advanceTimersByTimeAsync(120_000);
    expect(consumers).toHaveLength(3);
    await consumer.disconnect();
  });
});
