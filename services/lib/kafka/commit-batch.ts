import type { EachBatchPayload } from 'kafkajs';
import { withDeadline } from '../deadline.ts';
import type { Consumer } from './client.ts';

/**
 * A produce or commit that has not answered by then is treated as failed: the batch is redelivered
 * (records are idempotent downstream) instead of the partition waiting forever on a client whose
 * connection to the broker got stuck (seen after broker restarts).
 */
export const KAFKA_CALL_DEADLINE_MS = 30_000;

/**
 * The end of every eachBatch that wrote its results durably: commit the offset after the batch,
 * then resolve it (without that, librdkafka's adapter seeks back and re-delivers the batch) and
 * heartbeat. A commit that errors or does not answer in time fails the batch, which is redelivered.
 */
export async function commitBatch(
  consumer: Consumer,
  { batch, resolveOffset, heartbeat }: Pick<EachBatchPayload, 'batch' | 'resolveOffset' | 'heartbeat'>,
): Promise<void> {
  const next = (BigInt(batch.lastOffset()) + 1n).toString();
  await withDeadline(
    consumer.commitOffsets([{ topic: batch.topic, partition: batch.partition, offset: next }]),
    KAFKA_CALL_DEADLINE_MS,
    'KAFKA_UNREACHABLE',
    `committing ${batch.topic}[${batch.partition}]@${next}`,
  );
  resolveOffset(batch.lastOffset());
  await heartbeat();
}
