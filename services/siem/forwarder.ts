import { readFileSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';
import { createClickHouse } from '../lib/clickhouse/client.ts';
import { createKafka } from '../lib/kafka/client.ts';
import { requireTopics, topicName } from '../lib/kafka/topics.ts';
import type { Logger } from '../lib/logger.ts';
import { createRegistryClient } from '../lib/serde/avro-codec.ts';
import type { DestinationConfig, SiemConfig } from './config.ts';
import { kafkaDeadLetters } from './dead-letters.ts';
import { DeliveryQueue, type Destination, type QueueDeps } from './delivery.ts';
import { hecDestination } from './destinations/hec.ts';
import { syslogDestination } from './destinations/syslog-tls.ts';
import { webhookDestination } from './destinations/webhook.ts';
import { compileFilter } from './filter.ts';
import { DestinationMetrics } from './metrics.ts';
import type { ProductMeta } from './record.ts';
import { type Route, Router } from './router.ts';
import { ClickHouseSource } from './sources/clickhouse-source.ts';
import { KafkaSource, type KafkaSourceTopic } from './sources/kafka-source.ts';

export interface RunningForwarder {
  readonly metrics: DestinationMetrics;
  /** True once consuming (the health endpoint's answer). */
  readonly ready: () => boolean;
  stop(): Promise<void>;
}

export interface ForwarderOptions {
  /** Injected by tests to observe back-off without waiting it out. */
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  commitIntervalMs?: number;
  onBackoff?: QueueDeps['onBackoff'];
}

export function productMeta(): ProductMeta {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return { vendor: 'warden', product: 'warden', version: pkg.version };
}

export function buildDestination(
  d: DestinationConfig,
  meta: ProductMeta,
  host: string,
  sleep: (ms: number) => Promise<void>,
): Destination<unknown> {
  switch (d.type) {
    case 'syslog':
      return syslogDestination(d, { meta, hostname: host }) as Destination<unknown>;
    case 'hec':
      return hecDestination(d, { meta, host, sleep }) as Destination<unknown>;
    case 'webhook':
      return webhookDestination(d, { meta }) as Destination<unknown>;
  }
}

/**
 * Wires sources to destinations: one DeliveryQueue per destination, a Router that fans records out
 * by each destination's filter, the Kafka source (findings, verdicts) and the ClickHouse sources
 * (incident openings, clock warnings, audit checkpoints). Used by main.ts and by tests in-process.
 */
export async function startForwarder(
  config: SiemConfig,
  log: Logger,
  o: ForwarderOptions = {},
): Promise<RunningForwarder> {
  const sleep = o.sleep ?? ((ms: number) => delay(ms));
  const meta = productMeta();
  const kafka = createKafka(config, log, 'siem');
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  const dlqTopic = topicName(config.KAFKA_TOPIC_PREFIX, 'dlq');
  const kafkaTopics = config.sources.filter((s): s is KafkaSourceTopic => s === 'findings' || s === 'verdicts');
  const chSources = config.sources.filter((s) => s !== 'findings' && s !== 'verdicts');

  const admin = kafka.admin();
  await admin.connect();
  try {
    await requireTopics(admin, [...kafkaTopics.map((t) => topicName(config.KAFKA_TOPIC_PREFIX, t)), dlqTopic]);
  } finally {
    await admin.disconnect();
  }
  await producer.connect();

  const metrics = new DestinationMetrics(config.destinations);
  const deadLetters = kafkaDeadLetters(producer, dlqTopic);
  const routes: Route[] = config.destinations.map((d) => ({
    filter: compileFilter(d),
    queue: new DeliveryQueue(d, buildDestination(d, meta, config.SIEM_HOSTNAME, sleep), {
      log: log.child({ destination: d.name }),
      metrics,
      deadLetters,
      sleep,
      ...(o.random ? { random: o.random } : {}),
      ...(o.onBackoff ? { onBackoff: o.onBackoff } : {}),
    }),
  }));
  const router = new Router(routes, deadLetters, metrics, log);

  let consumer: ReturnType<typeof kafka.consumer> | null = null;
  let source: KafkaSource | null = null;
  if (kafkaTopics.length > 0) {
    consumer = kafka.consumer({
      groupId: config.SIEM_GROUP_ID,
      retry: { retries: 10, initialRetryTime: 300, maxRetryTime: 30_000 },
    });
    await consumer.connect();
    const names = new Map(kafkaTopics.map((t) => [topicName(config.KAFKA_TOPIC_PREFIX, t), t] as const));
    await consumer.subscribe({ topics: [...names.keys()], fromBeginning: config.SIEM_FROM_BEGINNING });
    source = new KafkaSource({
      consumer,
      registry: createRegistryClient(config),
      topicPrefix: config.KAFKA_TOPIC_PREFIX,
      topics: names,
      router,
      metrics,
      log,
      commitIntervalMs: o.commitIntervalMs ?? 1000,
    });
    source.start();
    const s = source;
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: 1,
      eachBatch: (payload) => s.eachBatch(payload),
    });
  }

  const clickhouse = chSources.length > 0 ? createClickHouse(config) : null;
  const chSource = clickhouse
    ? new ClickHouseSource({
        clickhouse,
        router,
        metrics,
        log,
        sources: chSources,
        pollIntervalMs: config.SIEM_POLL_INTERVAL_MS,
        clockWarningMs: config.SIEM_CLOCK_WARNING_MS,
        cursorName: config.SIEM_GROUP_ID,
      })
    : null;
  await chSource?.start();
  log.info(
    {
      sources: config.sources,
      destinations: config.destinations.map((d) => `${d.name}:${d.type}`),
      group: config.SIEM_GROUP_ID,
    },
    'siem forwarder running',
  );

  let running = true;
  return {
    metrics,
    ready: () => running,
    async stop() {
      running = false;
      // Stop reading, let every destination send what it holds (bounded by its retry budget), then
      // commit what is done; the rest is re-read by the next owner.
      await chSource?.stop();
      // pause, not stop: librdkafka's KafkaJS layer does not implement stop(); disconnect follows.
      try {
        consumer?.pause(kafkaTopics.map((t) => ({ topic: topicName(config.KAFKA_TOPIC_PREFIX, t) })));
      } catch (err) {
        log.warn({ err }, 'could not pause the consumer before stopping');
      }
      await Promise.all(routes.map((r) => r.queue.close()));
      await chSource?.flushCursors();
      await source?.stop();
      await consumer?.disconnect();
      await producer.disconnect();
      await clickhouse?.close();
      log.info(metrics.status(), 'siem forwarder stopped');
    },
  };
}
