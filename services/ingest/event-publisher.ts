import type { AgentEvent } from '../../schemas/generated/index.ts';
import { isWardenError, WardenError } from '../lib/errors.ts';
import type { IngestMetrics } from './metrics.ts';
import type { EventProducer } from './producer.ts';

/** What publishing needs from the Avro codec (services/lib/serde/avro-codec.ts); tests pass a stub. */
export interface EventEncoder {
  encode(event: AgentEvent): Promise<Buffer>;
}

/**
 * Encodes validated events in the Confluent wire format and hands them to the producer, keyed
 * `tenant_id:agent_id` so one agent's events stay ordered on one partition. Resolves only when Kafka
 * acknowledged all of them.
 */
export class EventPublisher {
  constructor(
    private readonly encoder: EventEncoder,
    private readonly producer: EventProducer,
    private readonly metrics: IngestMetrics,
  ) {}

  async publish(events: readonly AgentEvent[], route: string): Promise<void> {
    if (events.length === 0) return;
    // Fail before encoding when Kafka is known to be away: the client retries elsewhere sooner.
    if (!this.producer.isConnected) throw new WardenError('INGEST_KAFKA_UNAVAILABLE', 'not connected to Kafka');
    let values: Buffer[];
    try {
      values = await Promise.all(events.map((e) => this.encoder.encode(e)));
    } catch (err) {
      // The events passed the Avro contract already, so a failing encoder means the registry (schema lookup).
      const detail = isWardenError(err) ? err.message : String(err);
      throw new WardenError('REGISTRY_UNREACHABLE', detail, { cause: err });
    }
    await this.producer.send(events.map((e, i) => ({ key: `${e.tenant_id}:${e.agent_id}`, value: values[i]! })));
    this.metrics.eventsAccepted.inc({ route }, events.length);
  }
}
