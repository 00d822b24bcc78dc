import { splitList } from '../env-config.ts';
import type { Logger } from '../logger.ts';
import type { KafkaConnection, PartitionTail, TailOptions } from './options.ts';

/** The slice of librdkafka's own (node-rdkafka style) consumer a partition tail uses. */
interface RdMessage {
  partition: number;
  offset: number;
  value: Buffer | null;
}
interface RdConsumer {
  connect(options: Record<string, unknown>, cb: (err: Error | null) => void): void;
  disconnect(cb: (err: Error | null) => void): void;
  assign(assignments: { topic: string; partition: number; offset: number }[]): void;
  consume(): void;
  setDefaultConsumeTimeout(ms: number): void;
  setDefaultConsumeLoopTimeoutDelay(ms: number): void;
  on(event: 'data', cb: (m: RdMessage) => void): void;
  on(event: 'event.error', cb: (err: Error) => void): void;
}
export interface RdKafkaModule {
  KafkaConsumer: new (conf: Record<string, unknown>, topicConf: Record<string, unknown>) => RdConsumer;
}

/** librdkafka's names for the connection settings (its own API takes no kafkajs-style block). */
function rdConnection(conn: KafkaConnection, clientId: string): Record<string, unknown> {
  const c: Record<string, unknown> = {
    'metadata.broker.list': splitList(conn.KAFKA_BROKERS).join(','),
    'client.id': clientId,
    'socket.connection.setup.timeout.ms': conn.KAFKA_CONNECT_TIMEOUT_MS,
    'topic.metadata.refresh.interval.ms': 10_000,
  };
  const sasl = conn.KAFKA_SASL_MECHANISM;
  c['security.protocol'] = conn.KAFKA_SSL ? (sasl ? 'sasl_ssl' : 'ssl') : sasl ? 'sasl_plaintext' : 'plaintext';
  if (conn.KAFKA_SSL_CA_FILE) c['ssl.ca.location'] = conn.KAFKA_SSL_CA_FILE;
  if (sasl) {
    c['sasl.mechanisms'] = sasl.toUpperCase();
    c['sasl.username'] = conn.KAFKA_SASL_USERNAME ?? '';
    c['sasl.password'] = conn.KAFKA_SASL_PASSWORD ?? '';
  }
  return c;
}

/**
 * A partition tail on librdkafka: manual assignment, so no group join (seconds) and no coordinator
 * at all. librdkafka keeps each partition's position across reconnects itself, so after a lost
 * connection fetching resumes at the next offset not yet delivered. Its consume loop runs on a
 * librdkafka thread and hands each record over as it arrives, which is what verdict latency needs.
 */
export function confluentTail(
  mod: RdKafkaModule,
  rd: { conn: KafkaConnection; clientId: string; log: Logger },
  o: TailOptions,
): PartitionTail {
  const consumer = new mod.KafkaConsumer(
    {
      ...rdConnection(rd.conn, rd.clientId),
      // librdkafka wants a group id for any consumer; with assign() and no commits it is never joined.
      'group.id': `${rd.clientId}-tail-unjoined`,
      'enable.auto.commit': false,
      'enable.auto.offset.store': false,
      'fetch.wait.max.ms': 100,
      'socket.nagle.disable': true,
    },
    {},
  );
  consumer.on('event.error', (err) =>
    rd.log.warn({ kafka: 'librdkafka', err, topic: o.topic }, 'partition tail: client error (librdkafka retries)'),
  );
  consumer.on('data', (m) => o.onRecord({ partition: m.partition, offset: String(m.offset), value: m.value }));
  let stopped = false;
  const ready = new Promise<void>((resolve, reject) => {
    consumer.connect({ timeout: rd.conn.KAFKA_CONNECT_TIMEOUT_MS }, (err) => {
      if (err) {
        reject(err);
        return;
      }
      if (stopped) return resolve();
      consumer.assign(o.from.map((p) => ({ topic: o.topic, partition: p.partition, offset: Number(p.offset) })));
      // Poll with a timeout and no pause after an empty poll: the library's default pause (500 ms)
      // would be added to the first verdict after every quiet second.
      consumer.setDefaultConsumeTimeout(1000);
      consumer.setDefaultConsumeLoopTimeoutDelay(0);
      consumer.consume();
      resolve();
    });
  });
  ready.catch(() => undefined);
  return {
    ready,
    async stop() {
      stopped = true;
      await ready.catch(() => undefined);
      await new Promise<void>((resolve) => consumer.disconnect(() => resolve()));
    },
  };
}
