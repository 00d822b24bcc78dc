import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import {
  type Admin,
  type AdminConfig,
  type Consumer,
  type ConsumerConfig,
  type ConsumerRunConfig,
  type ConsumerSubscribeTopics,
  Kafka,
  type KafkaConfig,
  logLevel,
  type Producer,
  type ProducerConfig,
  type ProducerRecord,
  type SASLOptions,
} from 'kafkajs';
import { splitList } from '../env-config.ts';
import type { Logger } from '../logger.ts';
import { type ConfluentModule, confluentConsumer, confluentProducer } from './confluent-adapter.ts';

/**
 * The one place that knows which Kafka client library warden runs on. Everything else codes against
 * kafkajs's API (Producer, Consumer, Admin). Producers and consumers run on librdkafka through
 * @confluentinc/kafka-javascript when it is installed (docs/kafka-client.md: 14–19× lower produce
 * latency here), else on kafkajs; admin calls always use kafkajs, whose admin API is complete.
 */
export type { Admin, Consumer, EachBatchPayload, KafkaMessage, Producer, RecordMetadata } from 'kafkajs';

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

export interface WardenKafka {
  readonly library: KafkaLibrary;
  producer(options?: ProducerOptions): Producer;
  consumer(options: ConsumerOptions): Consumer;
  admin(options?: AdminConfig): Admin;
}

const require = createRequire(import.meta.url);
let confluentModule: ConfluentModule | null | undefined;

function loadConfluent(): ConfluentModule | null {
  if (confluentModule === undefined) {
    try {
      confluentModule = require('@confluentinc/kafka-javascript') as ConfluentModule;
    } catch {
      confluentModule = null;
    }
  }
  return confluentModule;
}

export function createKafka(conn: KafkaConnection, log: Logger, clientSuffix = ''): WardenKafka {
  const clientId = clientSuffix ? `${conn.KAFKA_CLIENT_ID}-${clientSuffix}` : conn.KAFKA_CLIENT_ID;
  const config: KafkaConfig = {
    clientId,
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
  const kafkajs = new Kafka(config);
  const wanted = conn.KAFKA_CLIENT ?? 'auto';
  const confluent = wanted === 'kafkajs' ? null : loadConfluent();
  if (wanted === 'confluent' && confluent === null) {
    throw new Error(
      'KAFKA_CLIENT=confluent but @confluentinc/kafka-javascript is not installed (it needs apt packages libzstd-dev libcurl4-openssl-dev libsasl2-dev liblz4-dev before npm install; see docs/kafka-client.md)',
    );
  }
  if (confluent === null) {
    return {
      library: 'kafkajs',
      producer: (options) => kafkajsProducer(kafkajs.producer(options)),
      consumer: (options) => kafkajs.consumer(options),
      admin: (options) => kafkajs.admin(options),
    };
  }
  const rdConfig = { conn, clientId, log };
  return {
    library: 'confluent',
    producer: (options = {}) => confluentProducer(confluent, rdConfig, options),
    consumer: (options) => confluentConsumer(confluent, rdConfig, options),
    admin: (options) => kafkajs.admin(options),
  };
}

/** warden always wants acks from all in-sync replicas; kafkajs takes that per send, so default it here. */
function kafkajsProducer(producer: Producer): Producer {
  const send = producer.send.bind(producer);
  producer.send = (record: ProducerRecord) => send({ acks: -1, ...record });
  return producer;
}

export type { ConsumerRunConfig, ConsumerSubscribeTopics };
