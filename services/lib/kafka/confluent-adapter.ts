import type {
  Consumer,
  ConsumerRunConfig,
  ConsumerSubscribeTopics,
  IHeaders,
  Producer,
  ProducerBatch,
  ProducerRecord,
} from 'kafkajs';
import { splitList } from '../env-config.ts';
import type { Logger } from '../logger.ts';
import type { ConsumerOptions, KafkaConnection, ProducerOptions } from './client.ts';

/**
 * Presents @confluentinc/kafka-javascript with kafkajs's calling conventions, so warden's code has
 * one contract. The two differ in where a few options live: librdkafka takes acks at producer
 * construction (kafkajs: per send) and fromBeginning/autoCommit at consumer construction (kafkajs:
 * at subscribe/run). The consumer is therefore built when `run` is called, once all are known.
 */
type Config = Record<string, unknown>;
interface ConfluentKafka {
  producer(config: Config): Producer;
  consumer(config: Config): Consumer;
}
export interface ConfluentModule {
  KafkaJS: { Kafka: new (config: Config) => ConfluentKafka };
}

export interface RdConfig {
  conn: KafkaConnection;
  clientId: string;
  log: Logger;
}

function baseConfig({ conn, clientId, log }: RdConfig): Config {
  const kafkaJS: Config = {
    brokers: splitList(conn.KAFKA_BROKERS),
    clientId,
    connectionTimeout: conn.KAFKA_CONNECT_TIMEOUT_MS,
    logger: pinoAdapter(log),
  };
  const config: Config = { kafkaJS };
  if (conn.KAFKA_SSL) {
    kafkaJS.ssl = true;
    if (conn.KAFKA_SSL_CA_FILE) config['ssl.ca.location'] = conn.KAFKA_SSL_CA_FILE;
  }
  if (conn.KAFKA_SASL_MECHANISM) {
    kafkaJS.sasl = {
      mechanism: conn.KAFKA_SASL_MECHANISM,
      username: conn.KAFKA_SASL_USERNAME ?? '',
      password: conn.KAFKA_SASL_PASSWORD ?? '',
    };
  }
  return config;
}

export function confluentProducer(mod: ConfluentModule, rd: RdConfig, options: ProducerOptions): Producer {
  const base = baseConfig(rd);
  const producer = new mod.KafkaJS.Kafka(base).producer({
    kafkaJS: { ...(base.kafkaJS as Config), idempotent: options.idempotent ?? false, acks: -1 },
    'linger.ms': options.lingerMs ?? 5,
  });
  const send = producer.send.bind(producer);
  const sendBatch = producer.sendBatch.bind(producer);
  // acks is fixed to all at construction; the per-call knobs kafkajs accepts are dropped, not forwarded.
  producer.send = ({ topic, messages }: ProducerRecord) => send({ topic, messages });
  producer.sendBatch = ({ topicMessages }: ProducerBatch) => sendBatch({ topicMessages });
  return producer;
}

export function confluentConsumer(mod: ConfluentModule, rd: RdConfig, options: ConsumerOptions): Consumer {
  const { maxBatchSize, ...kafkajsOptions } = options;
  const base = baseConfig(rd);
  let real: Consumer | null = null;
  let subscription: ConsumerSubscribeTopics | null = null;
  const listeners: [string, (...args: unknown[]) => void][] = [];
  const need = (): Consumer => {
    if (!real) throw new Error('consumer is not running yet: call run() first');
    return real;
  };
  const adapter = {
    async connect() {
      // Deferred to run(): librdkafka needs fromBeginning and autoCommit at construction.
    },
    async subscribe(s: ConsumerSubscribeTopics) {
      subscription = s;
    },
    async run(run: ConsumerRunConfig = {}) {
      if (!subscription) throw new Error('subscribe() before run()');
      const { autoCommit, autoCommitInterval, autoCommitThreshold, ...rest } = run;
      real = new mod.KafkaJS.Kafka(base).consumer({
        kafkaJS: {
          ...(base.kafkaJS as Config),
          ...kafkajsOptions,
          fromBeginning: subscription.fromBeginning ?? false,
          autoCommit: autoCommit ?? true,
          ...(autoCommitInterval ? { autoCommitInterval } : {}),
        },
        'js.consumer.max.batch.size': maxBatchSize ?? 1000,
      });
      void autoCommitThreshold;
      for (const [event, cb] of listeners) real.on(event as never, cb as never);
      await real.connect();
      await real.subscribe({ topics: subscription.topics });
      await real.run(rest);
    },
    async disconnect() {
      if (real) await real.disconnect();
    },
    async stop() {
      if (real) await real.stop();
    },
    commitOffsets: (offsets: Parameters<Consumer['commitOffsets']>[0]) => need().commitOffsets(offsets),
    seek: (s: Parameters<Consumer['seek']>[0]) => need().seek(s),
    pause: (t: Parameters<Consumer['pause']>[0]) => need().pause(t),
    resume: (t: Parameters<Consumer['resume']>[0]) => need().resume(t),
    paused: () => (real ? real.paused() : []),
    on(event: string, cb: (...args: unknown[]) => void) {
      if (real) real.on(event as never, cb as never);
      else listeners.push([event, cb]);
      return () => undefined;
    },
  };
  return adapter as unknown as Consumer;
}

/** librdkafka's log lines go to the service's pino logger, warnings and up only. */
function pinoAdapter(log: Logger) {
  const logger = {
    info: () => undefined,
    debug: () => undefined,
    warn: (message: string, extra?: object) => log.warn({ kafka: 'librdkafka', ...extra }, message),
    error: (message: string, extra?: object) => log.error({ kafka: 'librdkafka', ...extra }, message),
    namespace: () => logger,
    setLogLevel: () => undefined,
  };
  return logger;
}

export type { IHeaders };
