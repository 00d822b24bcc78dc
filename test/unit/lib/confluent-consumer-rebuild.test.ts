import { afterEach, describe, expect, it, vi } from 'vitest';
import { type ConfluentModule, confluentConsumer } from '../../../services/lib/kafka/confluent-adapter.ts';
import { createLogger } from '../../../services/lib/logger.ts';

interface FakeConsumer {
  config: Record<string, unknown>;
  calls: string[];
  runConfig?: unknown;
}

/** What the broker and coordinator answer about partition 0 of `events`, and whether it is paused. */
interface FakeBroker {
  /** librdkafka's fetch position (next offset to hand out); -1001 when nothing consumed. */
  position: number;
  committed: number;
  high: number;
  paused: boolean;
}

/** A stand-in for @confluentinc/kafka-javascript that records the consumers the adapter builds. */
function fakeModule(failingConnects: number[] = [], broker?: FakeBroker) {
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
            ...(broker ? brokerView(broker) : {}),
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

function brokerView(broker: FakeBroker) {
  const p0 = { topic: 'events', partition: 0 };
  return {
    assignment: () => [p0],
    paused: () => (broker.paused ? [{ topic: 'events', partitions: [0] }] : []),
    commitOffsets: async () => undefined,
    // As the library answers: null for a partition with no commit.
    committed: async () => [{ ...p0, offset: broker.committed < 0 ? null : String(broker.committed) }],
    _getInternalClient: () => ({
      position: () => [{ ...p0, offset: broker.position }],
      queryWatermarkOffsets: (_t: string, _p: number, _ms: number, cb: (e: null, o: object) => void) =>
        cb(null, { highOffset: broker.high, lowOffset: 0 }),
    }),
  };
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
    const eachBatch = vi.fn(async (_payload: object) => undefined);
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
    // The service's handler again (wrapped to track each partition's progress).
    const payload = { batch: { topic: 'events', partition: 0 } };
    await (consumers[1]!.runConfig as { eachBatch: (p: object) => Promise<void> }).eachBatch(payload);
    expect(eachBatch).toHaveBeenCalledWith(payload);
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

  describe('a partition with records past its commit and no batch', () => {
    async function running(broker: FakeBroker, eachBatch: () => Promise<void> = async () => undefined) {
      vi.useFakeTimers();
      const fake = fakeModule([], broker);
      const consumer = confluentConsumer(fake.mod, rd(), { groupId: 'g' });
      await consumer.subscribe({ topics: ['events'] });
      await consumer.run({ eachBatch, autoCommit: false });
      return { ...fake, consumer };
    }
    const batch = (consumers: FakeConsumer[]) =>
      (consumers.at(-1)!.runConfig as { eachBatch: (p: object) => Promise<void> }).eachBatch({
        batch: { topic: 'events', partition: 0 },
      });

    it('gets the consumer rebuilt after 30 s', async () => {
      const { consumer, consumers } = await running({ position: 10, committed: 10, high: 50, paused: false });
      await vi.advanceTimersByTimeAsync(25_000);
      expect(consumers).toHaveLength(1);
      await vi.advanceTimersByTimeAsync(15_000);
      expect(consumers).toHaveLength(2);
      expect(consumers[1]!.calls).toEqual(['connect', 'subscribe', 'run']);
      // The service's handler, wrapped again for the new consumer.
      await batch(consumers);
      await consumer.disconnect();
    });

    it('tries the rebuild again at the next check when it fails', async () => {
      vi.useFakeTimers();
      const { mod, consumers } = fakeModule([1], { position: 10, committed: 10, high: 50, paused: false });
      const consumer = confluentConsumer(mod, rd(), { groupId: 'g' });
      await consumer.subscribe({ topics: ['events'] });
      await consumer.run({ eachBatch: async () => undefined });
      await vi.advanceTimersByTimeAsync(35_000);
      expect(consumers).toHaveLength(2);
      await vi.advanceTimersByTimeAsync(5_000);
      expect(consumers).toHaveLength(3);
      expect(consumers[2]!.calls).toEqual(['connect', 'subscribe', 'run']);
      await consumer.disconnect();
    });

    it('is judged on the commit when nothing was read since assignment, and on the position without a commit', async () => {
      for (const broker of [
        { position: -1001, committed: 10, high: 50, paused: false },
        { position: 10, committed: -1001, high: 50, paused: false },
      ]) {
        const { consumer, consumers } = await running(broker);
        await vi.advanceTimersByTimeAsync(40_000);
        expect(consumers, JSON.stringify(broker)).toHaveLength(2);
        await consumer.disconnect();
      }
    });

    it('is left alone while batches arrive, when all is read, or when the service paused it', async () => {
      const arriving = { position: 10, committed: 10, high: 50, paused: false };
      for (const broker of [
        arriving,
        { position: 50, committed: 50, high: 50, paused: false },
        // Everything read, the commit waits for the write (a sink while ClickHouse is down).
        { position: 50, committed: 10, high: 50, paused: false },
        { position: 10, committed: 10, high: 50, paused: true },
        { position: -1001, committed: -1001, high: 50, paused: false },
      ]) {
        const { consumer, consumers } = await running(broker);
        for (let s = 0; s < 120; s += 5) {
          if (broker === arriving) await batch(consumers);
          await vi.advanceTimersByTimeAsync(5_000);
        }
        expect(consumers, JSON.stringify(broker)).toHaveLength(1);
        await consumer.disconnect();
      }
    });

    it('is left alone while its batch is still being processed', async () => {
      let release: () => void = () => undefined;
      const slow = () => new Promise<void>((resolve) => (release = resolve));
      const { consumer, consumers } = await running({ position: 10, committed: 10, high: 50, paused: false }, slow);
      const inFlight = batch(consumers);
      // A write that takes minutes (ClickHouse down) is not a stalled fetch.
      await vi.advanceTimersByTimeAsync(300_000);
      expect(consumers).toHaveLength(1);
      release();
      await inFlight;
      await vi.advanceTimersByTimeAsync(35_000);
      expect(consumers).toHaveLength(2);
      await consumer.disconnect();
    });
  });
});
