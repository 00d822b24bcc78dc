import type { ControlRecord } from '../../schemas/generated/index.ts';
import { type ControlKind, controlKey } from '../lib/control/control-state.ts';
import { WardenError } from '../lib/errors.ts';
import type { Producer } from '../lib/kafka/client.ts';
import type { AvroCodec } from '../lib/serde/avro-codec.ts';

/** What the API answers after Kafka acknowledged a control record (acks=all). */
export interface PublishedControl {
  record: ControlRecord;
  key: string;
  topic: string;
  partition: number;
  offset: string | null;
  /** When Kafka acknowledged the record (ISO), and how long the produce took. */
  produced_at: string;
  produce_ms: number;
}

/**
 * Publishes revocations and quarantines to the compacted control topic, keyed by controlKey so the
 * newest record per tenant, agent and kind wins. Resolves only after every in-sync replica has the
 * record; enforcement points (sdk/) read it from there.
 */
export class ControlPublisher {
  constructor(
    private readonly producer: Producer,
    private readonly codec: AvroCodec<'control'>,
    private readonly sendTimeoutMs: number,
  ) {}

  async publish(record: ControlRecord, kind: ControlKind): Promise<PublishedControl> {
    const started = performance.now();
    const key = controlKey(record, kind);
    const value = await this.codec.encode(record);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new WardenError('API_CONTROL_UNAVAILABLE', `no ack within ${this.sendTimeoutMs} ms`)),
        this.sendTimeoutMs,
      );
    });
    try {
      const meta = await Promise.race([
        this.producer.send({ topic: this.codec.topic, acks: -1, messages: [{ key, value }] }),
        timeout,
      ]);
      const first = meta[0];
      return {
        record,
        key,
        topic: this.codec.topic,
        partition: first?.partition ?? 0,
        offset: first?.baseOffset ?? first?.offset ?? null,
        produced_at: new Date().toISOString(),
        produce_ms: Math.round((performance.now() - started) * 10) / 10,
      };
    } catch (err) {
      if (err instanceof WardenError) throw err;
      throw new WardenError('API_CONTROL_UNAVAILABLE', (err as Error).message, { cause: err });
    } finally {
      clearTimeout(timer);
    }
  }
}
