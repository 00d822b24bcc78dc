import { readFileSync } from 'node:fs';
import { Kafka, type KafkaConfig, logLevel, type SASLOptions } from 'kafkajs';
import { splitList } from '../env-config.ts';
import type { Logger } from '../logger.ts';

/**
 * The one place that knows which Kafka client library warden runs on. Everything else codes
 * against kafkajs's API (Producer, Consumer, Admin), which @confluentinc/kafka-javascript also
 * implements, so switching is a change here only. docs/kafka-client.md has the measurements.
 */
export type { Admin, Consumer, EachBatchPayload, KafkaMessage, Producer, RecordMetadata } from 'kafkajs';
export { CompressionTypes } from 'kafkajs';

export interface KafkaConnection {
  KAFKA_BROKERS: string;
  KAFKA_CLIENT_ID: string;
  KAFKA_SSL: boolean;
  KAFKA_SSL_CA_FILE?: string | undefined;
  KAFKA_SASL_MECHANISM?: 'plain' | 'scram-sha-256' | 'scram-sha-512' | undefined;
  KAFKA_SASL_USERNAME?: string | undefined;
  KAFKA_SASL_PASSWORD?: string | undefined;
  KAFKA_CONNECT_TIMEOUT_MS: number;
}

export function createKafka(conn: KafkaConnection, log: Logger, clientSuffix = ''): Kafka {
  const config: KafkaConfig = {
    clientId: clientSuffix ? `${conn.KAFKA_CLIENT_ID}-${clientSuffix}` : conn.KAFKA_CLIENT_ID,
    brokers: splitList(conn.KAFKA_BROKERS),
    connectionTimeout: conn.KAFKA_CONNECT_TIMEOUT_MS,
    logLevel: logLevel.WARN,
    logCreator: () => (entry) => {
      const { message, ...rest } = entry.log;
      const fields = { kafka: entry.namespace, ...rest };
      if (entry.level <= logLevel.ERROR) log.error(fields, message);
      else log.warn(fields, message);
    },
  };
  if (conn.KAFKA_SSL) {
    config.ssl = conn.KAFKA_SSL_CA_FILE ? { ca: [readFileSync(conn.KAFKA_SSL_CA_FILE, 'utf8')] } : true;
  }
  if (conn.KAFKA_SASL_MECHANISM) {
    config.sasl = {
      mechanism: conn.KAFKA_SASL_MECHANISM,
      username: conn.KAFKA_SASL_USERNAME ?? '',
      password: conn.KAFKA_SASL_PASSWORD ?? '',
    } as SASLOptions;
  }
  return new Kafka(config);
}
