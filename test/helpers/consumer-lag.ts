import type { WardenKafka } from '../../services/lib/kafka/client.ts';
import { pollUntil } from './poll.ts';

/**
 * Waits until a consumer group has committed every record of the topics: after that, a service that
 * commits only after its writes (the sink) has nothing left in flight, so counts can no longer change.
 */
export async function waitForGroupCaughtUp(
  kafka: WardenKafka,
  groupId: string,
  topics: string[],
  timeoutMs = 120_000,
): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await pollUntil(
      async () => {
        let lag = 0n;
        for (const topic of topics) {
          const [ends, committed] = await Promise.all([
            admin.fetchTopicOffsets(topic),
            admin.fetchOffsets({ groupId, topics: [topic] }),
          ]);
          const done = new Map(
            committed[0]!.partitions.map((p) => [p.partition, BigInt(p.offset === '-1' ? '0' : p.offset)]),
          );
          for (const p of ends) lag += BigInt(p.high) - (done.get(p.partition) ?? 0n);
        }
        return lag;
      },
      (lag) => lag === 0n,
      { timeoutMs, what: `consumer group ${groupId} to commit everything on ${topics.join(', ')}` },
    );
  } finally {
    await admin.disconnect();
  }
}
