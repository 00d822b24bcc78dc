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
import { CommitVerifier, partitionKey, type TopicPartitionOffset, toOffset } from './commit-verifier.ts';
import { GroupSessionWatchdog } from './group-session-watchdog.ts';
import type { ConsumerOptions, KafkaConnection, ProducerOptions } from './options.ts';
import { type PartitionOffsets, PartitionProgress, type PartitionRef } from './partition-progress.ts';
import { ProducerStall, type StallPolicy } from './producer-stall.ts';

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
    logger: pinoAdapter(log, onLine, conn.KAFKA_DEBUG !== undefined),
  };
  const config: Config = {
    kafkaJS,
    // librdkafka refreshes topic metadata every 5 minutes by default. After a broker restart a
    // partition whose leader (epoch) it still has wrong can stop fetching until then, which the
    // broker-restart e2e test saw as a consumer group stuck with lag for minutes.
    'topic.metadata.refresh.interval.ms': 10_000,
  };
  if (conn.KAFKA_DEBUG) config.debug = conn.KAFKA_DEBUG;
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

/**
 * See producer-stall.ts: sends waiting 45 s with no acknowledgement at all replace the producer.
 * Longer than librdkafka's request timeout (30 s), after which it retries on a new connection by
 * itself: a half-open connection heals without a replacement (test/faults/half-open-connections).
 */
const PRODUCER_STALL: StallPolicy = { stallMs: 45_000, maxBackoffMs: 300_000 };
const PRODUCER_CHECK_MS = 5_000;

export function confluentProducer(mod: ConfluentModule, rd: RdConfig, options: ProducerOptions): Producer {
  const base = baseConfig(rd);
  const build = () =>
    withFastPath(
      new mod.KafkaJS.Kafka(base).producer({
        kafkaJS: { ...(base.kafkaJS as Config), idempotent: options.idempotent ?? false, acks: -1 },
        'linger.ms': options.lingerMs ?? 5,
        // Idempotence allows at most 5 and keeps the order of every partition within them.
        'max.in.flight.requests.per.connection': Math.min(
          options.maxInFlightRequests ?? 5,
          options.idempotent ? 5 : 1_000_000,
        ),
      }),
    );
  let current = build();
  const stall = new ProducerStall(PRODUCER_STALL, Date.now());
  let timer: NodeJS.Timeout | null = null;
  let replacing = false;

  async function replaceIfStalled(): Promise<void> {
    if (replacing || !stall.stalled(Date.now())) return;
    replacing = true;
    stall.attempted(Date.now());
    const old = current;
    const fresh = build();
    try {
      await fresh.connect();
    } catch (err) {
      // The brokers may really be down: the next try waits the doubled back-off.
      rd.log.warn({ err, kafka: 'librdkafka' }, 'replacing a stalled producer failed; trying again later');
      void fresh.disconnect().catch(() => undefined);
      replacing = false;
      return;
    }
    const waitedMs = stall.oldestWaitMs(Date.now());
    current = fresh;
    const failed = stall.fail(
      stall.replaced(),
      Object.assign(new Error('the producer was replaced after a stall; this send was never acknowledged'), {
        code: 'KAFKA_PRODUCER_STALLED',
        retriable: true,
      }),
    );
    rd.log.warn(
      { kafka: 'librdkafka', code: 'KAFKA_PRODUCER_STALLED', waitedMs, failedSends: failed },
      'sends got no acknowledgement for 45 s; replaced the producer (the waiting sends fail and are retried)',
    );
    // Its queue may never drain: do not wait for it.
    void Promise.race([old.disconnect(), delay(10_000)]).catch(() => undefined);
    replacing = false;
  }

  const adapter = {
    async connect() {
      await current.connect();
      timer ??= setInterval(() => void replaceIfStalled(), PRODUCER_CHECK_MS);
      timer.unref();
    },
    async disconnect() {
      if (timer) clearInterval(timer);
      timer = null;
      await current.disconnect();
    },
    send: (record: ProducerRecord) => stall.track(() => current.send(record), Date.now),
    sendBatch: (batch: ProducerBatch) => stall.track(() => current.sendBatch(batch), Date.now),
    // The integration test checks that the fast path below is reachable on this library version.
    _getInternalClient: () => (current as Producer & Partial<InternalAccess>)._getInternalClient?.() ?? null,
    on: (event: string, cb: (...args: unknown[]) => void) => current.on(event as never, cb as never),
  };
  return adapter as unknown as Producer;
}

/** The library's producer, with plain messages sent straight to librdkafka (see produceAll). */
function withFastPath(producer: Producer): Producer {
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
/** How long a partition with records past its commit may go without a batch or commit (see partition-progress.ts). */
const PARTITION_STALL_MS = 30_000;
const WATERMARK_TIMEOUT_MS = 5_000;

/** The parts of the library's KafkaJS consumer beyond kafkajs's own Consumer type that the adapter uses. */
interface ConfluentConsumerExtras {
  // One entry per partition (its JSDoc says per topic with `partitions`, the code flattens them).
  assignment(): { topic: string; partition: number }[];
  committed(partitions: TopicPartitionOffset[], timeoutMs?: number): Promise<TopicPartitionOffset[]>;
  _getInternalClient(): RdConsumer | null;
}
interface RdConsumer {
  position(partitions: PartitionRef[]): { topic: string; partition: number; offset?: number | string | null }[];
  queryWatermarkOffsets(
    topic: string,
    partition: number,
    timeoutMs: number,
    cb: (err: Error | null, offsets?: { highOffset: number | string }) => void,
  ): void;
}

export function confluentConsumer(mod: ConfluentModule, rd: RdConfig, options: ConsumerOptions): Consumer {
  const { maxBatchSize, ...kafkajsOptions } = options;
  const watchdog = new GroupSessionWatchdog(GROUP_STUCK_MS);
  const verifier = new CommitVerifier();
  const progress = new PartitionProgress(PARTITION_STALL_MS);
  let verifying = false;
  let checkingProgress = false;
  const base = baseConfig(rd, (facility) => watchdog.observe(facility));
  let real: Consumer | null = null;
  let subscription: ConsumerSubscribeTopics | null = null;
  let runConfig: ConsumerRunConfig | null = null;
  let timer: NodeJS.Timeout | null = null;
  let rebuilding = false;
  let rebuildFailed = false;
  const listeners: [string, (...args: unknown[]) => void][] = [];
  const need = (): Consumer => {
    if (!real) throw new Error('consumer is not running yet: call run() first');
    return real;
  };
  async function start(): Promise<void> {
    const sub = subscription!;
    const { autoCommit, autoCommitInterval, autoCommitThreshold, ...rest } = withProgress(runConfig!, progress);
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
    if (rebuilding || timer === null) return;
    if (watchdog.stuck()) {
      rd.log.warn(
        { kafka: 'librdkafka', code: 'KAFKA_UNREACHABLE', lostForMs: watchdog.lostForMs() },
        'consumer group session lost and not regained; rebuilding the consumer',
      );
    } else if (!rebuildFailed) return;
    await rebuild();
  }

  async function rebuild(): Promise<void> {
    rebuilding = true;
    const old = real;
    try {
      real = null;
      // A stuck client may never finish leaving the group: do not wait for it forever.
      if (old) await Promise.race([old.disconnect().catch(() => undefined), delay(10_000)]);
      progress.reset();
      await start();
      watchdog.rejoined();
      rebuildFailed = false;
    } catch (err) {
      // The next check tries again, whatever made the rebuild necessary.
      rebuildFailed = true;
      rd.log.error({ err, kafka: 'librdkafka' }, 'rebuilding the consumer failed; retrying');
    } finally {
      rebuilding = false;
    }
  }

  /** Rebuilds a consumer that stopped reading a partition the broker has records past (partition-progress.ts). */
  async function checkProgress(): Promise<void> {
    const consumer = real as (Consumer & ConfluentConsumerExtras) | null;
    if (checkingProgress || rebuilding || consumer === null) return;
    const quietNow = () => progress.quiet(consumer.assignment(), flatPaused(consumer.paused()), Date.now());
    checkingProgress = true;
    try {
      const refs = quietNow();
      if (refs.length === 0) return;
      const [committed, highs] = await Promise.all([
        consumer.committed(
          refs.map((p) => ({ ...p, offset: '-1001' })),
          COMMITTED_TIMEOUT_MS,
        ),
        Promise.all(refs.map((p) => highWatermark(consumer, p))),
      ]);
      const held = offsetMap(committed);
      const read = offsetMap(consumer._getInternalClient()?.position(refs) ?? []);
      const offsets: PartitionOffsets[] = refs.map((p, i) => ({
        ...p,
        position: read.get(partitionKey(p)) ?? -1n,
        committed: held.get(partitionKey(p)) ?? -1n,
        high: highs[i]!,
      }));
      // A batch may have started while the broker answered: only what is still quiet counts.
      const still = new Set(quietNow().map(partitionKey));
      const stalled = progress.stalled(offsets).filter((o) => still.has(partitionKey(o)));
      if (stalled.length === 0 || consumer !== real) return;
      rd.log.warn(
        {
          kafka: 'librdkafka',
          code: 'KAFKA_PARTITION_STALLED',
          stalledForMs: PARTITION_STALL_MS,
          partitions: stalled.map(
            (o) => `${o.topic}[${o.partition}] at ${o.position} (committed ${o.committed}) of ${o.high}`,
          ),
        },
        'partitions with records past what this consumer fetched got no batch for 30 s; rebuilding the consumer',
      );
      await rebuild();
    } catch (err) {
      // Broker or coordinator still moving: the next round asks again.
      rd.log.warn({ err, kafka: 'librdkafka' }, 'checking partition progress failed; retrying');
    } finally {
      checkingProgress = false;
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
        void checkProgress();
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
      const now = Date.now();
      for (const o of offsets) progress.committed(o, now);
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

/** The service's handlers, reporting to `progress` when each batch (or message) starts and ends. */
function withProgress(run: ConsumerRunConfig, progress: PartitionProgress): ConsumerRunConfig {
  const tracked = async <T>(p: PartitionRef, work: () => Promise<T>): Promise<T> => {
    const generation = progress.batchStarted(p, Date.now());
    try {
      return await work();
    } finally {
      progress.batchEnded(p, Date.now(), generation);
    }
  };
  const { eachBatch, eachMessage } = run;
  return {
    ...run,
    ...(eachBatch ? { eachBatch: (payload) => tracked(payload.batch, () => eachBatch(payload)) } : {}),
    ...(eachMessage ? { eachMessage: (payload) => tracked(payload, () => eachMessage(payload)) } : {}),
  };
}

function highWatermark(consumer: ConfluentConsumerExtras, p: PartitionRef): Promise<bigint> {
  const client = consumer._getInternalClient();
  if (client === null) return Promise.reject(new Error('consumer is not connected'));
  return new Promise((resolve, reject) => {
    client.queryWatermarkOffsets(p.topic, p.partition, WATERMARK_TIMEOUT_MS, (err, offsets) => {
      if (err || offsets === undefined) reject(err ?? new Error('no watermark offsets'));
      else resolve(BigInt(offsets.highOffset));
    });
  });
}

/** Offsets by partition; none (null) and librdkafka's negative markers (invalid, end, stored) become -1. */
function offsetMap(
  offsets: { topic: string; partition: number; offset?: number | string | null }[],
): Map<string, bigint> {
  return new Map(
    offsets.map((o) => {
      const offset = toOffset(o.offset);
      return [partitionKey(o), offset < 0n ? -1n : offset];
    }),
  );
}

function flatPaused(paused: { topic: string; partitions: number[] }[]): PartitionRef[] {
  return paused.flatMap(({ topic, partitions }) => partitions.map((partition) => ({ topic, partition })));
}

/**
 * librdkafka's log lines go to the service's pino logger, warnings and up only, and to `onLine` by
 * facility. With KAFKA_DEBUG set the operator asked for its debug lines: they go out at info, so
 * they show without turning on warden's own debug logs.
 */
function pinoAdapter(log: Logger, onLine?: (facility: string | undefined) => void, verbose = false) {
  const facility = (extra?: object) => (extra as { fac?: string } | undefined)?.fac;
  const chatter = verbose
    ? (message: string, extra?: object) => log.info({ kafka: 'librdkafka', ...extra }, message)
    : () => undefined;
  const logger = {
    info: chatter,
    debug: chatter,
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
