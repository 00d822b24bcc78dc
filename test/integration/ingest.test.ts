import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentEvent } from '../../schemas/generated/index.ts';
import { loadIngestConfig } from '../../services/ingest/config.ts';
import { type RunningIngest, startIngest } from '../../services/ingest/ingest.ts';
import { decodeTraceResponse, encodeTraceRequest } from '../../services/ingest/otlp-protobuf.ts';
import { type Consumer, createKafka } from '../../services/lib/kafka/client.ts';
import { createLogger } from '../../services/lib/logger.ts';
import { AvroCodec, createRegistryClient } from '../../services/lib/serde/avro-codec.ts';
import { loadProvisionConfig } from '../../services/provision/config.ts';
import { provision } from '../../services/provision/provision.ts';
import { isolatedEnv } from '../helpers/isolated-env.ts';
import { pollUntil } from '../helpers/poll.ts';

const KEY = 'it-key-for-acme';
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const env: NodeJS.ProcessEnv = {
  ...isolatedEnv('ingest'),
  INGEST_PORT: '0',
  INGEST_API_KEYS: `gw-it:acme:${sha256(KEY)}`,
};
const log = createLogger('test', { level: 'warn' });
const provisionConfig = loadProvisionConfig(env);

function fullEvent(n: number, text: string): AgentEvent {
  return {
    event_id: `01JINGEST${String(n).padStart(17, '0')}`,
    ts: Date.UTC(2026, 10, 26, 12, 0, 0, n),
    tenant_id: 'acme',
    agent_id: `agent-${n % 2}`,
    agent_version: '1.0.0',
    owner: 'team-a',
    environment: 'production',
    session_id: `sess-${n}`,
    trace_id: null,
    span_id: null,
    kind: n % 2 === 0 ? 'model_request' : 'tool_call',
    model: n % 2 === 0 ? { system: 'openai', name: 'gpt-4o' } : null,
    tool: n % 2 === 0 ? null : { name: 'search', target: 'https://example.com', mode: 'read', arguments: '{"q":"x"}' },
    content: { text, truncated: false, length: Buffer.byteLength(text), sha256: sha256(text) },
    usage: { input_tokens: n, output_tokens: 0, cost_usd: 0.5 },
    principal: { user_id: 'u-1', credential_id: null },
    source: { enforcement_point_id: 'gw-it', mode: 'inline' },
    data_classes: ['personal'],
    attributes: { n: String(n) },
  };
}

describe('ingest on the real stack', () => {
  let ingest: RunningIngest;
  let consumer: Consumer;
  let codec: AvroCodec<'events'>;
  const received: { key: string; event: AgentEvent }[] = [];

  beforeAll(async () => {
    await provision(provisionConfig, log);
    ingest = await startIngest(loadIngestConfig(env), log);
    codec = new AvroCodec(createRegistryClient(provisionConfig), provisionConfig.KAFKA_TOPIC_PREFIX, 'events');
    consumer = createKafka(provisionConfig, log, 'test-ingest').consumer({ groupId: `test-ingest-${Date.now()}` });
    await consumer.connect();
    await consumer.subscribe({ topics: [codec.topic], fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        received.push({ key: String(message.key), event: await codec.decode(message.value) });
      },
    });
    await pollUntil(
      async () => (await fetch(`${ingest.url}/readyz`)).status,
      (s) => s === 200,
      { what: 'ingest ready' },
    );
  });

  afterAll(async () => {
    await consumer?.disconnect();
    await ingest?.stop();
  });

  const post = (path: string, body: string | Buffer, contentType: string) =>
    fetch(`${ingest.url}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${KEY}`, 'content-type': contentType },
      body,
    });
  const receivedFor = async (ids: string[]) =>
    pollUntil(
      async () => received.filter((r) => ids.includes(r.event.event_id)),
      (found) => found.length >= ids.length,
      { what: `${ids.length} events on the topic` },
    );

  it('writes a JSON array to the events topic, decoded equal to the input, after Kafka acked', async () => {
    const events = [fullEvent(1, 'first'), fullEvent(2, 'second with jane@example.com')];
    const res = await post('/v1/events', JSON.stringify(events), 'application/json');
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ accepted: 2 });
    const got = await receivedFor(events.map((e) => e.event_id));
    expect(got.map((g) => g.event).sort((a, b) => a.event_id.localeCompare(b.event_id))).toEqual(events);
    expect(got.map((g) => g.key).sort()).toEqual(['acme:agent-0', 'acme:agent-1']);
  });

  it('writes NDJSON, completing minimal events with defaults, ids and digests', async () => {
    const minimal = {
      ts: '2026-11-26T12:00:00.003Z',
      tenant_id: 'acme',
      agent_id: 'nd',
      session_id: 's',
      kind: 'agent_start',
    };
    const full = fullEvent(4, 'ndjson');
    const body = `${JSON.stringify(full)}\n${JSON.stringify({ ...minimal, event_id: '01JINGESTNDJSON00000000001', content: { text: 'hi' } })}\n`;
    const res = await post('/v1/events', body, 'application/x-ndjson');
    expect(res.status).toBe(202);
    const got = await receivedFor([full.event_id, '01JINGESTNDJSON00000000001']);
    expect(got.find((g) => g.event.event_id === full.event_id)!.event).toEqual(full);
    expect(got.find((g) => g.event.agent_id === 'nd')!.event).toEqual({
      ...minimal,
      ts: Date.UTC(2026, 10, 26, 12, 0, 0, 3),
      event_id: '01JINGESTNDJSON00000000001',
      agent_version: null,
      owner: null,
      environment: 'production',
      trace_id: null,
      span_id: null,
      model: null,
      tool: null,
      content: { text: 'hi', truncated: false, length: 2, sha256: sha256('hi') },
      usage: null,
      principal: null,
      source: { enforcement_point_id: 'gw-it', mode: 'mirror' },
      data_classes: [],
      attributes: {},
    });
  });

  it('writes nothing of a request with one invalid event', async () => {
    const bad = { ...fullEvent(5, 'bad'), kind: 'nonsense' };
    const res = await post('/v1/events', JSON.stringify([fullEvent(6, 'good'), bad]), 'application/json');
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({
      code: 'INGEST_INVALID_EVENT',
      message: expect.stringContaining('events[1].kind'),
    });
    // A marker sent afterwards arrives on the same partition only after anything sent before it.
    const marker = { ...fullEvent(7, 'marker'), agent_id: 'agent-0' };
    expect((await post('/v1/events', JSON.stringify([marker]), 'application/json')).status).toBe(202);
    await receivedFor([marker.event_id]);
    expect(received.some((r) => r.event.event_id === fullEvent(6, 'good').event_id)).toBe(false);
  });

  it('maps an OTLP protobuf export of GenAI spans to AgentEvents', async () => {
    const attr = (key: string, value: string | number) =>
      typeof value === 'number' ? { key, value: { intValue: value } } : { key, value: { stringValue: value } };
    const traceId = Buffer.from('0af7651916cd43dd8448eb211c80319c', 'hex');
    const body = encodeTraceRequest({
      resourceSpans: [
        {
          resource: { attributes: [attr('service.name', 'travel-agent')] },
          scopeSpans: [
            {
              scope: { name: 'opentelemetry.instrumentation.openai' },
              spans: [
                {
                  traceId,
                  spanId: Buffer.from('b7ad6b7169203331', 'hex'),
                  name: 'chat gpt-4o-mini',
                  startTimeUnixNano: '1795694400000000000',
                  endTimeUnixNano: '1795694400900000000',
                  attributes: [
                    attr('gen_ai.operation.name', 'chat'),
                    attr('gen_ai.provider.name', 'openai'),
                    attr('gen_ai.request.model', 'gpt-4o-mini'),
                    attr('gen_ai.conversation.id', 'conv-otlp'),
                    attr('gen_ai.usage.input_tokens', 42),
                    attr('gen_ai.usage.output_tokens', 7),
                    attr('gen_ai.prompt', 'Book a flight to Oslo'),
                    attr('gen_ai.completion', 'Booked.'),
                  ],
                },
                {
                  traceId,
                  spanId: Buffer.from('00000000000000aa', 'hex'),
                  name: 'GET /',
                  attributes: [attr('http.route', '/')],
                },
              ],
            },
          ],
        },
      ],
    });
    const res = await post('/v1/otlp/traces', body, 'application/x-protobuf');
    expect(res.status).toBe(200);
    expect(decodeTraceResponse(Buffer.from(await res.arrayBuffer())).partialSuccess).toBeUndefined();
    const got = await pollUntil(
      async () => received.filter((r) => r.event.session_id === 'conv-otlp'),
      (found) => found.length >= 2,
      { what: 'the two events of the chat span' },
    );
    const byKind = Object.fromEntries(got.map((g) => [g.event.kind, g.event]));
    expect(byKind.model_request).toMatchObject({
      ts: 1_795_694_400_000,
      tenant_id: 'acme',
      agent_id: 'travel-agent',
      trace_id: '0af7651916cd43dd8448eb211c80319c',
      span_id: 'b7ad6b7169203331',
      model: { system: 'openai', name: 'gpt-4o-mini' },
      content: { text: 'Book a flight to Oslo', truncated: false, sha256: sha256('Book a flight to Oslo') },
      source: { enforcement_point_id: 'gw-it', mode: 'mirror' },
    });
    expect(byKind.model_response).toMatchObject({
      ts: 1_795_694_400_900,
      content: { text: 'Booked.' },
      usage: { input_tokens: 42, output_tokens: 7, cost_usd: 0 },
    });
    expect(got.every((g) => g.key === 'acme:travel-agent')).toBe(true);
  });

  it('answers 503 with Retry-After and acknowledges nothing while Kafka is unreachable', async () => {
    const down = await startIngest(
      loadIngestConfig({
        ...env,
        KAFKA_BROKERS: '127.0.0.1:1',
        KAFKA_CONNECT_TIMEOUT_MS: '500',
        INGEST_KAFKA_SEND_TIMEOUT_MS: '1000',
      }),
      createLogger('ingest-down', { level: 'silent' }),
    );
    try {
      const event = fullEvent(8, 'never acknowledged');
      const res = await fetch(`${down.url}/v1/events`, {
        method: 'POST',
        headers: { 'x-api-key': KEY, 'content-type': 'application/json' },
        body: JSON.stringify([event]),
      });
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('5');
      expect(await res.json()).toMatchObject({ code: 'INGEST_KAFKA_UNAVAILABLE', statusCode: 503 });
      expect((await fetch(`${down.url}/readyz`)).status).toBe(503);
      // The counter has no sample at all: no event was ever acknowledged.
      expect(await down.metrics.registry.getSingleMetricAsString('ingest_events_accepted_total')).not.toMatch(
        /^ingest_events_accepted_total\{/m,
      );
    } finally {
      await down.stop();
    }
  });
});
