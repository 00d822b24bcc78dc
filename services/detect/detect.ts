import { createClickHouse } from '../lib/clickhouse/client.ts';
import { type ControlSubscription, subscribeControl } from '../lib/control/control-subscriber.ts';
import { createKafka } from '../lib/kafka/client.ts';
import { topicName } from '../lib/kafka/topics.ts';
import type { Logger } from '../lib/logger.ts';
import { AvroCodec, createRegistryClient } from '../lib/serde/avro-codec.ts';
import { BaselineLoader } from './baseline-loader.ts';
import { batchProcessor } from './batch-processor.ts';
import type { DetectConfig } from './config.ts';
import { DetectorPool } from './detector-pool.ts';
import { DetectStats } from './stats.ts';

export interface RunningDetect {
  readonly stats: DetectStats;
  readonly control: ControlSubscription;
  stop(): Promise<void>;
}

/** Wires the detect service: control topic first (policies must be known before the first verdict), then events. */
export async function startDetect(config: DetectConfig, log: Logger): Promise<RunningDetect> {
  const kafka = createKafka(config, log, 'detect');
  const registry = createRegistryClient(config);
  const prefix = config.KAFKA_TOPIC_PREFIX;
  const codecs = {
    events: new AvroCodec(registry, prefix, 'events'),
    verdicts: new AvroCodec(registry, prefix, 'verdicts'),
    findings: new AvroCodec(registry, prefix, 'findings'),
  };
  const control = await subscribeControl(kafka, prefix, new AvroCodec(registry, prefix, 'control'), log);
  await control.caughtUp;

  const pool = new DetectorPool({
    threads: config.DETECT_WORKER_THREADS,
    eventsPerTask: config.DETECT_EVENTS_PER_TASK,
    settings: {
      disabled: config.disabledDetectors,
      chatGuardAgents: config.chatGuardAgents,
      phoneRegions: config.phoneRegions,
      faultExitOnText: config.DETECT_FAULT_WORKER_EXIT_ON_TEXT,
      logLevel: config.LOG_LEVEL,
      ...(config.injectionOnnx ? { injectionOnnx: config.injectionOnnx } : {}),
    },
    // Each partition in flight cuts its batch into tasks; the queue holds them all and no more.
    maxQueuedTasks:
      config.DETECT_PARTITIONS_CONCURRENTLY * Math.ceil(config.DETECT_MAX_BATCH_EVENTS / config.DETECT_EVENTS_PER_TASK),
  });
  // Verdicts are what enforcement points wait for: no linger, acks from all in-sync replicas, and
  // several requests in flight (idempotence keeps their order per partition).
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 5, lingerMs: config.VERDICT_LINGER_MS });
  const consumer = kafka.consumer({
    groupId: config.DETECT_GROUP_ID,
    maxBatchSize: config.DETECT_MAX_BATCH_EVENTS,
    maxWaitTimeInMs: 50,
    retry: { retries: 10, initialRetryTime: 300, maxRetryTime: 30_000 },
  });
  const stats = new DetectStats();
  const clickhouse = config.DETECT_BASELINE_LOOKBACK_DAYS > 0 ? createClickHouse(config) : null;
  const baselines =
    clickhouse &&
    new BaselineLoader(clickhouse, {
      lookbackDays: config.DETECT_BASELINE_LOOKBACK_DAYS,
      maxEvents: config.DETECT_BASELINE_MAX_EVENTS,
    });
  await producer.connect();
  await consumer.connect();
  await consumer.subscribe({ topics: [topicName(prefix, 'events')], fromBeginning: config.DETECT_FROM_BEGINNING });
  await consumer.run({
    autoCommit: false,
    eachBatchAutoResolve: false,
    partitionsConsumedConcurrently: config.DETECT_PARTITIONS_CONCURRENTLY,
    eachBatch: batchProcessor({
      consumer,
      producer,
      pool,
      control: control.state,
      codecs,
      topicPrefix: prefix,
      log,
      stats,
      baselines,
    }),
  });
  log.info({ threads: pool.threads, library: kafka.library, policies: control.state.size }, 'detect running');

  return {
    stats,
    control,
    async stop() {
      await consumer.disconnect();
      await producer.disconnect();
      await control.stop();
      await pool.close();
      await clickhouse?.close();
      log.info(stats.snapshot(), 'detect stopped');
    },
  };
}
