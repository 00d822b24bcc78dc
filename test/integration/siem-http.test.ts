import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../services/lib/logger.ts';
import { loadSiemConfig } from '../../services/siem/config.ts';
import { type RunningForwarder, startForwarder } from '../../services/siem/forwarder.ts';
import { pollUntil } from '../helpers/poll.ts';
import { HecReceiver, WebhookReceiver } from '../helpers/siem-receivers.ts';
import { allCommitted, siemStack, testFinding } from '../helpers/siem-stack.ts';
import { makeTestPki, type TestPki } from '../helpers/tls-certs.ts';

const log = createLogger('test', { level: 'silent' });
const TOKEN = '11111111-2222-3333-4444-555555555555';
const SECRET = 'webhook-shared-secret-for-tests';

type OcsfLike = { finding_info?: { uid?: string } };
const uidOf = (r: unknown) => (r as OcsfLike).finding_info?.uid ?? '';
const hecUid = (e: Record<string, unknown>) => uidOf(e.event);

function counts(ids: string[], run: string): Map<string, number> {
  const m = new Map<string, number>();
  for (const id of ids) if (id.startsWith(run)) m.set(id, (m.get(id) ?? 0) + 1);
  return m;
}

describe('SIEM forwarder to Splunk HEC (indexer acks) and an HMAC-signed webhook', () => {
  let stack: Awaited<ReturnType<typeof siemStack>>;
  let pki: TestPki;
  let hec: HecReceiver;
  let hook: WebhookReceiver;
  let deadHook: WebhookReceiver;
  let forwarder: RunningForwarder;
  const backoffs: { destination: string; attempt: number; waitMs: number; code: string }[] = [];
  const group = `test-siem-http-${Date.now().toString(36)}`;
  const hecIds = (run: string) => counts(hec.indexed.map(hecUid), run);
  const hookIds = (run: string) => counts(hook.records.map(uidOf), run);
  const committedAll = async () => allCommitted(await stack.committed(group), await stack.ends());

  beforeAll(async () => {
    stack = await siemStack('siem_http', log);
    pki = makeTestPki({});
    hec = new HecReceiver(pki, TOKEN, true);
    hook = new WebhookReceiver(pki, SECRET);
    deadHook = new WebhookReceiver(pki, SECRET);
    deadHook.mode = 'busy';
    await Promise.all([hec.start(), hook.start(), deadHook.start()]);
    const common = { caFile: pki.caCert, batchMaxWaitMs: 20, timeoutMs: 3000 };
    const destinations = [
      {
        ...common,
        name: 'splunk',
        type: 'hec',
        url: hec.url,
        tokenEnv: 'TEST_HEC_TOKEN',
        index: 'warden',
        ack: true,
        ackPollIntervalMs: 20,
        ackTimeoutMs: 400,
        batchMaxRecords: 20,
        bufferMaxRecords: 200,
        maxAttempts: 1000,
        backoffInitialMs: 20,
        backoffMaxMs: 300,
      },
      {
        ...common,
        name: 'sentinel',
        type: 'webhook',
        url: `${hook.url}/ingest/warden?source=test`,
        secretEnv: 'TEST_WEBHOOK_SECRET',
        batchMaxRecords: 10,
        bufferMaxRecords: 200,
        maxAttempts: 1000,
        backoffInitialMs: 20,
        backoffMaxMs: 300,
      },
      {
        ...common,
        name: 'broken-hook',
        type: 'webhook',
        url: `${deadHook.url}/x`,
        secretEnv: 'TEST_WEBHOOK_SECRET',
        maxAttempts: 3,
        backoffInitialMs: 10,
        backoffMaxMs: 40,
        filter: { minSeverity: 'critical' },
      },
    ];
    forwarder = await startForwarder(
      loadSiemConfig({
        ...stack.env,
        SIEM_SOURCES: 'findings,verdicts',
        SIEM_GROUP_ID: group,
        SIEM_METRICS_PORT: '0',
        SIEM_DESTINATIONS: JSON.stringify(destinations),
        TEST_HEC_TOKEN: TOKEN,
        TEST_WEBHOOK_SECRET: SECRET,
      }),
      log,
      { onBackoff: (e) => backoffs.push(e), commitIntervalMs: 100 },
    );
  }, 120_000);

  afterAll(async () => {
    await forwarder?.stop();
    await Promise.all([hec?.stop(), hook?.stop(), deadHook?.stop()]);
    await stack?.close();
  });

  it('delivers each finding to HEC (auth, channel, acked) and to the webhook (signed), once', async () => {
    const run = 'h1';
    await stack.produceFindings(Array.from({ length: 30 }, (_, i) => testFinding(i, run)));
    const inHec = await pollUntil(
      async () => hecIds(run),
      (m) => m.size === 30,
      { what: '30 indexed in HEC' },
    );
    const inHook = await pollUntil(
      async () => hookIds(run),
      (m) => m.size === 30,
      { what: '30 at the webhook' },
    );
    expect([...inHec.values()].every((n) => n === 1)).toBe(true);
    expect([...inHook.values()].every((n) => n === 1)).toBe(true);
    expect(hec.problems).toEqual([]);
    expect(hook.problems).toEqual([]);
    expect(hec.channels.size).toBe(1);
    const e = hec.indexed.find((x) => hecUid(x) === `${run}-f00002`)!;
    expect(e).toMatchObject({ index: 'warden', sourcetype: 'ocsf:warden', source: 'warden' });
    expect((e.event as { class_uid: number }).class_uid).toBe(2004);
    await pollUntil(committedAll, (ok) => ok, { what: 'offsets committed' });
  });

  it('forwards verdicts from their topic as OCSF too', async () => {
    await stack.produceVerdicts([
      {
        verdict_id: 'h9-v1',
        event_id: 'h9-e1',
        tenant_id: 'acme',
        agent_id: 'support-bot',
        session_id: 'sess-1',
        credential_id: null,
        action: 'block',
        scope: 'event',
        reasons: ['secret.aws_access_key'],
        policy_id: 'default',
        policy_version: 3,
        issued_at: Date.UTC(2026, 11, 1, 12, 0, 1),
        expires_at: null,
        latency_ms: 4.2,
        shadow_action: null,
        redacted_text: null,
        redacted_arguments: null,
      },
    ]);
    await pollUntil(
      async () => hecIds('h9').size,
      (n) => n === 1,
      { what: 'the verdict in HEC' },
    );
    await pollUntil(
      async () => hookIds('h9').size,
      (n) => n === 1,
      { what: 'the verdict at the webhook' },
    );
    const e = hec.indexed.find((x) => hecUid(x) === 'h9-v1')!;
    expect((e.event as { class_uid: number }).class_uid).toBe(2004);
  });

  it('counts a HEC batch as delivered only once Splunk acknowledged it', async () => {
    const delivered = () => forwarder.metrics.status().destinations.find((d) => d.name === 'splunk')!.delivered;
    const before = delivered();
    hec.holdAcks = true;
    const run = 'h2';
    await stack.produceFindings(Array.from({ length: 5 }, (_, i) => testFinding(i, run)));
    // The webhook has them, HEC received them, but without the ack nothing counts and nothing commits.
    await pollUntil(
      async () => hookIds(run).size,
      (n) => n === 5,
      { what: 'webhook got h2' },
    );
    await pollUntil(
      async () => backoffs.filter((b) => b.destination === 'splunk' && b.code === 'SIEM_HEC_ACK_TIMEOUT').length,
      (n) => n >= 1,
      { what: 'an ack timeout' },
    );
    expect(delivered()).toBe(before);
    expect(await committedAll()).toBe(false);
    hec.holdAcks = false;
    await pollUntil(
      async () => hecIds(run).size,
      (n) => n === 5,
      { what: 'h2 indexed after acks resume' },
    );
    await pollUntil(committedAll, (ok) => ok, { what: 'committed after the ack' });
    expect(delivered()).toBeGreaterThanOrEqual(before + 5);
  });

  it('backs off on HEC 503 and webhook 429 (Retry-After capped at backoffMaxMs) and delivers everything after', async () => {
    hec.mode = 'busy';
    hook.mode = 'throttle';
    const from = backoffs.length;
    const run = 'h3';
    await stack.produceFindings(Array.from({ length: 8 }, (_, i) => testFinding(i, run)));
    const seen = await pollUntil(
      async () => backoffs.slice(from),
      (b) =>
        b.filter((x) => x.destination === 'splunk').length >= 3 &&
        b.filter((x) => x.destination === 'sentinel').length >= 3,
      { what: 'retries of both destinations' },
    );
    const hecWaits = seen.filter((b) => b.destination === 'splunk');
    expect(new Set(hecWaits.map((b) => b.code))).toEqual(new Set(['SIEM_DESTINATION_UNAVAILABLE']));
    hecWaits.forEach((b, i) => {
      expect(b.attempt).toBe(hecWaits[0]!.attempt + i);
      expect(b.waitMs).toBeLessThan(Math.min(300, 20 * 2 ** (b.attempt - 1)));
    });
    // Retry-After: 1 (s) is honoured up to the configured cap.
    expect(seen.filter((b) => b.destination === 'sentinel').every((b) => b.waitMs === 300)).toBe(true);
    expect(await committedAll()).toBe(false);
    hec.mode = 'ok';
    hook.mode = 'ok';
    await pollUntil(
      async () => hecIds(run).size,
      (n) => n === 8,
      { what: 'h3 in HEC' },
    );
    await pollUntil(
      async () => hookIds(run).size,
      (n) => n === 8,
      { what: 'h3 at the webhook' },
    );
    await pollUntil(committedAll, (ok) => ok, { what: 'committed after recovery' });
  });

  it('a hanging webhook does not hold up HEC, and nothing is lost when it answers again', async () => {
    hook.mode = 'hang';
    const run = 'h4';
    await stack.produceFindings(Array.from({ length: 15 }, (_, i) => testFinding(i, run)));
    await pollUntil(
      async () => hecIds(run).size,
      (n) => n === 15,
      { what: 'HEC got h4 while the webhook hangs' },
    );
    expect(hookIds(run).size).toBe(0);
    expect(await committedAll()).toBe(false);
    // Requests time out (timeoutMs) and are retried; let them through now.
    hook.mode = 'ok';
    hook.releaseHeld();
    const got = await pollUntil(
      async () => hookIds(run),
      (m) => m.size === 15,
      { what: 'h4 at the webhook' },
    );
    // At-least-once: a request answered after its timeout may have been sent again.
    expect([...got.values()].every((n) => n >= 1)).toBe(true);
    await pollUntil(committedAll, (ok) => ok, { what: 'committed' });
  });

  it('retries a webhook that is down until it is back, without losing records', async () => {
    await hook.stop();
    const from = backoffs.length;
    const run = 'h5';
    await stack.produceFindings(Array.from({ length: 6 }, (_, i) => testFinding(i, run)));
    const down = await pollUntil(
      async () => backoffs.slice(from).filter((b) => b.destination === 'sentinel'),
      (b) => b.length >= 3,
      { what: 'webhook retries while down' },
    );
    expect(new Set(down.map((b) => b.code))).toEqual(new Set(['SIEM_DESTINATION_UNREACHABLE']));
    await hook.start();
    await pollUntil(
      async () => hookIds(run).size,
      (n) => n === 6,
      { what: 'h5 after the webhook is back' },
    );
    await pollUntil(committedAll, (ok) => ok, { what: 'committed' });
  });

  it('dead-letters to the DLQ with the reason after maxAttempts when a destination keeps failing', async () => {
    const run = 'h6';
    await stack.produceFindings([
      testFinding(1, run, { severity: 'critical' }),
      testFinding(2, run, { severity: 'critical' }),
    ]);
    const letters = await stack.readDeadLetters();
    const dead = await pollUntil(
      async () => letters.filter((l) => l.destination === 'broken-hook'),
      (l) => l.length >= 2,
      { what: 'dead letters of broken-hook' },
    );
    expect(new Set(dead.map((l) => l.reason))).toEqual(new Set(['SIEM_DESTINATION_UNAVAILABLE']));
    // maxAttempts 3 = 3 requests per batch; the minSeverity filter kept every other finding away.
    expect(deadHook.requests).toBeLessThanOrEqual(2 * 3);
    expect(deadHook.requests).toBeGreaterThanOrEqual(3);
    await pollUntil(
      async () => hecIds(run).size,
      (n) => n === 2,
      { what: 'h6 in HEC too' },
    );
    await pollUntil(committedAll, (ok) => ok, { what: 'committed after dead-lettering' });
    const s = forwarder.metrics.status().destinations.find((d) => d.name === 'broken-hook')!;
    expect(s).toMatchObject({ delivered: 0, deadLettered: 2 });
  });

  it('a wrong HEC token is a 4xx: logged with the fix, retried, and HEC recovers when the token is fixed', async () => {
    hec.mode = 'reject';
    const from = backoffs.length;
    const run = 'h7';
    await stack.produceFindings([testFinding(1, run)]);
    const rejected = await pollUntil(
      async () => backoffs.slice(from).filter((b) => b.destination === 'splunk'),
      (b) => b.length >= 2,
      { what: 'rejections' },
    );
    expect(rejected.every((b) => b.code === 'SIEM_DESTINATION_REJECTED')).toBe(true);
    hec.mode = 'ok';
    await pollUntil(
      async () => hecIds(run).size,
      (n) => n === 1,
      { what: 'h7 indexed' },
    );
  });
});
