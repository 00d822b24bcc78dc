import { performance } from 'node:perf_hooks';
import type { Message } from 'kafkajs';
import type { WardenKafka } from '../../services/lib/kafka/client.ts';
import { commitBatch } from '../../services/lib/kafka/commit-batch.ts';
import { fetchEndOffsets } from '../../services/lib/kafka/topics.ts';

/**
 * The floor warden's verdict latency is judged against: a record produced to topic A, consumed and
 * produced again to topic B, consumed from B — two hops, no detection — with the settings the
 * services use: the relay is shaped like detect (consumer group, eachBatch, produce with linger 0
 * and 5 requests in flight, commit after the ack), the reader like the SDK (a partition tail).
 * Each value starts with the performance.now() of its send, read back on receipt.
 */
export interface RawTwoHop {
  send(count: number): Promise<void>;
  /** Latencies (ms) received since the last call, and how many arrived. */
  drain(): number[];
  received(): number;
  stop(): Promise<void>;
}

export async function startRawTwoHop(
  kafka: WardenKafka,
  topics: { a: string; b: string },
  opts: { groupId: string; valueBytes: number; maxBatchEvents: number; partitionsConcurrently: number },
): Promise<RawTwoHop> {
  const source = kafka.producer({ idempotent: true, maxInFlightRequests: 5, lingerMs: 0 });
  const relayProducer = kafka.producer({ idempotent: true, maxInFlightRequests: 5, lingerMs: 0 });
  await Promise.all([source.connect(), relayProducer.connect()]);
  const relay = kafka.consumer({ groupId: opts.groupId, maxBatchSize: opts.maxBatchEvents, maxWaitTimeInMs: 50 });
  await relay.connect();
  await relay.subscribe({ topics: [topics.a], fromBeginning: true });
  await relay.run({
    autoCommit: false,
    eachBatchAutoResolve: false,
    partitionsConsumedConcurrently: opts.partitionsConcurrently,
    eachBatch: async (payload) => {
      const { batch } = payload;
      if (batch.messages.length === 0) return;
      const messages: Message[] = batch.messages.map((m) => ({ key: m.key, value: m.value }));
      await relayProducer.sendBatch({ topicMessages: [{ topic: topics.b, messages }] });
      await commitBatch(relay, payload);
    },
  });

  const admin = kafka.admin();
  await admin.connect();
  const ends = await fetchEndOffsets(admin, topics.b);
  await admin.disconnect();
  let latencies: number[] = [];
  let count = 0;
  const tail = kafka.tail({
    topic: topics.b,
    from: ends.map((p) => ({ partition: p.partition, offset: p.offset })),
    onRecord: (r) => {
      if (!r.value) return;
      latencies.push(performance.now() - r.value.readDoubleLE(0));
      count++;
    },
  });
  await tail.ready;
  const padding = Buffer.alloc(Math.max(8, opts.valueBytes) - 8, 'x');
  let seq = 0;
  return {
    async send(n) {
      const messages: Message[] = [];
      const now = performance.now();
      for (let i = 0; i < n; i++) {
        const value = Buffer.allocUnsafe(8 + padding.length);
        value.writeDoubleLE(now, 0);
        padding.copy(value, 8);
        messages.push({ key: `t-bench:agent-${seq++ % 64}`, value });
      }
      await source.send({ topic: topics.a, messages });
    },
    drain() {
      const out = latencies;
      latencies = [];
      return out;
    },
    received: () => count,
    async stop() {
      await tail.stop();
      await relay.disconnect();
      await Promise.all([source.disconnect(), relayProducer.disconnect()]);
    },
  };
}
