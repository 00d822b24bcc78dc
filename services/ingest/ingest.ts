import type { AddressInfo } from 'node:net';
import { withDeadline } from '../lib/deadline.ts';
import { createKafka } from '../lib/kafka/client.ts';
import type { Logger } from '../lib/logger.ts';
import { AvroCodec, createRegistryClient } from '../lib/serde/avro-codec.ts';
import { subjectFor } from '../lib/serde/contracts.ts';
import { Authenticator } from './auth.ts';
import type { IngestConfig } from './config.ts';
import { EventPublisher } from './event-publisher.ts';
import { EventValidator } from './event-validation.ts';
import { IngestMetrics } from './metrics.ts';
import { EventProducer } from './producer.ts';
import { buildServer } from './server.ts';

export interface RunningIngest {
  /** Base URL, e.g. http://127.0.0.1:8080 (the real port when INGEST_PORT=0). */
  readonly url: string;
  readonly metrics: IngestMetrics;
  stop(): Promise<void>;
}

/** Builds every component from the config, listens, and runs until stop(); main.ts and tests call it. */
export async function startIngest(config: IngestConfig, log: Logger): Promise<RunningIngest> {
  if (config.devKeys) {
    log.warn(
      { tenants: ['acme', 'globex'] },
      'INGEST_API_KEYS unset: accepting the documented dev keys (WARDEN_ENV=local)',
    );
  }
  const metrics = new IngestMetrics();
  const kafkaProducer = createKafka(config, log, 'ingest').producer({
    idempotent: true,
    // Up to 5 requests in flight keep each partition's order under idempotence; 1 made every
    // request wait for the previous acks=all round trip.
    maxInFlightRequests: 5,
    allowAutoTopicCreation: false,
  });
  const registry = createRegistryClient(config);
  const codec = new AvroCodec(registry, config.KAFKA_TOPIC_PREFIX, 'events');
  const producer = new EventProducer(kafkaProducer, {
    topic: codec.topic,
    maxInFlightBytes: config.INGEST_MAX_IN_FLIGHT_BYTES,
    sendTimeoutMs: config.INGEST_KAFKA_SEND_TIMEOUT_MS,
    log,
    onInFlightBytes: (bytes) => metrics.inFlightBytes.set(bytes),
  });
  producer.start();

  const readiness = {
    async check() {
      const registryUp = await withDeadline(
        registry.getLatestSchemaMetadata(subjectFor(codec.topic)).then(() => true),
        config.INGEST_READY_TIMEOUT_MS,
        'REGISTRY_UNREACHABLE',
        'schema registry probe',
      ).catch(() => false);
      return { kafka: producer.isConnected && !producer.isStalled, registry: registryUp };
    },
  };
  const app = buildServer({
    log,
    authenticator: new Authenticator(config.apiKeys, config.certificateClients),
    validator: new EventValidator({
      maxEventsPerRequest: config.INGEST_MAX_EVENTS_PER_REQUEST,
      maxContentBytes: config.INGEST_MAX_CONTENT_BYTES,
    }),
    publisher: new EventPublisher(codec, producer, metrics),
    metrics,
    readiness,
    maxBodyBytes: config.INGEST_MAX_BODY_BYTES,
    maxEventsPerRequest: config.INGEST_MAX_EVENTS_PER_REQUEST,
    retryAfterSeconds: config.INGEST_RETRY_AFTER_SECONDS,
    shedding: {
      maxInFlightRequests: config.INGEST_MAX_IN_FLIGHT_REQUESTS,
      maxEventLoopDelayMs: config.INGEST_MAX_EVENT_LOOP_DELAY_MS,
      maxEventLoopUtilization: config.INGEST_MAX_EVENT_LOOP_UTILIZATION,
      sampleIntervalMs: config.INGEST_PRESSURE_SAMPLE_INTERVAL_MS,
    },
    tls: config.tls,
  });
  await app.listen({ host: config.INGEST_HOST, port: config.INGEST_PORT });
  const address = app.server.address() as AddressInfo;
  const url = `${config.tls ? 'https' : 'http'}://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;
  log.info(
    { url, topic: codec.topic, mtls: config.tls?.clientCa ? config.certificateClients.length : false },
    'ingest listening',
  );

  return {
    url,
    metrics,
    async stop() {
      // Stop taking requests, let the ones in progress finish, then drain the producer.
      await app.close();
      await producer.stop();
      log.info('ingest stopped');
    },
  };
}
