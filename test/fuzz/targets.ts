import { gzipSync } from 'node:zlib';
import { MockClient } from '@confluentinc/schemaregistry';
import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import { DEFAULT_FLEET, generateFleet } from '../../deploy/demo/fleet.ts';
import { buildDetectorChain } from '../../detectors/index.ts';
import type { AgentEvent } from '../../schemas/generated/index.ts';
import { PolicyChanges } from '../../services/api/policy-changes.ts';
import { PolicyStore } from '../../services/api/policy-store.ts';
import { ShadowReportStore } from '../../services/api/shadow-report.ts';
import { buildDecisionServer } from '../../services/decision/server.ts';
import { DETECTOR_ERROR_TYPE, runDetectors } from '../../services/detect/detector-runner.ts';
import { Authenticator, DEV_API_KEYS } from '../../services/ingest/auth.ts';
import { EventPublisher } from '../../services/ingest/event-publisher.ts';
import { EventValidator } from '../../services/ingest/event-validation.ts';
import { IngestMetrics } from '../../services/ingest/metrics.ts';
import { encodeTraceRequest } from '../../services/ingest/otlp-protobuf.ts';
import { EventProducer } from '../../services/ingest/producer.ts';
import { buildServer as buildIngestServer } from '../../services/ingest/server.ts';
import { hashApiKey } from '../../services/lib/api-keys.ts';
import { ERROR_CODES, isWardenError } from '../../services/lib/errors.ts';
import { createLogger } from '../../services/lib/logger.ts';
import { AvroCodec, registerContracts } from '../../services/lib/serde/avro-codec.ts';
import { bearer, fakeClickHouse, fakeProducer, testServer } from '../unit/api/fakes.ts';
import { FakeKafkaProducer } from '../unit/ingest/fakes.ts';
import { contentType, hostileJson, hostileString, mutatedBytes, mutatedEvent, validEventInput } from './arbitraries.ts';
import { listRoutes } from './routes.ts';

/**
 * One fuzz target: a parser or endpoint, the hostile inputs it gets, and the property every input
 * must satisfy. `check` throws a PropertyViolation naming what went wrong; the shared runner
 * (test/fuzz/run.ts) and the fixed-seed unit tests (test/unit/fuzz-*.test.ts) drive the same code.
 */
export interface FuzzTarget<I> {
  readonly name: string;
  readonly arbitrary: fc.Arbitrary<I>;
  check(input: I): Promise<void>;
  close(): Promise<void>;
}

export class PropertyViolation extends Error {
  override name = 'PropertyViolation';
}

const silent = createLogger('fuzz', { level: 'silent' });
/** Any single input that takes longer is a stall (the detectors' linear-time promise broken). */
export const MAX_INPUT_MS = 2000;

interface HttpAnswer {
  statusCode: number;
  body: string;
}

/**
 * The HTTP property: success, or a 4xx whose body carries a stable code from services/lib/errors.ts
 * (with the service's prefix). Never a 5xx, never an unknown code.
 */
export function expectCleanAnswer(
  res: HttpAnswer,
  prefix: string,
  ok: readonly number[],
  frameworkCodes: readonly string[] = [],
): void {
  if (ok.includes(res.statusCode)) return;
  if (res.statusCode < 400 || res.statusCode >= 500) {
    throw new PropertyViolation(`status ${res.statusCode}: ${res.body.slice(0, 300)}`);
  }
  let code: unknown;
  try {
    code = (JSON.parse(res.body) as { code?: unknown }).code;
  } catch {
    // OTLP/protobuf errors are a google.rpc.Status; their status code is what the client reads.
    if (res.body.length > 0 && !res.body.trimStart().startsWith('{')) return;
    throw new PropertyViolation(`status ${res.statusCode} without a JSON error body: ${res.body.slice(0, 200)}`);
  }
  if (typeof code === 'string' && frameworkCodes.includes(code)) return;
  if (typeof code !== 'string' || !(code in ERROR_CODES) || !code.startsWith(prefix)) {
    throw new PropertyViolation(`status ${res.statusCode} with code ${String(code)} (not a ${prefix}* code)`);
  }
}

// ---------------------------------------------------------------------------------------------------------
// ingest: POST /v1/events (JSON, NDJSON) and POST /v1/otlp/traces (JSON, protobuf), in-process via inject

export interface HttpInput {
  body: Buffer;
  contentType: string | undefined;
  encoding: 'gzip' | 'identity' | 'gzip-lie' | 'br' | undefined;
  auth: string | undefined;
}

async function ingestApp(): Promise<{ app: FastifyInstance; producer: EventProducer }> {
  const registry = new MockClient({ baseURLs: ['http://registry.invalid'] });
  await registerContracts(registry, '');
  const kafka = new FakeKafkaProducer();
  const metrics = new IngestMetrics();
  const producer = new EventProducer(kafka.asProducer(), {
    topic: 'warden.events.v1',
    maxInFlightBytes: 64 * 1024 * 1024,
    sendTimeoutMs: 5000,
    log: silent,
  });
  producer.start();
  for (let i = 0; i < 100 && !producer.isConnected; i++) await new Promise((r) => setImmediate(r));
  // Every accepted event is encoded by the real Avro codec: what would not encode shows up as a 5xx.
  const codec = new AvroCodec(registry, '', 'events');
  const app = buildIngestServer({
    log: silent,
    authenticator: new Authenticator(DEV_API_KEYS),
    validator: new EventValidator({ maxEventsPerRequest: 50, maxContentBytes: 64 * 1024 }),
    publisher: new EventPublisher(codec, producer, metrics),
    metrics,
    readiness: { check: async () => ({ kafka: true, registry: true }) },
    maxBodyBytes: 2 * 1024 * 1024,
    maxEventsPerRequest: 50,
    retryAfterSeconds: 5,
  });
  // Keep memory flat over 100k runs: the fake producer records every send otherwise.
  (kafka as unknown as { sent: unknown[] }).sent.push = () => 0;
  await app.ready();
  return { app, producer };
}

function httpInput(bodies: fc.Arbitrary<Buffer>, types: readonly string[]): fc.Arbitrary<HttpInput> {
  return fc.record({
    body: bodies,
    contentType: contentType(types),
    encoding: fc.oneof(
      { weight: 10, arbitrary: fc.constant(undefined) },
      { weight: 2, arbitrary: fc.constantFrom('gzip' as const, 'identity' as const) },
      { weight: 1, arbitrary: fc.constantFrom('gzip-lie' as const, 'br' as const) },
    ),
    auth: fc.oneof(
      { weight: 12, arbitrary: fc.constant('Bearer warden-dev-key') },
      {
        weight: 1,
        arbitrary: fc.constantFrom(undefined, 'Bearer nope', 'Bearer ', 'Basic abc', 'bearer  warden-dev-key'),
      },
    ),
  });
}

function ingestTarget(name: string, url: string, input: fc.Arbitrary<HttpInput>): () => Promise<FuzzTarget<HttpInput>> {
  return async () => {
    const { app, producer } = await ingestApp();
    return {
      name,
      arbitrary: input,
      async check(i) {
        const headers: Record<string, string> = {};
        if (i.contentType !== undefined) headers['content-type'] = i.contentType;
        if (i.auth !== undefined) headers.authorization = i.auth;
        let payload = i.body;
        if (i.encoding === 'gzip') payload = gzipSync(i.body);
        if (i.encoding !== undefined) headers['content-encoding'] = i.encoding === 'gzip-lie' ? 'gzip' : i.encoding;
        const res = await app.inject({ method: 'POST', url, headers, payload });
        expectCleanAnswer(res, 'INGEST_', [200, 202]);
      },
      async close() {
        await app.close();
        await producer.stop(100);
      },
    };
  };
}

const json = (v: unknown) => Buffer.from(JSON.stringify(v) ?? 'null');

const eventsJsonBodies = fc.oneof(
  { weight: 6, arbitrary: fc.array(mutatedEvent('acme'), { maxLength: 4 }).map(json) },
  { weight: 1, arbitrary: fc.array(validEventInput('globex'), { maxLength: 2 }).map(json) },
  { weight: 1, arbitrary: hostileJson(4).map(json) },
  { weight: 2, arbitrary: mutatedBytes(fc.array(validEventInput('acme'), { maxLength: 2 }).map(json)) },
  {
    weight: 1,
    arbitrary: fc.integer({ min: 1, max: 20_000 }).map((n) => Buffer.from(`${'['.repeat(n)}${']'.repeat(n)}`)),
  },
);

const ndjsonBodies = fc.oneof(
  {
    weight: 6,
    arbitrary: fc
      .array(
        fc.oneof(
          mutatedEvent('acme').map((e) => JSON.stringify(e) ?? ''),
          hostileString({ huge: false }),
        ),
        {
          maxLength: 5,
        },
      )
      .chain((lines) => fc.constantFrom('\n', '\r\n', '\n\n').map((sep) => Buffer.from(lines.join(sep)))),
  },
  { weight: 2, arbitrary: mutatedBytes(validEventInput('acme').map((e) => Buffer.from(`${JSON.stringify(e)}\n`))) },
);

const hexId = (bytes: number) => fc.uint8Array({ minLength: bytes, maxLength: bytes }).map((a) => Buffer.from(a));

const attrValue: fc.Arbitrary<unknown> = fc.letrec<{ v: unknown }>((tie) => ({
  v: fc.oneof(
    { depthSize: 'small', maxDepth: 3 },
    hostileString({ huge: false }).map((s) => ({ stringValue: s })),
    fc.integer().map((n) => ({ intValue: n })),
    fc.double().map((n) => ({ doubleValue: n })),
    fc.boolean().map((b) => ({ boolValue: b })),
    fc.array(tie('v'), { maxLength: 3 }).map((values) => ({ arrayValue: { values } })),
    fc
      .array(fc.record({ key: fc.string({ maxLength: 10 }), value: tie('v') }), { maxLength: 3 })
      .map((values) => ({ kvlistValue: { values } })),
  ),
})).v;

const GENAI_KEYS = [
  'gen_ai.operation.name',
  'gen_ai.request.model',
  'gen_ai.tool.name',
  'gen_ai.agent.id',
  'gen_ai.input.messages',
  'gen_ai.output.messages',
  'gen_ai.tool.call.arguments',
  'gen_ai.tool.call.result',
  'gen_ai.usage.input_tokens',
  'gen_ai.conversation.id',
  'service.name',
];
const attribute = fc.record({
  key: fc.oneof(fc.constantFrom(...GENAI_KEYS), fc.string({ maxLength: 12 })),
  value: fc.oneof(
    attrValue,
    fc.constantFrom('chat', 'execute_tool', 'invoke_agent', 'gpt-4o').map((s) => ({ stringValue: s })),
  ),
});

/** An ExportTraceServiceRequest in OTLP/JSON shape, with ids as Buffers (protobuf) or hex (JSON). */
function otlpRequest(ids: 'buffer' | 'hex'): fc.Arbitrary<Record<string, unknown>> {
  const id = (n: number) => hexId(n).map((b) => (ids === 'hex' ? b.toString('hex') : b));
  const nanos = fc.oneof(
    fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }).map(String),
    fc.constantFrom('1796000000000000000', '0', '18446744073709551615'),
  );
  const span = fc.record({
    traceId: id(16),
    spanId: id(8),
    name: hostileString({ huge: false }),
    startTimeUnixNano: nanos,
    endTimeUnixNano: nanos,
    attributes: fc.array(attribute, { maxLength: 6 }),
    events: fc.array(
      fc.record({
        name: fc.constantFrom('gen_ai.user.message', 'gen_ai.choice', 'x'),
        timeUnixNano: nanos,
        attributes: fc.array(attribute, { maxLength: 2 }),
      }),
      { maxLength: 2 },
    ),
  });
  return fc.record({
    resourceSpans: fc.array(
      fc.record({
        resource: fc.record({ attributes: fc.array(attribute, { maxLength: 2 }) }),
        scopeSpans: fc.array(
          fc.record({ scope: fc.record({ name: fc.string() }), spans: fc.array(span, { maxLength: 3 }) }),
          {
            maxLength: 2,
          },
        ),
      }),
      { maxLength: 2 },
    ),
  });
}

/** protobufjs fromObject coerces or drops what does not fit, so every generated request encodes. */
function safeEncode(r: Record<string, unknown>): Buffer {
  try {
    return encodeTraceRequest(r);
  } catch {
    return Buffer.alloc(0);
  }
}

const otlpJsonBodies = fc.oneof(
  { weight: 5, arbitrary: otlpRequest('hex').map(json) },
  { weight: 1, arbitrary: hostileJson(4).map((v) => json({ resourceSpans: v })) },
  { weight: 1, arbitrary: hostileJson(4).map(json) },
  { weight: 2, arbitrary: mutatedBytes(otlpRequest('hex').map(json)) },
);

const otlpProtobufBodies = fc.oneof(
  { weight: 2, arbitrary: otlpRequest('buffer').map(safeEncode) },
  { weight: 6, arbitrary: mutatedBytes(otlpRequest('buffer').map(safeEncode)) },
);

// ---------------------------------------------------------------------------------------------------------
// serde: Avro in the Confluent wire format, through AvroCodec.decode as detect and sink call it

async function serdeTarget(): Promise<FuzzTarget<Buffer>> {
  const registry = new MockClient({ baseURLs: ['http://registry.invalid'] });
  const ids = await registerContracts(registry, '');
  const codec = new AvroCodec(registry, '', 'events');
  const fleet = generateFleet(DEFAULT_FLEET, 1_796_000_000_000);
  const samples: Buffer[] = [];
  for (let i = 0; i < 64; i++) samples.push(await codec.encode(fleet.next().value!.event));
  const framed = fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...samples) },
    // A valid body under another (unknown, or another topic's) schema id.
    {
      weight: 2,
      arbitrary: fc
        .tuple(fc.constantFrom(...samples), fc.constantFrom(0, ids.verdicts, ids.control, 9999, 0xffffffff))
        .map(([b, id]) => {
          const copy = Buffer.from(b);
          copy.writeUInt32BE(id >>> 0, 1);
          return copy;
        }),
    },
  );
  return {
    name: 'serde.avro-framing',
    arbitrary: mutatedBytes(framed),
    async check(bytes) {
      try {
        const value = await codec.decode(bytes);
        // What decodes must be an AgentEvent the services can use (strings where strings belong).
        if (typeof value.tenant_id !== 'string' || typeof value.event_id !== 'string') {
          throw new PropertyViolation('decoded value is not an AgentEvent');
        }
      } catch (err) {
        if (err instanceof PropertyViolation) throw err;
        // The consumers dead-letter WardenErrors and crash the batch on anything else (batch-processor.ts).
        if (!isWardenError(err) || !err.code.startsWith('SERDE_')) {
          throw new PropertyViolation(`decode threw ${(err as Error)?.name}: ${(err as Error)?.message}`.slice(0, 300));
        }
      }
    },
    async close() {},
  };
}

// ---------------------------------------------------------------------------------------------------------
// api: every route with hostile path and query parameters, against a recording ClickHouse double

interface ApiInput {
  route: number;
  params: string[];
  query: [string, string][];
  key: string | undefined;
  body: unknown;
}

const API_KEYS_TRIED = [
  'warden-dev-admin-key',
  'warden-dev-analyst-key',
  'warden-dev-approver-key',
  'warden-dev-admin-key-globex',
];
const QUERY_KEYS = [
  'running',
  'personal_data',
  'limit',
  'since',
  'days',
  'format',
  'status',
  'overdue',
  'regime',
  'stage',
];
/** Classic SQL-injection payloads; each must reach ClickHouse as a bound parameter or be refused. */
export const SQL_INJECTIONS = [
  "' OR 1=1 --",
  "acme' OR tenant_id != '",
  "x'); DROP TABLE events; --",
  '1 UNION SELECT * FROM system.users',
  "\\' OR ''='",
  '{tenant:String}',
  "'; SELECT * FROM events FORMAT JSON --",
  '1; SYSTEM SHUTDOWN',
  "globex'/*",
  '7d OR 1=1',
];

/**
 * fastify codes the API may answer with. None: the router's own refusals (a path parameter over
 * maxParamLength, a bad URL) go through `frameworkErrors` in services/api/server.ts and carry API_ codes.
 */
const API_FRAMEWORK_CODES: readonly string[] = [];

/**
 * Percent-encodes the UTF-8 bytes of a string as a client on the wire would send them; unlike
 * encodeURIComponent it does not throw on lone surrogates (they become U+FFFD, as in any UTF-8 encoder).
 */
function percentEncode(s: string): string {
  let out = '';
  for (const byte of Buffer.from(s, 'utf8')) {
    const c = String.fromCharCode(byte);
    out += /[A-Za-z0-9\-_.~]/.test(c) ? c : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

async function apiTarget(): Promise<FuzzTarget<ApiInput>> {
  const ch = fakeClickHouse();
  const control = fakeProducer();
  const server = testServer({}, Date.now(), undefined, {
    policies: {
      changes: new PolicyChanges({
        store: new PolicyStore(ch.client),
        control: control.publisher,
        audit: { append: async () => ({}) } as never,
      }),
    },
    shadow: new ShadowReportStore(ch.client),
  });
  const app = server.app;
  const recorded = [server.ch.queries, ch.queries];
  const routes = await listRoutes(app);
  const value = fc.oneof(
    { weight: 3, arbitrary: hostileString({ huge: false }) },
    { weight: 2, arbitrary: fc.constantFrom(...SQL_INJECTIONS) },
    {
      weight: 1,
      arbitrary: fc.constantFrom('true', '20', '7d', 'json', 'markdown', 'pending', 'gdpr', '0', '-1', '1e9'),
    },
  );
  const arbitrary = fc.record({
    route: fc.nat({ max: routes.length - 1 }),
    params: fc.array(value, { minLength: 2, maxLength: 2 }),
    query: fc.array(fc.tuple(fc.oneof(fc.constantFrom(...QUERY_KEYS), fc.string({ maxLength: 5 })), value), {
      maxLength: 3,
    }),
    key: fc.oneof(
      { weight: 8, arbitrary: fc.constantFrom(...API_KEYS_TRIED) },
      { weight: 1, arbitrary: fc.constant(undefined) },
    ),
    body: fc.oneof(
      fc.constant(undefined),
      hostileJson(3),
      fc.record({ reason: value, active: fc.boolean(), title: value }),
    ),
  });
  return {
    name: 'api.params',
    arbitrary,
    async check(i) {
      const r = routes[i.route]!;
      let n = 0;
      const url = r.url.replace(/:[a-z_]+/g, () => percentEncode(i.params[n++ % i.params.length]!));
      const qs = new URLSearchParams(i.query).toString();
      const headers: Record<string, string> = i.key ? bearer(i.key) : {};
      const hasBody = r.method !== 'GET' && i.body !== undefined;
      if (hasBody) headers['content-type'] = 'application/json';
      const res = await app.inject({
        method: r.method as 'GET',
        url: qs ? `${url}?${qs}` : url,
        headers,
        ...(hasBody ? { payload: JSON.stringify(i.body) ?? 'null' } : {}),
      });
      // API_STORE_UNAVAILABLE (503) is what a down ClickHouse gives; the double never goes down.
      expectCleanAnswer(res, '', [200, 201, 202], API_FRAMEWORK_CODES);
      const code = res.statusCode >= 400 ? (JSON.parse(res.body) as { code: string }).code : '';
      const ours = code.startsWith('API_') || code.startsWith('POLICY_') || code.startsWith('INCIDENT_');
      if (code !== '' && !ours && !API_FRAMEWORK_CODES.includes(code)) {
        throw new PropertyViolation(`code ${code} is not one of the API's`);
      }
      // Bound parameters only: no request value may appear in the SQL text itself.
      const values = [...i.params, ...i.query.map(([, v]) => v)].filter((v) => v.length >= 6 && /['"; ()]/.test(v));
      for (const list of recorded) {
        for (const q of list.splice(0)) {
          const leaked = values.find((v) => q.query.includes(v));
          if (leaked !== undefined)
            throw new PropertyViolation(`request value ${JSON.stringify(leaked)} is in the SQL text`);
        }
      }
    },
    async close() {
      await app.close();
    },
  };
}

// ---------------------------------------------------------------------------------------------------------
// decision: POST /v1/check bodies, through the real detector chain

async function decisionTarget(): Promise<FuzzTarget<HttpInput>> {
  const chain = buildDetectorChain();
  const app = buildDecisionServer({
    apiKeys: [{ enforcementPointId: 'gw', tenantId: 'acme', hash: hashApiKey('decision-key') }],
    maxBodyBytes: 256 * 1024,
    decisionPointFor: () => ({
      check(event: AgentEvent) {
        const [d] = runDetectors(chain, [event]).detections;
        if (d!.failed.length > 0) throw new PropertyViolation(`detectors failed on the event: ${d!.failed.join(', ')}`);
        return { action: 'allow', reasons: [], findings: [], decidedBy: 'detectors' };
      },
    }),
    ready: () => true,
    log: silent,
  });
  await app.ready();
  const bodies = fc.oneof(
    { weight: 6, arbitrary: mutatedEvent('acme').map(json) },
    { weight: 1, arbitrary: mutatedBytes(validEventInput('acme').map(json)) },
  );
  return {
    name: 'decision.check',
    arbitrary: fc.record({
      body: bodies,
      contentType: contentType(['application/json']),
      encoding: fc.constant(undefined),
      auth: fc.oneof(
        { weight: 10, arbitrary: fc.constant('Bearer decision-key') },
        { weight: 1, arbitrary: fc.constantFrom(undefined, 'Bearer x', 'Bearer') },
      ),
    }),
    async check(i) {
      const headers: Record<string, string> = {};
      if (i.contentType !== undefined) headers['content-type'] = i.contentType;
      if (i.auth !== undefined) headers.authorization = i.auth;
      const res = await app.inject({ method: 'POST', url: '/v1/check', headers, payload: i.body });
      expectCleanAnswer(res, 'DECISION_', [200]);
    },
    async close() {
      await app.close();
    },
  };
}

// ---------------------------------------------------------------------------------------------------------
// detectors: hostile text through the whole default chain, with a per-input time bound

interface DetectorInput {
  text: string;
  args: string | null;
  kind: string;
}

async function detectorTarget(): Promise<FuzzTarget<DetectorInput>> {
  const chain = buildDetectorChain();
  const base = generateFleet(DEFAULT_FLEET, 1_796_000_000_000).next().value!.event;
  return {
    name: 'detectors.chain',
    arbitrary: fc.record({
      text: hostileString(),
      args: fc.option(hostileString({ huge: false }), { nil: null }),
      kind: fc.constantFrom('model_request', 'tool_call', 'tool_result'),
    }),
    async check(i) {
      const event: AgentEvent = {
        ...base,
        kind: i.kind as AgentEvent['kind'],
        content: { text: i.text, truncated: false, length: i.text.length, sha256: '0'.repeat(64) },
        tool: i.args === null ? null : { name: 'http.get', target: null, arguments: i.args },
      };
      const started = performance.now();
      const { detections } = runDetectors(chain, [event]);
      const ms = performance.now() - started;
      const d = detections[0]!;
      if (d.failed.length > 0) throw new PropertyViolation(`detector(s) threw: ${d.failed.join(', ')}`);
      if (d.findings.some((f) => f.type === DETECTOR_ERROR_TYPE)) throw new PropertyViolation('detector.error finding');
      if (ms > MAX_INPUT_MS) throw new PropertyViolation(`one event took ${ms.toFixed(0)} ms (bound ${MAX_INPUT_MS})`);
    },
    async close() {},
  };
}

/** Every target by name; the runner and the unit tests pick from here. */
export const TARGETS: Record<string, () => Promise<FuzzTarget<never>>> = {
  'ingest.events-json': ingestTarget(
    'ingest.events-json',
    '/v1/events',
    httpInput(eventsJsonBodies, ['application/json']),
  ) as never,
  'ingest.events-ndjson': ingestTarget(
    'ingest.events-ndjson',
    '/v1/events',
    httpInput(ndjsonBodies, ['application/x-ndjson', 'application/jsonl']),
  ) as never,
  'ingest.otlp-json': ingestTarget(
    'ingest.otlp-json',
    '/v1/otlp/traces',
    httpInput(otlpJsonBodies, ['application/json']),
  ) as never,
  'ingest.otlp-protobuf': ingestTarget(
    'ingest.otlp-protobuf',
    '/v1/otlp/traces',
    httpInput(otlpProtobufBodies, ['application/x-protobuf']),
  ) as never,
  'serde.avro-framing': serdeTarget as never,
  'api.params': apiTarget as never,
  'decision.check': decisionTarget as never,
  'detectors.chain': detectorTarget as never,
};
