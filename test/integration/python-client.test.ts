import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentEvent } from '../../schemas/generated/index.ts';
import { type RunningApi, startApi } from '../../services/api/api.ts';
import { loadApiConfig } from '../../services/api/config.ts';
import { loadDecisionConfig } from '../../services/decision/config.ts';
import { type RunningDecisionService, startDecisionService } from '../../services/decision/decision-service.ts';
import { loadIngestConfig } from '../../services/ingest/config.ts';
import { type RunningIngest, startIngest } from '../../services/ingest/ingest.ts';
import { type Consumer, createKafka } from '../../services/lib/kafka/client.ts';
import { createLogger } from '../../services/lib/logger.ts';
import { AvroCodec, createRegistryClient } from '../../services/lib/serde/avro-codec.ts';
import { loadProvisionConfig } from '../../services/provision/config.ts';
import { provision } from '../../services/provision/provision.ts';
import { isolatedEnv } from '../helpers/isolated-env.ts';
import { pollUntil } from '../helpers/poll.ts';
import { ensurePythonVenv, runPytest } from '../helpers/python-venv.ts';

/**
 * The Python client (clients/python) and its LiteLLM guardrail, tested by pytest against warden's
 * own services started here on free ports (ingest, decision, governance API) on the shared stack,
 * under an isolated topic prefix and database. pytest starts the real LiteLLM proxy itself. After
 * pytest, this file checks in Kafka that what the Python side mirrored (events, OTLP spans, every
 * proxied call) is on the events topic.
 */
const KEY = 'python-client-it-key';
const RUN = `${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
const sha256 = (t: string) => createHash('sha256').update(t).digest('hex');
const env: NodeJS.ProcessEnv = {
  ...isolatedEnv('pyclient'),
  INGEST_PORT: '0',
  INGEST_API_KEYS: `py-it:acme:${sha256(KEY)}`,
  DECISION_PORT: '0',
  DECISION_API_KEYS: `py-it:acme:${sha256(KEY)}`,
  API_PORT: '0',
};
const log = createLogger('test', { level: 'warn' });
const pc = loadProvisionConfig(env);

interface Expected {
  what: 'mirror' | 'otel' | 'litellm';
  agent_id?: string;
  session_id?: string;
  event_ids?: string[];
  kinds?: string[];
}

describe('Python client and LiteLLM guardrail against the running services', () => {
  let ingest: RunningIngest;
  let decision: RunningDecisionService;
  let api: RunningApi;
  let consumer: Consumer;
  const received: AgentEvent[] = [];

  beforeAll(async () => {
    await provision(pc, log);
    [ingest, decision, api] = await Promise.all([
      startIngest(loadIngestConfig(env), log),
      startDecisionService(loadDecisionConfig(env), log),
      startApi(loadApiConfig(env), log),
    ]);
    const codec = new AvroCodec(createRegistryClient(pc), pc.KAFKA_TOPIC_PREFIX, 'events');
    consumer = createKafka(pc, log, 'test-pyclient').consumer({ groupId: `test-pyclient-${RUN}` });
    await consumer.connect();
    await consumer.subscribe({ topics: [codec.topic], fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        received.push(await codec.decode(message.value));
      },
    });
    await pollUntil(
      async () => (await fetch(`${ingest.url}/readyz`)).status,
      (s) => s === 200,
      { what: 'ingest ready' },
    );
  }, 300_000);

  afterAll(async () => {
    await consumer?.disconnect();
    await Promise.allSettled([ingest?.stop(), decision?.stop(), api?.stop()]);
  });

  it('passes pytest (unit, mypy --strict, live client, real LiteLLM proxy) and mirrors everything to Kafka', async () => {
    const venv = await ensurePythonVenv();
    const out = mkdtempSync(join(tmpdir(), 'warden-pytest-'));
    const result = await runPytest(venv, ['-p', 'no:cacheprovider', '-rfEs', '-s', 'tests'], {
      ...process.env,
      WARDEN_URL: decision.url,
      WARDEN_API_KEY: KEY,
      WARDEN_INGEST_URL: ingest.url,
      WARDEN_INGEST_API_KEY: KEY,
      WARDEN_API_URL: api.url,
      WARDEN_ADMIN_KEY: 'warden-dev-admin-key',
      WARDEN_TENANT_ID: 'acme',
      WARDEN_TEST_RUN: RUN,
      WARDEN_TEST_OUT: out,
      WARDEN_TEST_REQUIRE_LIVE: '1',
    });
    const summary = result.output.trim().split('\n').slice(-3).join('\n');
    if (result.code !== 0) process.stderr.write(`---- pytest output ----\n${result.output}\n`);
    else
      process.stderr.write(
        `pytest: ${summary}\n${result.output.match(/quarantine request to first refused proxy call: \d+ ms/)?.[0] ?? ''}\n`,
      );
    expect(result.code, `pytest failed:\n${result.output.slice(-20_000)}`).toBe(0);
    expect(summary).toMatch(/\d+ passed/);
    expect(summary).not.toMatch(/skipped|xfailed|deselected/);

    const expected = readFileSync(join(out, 'expected.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Expected);
    expect(expected.map((e) => e.what).sort()).toEqual(['litellm', 'litellm', 'mirror', 'otel']);
    const missing = () =>
      expected.flatMap((e): string[] => {
        if (e.what === 'mirror') {
          const ids = new Set(received.map((r) => r.event_id));
          const absent = e.event_ids!.filter((id) => !ids.has(id));
          return absent.length ? [`${absent.length} mirrored events of ${e.agent_id}`] : [];
        }
        if (e.what === 'otel') {
          return received.some((r) => r.agent_id === e.agent_id && r.session_id === e.session_id)
            ? []
            : [`OTLP span of ${e.agent_id}`];
        }
        const kinds = new Set(received.filter((r) => r.session_id === e.session_id).map((r) => r.kind));
        return e.kinds!.filter((k) => !kinds.has(k as AgentEvent['kind'])).map((k) => `${k} of ${e.session_id}`);
      });
    await pollUntil(
      async () => missing(),
      (m) => m.length === 0,
      {
        timeoutMs: 30_000,
        what: 'the Python side’s events on the events topic',
      },
    );
    // What LiteLLM mirrored is attributed to the agent the request named, not the fallback agent.
    const proxied = received.filter((r) => r.session_id === `ll-card-${RUN}`);
    expect(proxied.every((r) => r.agent_id === `ll-billing-${RUN}`)).toBe(true);
  }, 1_200_000);
});
