import { setTimeout as delay } from 'node:timers/promises';
import type {
  Consumer,
  ConsumerRunConfig,
  ConsumerSubscribeTopics,
  IHeaders,
  Producer,
  ProducerBatch,
  ProducerRecord,
  RecordMetadata,
} from 'kafkajs';
import { splitList } from '../env-config.ts';
import type { Logger } from '../logger.ts';
import { CommitVerifier, type TopicPartitionOffset } from './commit-verifier.ts';
import { GroupSessionWatchdog } from './group-session-watchdog.ts';
import type { ConsumerOptions, KafkaConnection, ProducerOptions } from './options.ts';

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

function baseConfig({ conn, clientId, log }: RdConfig, onLine?: (facility: string | undefined) => void): Config {
  const kafkaJS: Config = {
    brokers: splitList(conn.KAFKA_BROKERS),
    clientId,
    connectionTimeout: conn.KAFKA_CONNECT_TIMEOUT_MS,
    logger: pinoAdapter(log, onLine),
  };
  const config: Config = {
    kafkaJS,
    // librdkafka refreshes topic metadata every 5 minutes by default. After a broker restart a
    // partition whose leader (epoch) it still has wrong can stop fetching until then, which the
    // broker-restart e2e test saw as a consumer group stuck with lag for minutes.
    'topic.metadata.refresh.interval.ms': 10_000,
  };
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
    // Idempotence allows at most 5 and keeps the order of every partition within them.
    'max.in.flight.requests.per.connection': Math.min(
      options.maxInFlightRequests ?? 5,
      options.idempotent ? 5 : 1_000_000,
    ),
  });
  const send = producer.send.bind(producer);
  const sendBatch = producer.sendBatch.bind(producer);
  const internal = producer as Producer & Partial<InternalAccess>;
  // Null before connect (the library's path then reports that) or if a library update drops it.
  const rdClient = () => (typeof internal._getInternalClient === 'function' ? internal._getInternalClient() : null);
  // acks is fixed to all at construction; the per-call knobs kafkajs accepts are dropped, not forwarded.
  producer.send = ({ topic, messages }: ProducerRecord) => {
    const rd = rdClient();
    return rd && messages.every(plain) ? produceAll(rd, topic, messages) : send({ topic, messages });
  };
  producer.sendBatch = ({ topicMessages }: ProducerBatch) => {
    const rd = rdClient();
    const all = topicMessages ?? [];
    if (!rd || !all.every((t) => t.messages.every(plain))) return sendBatch({ topicMessages });
    return Promise.all(all.map((t) => produceAll(rd, t.topic, t.messages))).then((r) => r.flat());
  };
  return producer;
}

/**
 * The library's KafkaJS layer (1.10) gives every message its own promise, opaque object and
 * header conversion, and sorts the acknowledgements through a Map keyed by strings: ~3 CPU-µs per
 * message of the ~10 a produce costs (measured on this box, 300-byte messages in batches of 500).
 * Messages without headers or timestamps — verdicts, findings, events — go straight to its
 * librdkafka producer with one shared opaque per topic instead. The library's delivery callback
 * calls `resolve(metadata)` / `reject(error)` on whatever opaque it gets, so acknowledgement,
 * errors and the returned metadata (lowest offset per partition) are what `send` gives.
 */
interface RdProducer {
  produce(
    topic: string,
    partition: number,
    value: Buffer | null,
    key: string | Buffer | null | undefined,
    timestamp: number,
    opaque: unknown,
  ): unknown;
}
interface InternalAccess {
  _getInternalClient(): RdProducer | null;
}
type OutMessage = ProducerRecord['messages'][number];

function plain(m: OutMessage): boolean {
  return m.headers === undefined && (m.timestamp === undefined || m.timestamp === null);
}

function produceAll(rd: RdProducer, topic: string, messages: OutMessage[]): Promise<RecordMetadata[]> {
  if (messages.length === 0) return Promise.resolve([]);
  return new Promise((resolve, reject) => {
    let left = messages.length;
    let failure: unknown = null;
    const first: RecordMetadata[] = [];
    const settle = () => {
      if (--left > 0) return;
      if (failure !== null) reject(failure);
      else resolve(first.filter((m) => m !== undefined));
    };
    const opaque = {
      resolve(meta: RecordMetadata & { baseOffset: unknown }) {
        // Acknowledgements of one partition arrive in offset order: the first is the lowest.
        if (first[meta.partition] === undefined) {
          first[meta.partition] = {
            ...meta,
            baseOffset: meta.baseOffset == null ? meta.baseOffset : String(meta.baseOffset),
          } as RecordMetadata;
        }
        settle();
      },
      reject(err: unknown) {
        failure ??= err;
        settle();
      },
    };
    for (const m of messages) {
      const value = typeof m.value === 'string' ? Buffer.from(m.value) : m.value;
      try {
        rd.produce(topic, m.partition ?? -1, value, m.key, 0, opaque);
      } catch (err) {
        // Not queued (queue full, not connected): no acknowledgement will come for it.
        opaque.reject(err);
      }
    }
  });
}

/** How long a lost group session may stay lost before the consumer is rebuilt (a rejoin takes seconds). */
const GROUP_STUCK_MS = 60_000;
/** librdkafka's code for "partitions assigned" in a rebalance callback (CODES.ERRORS.ERR__ASSIGN_PARTITIONS). */
const ERR_ASSIGN_PARTITIONS = -175;
/** How often queued commits are checked against what the coordinator holds (see commit-verifier.ts). */
const COMMIT_VERIFY_MS = 5_000;
const COMMITTED_TIMEOUT_MS = 10_000;

/** The parts of the library's KafkaJS consumer beyond kafkajs's own Consumer type that the adapter uses. */
interface ConfluentConsumerExtras {
  // One entry per partition (its JSDoc says per topic with `partitions`, the code flattens them).
  assignment(): { topic: string; partition: number }[];
  committed(partitions: TopicPartitionOffset[], timeoutMs?: number): Promise<TopicPartitionOffset[]>;
}

export function confluentConsumer(mod: ConfluentModule, rd: RdConfig, options: ConsumerOptions): Consumer {
  const { maxBatchSize, ...kafkajsOptions } = options;
  const watchdog = new GroupSessionWatchdog(GROUP_STUCK_MS);
  const verifier = new CommitVerifier();
  let verifying = false;
  const base = baseConfig(rd, (facility) => watchdog.observe(facility));
  let real: Consumer | null = null;
  let subscription: ConsumerSubscribeTopics | null = null;
  let runConfig: ConsumerRunConfig | null = null;
  let timer: NodeJS.Timeout | null = null;
  let rebuilding = false;
  const listeners: [string, (...args: unknown[]) => void][] = [];
  const need = (): Consumer => {
    if (!real) throw new Error('consumer is not running yet: call run() first');
    return real;
  };
  async function start(): Promise<void> {
    const sub = subscription!;
    const { autoCommit, autoCommitInterval, autoCommitThreshold, ...rest } = runConfig!;
    const consumer = new mod.KafkaJS.Kafka(base).consumer({
      kafkaJS: {
        ...(base.kafkaJS as Config),
        ...kafkajsOptions,
        fromBeginning: sub.fromBeginning ?? false,
        autoCommit: autoCommit ?? true,
        ...(autoCommitInterval ? { autoCommitInterval } : {}),
      },
      'js.consumer.max.batch.size': maxBatchSize ?? 1000,
      // Observes only; the library still assigns and revokes as it would without a callback.
      rebalance_cb: (err: { code?: number }) => {
        if (err.code === ERR_ASSIGN_PARTITIONS) watchdog.rejoined();
      },
    });
    void autoCommitThreshold;
    for (const [event, cb] of listeners) consumer.on(event as never, cb as never);
    // Before run(): its first batch may commit through this adapter.
    real = consumer;
    await consumer.connect();
    await consumer.subscribe({ topics: sub.topics });
    await consumer.run(rest);
  }

  /** A consumer whose group session stays lost is replaced; offsets commit only after writes, so nothing is lost. */
  async function rebuildIfStuck(): Promise<void> {
    if (rebuilding || timer === null || !watchdog.stuck()) return;
    rebuilding = true;
    const old = real;
    try {
      rd.log.warn(
        { kafka: 'librdkafka', code: 'KAFKA_UNREACHABLE', lostForMs: watchdog.lostForMs() },
        'consumer group session lost and not regained; rebuilding the consumer',
      );
      real = null;
      // A stuck client may never finish leaving the group: do not wait for it forever.
      if (old) await Promise.race([old.disconnect().catch(() => undefined), delay(10_000)]);
      await start();
      watchdog.rejoined();
    } catch (err) {
      // The watchdog still says stuck, so the next check tries again.
      rd.log.error({ err, kafka: 'librdkafka' }, 'rebuilding the consumer failed; retrying');
    } finally {
      rebuilding = false;
    }
  }

  /** Re-sends commits librdkafka queued but the coordinator never stored (lost around a coordinator change). */
  async function verifyCommits(): Promise<void> {
    const consumer = real as (Consumer & ConfluentConsumerExtras) | null;
    if (verifying || rebuilding || consumer === null || verifier.pending() === 0) return;
    verifying = true;
    try {
      const { resent } = await verifier.verify({
        assigned: () => consumer.assignment().map(({ topic, partition }) => ({ topic, partition })),
        // The library turns each entry's offset into a number: give it librdkafka's "invalid" (-1001), not NaN.
        committed: (partitions) =>
          consumer.committed(
            partitions.map((p) => ({ ...p, offset: '-1001' })),
            COMMITTED_TIMEOUT_MS,
          ),
        commit: (offsets) => consumer.commitOffsets(offsets),
      });
      if (resent.length > 0) {
        rd.log.warn(
          { kafka: 'librdkafka', resent: resent.map((o) => `${o.topic}[${o.partition}]@${o.offset}`) },
          'offset commits the group coordinator never stored (lost around a coordinator change); committed again',
        );
      }
    } catch (err) {
      // Coordinator still moving or consumer not connected: the next round asks again.
      rd.log.warn({ err, kafka: 'librdkafka' }, 'checking committed offsets failed; retrying');
    } finally {
      verifying = false;
    }
  }

  const adapter = {
    async connect() {
      // Deferred to run(): librdkafka needs fromBeginning and autoCommit at construction.
    },
    async subscribe(s: ConsumerSubscribeTopics) {
      subscription = s;
    },
    async run(run: ConsumerRunConfig = {}) {
      if (!subscription) throw new Error('subscribe() before run()');
      runConfig = run;
      await start();
      timer = setInterval(() => {
        void rebuildIfStuck();
        void verifyCommits();
      }, COMMIT_VERIFY_MS);
      timer.unref();
    },
    async disconnect() {
      if (timer) clearInterval(timer);
      timer = null;
      if (real) await real.disconnect();
    },
    async stop() {
      if (real) await real.stop();
    },
    async commitOffsets(offsets: Parameters<Consumer['commitOffsets']>[0]) {
      // Resolves once queued, not stored: remember it so verifyCommits can send it again if it is lost.
      await need().commitOffsets(offsets);
      verifier.committing(offsets);
    },
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

/** librdkafka's log lines go to the service's pino logger, warnings and up only, and to `onLine` by facility. */
function pinoAdapter(log: Logger, onLine?: (facility: string | undefined) => void) {
  const facility = (extra?: object) => (extra as { fac?: string } | undefined)?.fac;
  const logger = {
    info: () => undefined,
    debug: () => undefined,
    warn: (message: string, extra?: object) => {
      onLine?.(facility(extra));
      log.warn({ kafka: 'librdkafka', ...extra }, message);
    },
    error: (message: string, extra?: object) => {
      onLine?.(facility(extra));
      log.error({ kafka: 'librdkafka', ...extra }, message);
    },
    namespace: () => logger,
    setLogLevel: () => undefined,
  };
  return logger;
}

export type { IHeaders };
