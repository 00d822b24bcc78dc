import type { ConsumerConfig, ProducerConfig } from 'kafkajs';

/**
 * The settings every Kafka client of warden takes, whichever library serves it. Both client.ts
 * (which picks the library) and the library adapters import them from here, so neither imports
 * the other's module.
 */
export type KafkaLibrary = 'confluent' | 'kafkajs';

export interface KafkaConnection {
  KAFKA_BROKERS: string;
  KAFKA_CLIENT_ID: string;
  KAFKA_CLIENT?: 'auto' | KafkaLibrary | undefined;
  KAFKA_SSL: boolean;
  KAFKA_SSL_CA_FILE?: string | undefined;
  KAFKA_SASL_MECHANISM?: 'plain' | 'scram-sha-256' | 'scram-sha-512' | undefined;
  KAFKA_SASL_USERNAME?: string | undefined;
  KAFKA_SASL_PASSWORD?: string | undefined;
  KAFKA_CONNECT_TIMEOUT_MS: number;
  /** librdkafka `debug` contexts; its debug lines then reach the service log at info (librdkafka only). */
  KAFKA_DEBUG?: string | undefined;
}

/** kafkajs's producer options plus the one librdkafka knob warden tunes per producer. */
export interface ProducerOptions extends ProducerConfig {
  /** How long the producer may wait to fill a batch: 0 for verdicts (latency), a few ms for bulk. */
  lingerMs?: number;
}

/** kafkajs's consumer options plus the largest batch handed to eachBatch. */
export interface ConsumerOptions extends ConsumerConfig {
  maxBatchSize?: number;
}

/** One record read by a partition tail. */
export interface TailRecord {
  readonly partition: number;
  readonly offset: string;
  readonly value: Buffer | null;
}

export interface TailOptions {
  readonly topic: string;
  /** Where each partition starts: the first offset to read (e.g. the end offsets at subscription). */
  readonly from: readonly { partition: number; offset: string }[];
  readonly onRecord: (r: TailRecord) => void;
}

/**
 * Reads every partition of one topic from given offsets, with no consumer group and nothing
 * committed: what an enforcement point needs of the verdict and control topics. After a lost
 * connection it continues from the next offset it has not delivered.
 */
export interface PartitionTail {
  /** Resolves once every partition is assigned at its start offset. */
  readonly ready: Promise<void>;
  stop(): Promise<void>;
}
