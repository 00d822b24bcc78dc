import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import {
  type Admin,
  type AdminConfig,
  type Consumer,
  type ConsumerRunConfig,
  type ConsumerSubscribeTopics,
  Kafka,
  type KafkaConfig,
  logLevel,
  type Producer,
  type ProducerRecord,
  type SASLOptions,
} from 'kafkajs';
import { splitList } from '../env-config.ts';
import type { Logger } from '../logger.ts';
import { type ConfluentModule, confluentConsumer, confluentProducer } from './confluent-adapter.ts';
import { confluentTail, type RdKafkaModule } from './confluent-tail.ts';
import { kafkajsTail } from './kafkajs-tail.ts';
import type {
  ConsumerOptions,
  KafkaConnection,
  KafkaLibrary,
  PartitionTail,
  ProducerOptions,
  TailOptions,
  TailRecord,
} from './options.ts';

/**
 * The one place that knows which Kafka client library warden runs on. Everything else codes against
 * kafkajs's API (Producer, Consumer, Admin). Producers and consumers run on librdkafka through
 * @confluentinc/kafka-javascript when it is installed (docs/kafka-client.md: 14–19× lower produce
 * latency here), else on kafkajs; admin calls always use kafkajs, whose admin API is complete.
 * Partition tails (no group, manual assignment) run on librdkafka's own consumer API.
 */
export type { Admin, Consumer, EachBatchPayload, KafkaMessage, Producer, RecordMetadata } from 'kafkajs';

export type { ConsumerOptions, KafkaConnection, KafkaLibrary, PartitionTail, ProducerOptions, TailOptions, TailRecord };

export interface WardenKafka {
  readonly library: KafkaLibrary;
  producer(options?: ProducerOptions): Producer;
  consumer(options: ConsumerOptions): Consumer;
  admin(options?: AdminConfig): Admin;
  /** Every partition of a topic from given offsets, no group (verdict and control subscriptions). */
  tail(options: TailOptions): PartitionTail;
}

const require = createRequire(import.meta.url);
let confluentModule: (ConfluentModule & RdKafkaModule) | null | undefined;

function loadConfluent(): (ConfluentModule & RdKafkaModule) | null {
  if (confluentModule === undefined) {
    try {
      confluentModule = require('@confluentinc/kafka-javascript') as ConfluentModule & RdKafkaModule;
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
      tail: (options) => kafkajsTail(kafkajs, clientId, options),
    };
  }
  const rdConfig = { conn, clientId, log };
  return {
    library: 'confluent',
    producer: (options = {}) => confluentProducer(confluent, rdConfig, options),
    consumer: (options) => confluentConsumer(confluent, rdConfig, options),
    admin: (options) => kafkajs.admin(options),
    tail: (options) => confluentTail(confluent, rdConfig, options),
  };
}

/** warden always wants acks from all in-sync replicas; kafkajs takes that per send, so default it here. */
function kafkajsProducer(producer: Producer): Producer {
  const send = producer.send.bind(producer);
  producer.send = (record: ProducerRecord) => send({ acks: -1, ...record });
  return producer;
}

export type { ConsumerRunConfig, ConsumerSubscribeTopics };
