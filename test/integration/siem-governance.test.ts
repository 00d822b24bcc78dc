import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ClickHouseClient, createClickHouse } from '../../services/lib/clickhouse/client.ts';
import { createLogger } from '../../services/lib/logger.ts';
import { loadSiemConfig } from '../../services/siem/config.ts';
import { type RunningForwarder, startForwarder } from '../../services/siem/forwarder.ts';
import { pollUntil } from '../helpers/poll.ts';
import { WebhookReceiver } from '../helpers/siem-receivers.ts';
import { siemStack } from '../helpers/siem-stack.ts';
import { makeTestPki } from '../helpers/tls-certs.ts';

const log = createLogger('test', { level: 'silent' });
const SECRET = 'governance-webhook-secret-123';
const HOUR = 3_600_000;
const iso = (ms: number) => new Date(ms).toISOString();

type Ocsf = {
  class_uid: number;
  finding_info?: { uid?: string };
  unmapped?: Record<string, unknown>;
  [k: string]: unknown;
};

describe('SIEM forwarder: incident openings, clock warnings and audit checkpoints from ClickHouse', () => {
  let stack: Awaited<ReturnType<typeof siemStack>>;
  let ch: ClickHouseClient;
  let hook: WebhookReceiver;
  let forwarder: RunningForwarder | null = null;
  const group = `test-siem-gov-${Date.now().toString(36)}`;
  const now = Date.now();

  async function start(): Promise<RunningForwarder> {
    return startForwarder(
      loadSiemConfig({
        ...stack.env,
        SIEM_SOURCES: 'incidents,clock_warnings,audit_checkpoints',
        SIEM_GROUP_ID: group,
        SIEM_METRICS_PORT: '0',
        SIEM_POLL_INTERVAL_MS: '100',
        SIEM_CLOCK_WARNING_MS: String(6 * HOUR),
        SIEM_DESTINATIONS: JSON.stringify([
          {
            name: 'grc',
            type: 'webhook',
            url: `${hook.url}/gov`,
            secretEnv: 'TEST_SECRET',
            caFile: pki.caCert,
            batchMaxWaitMs: 10,
          },
        ]),
        TEST_SECRET: SECRET,
      }),
      log,
    );
  }
  const pki = makeTestPki({});

  async function incident(id: string, over: Record<string, unknown>): Promise<void> {
    await ch.insert({
      table: 'incidents',
      format: 'JSONEachRow',
      values: [
        {
          tenant_id: 'acme',
          incident_id: id,
          version: 1,
          title: `incident ${id}`,
          detected_at: iso(now - 2 * HOUR),
          opened_by: 'ciso@acme',
          opened_at: iso(now - HOUR),
          updated_at: iso(now - HOUR),
          agent_ids: ['support-bot'],
          finding_ids: ['f-1', 'f-2'],
          notifications: '[]',
          ...over,
        },
      ],
    });
  }

  beforeAll(async () => {
    stack = await siemStack('siem_gov', log);
    ch = createClickHouse(stack.config);
    hook = new WebhookReceiver(pki, SECRET);
    await hook.start();
  }, 120_000);

  afterAll(async () => {
    await forwarder?.stop();
    await hook?.stop();
    await ch?.command({ query: `DROP DATABASE IF EXISTS ${stack.config.CLICKHOUSE_DATABASE}` });
    await ch?.close();
    await stack?.close();
  });

  it('forwards each incident opening once, GDPR clock warnings near the deadline, and signed checkpoints', async () => {
    // inc-a: a personal-data breach classified 70 h ago: its GDPR 72 h clock has 2 h left (due soon).
    await incident('inc-a', {
      detected_at: iso(now - 70 * HOUR),
      opened_at: iso(now - 69 * HOUR),
      gdpr_personal_data_breach: true,
      gdpr_classified_at: iso(now - 70 * HOUR),
    });
    // inc-b: unclassified: an opening, no clock.
    await incident('inc-b', {});
    // A later version of inc-b (classification changed nothing relevant) is not a second opening.
    await incident('inc-b', { version: 2, updated_at: iso(now) });
    await ch.insert({
      table: 'audit_checkpoints',
      format: 'JSONEachRow',
      values: [
        {
          tenant_id: 'acme',
          stream: 'tenant:acme/policies',
          seq: 41,
          hash: 'ab'.repeat(32),
          ts: iso(now),
          key_id: '0123456789abcdef',
          signature: 'c2ln',
        },
      ],
    });
    forwarder = await start();
    const got = await pollUntil(
      async () => hook.records as Ocsf[],
      (r) => r.length >= 4,
      { what: 'two openings, one clock warning, one checkpoint' },
    );
    const text = JSON.stringify(got);
    expect(text).toContain('inc-a');
    expect(text).toContain('inc-b');
    expect(text).toContain('tenant:acme/policies');
    expect(hook.problems).toEqual([]);
    const classes = got.map((r) => r.class_uid).sort();
    // Incident Finding (2005) for openings and clock warnings; Event Log Activity (1008) for the checkpoint.
    expect(classes.filter((c) => c === 2005).length).toBe(3);
    expect(classes.filter((c) => c === 1008).length).toBe(1);
    expect(text.match(/"gdpr"/g)?.length ?? 0).toBeGreaterThanOrEqual(1);
  });

  it('resumes from its durable cursor after a restart: nothing is sent twice, new rows are sent', async () => {
    await pollUntil(
      async () =>
        (
          await (
            await ch.query({ query: 'SELECT count() AS n FROM siem_cursors FINAL', format: 'JSONEachRow' })
          ).json<{ n: string }>()
        )[0]!.n,
      (n) => Number(n) >= 3,
      { what: 'cursors written' },
    );
    await forwarder!.stop();
    forwarder = null;
    const before = hook.records.length;
    await incident('inc-c', { opened_at: iso(now) });
    forwarder = await start();
    await pollUntil(
      async () => hook.records.length,
      (n) => n >= before + 1,
      { what: 'the new opening' },
    );
    // Every source of the restarted forwarder polls a few times; none may resend what it sent before.
    const polls = (name: string) => forwarder!.metrics.status().sources.find((s) => s.source === name)?.polls ?? 0;
    await pollUntil(
      async () => Math.min(polls('incidents'), polls('clock_warnings'), polls('audit_checkpoints')),
      (n) => n >= 3,
      { what: 'three polls of each source' },
    );
    expect(hook.records.length).toBe(before + 1);
    const after = hook.records.slice(before) as Ocsf[];
    expect(JSON.stringify(after)).toContain('inc-c');
    expect(JSON.stringify(after)).not.toContain('inc-a');
    expect(JSON.stringify(after)).not.toContain('tenant:acme/policies');
  });
});
