import { gzipSync } from 'node:zlib';
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { Authenticator, DEV_API_KEYS } from '../../../services/ingest/auth.ts';
import { EventPublisher } from '../../../services/ingest/event-publisher.ts';
import { EventValidator } from '../../../services/ingest/event-validation.ts';
import { IngestMetrics } from '../../../services/ingest/metrics.ts';
import { decodeTraceResponse, encodeTraceRequest } from '../../../services/ingest/otlp-protobuf.ts';
import { EventProducer } from '../../../services/ingest/producer.ts';
import { buildServer } from '../../../services/ingest/server.ts';
import { pollUntil } from '../../helpers/poll.ts';
import { FakeKafkaProducer, silentLog } from './fakes.ts';

const AUTH = { authorization: 'Bearer warden-dev-key' };
const JSON_TYPE = { 'content-type': 'application/json' };
const event = (extra: Record<string, unknown> = {}) => ({
  ts: 1_795_694_400_000,
  tenant_id: 'acme',
  agent_id: 'bot',
  session_id: 's1',
  kind: 'model_request',
  ...extra,
});

let app: FastifyInstance | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

async function setup(options: { connected?: boolean; maxBodyBytes?: number; maxInFlightBytes?: number } = {}) {
  const kafka = new FakeKafkaProducer();
  if (options.connected === false) kafka.connectError = new Error('ECONNREFUSED 127.0.0.1:1');
  const metrics = new IngestMetrics();
  const producer = new EventProducer(kafka.asProducer(), {
    topic: 'warden.events.v1',
    maxInFlightBytes: options.maxInFlightBytes ?? 1_000_000,
    sendTimeoutMs: 5000,
    log: silentLog,
  });
  producer.start();
  if (options.connected !== false) await pollUntil(async () => producer.isConnected, Boolean, { what: 'connected' });
  // Stands in for the Avro codec: the JSON of the event is enough to see what reached the producer.
  const encoder = { encode: async (e: unknown) => Buffer.from(JSON.stringify(e)) };
  app = buildServer({
    log: silentLog,
    authenticator: new Authenticator(DEV_API_KEYS),
    validator: new EventValidator({ maxEventsPerRequest: 3, maxContentBytes: 1024 }),
    publisher: new EventPublisher(encoder, producer, metrics),
    metrics,
    readiness: { check: async () => ({ kafka: producer.isConnected, registry: true }) },
    maxBodyBytes: 4096,
    maxEventsPerRequest: 3,
    retryAfterSeconds: 7,
    ...(options.maxBodyBytes ? { maxBodyBytes: options.maxBodyBytes } : {}),
  });
  return { app, kafka, producer, metrics };
}

const sentEvents = (kafka: FakeKafkaProducer) =>
  kafka.sent.flatMap((s) => s.messages.map((m) => ({ key: m.key, event: JSON.parse(m.value.toString()) })));

describe('ingest HTTP API', () => {
  it('answers 202 with the count after the producer acked, keyed tenant:agent', async () => {
    const { app, kafka } = await setup();
    const res = await app.inject({
      method: 'POST',
      url: '/v1/events',
      headers: { ...AUTH, ...JSON_TYPE },
      payload: [event(), event({ agent_id: 'b2' })],
    });
    expect(res.statusCode).toBe(202);
    expect(res.json()).toEqual({ accepted: 2 });
    expect(sentEvents(kafka).map((s) => s.key)).toEqual(['acme:bot', 'acme:b2']);
  });

  it('accepts NDJSON and gzip bodies', async () => {
    const { app, kafka } = await setup();
    const ndjson = `${JSON.stringify(event())}\n\n${JSON.stringify(event({ session_id: 's2' }))}\n`;
    const res = await app.inject({
      method: 'POST',
      url: '/v1/events',
      headers: { ...AUTH, 'content-type': 'application/x-ndjson', 'content-encoding': 'gzip' },
      payload: gzipSync(ndjson),
    });
    expect(res.json()).toEqual({ accepted: 2 });
    expect(sentEvents(kafka).map((s) => s.event.session_id)).toEqual(['s1', 's2']);
  });

  it('answers 401 without a key and 403 for another tenant, writing nothing', async () => {
    const { app, kafka } = await setup();
    const anonymous = await app.inject({ method: 'POST', url: '/v1/events', headers: JSON_TYPE, payload: [event()] });
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.json()).toMatchObject({ code: 'INGEST_UNAUTHENTICATED', statusCode: 401 });
    const other = await app.inject({
      method: 'POST',
      url: '/v1/events',
      headers: { ...AUTH, ...JSON_TYPE },
      payload: [event(), event({ tenant_id: 'globex' })],
    });
    expect(other.statusCode).toBe(403);
    expect(other.json()).toMatchObject({ code: 'INGEST_TENANT_FORBIDDEN' });
    expect(kafka.sent).toHaveLength(0);
  });

  it('rejects the whole request with 400 naming the invalid events', async () => {
    const { app, kafka } = await setup();
    const res = await app.inject({
      method: 'POST',
      url: '/v1/events',
      headers: { ...AUTH, ...JSON_TYPE },
      payload: [event(), event({ kind: 'oops' })],
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({
      code: 'INGEST_INVALID_EVENT',
      details: [expect.stringMatching(/^events\[1\]\.kind: must be one of model_request/)],
    });
    expect(kafka.sent).toHaveLength(0);
  });

  it.each([
    ['malformed JSON', JSON_TYPE, '[{"ts": 1,', 400, 'INGEST_MALFORMED_BODY', 'not valid JSON'],
    [
      'invalid UTF-8',
      JSON_TYPE,
      Buffer.from([0x5b, 0x22, 0xc3, 0x28, 0x22, 0x5d]),
      400,
      'INGEST_MALFORMED_BODY',
      'UTF-8',
    ],
    ['an object instead of an array', JSON_TYPE, '{"ts": 1}', 400, 'INGEST_MALFORMED_BODY', 'JSON array'],
    [
      'a bad NDJSON line',
      { 'content-type': 'application/x-ndjson' },
      '{}\nnope\n',
      400,
      'INGEST_MALFORMED_BODY',
      'line 2',
    ],
    ['corrupt gzip', { ...JSON_TYPE, 'content-encoding': 'gzip' }, 'not gzip', 400, 'INGEST_MALFORMED_BODY', ''],
    ['text/plain', { 'content-type': 'text/plain' }, 'hello', 415, 'INGEST_UNSUPPORTED_MEDIA_TYPE', ''],
    ['brotli', { ...JSON_TYPE, 'content-encoding': 'br' }, '[]', 415, 'INGEST_UNSUPPORTED_MEDIA_TYPE', 'br'],
    [
      'too many events',
      JSON_TYPE,
      JSON.stringify([event(), event(), event(), event()]),
      413,
      'INGEST_TOO_MANY_EVENTS',
      '4 events',
    ],
    [
      'a body over the limit',
      JSON_TYPE,
      JSON.stringify([event({ owner: 'x'.repeat(5000) })]),
      413,
      'INGEST_BODY_TOO_LARGE',
      '',
    ],
  ])('answers %s with a code, never a crash', async (_label, headers, payload, status, code, text) => {
    const { app } = await setup();
    const res = await app.inject({ method: 'POST', url: '/v1/events', headers: { ...AUTH, ...headers }, payload });
    expect(res.statusCode).toBe(status);
    expect(res.json()).toMatchObject({ code, statusCode: status, message: expect.stringContaining(text) });
  });

  it('applies the body limit to the inflated size of a gzip body', async () => {
    const { app } = await setup();
    const bomb = gzipSync(JSON.stringify([event({ owner: ' '.repeat(100_000) })]));
    expect(bomb.length).toBeLessThan(4096);
    const res = await app.inject({
      method: 'POST',
      url: '/v1/events',
      headers: { ...AUTH, ...JSON_TYPE, 'content-encoding': 'gzip' },
      payload: bomb,
    });
    expect(res.json()).toMatchObject({ code: 'INGEST_BODY_TOO_LARGE' });
  });

  it('answers 503 with Retry-After while Kafka is unreachable, and /readyz says not ready', async () => {
    const { app, kafka } = await setup({ connected: false });
    const res = await app.inject({
      method: 'POST',
      url: '/v1/events',
      headers: { ...AUTH, ...JSON_TYPE },
      payload: [event()],
    });
    expect(res.statusCode).toBe(503);
    expect(res.headers['retry-after']).toBe('7');
    expect(res.json()).toMatchObject({ code: 'INGEST_KAFKA_UNAVAILABLE' });
    expect(kafka.sent).toHaveLength(0);
    const ready = await app.inject({ method: 'GET', url: '/readyz' });
    expect(ready.statusCode).toBe(503);
    expect(ready.json()).toEqual({ status: 'not ready', checks: { kafka: false, registry: true } });
    expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
  });

  it('answers 429 with Retry-After when the in-flight bytes are used up', async () => {
    const { app, kafka } = await setup({ maxInFlightBytes: 1024 });
    kafka.autoAck = false;
    const big = [event({ owner: 'o'.repeat(900) })];
    const first = app.inject({ method: 'POST', url: '/v1/events', headers: { ...AUTH, ...JSON_TYPE }, payload: big });
    await pollUntil(
      async () => kafka.waiting,
      (n) => n === 1,
      { what: 'first request in flight' },
    );
    const second = await app.inject({
      method: 'POST',
      url: '/v1/events',
      headers: { ...AUTH, ...JSON_TYPE },
      payload: big,
    });
    expect(second.statusCode).toBe(429);
    expect(second.headers['retry-after']).toBe('1');
    kafka.ackAll();
    expect((await first).statusCode).toBe(202);
  });

  it('maps an OTLP protobuf export, skips non-GenAI spans and reports rejected ones in partial_success', async () => {
    const { app, kafka, metrics } = await setup();
    const attr = (key: string, value: string) => ({ key, value: { stringValue: value } });
    const span = (id: number, attributes: object[]) => ({
      traceId: Buffer.alloc(16, 1),
      spanId: Buffer.alloc(8, id),
      name: `span-${id}`,
      startTimeUnixNano: '1795694400000000000',
      endTimeUnixNano: '1795694401000000000',
      attributes,
    });
    const body = encodeTraceRequest({
      resourceSpans: [
        {
          resource: { attributes: [] },
          scopeSpans: [
            {
              spans: [
                span(1, [
                  attr('gen_ai.operation.name', 'chat'),
                  attr('gen_ai.request.model', 'gpt-4o'),
                  attr('gen_ai.agent.id', 'bot'),
                ]),
                span(2, [attr('http.request.method', 'GET')]),
                span(3, [attr('gen_ai.request.model', 'gpt-4o')]),
              ],
            },
          ],
        },
      ],
    });
    const res = await app.inject({
      method: 'POST',
      url: '/v1/otlp/traces',
      headers: { ...AUTH, 'content-type': 'application/x-protobuf' },
      payload: body,
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/x-protobuf');
    const answer = decodeTraceResponse(res.rawPayload);
    expect(answer.partialSuccess).toMatchObject({
      rejectedSpans: '1',
      errorMessage: expect.stringContaining('spans[2]'),
    });
    expect(sentEvents(kafka).map((s) => [s.key, s.event.kind, s.event.span_id])).toEqual([
      ['acme:bot', 'model_request', '0101010101010101'],
    ]);
    expect(await metrics.registry.getSingleMetricAsString('ingest_otlp_spans_skipped_total')).toContain(' 1');
  });

  it('accepts OTLP/JSON with hex ids and answers in JSON', async () => {
    const { app, kafka } = await setup();
    const res = await app.inject({
      method: 'POST',
      url: '/v1/otlp/traces',
      headers: { ...AUTH, ...JSON_TYPE },
      payload: {
        resourceSpans: [
          {
            resource: { attributes: [{ key: 'service.name', value: { stringValue: 'svc' } }] },
            scopeSpans: [
              {
                spans: [
                  {
                    traceId: '5B8EFFF798038103D269B633813FC60C',
                    spanId: 'eee19b7ec3c1b174',
                    name: 'execute_tool search',
                    startTimeUnixNano: 1795694400000000000,
                    attributes: [
                      { key: 'gen_ai.operation.name', value: { stringValue: 'execute_tool' } },
                      { key: 'gen_ai.tool.name', value: { stringValue: 'search' } },
                    ],
                  },
                ],
              },
            ],
          },
        ],
      },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({});
    expect(sentEvents(kafka)[0]!.event).toMatchObject({
      agent_id: 'svc',
      kind: 'tool_call',
      trace_id: '5b8efff798038103d269b633813fc60c',
    });
  });

  it('answers a malformed OTLP protobuf body with 400 and a google.rpc.Status', async () => {
    const { app } = await setup();
    const res = await app.inject({
      method: 'POST',
      url: '/v1/otlp/traces',
      headers: { ...AUTH, 'content-type': 'application/x-protobuf' },
      payload: Buffer.from([0x0a, 0xff, 0xff, 0xff]),
    });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toBe('application/x-protobuf');
    expect(res.rawPayload.toString('latin1')).toContain('INGEST_MALFORMED_BODY');
  });

  it('serves Prometheus metrics without authentication', async () => {
    const { app } = await setup();
    await app.inject({ method: 'POST', url: '/v1/events', headers: { ...AUTH, ...JSON_TYPE }, payload: [event()] });
    const res = await app.inject({ method: 'GET', url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('ingest_events_accepted_total{route="events"} 1');
    expect(res.body).toContain('ingest_requests_total{route="/v1/events",status="202"} 1');
    expect(res.body).toContain('ingest_request_duration_seconds_bucket');
  });
});
