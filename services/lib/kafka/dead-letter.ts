import type { Batch, IHeaders, KafkaMessage, Producer } from 'kafkajs';
import type { ErrorCode, WardenError } from '../errors.ts';

/** A record that could not be processed, with why; the DLQ keeps the original bytes untouched. */
export interface DeadLetter {
  readonly reason: ErrorCode;
  readonly error: string;
  readonly sourceTopic: string;
  readonly partition: number;
  readonly offset: string;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
}

/** The dead letter for one consumed record that failed with a coded error. */
export function deadLetterOf(err: WardenError, batch: Pick<Batch, 'topic' | 'partition'>, m: KafkaMessage): DeadLetter {
  return {
    reason: err.code,
    error: err.message,
    sourceTopic: batch.topic,
    partition: batch.partition,
    offset: m.offset,
    key: m.key ?? null,
    value: m.value ?? null,
  };
}

export const DLQ_HEADERS = {
  reason: 'warden.reason',
  error: 'warden.error',
  topic: 'warden.source.topic',
  partition: 'warden.source.partition',
  offset: 'warden.source.offset',
  service: 'warden.service',
} as const;

/** Writes dead letters with acks from all replicas; callers commit the source offset only after this resolves. */
export async function sendDeadLetters(producer: Producer, dlqTopic: string, service: string, letters: DeadLetter[]) {
  if (letters.length === 0) return;
  await producer.send({
    topic: dlqTopic,
    acks: -1,
    messages: letters.map((l) => {
      const headers: IHeaders = {
        [DLQ_HEADERS.reason]: l.reason,
        [DLQ_HEADERS.error]: l.error.slice(0, 1000),
        [DLQ_HEADERS.topic]: l.sourceTopic,
        [DLQ_HEADERS.partition]: String(l.partition),
        [DLQ_HEADERS.offset]: l.offset,
        [DLQ_HEADERS.service]: service,
      };
      return { key: l.key, value: l.value, headers };
    }),
  });
}
