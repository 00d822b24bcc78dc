import { isWardenError } from '../errors.ts';
import type { WardenKafka } from '../kafka/client.ts';
import { fetchEndOffsets, requireTopics, topicName } from '../kafka/topics.ts';
import type { Logger } from '../logger.ts';
import type { AvroCodec } from '../serde/avro-codec.ts';
import { ControlState } from './control-state.ts';

export interface ControlSubscription {
  readonly state: ControlState;
  /** Resolves once every record that existed at subscription time has been applied. */
  readonly caughtUp: Promise<void>;
  stop(): Promise<void>;
}

/**
 * Follows the compacted control topic from its beginning into an in-memory ControlState. Every
 * process reads the whole topic (a partition tail: no group, nothing committed): policies are small
 * and each detector instance needs all of them for the partitions it may own after a rebalance.
 */
export async function subscribeControl(
  kafka: WardenKafka,
  prefix: string,
  codec: AvroCodec<'control'>,
  log: Logger,
): Promise<ControlSubscription> {
  const topic = topicName(prefix, 'control');
  const state = new ControlState();
  const admin = kafka.admin();
  await admin.connect();
  let ends: Awaited<ReturnType<typeof admin.fetchTopicOffsets>>;
  try {
    await requireTopics(admin, [topic]);
    ends = await fetchEndOffsets(admin, topic);
  } finally {
    await admin.disconnect();
  }
  const target = new Map(ends.map((p) => [p.partition, BigInt(p.high)]));
  const reached = new Map<number, bigint>();
  let markCaughtUp: () => void = () => undefined;
  const caughtUp = new Promise<void>((resolve) => {
    markCaughtUp = resolve;
  });
  const check = () => {
    for (const [p, high] of target) if ((reached.get(p) ?? 0n) < high) return;
    markCaughtUp();
  };
  check();

  const tail = kafka.tail({
    topic,
    from: ends.map((p) => ({ partition: p.partition, offset: p.low })),
    onRecord: (r) => {
      if (r.value !== null) {
        // Decoding is asynchronous (schema lookup) but records must apply in offset order.
        applying = applying.then(() => apply(r.value!, r.offset));
      }
      applying = applying.then(() => {
        reached.set(r.partition, BigInt(r.offset) + 1n);
        check();
      });
    },
  });
  let applying: Promise<void> = Promise.resolve();
  const apply = async (value: Buffer, offset: string) => {
    try {
      state.apply(await codec.decode(value));
    } catch (err) {
      // A bad control record must not stop enforcement of the good ones; it is logged with its code.
      log.error({ err, code: isWardenError(err) ? err.code : undefined, offset }, 'bad control record');
    }
  };
  await tail.ready;
  return {
    state,
    caughtUp,
    async stop() {
      await tail.stop();
    },
  };
}
