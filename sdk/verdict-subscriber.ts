import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Admin, Consumer, ConsumerConfig } from 'kafkajs';
import type { Verdict } from '../schemas/generated/verdict.ts';
import { isWardenError } from '../services/lib/errors.ts';
import { topicName } from '../services/lib/kafka/topics.ts';
import type { Logger } from '../services/lib/logger.ts';
import type { AvroCodec } from '../services/lib/serde/avro-codec.ts';

/**
 * What the subscription needs of a Kafka client: kafkajs's own consumer, because it relies on the
 * GROUP_JOIN event and `seek` (createKafka with KAFKA_CLIENT=kafkajs, or a kafkajs `Kafka`).
 */
export interface KafkaClients {
  admin(): Admin;
  consumer(options: ConsumerConfig): Consumer;
}

export interface VerdictSubscriptionOptions {
  readonly kafka: KafkaClients;
  readonly topicPrefix: string;
  readonly codec: AvroCodec<'verdicts'>;
  readonly log: Logger;
  /** Label in the throwaway consumer group's name (e.g. the tenant), for operators reading group lists. */
  readonly label: string;
  /** Which verdicts to keep (tenant and agents); the rest are decoded and dropped. */
  readonly accept: (v: Verdict) => boolean;
  readonly onVerdict: (v: Verdict) => void;
}

export interface VerdictSubscription {
  /** Resolves once the consumer has joined and is positioned at the offsets the topic had at subscription. */
  readonly ready: Promise<void>;
  readonly stats: { readonly received: number; readonly kept: number; readonly undecodable: number };
  stop(): Promise<void>;
}

/**
 * Follows the verdicts topic from the moment of subscription. Every process has its own consumer
 * group (nothing committed): each gateway needs every verdict of its tenant, and a verdict issued
 * before it started is irrelevant, except standing ones, which the control topic carries.
 *
 * "From the latest offset" is made exact: the topic's end offsets are read before subscribing and the
 * consumer seeks there on its first join, so a verdict produced between `subscribe` and the group's
 * first fetch is not skipped (which `fromBeginning: false` alone would allow). On a re-join after a
 * connection loss it seeks to the next offset it has not seen, so nothing is skipped either.
 */
export async function subscribeVerdicts(o: VerdictSubscriptionOptions): Promise<VerdictSubscription> {
  const topic = topicName(o.topicPrefix, 'verdicts');
  const admin = o.kafka.admin();
  await admin.connect();
  let ends: { partition: number; offset: string }[];
  try {
    ends = await admin.fetchTopicOffsets(topic);
  } finally {
    await admin.disconnect();
  }
  const next = new Map<number, string>(ends.map((p) => [p.partition, p.offset]));
  const stats = { received: 0, kept: 0, undecodable: 0 };

  const safe = o.label.replace(/[^A-Za-z0-9._-]/g, '_');
  const groupId = `warden-sdk-${safe}-${hostname()}-${process.pid}-${randomBytes(4).toString('hex')}`;
  const consumer = o.kafka.consumer({ groupId, maxWaitTimeInMs: 100, allowAutoTopicCreation: false });
  let markReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => {
    markReady = resolve;
  });
  consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
    for (const partition of payload.memberAssignment[topic] ?? []) {
      const offset = next.get(partition);
      if (offset !== undefined) consumer.seek({ topic, partition, offset });
    }
    markReady();
  });

  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: false });
  await consumer.run({
    autoCommit: false,
    eachMessage: async ({ partition, message }) => {
      next.set(partition, (BigInt(message.offset) + 1n).toString());
      stats.received += 1;
      if (message.value === null) return;
      let verdict: Verdict;
      try {
        verdict = await o.codec.decode(message.value);
      } catch (err) {
        // One bad record must not stop enforcement of the good ones: logged with its code and counted.
        stats.undecodable += 1;
        o.log.error(
          { err, code: isWardenError(err) ? err.code : undefined, partition, offset: message.offset },
          'undecodable verdict',
        );
        return;
      }
      if (!o.accept(verdict)) return;
      stats.kept += 1;
      o.onVerdict(verdict);
    },
  });
  return {
    ready,
    stats,
    async stop() {
      await consumer.disconnect();
    },
  };
}
