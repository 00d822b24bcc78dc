import type { Admin } from 'kafkajs';
import type { Verdict } from '../schemas/generated/verdict.ts';
import { isWardenError } from '../schemas/runtime/errors.ts';
import type { PartitionTail, TailOptions } from '../schemas/runtime/kafka/client.ts';
import { fetchEndOffsets, topicName } from '../schemas/runtime/kafka/topics.ts';
import type { Logger } from '../schemas/runtime/logger.ts';
import type { AvroCodec } from '../schemas/runtime/serde/avro-codec.ts';

/** What the subscription needs of a Kafka client: admin for the end offsets, and a partition tail. */
export interface KafkaClients {
  admin(): Admin;
  tail(options: TailOptions): PartitionTail;
}

export interface VerdictSubscriptionOptions {
  readonly kafka: KafkaClients;
  readonly topicPrefix: string;
  readonly codec: AvroCodec<'verdicts'>;
  readonly log: Logger;
  /** Which verdicts to keep (tenant and agents); the rest are decoded and dropped. */
  readonly accept: (v: Verdict) => boolean;
  readonly onVerdict: (v: Verdict) => void;
}

export interface VerdictSubscription {
  /** Resolves once every partition is assigned at the offsets the topic had at subscription. */
  readonly ready: Promise<void>;
  readonly stats: { readonly received: number; readonly kept: number; readonly undecodable: number };
  stop(): Promise<void>;
}

/**
 * Follows the verdicts topic from the moment of subscription. No consumer group and nothing
 * committed: each gateway needs every verdict of its tenant, and a verdict issued before it started
 * is irrelevant, except standing ones, which the control topic carries.
 *
 * "From the latest offset" is exact: the topic's end offsets are read first and every partition is
 * assigned there, so a verdict produced between subscribing and the first fetch is not skipped. On
 * librdkafka (the default) a lost connection resumes at the next offset not yet delivered.
 */
export async function subscribeVerdicts(o: VerdictSubscriptionOptions): Promise<VerdictSubscription> {
  const topic = topicName(o.topicPrefix, 'verdicts');
  const admin = o.kafka.admin();
  await admin.connect();
  let ends: { partition: number; offset: string }[];
  try {
    ends = await fetchEndOffsets(admin, topic);
  } finally {
    await admin.disconnect();
  }
  const stats = { received: 0, kept: 0, undecodable: 0 };
  // Decoding waits for the schema only on a new schema id; records still apply in arrival order.
  let applying: Promise<void> = Promise.resolve();
  const handle = async (value: Buffer, partition: number, offset: string) => {
    let verdict: Verdict;
    try {
      verdict = await o.codec.decode(value);
    } catch (err) {
      // One bad record must not stop enforcement of the good ones: logged with its code and counted.
      stats.undecodable += 1;
      o.log.error({ err, code: isWardenError(err) ? err.code : undefined, partition, offset }, 'undecodable verdict');
      return;
    }
    if (!o.accept(verdict)) return;
    stats.kept += 1;
    o.onVerdict(verdict);
  };
  const tail = o.kafka.tail({
    topic,
    from: ends.map((p) => ({ partition: p.partition, offset: p.offset })),
    onRecord: (r) => {
      stats.received += 1;
      if (r.value === null) return;
      const value = r.value;
      applying = applying.then(() => handle(value, r.partition, r.offset));
    },
  });
  return {
    ready: tail.ready,
    stats,
    stop: () => tail.stop(),
  };
}
