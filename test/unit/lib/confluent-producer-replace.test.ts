import { afterEach, describe, expect, it, vi } from 'vitest';
import { type ConfluentModule, confluentProducer } from '../../../services/lib/kafka/confluent-adapter.ts';
import { createLogger } from '../../../services/lib/logger.ts';

interface FakeProducer {
  calls: string[];
  /** The producer answers sends like this: 'ack' at once, 'never' (stalled), 'refuse' (broker down); 'unreachable' cannot connect. */
  answers: 'ack' | 'never' | 'refuse' | 'unreachable';
}

/** A stand-in for @confluentinc/kafka-javascript whose producers answer as the test says. */
function fakeModule(answers: FakeProducer['answers'][]) {
  const producers: FakeProducer[] = [];
  const mod = {
    KafkaJS: {
      Kafka: class {
        producer() {
          const p: FakeProducer = { calls: [], answers: answers[producers.length] ?? 'ack' };
          producers.push(p);
          const send = async ({ topic }: { topic: string }) => {
            p.calls.push(`send ${topic}`);
            if (p.answers === 'never') return new Promise(() => undefined);
            if (p.answers === 'refuse') throw new Error('all broker connections are down');
            return [{ topicName: topic, partition: 0, errorCode: 0 }];
          };
          return {
            connect: async () => {
              p.calls.push('connect');
              if (p.answers === 'unreachable') throw new Error('connection refused');
            },
            disconnect: async () => void p.calls.push('disconnect'),
            send,
            sendBatch: async () => [],
          };
        }
        consumer() {
          throw new Error('not used');
        }
      },
    },
  } as unknown as ConfluentModule;
  return { mod, producers };
}

const rd = () => ({
  conn: { KAFKA_BROKERS: '127.0.0.1:1', KAFKA_CLIENT_ID: 't', KAFKA_SSL: false, KAFKA_CONNECT_TIMEOUT_MS: 1000 },
  clientId: 't',
  log: createLogger('test', { level: 'silent' }),
});
// Headers take the library's own path, which the fake stands in for.
const record = (topic: string) => ({ topic, messages: [{ value: 'v', headers: { h: 'x' } }] });

afterEach(() => {
  vi.useRealTimers();
});

describe('confluent producer adapter', () => {
  it('replaces a producer whose sends get no acknowledgement for 45 s; the waiting send fails, the next goes through', async () => {
    vi.useFakeTimers();
    const { mod, producers } = fakeModule(['never', 'ack']);
    const producer = confluentProducer(mod, rd(), { idempotent: true });
    await producer.connect();
    const stuck = producer.send(record('events'));
    const outcome = stuck.then(
      () => 'acknowledged',
      (err: { code?: string; retriable?: boolean }) => `${err.code} retriable=${err.retriable}`,
    );
    await vi.advanceTimersByTimeAsync(40_000);
    expect(producers).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(producers).toHaveLength(2);
    expect(await outcome).toBe('KAFKA_PRODUCER_STALLED retriable=true');
    expect(producers[0]!.calls).toContain('disconnect');
    await expect(producer.send(record('events'))).resolves.toEqual([
      { topicName: 'events', partition: 0, errorCode: 0 },
    ]);
    expect(producers[1]!.calls).toEqual(['connect', 'send events']);
    await producer.disconnect();
    expect(producers[1]!.calls).toContain('disconnect');
  });

  it('keeps a producer whose sends are refused (an outage its callers see) or acknowledged', async () => {
    vi.useFakeTimers();
    for (const answers of ['refuse', 'ack'] as const) {
      const { mod, producers } = fakeModule([answers]);
      const producer = confluentProducer(mod, rd(), {});
      await producer.connect();
      for (let s = 0; s < 120; s += 5) {
        await producer.send(record('events')).catch(() => undefined);
        await vi.advanceTimersByTimeAsync(5_000);
      }
      expect(producers, answers).toHaveLength(1);
      await producer.disconnect();
    }
  });

  it('tries again after the back-off when the new producer cannot connect', async () => {
    vi.useFakeTimers();
    const { mod, producers } = fakeModule(['never', 'unreachable', 'ack']);
    const producer = confluentProducer(mod, rd(), {});
    await producer.connect();
    const stuck = producer.send(record('events')).catch((err: { code?: string }) => err.code);
    await vi.advanceTimersByTimeAsync(50_000);
    expect(producers).toHaveLength(2);
    expect(producers[1]!.calls).toEqual(['connect', 'disconnect']);
    await vi.advanceTimersByTimeAsync(35_000);
    expect(producers).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(producers).toHaveLength(3);
    expect(await stuck).toBe('KAFKA_PRODUCER_STALLED');
    await producer.disconnect();
  });
});
