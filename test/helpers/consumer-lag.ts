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
        const lag: Record<string, string> = {};
        let total = 0n;
        try {
          for (const topic of topics) {
            const [ends, committed] = await Promise.all([
              admin.fetchTopicOffsets(topic),
              admin.fetchOffsets({ groupId, topics: [topic] }),
            ]);
            const done = new Map(
              committed[0]!.partitions.map((p) => [p.partition, BigInt(p.offset === '-1' ? '0' : p.offset)]),
            );
            for (const p of ends) {
              const behind = BigInt(p.high) - (done.get(p.partition) ?? 0n);
              total += behind;
              if (behind !== 0n) lag[`${topic}[${p.partition}]`] = behind.toString();
            }
          }
        } catch (err) {
          // Right after a broker restart the group coordinator is still loading: ask again.
          if ((err as { retriable?: boolean }).retriable === true) return { retrying: String(err) };
          throw err;
        }
        // Partitions still behind, as strings so a timeout message can show them.
        return total === 0n ? null : lag;
      },
      (lag) => lag === null,
      { timeoutMs, what: `consumer group ${groupId} to commit everything on ${topics.join(', ')}` },
    );
  } finally {
    await admin.disconnect();
  }
}
