import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Kafka } from 'kafkajs';
import type { PartitionTail, TailOptions } from './options.ts';

/**
 * The partition tail where librdkafka is not installed. kafkajs has no consumer without a group,
 * so this one joins a group of its own (nothing committed) and, on every join, seeks each
 * assigned partition to the next offset it has not delivered — at first the start offsets.
 */
export function kafkajsTail(kafka: Kafka, clientId: string, o: TailOptions): PartitionTail {
  const next = new Map<number, string>(o.from.map((p) => [p.partition, p.offset]));
  const groupId = `${clientId}-tail-${hostname()}-${process.pid}-${randomBytes(4).toString('hex')}`;
  const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 100, allowAutoTopicCreation: false });
  let markReady: () => void = () => undefined;
  const joined = new Promise<void>((resolve) => {
    markReady = resolve;
  });
  consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
    for (const partition of payload.memberAssignment[o.topic] ?? []) {
      const offset = next.get(partition);
      if (offset !== undefined) consumer.seek({ topic: o.topic, partition, offset });
    }
    markReady();
  });
  const ready = (async () => {
    await consumer.connect();
    await consumer.subscribe({ topics: [o.topic], fromBeginning: false });
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ partition, message }) => {
        next.set(partition, (BigInt(message.offset) + 1n).toString());
        o.onRecord({ partition, offset: message.offset, value: message.value });
      },
    });
    await joined;
  })();
  return {
    ready,
    async stop() {
      await consumer.disconnect();
    },
  };
}
