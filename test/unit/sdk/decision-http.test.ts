import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Enforcer } from '../../../sdk/enforcer.ts';
import { parseApiKeys } from '../../../services/decision/api-keys.ts';
import { loadDecisionConfig } from '../../../services/decision/config.ts';
import { buildDecisionServer } from '../../../services/decision/server.ts';
import { WardenError } from '../../../services/lib/errors.ts';
import { createLogger } from '../../../services/lib/logger.ts';
import { content, event, TENANT, toolCall } from './events.ts';

const KEY = 'decision-test-key';
const OTHER_TENANT_KEY = 'globex-key';
const sha = (k: string) => createHash('sha256').update(k).digest('hex');
const KEYS = `gw-1:${TENANT}:${sha(KEY)},gw-2:globex:${sha(OTHER_TENANT_KEY)}`;

describe('decision HTTP endpoint', () => {
  let app: FastifyInstance;
  let ready = true;

  beforeAll(async () => {
    const enforcer = Enforcer.detached({ tenantId: TENANT });
    app = buildDecisionServer({
      apiKeys: parseApiKeys(KEYS, 'DECISION_API_KEYS'),
      maxBodyBytes: 4096,
      decisionPointFor: (t) => (t === TENANT ? enforcer : undefined),
      ready: () => ready,
      log: createLogger('test', { level: 'silent' }),
    });
    await app.ready();
  });
  afterAll(() => app.close());

  const post = (body: unknown, key: string | null = KEY) =>
    app.inject({
      method: 'POST',
      url: '/v1/check',
      headers: key === null ? {} : { authorization: `Bearer ${key}` },
      payload: body as object,
    });

  it('returns the decision for an AgentEvent: PII redacted', async () => {
    const e = event({ content: content('Reach me at jane.doe@example.com please') });
    const res = await post(e);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      event_id: e.event_id,
      action: 'redact',
      redactedText: 'Reach me at [REDACTED:pii.email] please',
      decidedBy: 'detectors',
    });
  });

  it('blocks a secret in tool arguments', async () => {
    const res = await post(event(toolCall('email.send', '{"key":"ghp_A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8"}')));
    expect(res.json()).toMatchObject({ action: 'block', reasons: ['secret.github_token'] });
  });

  it('accepts an event without the fields that have Avro defaults', async () => {
    const { agent_version, owner, trace_id, span_id, usage, data_classes, attributes, environment, ...minimal } =
      event();
    const res = await post(minimal);
    expect(res.statusCode).toBe(200);
    expect(res.json().action).toBe('allow');
  });

  it('answers 401 without a key or with an unknown one', async () => {
    for (const key of [null, 'wrong-key']) {
      const res = await post(event(), key);
      expect(res.statusCode).toBe(401);
      expect(res.json().code).toBe('DECISION_UNAUTHORIZED');
    }
    const basic = await app.inject({
      method: 'POST',
      url: '/v1/check',
      headers: { authorization: `Basic ${KEY}` },
      payload: event(),
    });
    expect(basic.statusCode).toBe(401);
  });

  it("answers 403 when the key belongs to another tenant than the event's", async () => {
    const res = await post(event(), OTHER_TENANT_KEY);
    expect(res.statusCode).toBe(403);
    expect(res.json().code).toBe('DECISION_FORBIDDEN');
  });

  it('answers 400 naming the invalid field', async () => {
    const cases: [unknown, string][] = [
      [{ ...event(), kind: 'teleport' }, 'kind'],
      [{ ...event(), content: { text: 42, truncated: false, length: 2, sha256: '' } }, 'content.text'],
      [{ ...event(), surprise: true }, 'surprise'],
      [(({ session_id, ...rest }) => rest)(event()), 'session_id'],
      [{ ...event(), data_classes: ['ok', 7] }, 'data_classes[1]'],
      [[1, 2], '(body)'],
    ];
    for (const [body, field] of cases) {
      const res = await post(body);
      expect(res.statusCode, field).toBe(400);
      expect(res.json(), field).toMatchObject({ code: 'DECISION_BODY_INVALID', field });
    }
  });

  it('answers 400 for a body that is not JSON', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/v1/check',
      headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
      payload: '{"not json',
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe('DECISION_BODY_INVALID');
  });

  it('answers 413 above the configured body limit', async () => {
    const res = await post(event({ content: content('x'.repeat(5000)) }));
    expect(res.statusCode).toBe(413);
    expect(res.json().code).toBe('DECISION_BODY_TOO_LARGE');
  });

  it('answers 503 on /readyz and /v1/check until ready; /healthz always 200', async () => {
    ready = false;
    try {
      expect((await app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(503);
      expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
      const res = await post(event());
      expect(res.statusCode).toBe(503);
      expect(res.json().code).toBe('DECISION_NOT_READY');
    } finally {
      ready = true;
    }
    expect((await app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
  });
});

describe('decision metrics', () => {
  it('counts decisions by action and rejections by code', async () => {
    const enforcer = Enforcer.detached({ tenantId: TENANT });
    const app = buildDecisionServer({
      apiKeys: parseApiKeys(KEYS, 'DECISION_API_KEYS'),
      maxBodyBytes: 4096,
      decisionPointFor: () => enforcer,
      ready: () => true,
      log: createLogger('test', { level: 'silent' }),
    });
    const headers = { authorization: `Bearer ${KEY}` };
    await app.inject({ method: 'POST', url: '/v1/check', headers, payload: event() });
    await app.inject({ method: 'POST', url: '/v1/check', payload: event() });
    const text = (await app.inject({ method: 'GET', url: '/metrics' })).body;
    await app.close();
    expect(text).toContain('decision_checks_total{action="allow",decided_by="detectors"} 1');
    expect(text).toContain('decision_requests_rejected_total{code="DECISION_UNAUTHORIZED"} 1');
    expect(text).toContain('decision_check_duration_seconds_count 1');
  });
});

describe('decision config', () => {
  it('reads keys and derives the tenants to serve', () => {
    const c = loadDecisionConfig({ DECISION_API_KEYS: KEYS, DECISION_DISABLED_DETECTORS: 'pii.ip_address, pii.phone' });
    expect(c.tenants).toEqual([TENANT, 'globex']);
    expect(c.disabledDetectors).toEqual(['pii.ip_address', 'pii.phone']);
    expect(c.DECISION_MAX_BODY_BYTES).toBe(1024 * 1024);
    expect(c.chatGuardAgents).toEqual([]);
    const guarded = loadDecisionConfig({ DECISION_API_KEYS: KEYS, DECISION_CHAT_GUARD_AGENTS: 'acme/news-bot, *' });
    expect(guarded.chatGuardAgents).toEqual(['acme/news-bot', '*']);
  });

  it('reports every malformed key entry by position, without echoing hashes', () => {
    let caught: unknown;
    try {
      loadDecisionConfig({ DECISION_API_KEYS: `gw:acme:nothex,just-one-part,gw:acme:${sha('k')}` });
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(WardenError);
    const message = (caught as WardenError).message;
    expect(message).toContain('DECISION_API_KEYS[0]');
    expect(message).toContain('DECISION_API_KEYS[1]');
    expect(message).not.toContain('DECISION_API_KEYS[2]');
    expect(message).not.toContain(sha('k'));
  });

  it('refuses to start without keys', () => {
    expect(() => loadDecisionConfig({})).toThrowError(/DECISION_API_KEYS/);
  });
});
