import type { Producer } from '../../../services/lib/kafka/client.ts';
import { createLogger } from '../../../services/lib/logger.ts';

export const silentLog = createLogger('test', { level: 'silent' });

export interface SentRecord {
  topic: string;
  messages: { key: string; value: Buffer }[];
}

/**
 * A Producer stand-in with no network: sends wait until the test acks or fails them, so tests observe
 * exactly when the service answers relative to Kafka's acknowledgement.
 */
export class FakeKafkaProducer {
  readonly sent: SentRecord[] = [];
  autoAck = true;
  connectError: Error | undefined;
  private pending: { resolve: () => void; reject: (e: Error) => void }[] = [];

  asProducer(): Producer {
    return this as unknown as Producer;
  }

  async connect(): Promise<void> {
    if (this.connectError) throw this.connectError;
  }

  async disconnect(): Promise<void> {}

  send(record: SentRecord): Promise<unknown> {
    this.sent.push(record);
    if (this.autoAck) return Promise.resolve([]);
    return new Promise<unknown>((resolve, reject) => this.pending.push({ resolve: () => resolve([]), reject }));
  }

  get waiting(): number {
    return this.pending.length;
  }

  ackAll(): void {
    for (const p of this.pending.splice(0)) p.resolve();
  }

  failAll(err: Error): void {
    for (const p of this.pending.splice(0)) p.reject(err);
  }
}
