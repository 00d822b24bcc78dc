import type { IHeaders } from 'kafkajs';
import type { Producer } from '../lib/kafka/client.ts';
import { DLQ_HEADERS } from '../lib/kafka/dead-letter.ts';
import type { DeadLetterSink, Origin } from './delivery.ts';
import type { DeliveryError } from './delivery-error.ts';

/** Extra DLQ header: which destination gave up on the record (absent for undecodable records). */
export const SIEM_DLQ_DESTINATION = 'warden.siem.destination';

/**
 * Writes the forwarder's dead letters to warden.dlq.v1 with the common headers (reason = error
 * code, error text, source topic/partition/offset, service) plus the destination. The value is the
 * record's original bytes, so replaying the DLQ into the source topic re-forwards it unchanged.
 */
export function kafkaDeadLetters(producer: Producer, dlqTopic: string): DeadLetterSink {
  return {
    async deadLetter(destination: string, origins: readonly Origin[], err: DeliveryError): Promise<void> {
      if (origins.length === 0) return;
      await producer.send({
        topic: dlqTopic,
        acks: -1,
        messages: origins.map((o) => {
          const headers: IHeaders = {
            [DLQ_HEADERS.reason]: err.code,
            [DLQ_HEADERS.error]: `${err.message}; fix: ${err.fix}`.slice(0, 1000),
            [DLQ_HEADERS.topic]: o.topic,
            [DLQ_HEADERS.partition]: String(o.partition),
            [DLQ_HEADERS.offset]: o.offset,
            [DLQ_HEADERS.service]: 'siem',
          };
          if (destination) headers[SIEM_DLQ_DESTINATION] = destination;
          return { key: o.key, value: o.value, headers };
        }),
      });
    },
  };
}
