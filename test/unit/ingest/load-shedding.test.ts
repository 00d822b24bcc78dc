import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { Authenticator, DEV_API_KEYS } from '../../../services/ingest/auth.ts';
import { loadIngestConfig } from '../../../services/ingest/config.ts';
import { EventPublisher } from '../../../services/ingest/event-publisher.ts';
import { EventValidator } from '../../../services/ingest/event-validation.ts';
import { IngestMetrics } from '../../../services/ingest/metrics.ts';
import { encodeTraceRequest } from '../../../services/ingest/otlp-protobuf.ts';
import { EventProducer } from '../../../services/ingest/producer.ts';
import { buildServer } from '../../../services/ingest/server.ts';
import { pollUntil } from '../../helpers/poll.ts';
import { FakeKafkaProducer, silentLog } from './fakes.ts';

const AUTH = { authorization: 'Bearer warden-dev-key' };
const JSON_TYPE = { 'content-type': 'application/json' };
const event = (session: string) => ({
  ts: 1_795_694_400_000,
  tenant_id: 'acme',
  agent_id: 'bot',
  session_id: session,
  kind: 'model_request',
});

let app: FastifyInstance | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

/** An ingest whose Kafka acks wait for the test, with room for `maxInFlightRequests` requests at once. */
async function setup(maxInFlightRequests: number) {
  const kafka = new FakeKafkaProducer();
  kafka.autoAck = false;
  const metrics = new IngestMetrics();
  const producer = new EventProducer(kafka.asProducer(), {
    topic: 'warden.events.v1',
    maxInFlightBytes: 1_000_000,
    sendTimeoutMs: 60_000,
    log: silentLog,
  });
  producer.start();
  await pollUntil(async () => producer.isConnected, Boolean, { what: 'connected' });
  const encoder = { encode: async (e: unknown) => Buffer.from(JSON.stringify(e)) };
  app = buildServer({
    log: silentLog,
    authenticator: new Authenticator(DEV_API_KEYS),
    validator: new EventValidator({ maxEventsPerRequest: 10, maxContentBytes: 1024 }),
    publisher: new EventPublisher(encoder, producer, metrics),
    metrics,
    readiness: { check: async () => ({ kafka: true, registry: true }) },
    maxBodyBytes: 64 * 1024,
    maxEventsPerRequest: 10,
    retryAfterSeconds: 7,
    // Only the in-flight cap: the event-loop checks are sampled on a timer and would not be deterministic.
    shedding: { maxInFlightRequests, maxEventLoopDelayMs: 0, maxEventLoopUtilization: 0, sampleIntervalMs: 1000 },
  });
  return { app, kafka, metrics, producer };
}

const post = (server: FastifyInstance, session: string) =>
  server.inject({ method: 'POST', url: '/v1/events', headers: { ...AUTH, ...JSON_TYPE }, payload: [event(session)] });

/** Until exactly one produce waits for the test's ack. */
const oneSendWaiting = (kafka: FakeKafkaProducer, what: string) =>
  pollUntil(
    async () => kafka.waiting,
    (n) => n === 1,
    { what },
  );

const sentSessions = (kafka: FakeKafkaProducer) =>
  kafka.sent.flatMap((s) =>
    s.messages.map((m) => (JSON.parse(m.value.toString()) as { session_id: string }).session_id),
  );

describe('ingest load shedding', () => {
  it('answers 503 INGEST_SATURATED with Retry-After above the in-flight cap and loses nothing it accepted', async () => {
    const { app, kafka, metrics, producer } = await setup(2);
    const first = post(app, 'a');
    await oneSendWaiting(kafka, 'the first request waiting for Kafka');
    // The producer has one send in flight; the second request queues behind it (its bytes count).
    const oneRequestBytes = producer.bytesInFlight;
    const held = [first, post(app, 'b')];
    await pollUntil(
      async () => producer.bytesInFlight,
      (n) => n > oneRequestBytes,
      { what: 'the second request queued in the producer' },
    );

    const shed = await post(app, 'c');
    expect(shed.statusCode).toBe(503);
    expect(shed.headers['retry-after']).toBe('7');
    expect(shed.json()).toMatchObject({ code: 'INGEST_SATURATED', statusCode: 503 });

    kafka.ackAll();
    await oneSendWaiting(kafka, 'the second request sent to Kafka');
    kafka.ackAll();
    expect((await Promise.all(held)).map((r) => r.statusCode)).toEqual([202, 202]);
    // Exactly what was answered 202 reached Kafka: the shed request was refused before its body was read.
    expect(sentSessions(kafka).sort()).toEqual(['a', 'b']);

    // The cap frees as answers go out.
    kafka.autoAck = true;
    expect((await post(app, 'd')).statusCode).toBe(202);
    expect(sentSessions(kafka).sort()).toEqual(['a', 'b', 'd']);
    expect(await metrics.registry.getSingleMetricAsString('ingest_shed_requests_total')).toContain(
      'ingest_shed_requests_total{reason="in_flight_requests"} 1',
    );
  });

  it('answers a shed OTLP protobuf export with a google.rpc.Status UNAVAILABLE', async () => {
    const { app, kafka } = await setup(1);
    const held = post(app, 'a');
    await oneSendWaiting(kafka, 'one request waiting for Kafka');
    const res = await app.inject({
      method: 'POST',
      url: '/v1/otlp/traces',
      headers: { ...AUTH, 'content-type': 'application/x-protobuf' },
      payload: encodeTraceRequest({ resourceSpans: [] }),
    });
    expect(res.statusCode).toBe(503);
    expect(res.headers['retry-after']).toBe('7');
    expect(res.headers['content-type']).toBe('application/x-protobuf');
    // Field 1 (code), varint 14 = gRPC UNAVAILABLE, then the message naming the code.
    expect([...res.rawPayload.subarray(0, 2)]).toEqual([0x08, 14]);
    expect(res.rawPayload.toString('latin1')).toContain('INGEST_SATURATED');
    kafka.ackAll();
    expect((await held).statusCode).toBe(202);
  });

  it('never sheds health, readiness or metrics', async () => {
    const { app, kafka } = await setup(1);
    const held = post(app, 'a');
    await oneSendWaiting(kafka, 'one request waiting for Kafka');
    expect((await post(app, 'b')).statusCode).toBe(503);
    for (const url of ['/healthz', '/readyz', '/metrics']) {
      expect((await app.inject({ method: 'GET', url })).statusCode, url).toBe(200);
    }
    kafka.ackAll();
    expect((await held).statusCode).toBe(202);
  });

  it('validates the shedding thresholds at start-up', () => {
    const base = { WARDEN_ENV: 'local' };
    const config = loadIngestConfig(base);
    expect(config.INGEST_MAX_IN_FLIGHT_REQUESTS).toBe(256);
    expect(config.INGEST_MAX_EVENT_LOOP_DELAY_MS).toBe(200);
    expect(() => loadIngestConfig({ ...base, INGEST_MAX_EVENT_LOOP_UTILIZATION: '1.5' })).toThrow(
      /INGEST_MAX_EVENT_LOOP_UTILIZATION/,
    );
    expect(() => loadIngestConfig({ ...base, INGEST_MAX_IN_FLIGHT_REQUESTS: '-1' })).toThrow(
      /INGEST_MAX_IN_FLIGHT_REQUESTS/,
    );
  });
});
