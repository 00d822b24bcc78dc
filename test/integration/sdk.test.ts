import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ControlRecord, Verdict } from '../../schemas/generated/index.ts';
import { Enforcer } from '../../sdk/enforcer.ts';
import { loadDecisionConfig } from '../../services/decision/config.ts';
import { type RunningDecisionService, startDecisionService } from '../../services/decision/decision-service.ts';
import { type ControlKind, controlKey } from '../../services/lib/control/control-state.ts';
import { createKafka, type Producer } from '../../services/lib/kafka/client.ts';
import { createLogger } from '../../services/lib/logger.ts';
import { AvroCodec, createRegistryClient } from '../../services/lib/serde/avro-codec.ts';
import { loadProvisionConfig } from '../../services/provision/config.ts';
import { provision } from '../../services/provision/provision.ts';
import { isolatedEnv } from '../helpers/isolated-env.ts';
import { pollUntil } from '../helpers/poll.ts';
import { AGENT, content, event, TENANT, verdict } from '../unit/sdk/events.ts';

const env = isolatedEnv('sdk');
const log = createLogger('test', { level: 'warn' });
/** Latencies are printed as JSON lines so revocation latency can be tracked over time. */
const report = createLogger('sdk-latency', { level: 'info' });
const config = loadProvisionConfig(env);
const prefix = config.KAFKA_TOPIC_PREFIX;
const API_KEY = 'sdk-integration-key';

describe('enforcement SDK on the real stack', () => {
  let producer: Producer;
  let verdicts: AvroCodec<'verdicts'>;
  let control: AvroCodec<'control'>;
  let enforcer: Enforcer;
  let decisionService: RunningDecisionService | undefined;
  const observed: Verdict[] = [];

  async function produceVerdict(v: Verdict): Promise<number> {
    const started = performance.now();
    await producer.send({
      topic: verdicts.topic,
      messages: [{ key: `${v.tenant_id}:${v.agent_id}`, value: await verdicts.encode(v) }],
    });
    return started;
  }

  async function produceControl(r: ControlRecord, kind: ControlKind): Promise<number> {
    const started = performance.now();
    await producer.send({
      topic: control.topic,
      messages: [{ key: controlKey(r, kind), value: await control.encode(r) }],
    });
    return started;
  }

  /** Polls `check` tightly (5 ms) until it answers `action`; returns ms since `startedAt`. */
  async function msUntil(check: () => string, action: string, startedAt: number, what: string): Promise<number> {
    await pollUntil(
      async () => check(),
      (a) => a === action,
      { timeoutMs: 30_000, intervalMs: 5, what },
    );
    return Math.round((performance.now() - startedAt) * 10) / 10;
  }

  beforeAll(async () => {
    await provision(config, log);
    producer = createKafka(config, log, 'test').producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    const registry = createRegistryClient(config);
    verdicts = new AvroCodec(registry, prefix, 'verdicts');
    control = new AvroCodec(registry, prefix, 'control');
    // Issued before the enforcer subscribes: it must never see it (standing decisions come from control).
    await produceVerdict(verdict({ session_id: 'sess-before-start', issued_at: Date.now() }));
    enforcer = await Enforcer.start({
      tenantId: TENANT,
      kafka: config,
      registry: config,
      topicPrefix: prefix,
      logger: log,
    });
    enforcer.onVerdict((v) => observed.push(v));
  });

  afterAll(async () => {
    await decisionService?.stop();
    await enforcer?.stop();
    await producer?.disconnect();
  });

  it('blocks a session once a session-scoped block verdict arrives', async () => {
    const e = event({ session_id: 'sess-blocked', content: content('hello') });
    expect(enforcer.check(e).action).toBe('allow');
    const started = await produceVerdict(
      verdict({ session_id: 'sess-blocked', issued_at: Date.now(), reasons: ['injection.override_instructions'] }),
    );
    const ms = await msUntil(() => enforcer.check(e).action, 'block', started, 'session block');
    report.info({ measure: 'session_block_ms', ms }, 'verdict produced to first deny');
    expect(enforcer.check(e)).toMatchObject({
      decidedBy: 'cache',
      reasons: ['standing.session_blocked', 'injection.override_instructions'],
    });
    expect(enforcer.check(event({ session_id: 'sess-other' })).action).toBe('allow');
    expect(observed.some((v) => v.session_id === 'sess-blocked')).toBe(true);
  });

  it('ignores verdicts issued before it subscribed', () => {
    // The block above is on the same partition (same key) and later, so this one was skipped, not pending.
    expect(enforcer.check(event({ session_id: 'sess-before-start' })).action).toBe('allow');
    expect(observed.some((v) => v.session_id === 'sess-before-start')).toBe(false);
  });

  it('blocks every event of an agent after a Quarantine control record', async () => {
    const agent = 'quarantined-bot';
    const e = event({ agent_id: agent, session_id: 'sess-q' });
    expect(enforcer.check(e).action).toBe('allow');
    const record: ControlRecord = {
      tenant_id: TENANT,
      agent_id: agent,
      issued_at: Date.now(),
      issued_by: 'integration-test',
      payload: { 'dev.warden.v1.Quarantine': { active: true, reason: 'suspected compromise' } },
    };
    const started = await produceControl(record, 'quarantine');
    const ms = await msUntil(() => enforcer.check(e).action, 'block', started, 'quarantine');
    report.info({ measure: 'quarantine_ms', ms }, 'quarantine produced to first deny');
    expect(enforcer.check(event({ agent_id: agent, session_id: 'another-session' })).reasons).toEqual([
      'standing.agent_quarantined',
    ]);
  });

  it('answers revoke_credential for a revoked credential and reports produce-to-first-deny', async () => {
    const e = event({ agent_id: AGENT, principal: { user_id: 'u-1', credential_id: 'cred-leaked' } });
    expect(enforcer.check(e).action).toBe('allow');
    const record: ControlRecord = {
      tenant_id: TENANT,
      agent_id: AGENT,
      issued_at: Date.now(),
      issued_by: 'integration-test',
      payload: {
        'dev.warden.v1.Revocation': { credential_id: 'cred-leaked', reason: 'leaked in logs', expires_at: null },
      },
    };
    const started = await produceControl(record, 'revocation');
    const ms = await msUntil(() => enforcer.check(e).action, 'revoke_credential', started, 'revocation');
    report.info({ measure: 'revocation_ms', ms }, 'revocation produced to first deny');
    const other = event({ agent_id: AGENT, principal: { user_id: 'u-1', credential_id: 'cred-fine' } });
    expect(enforcer.check(other).action).toBe('allow');
  });

  it('serves the same decisions over HTTP, with API-key auth', async () => {
    decisionService = await startDecisionService(
      loadDecisionConfig({
        ...env,
        DECISION_PORT: '0',
        DECISION_API_KEYS: `gw-it:${TENANT}:${createHash('sha256').update(API_KEY).digest('hex')}`,
      }),
      log,
    );
    const check = async (body: unknown, key = API_KEY) => {
      const res = await fetch(`${decisionService!.url}/v1/check`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    };
    expect((await fetch(`${decisionService.url}/readyz`)).status).toBe(200);
    expect(await check(event({ content: content('mail jane.doe@example.com now') }))).toMatchObject({
      status: 200,
      body: { action: 'redact', redactedText: 'mail [REDACTED:pii.email] now' },
    });
    expect((await check(event({ agent_id: 'quarantined-bot' }))).body).toMatchObject({
      action: 'block',
      decidedBy: 'cache',
    });
    expect((await check(event(), 'wrong')).status).toBe(401);
  });
});
