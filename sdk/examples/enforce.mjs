// A gateway's use of @warden/sdk, in plain JavaScript against the installed package:
// inline check, then verdicts and revocations from Kafka turning into denies. Prints one JSON
// line per step; test/integration/sdk-package.test.ts runs it in a project outside the repository.
import { Enforcer, isDenied } from '@warden/sdk';

const env = process.env;
const enforcer = await Enforcer.start({
  tenantId: env.WARDEN_TENANT ?? 'acme',
  kafka: { KAFKA_BROKERS: env.KAFKA_BROKERS ?? '127.0.0.1:9092' },
  registry: env.SCHEMA_REGISTRY_URL ?? 'http://127.0.0.1:8081/apis/ccompat/v7',
  topicPrefix: env.KAFKA_TOPIC_PREFIX ?? '',
});
const say = (o) => process.stdout.write(`${JSON.stringify(o)}\n`);

const event = (over) => ({
  event_id: `01JEXAMPLE${String(Math.floor(Math.random() * 1e15)).padStart(16, '0')}`,
  ts: Date.now(),
  tenant_id: env.WARDEN_TENANT ?? 'acme',
  agent_id: 'support-bot',
  agent_version: null,
  owner: null,
  environment: 'example',
  session_id: 'sess-example',
  trace_id: null,
  span_id: null,
  kind: 'model_request',
  model: { system: 'openai', name: 'gpt-4o' },
  tool: null,
  content: null,
  usage: null,
  principal: { user_id: 'u-1', credential_id: 'cred-example' },
  source: { enforcement_point_id: 'example', mode: 'inline' },
  data_classes: [],
  attributes: {},
  ...over,
});
const text = 'my card is 4111 1111 1111 1111';
const card = enforcer.check(
  event({ content: { text, truncated: false, length: text.length, sha256: '0'.repeat(64) } }),
);
say({ step: 'inline', action: card.action, reasons: card.reasons, redacted: card.redactedText ?? null });
say({ step: 'ready' });

// The caller now issues a session block verdict and a revocation; wait until both deny.
const until = async (what, check) => {
  const deadline = Date.now() + 30_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`no deny for ${what} within 30 s`);
    await new Promise((r) => setTimeout(r, 10));
  }
};
await until('the blocked session', () => isDenied(enforcer.check(event({ session_id: 'sess-blocked' }))));
say({ step: 'verdict', action: enforcer.check(event({ session_id: 'sess-blocked' })).action });
const leaked = event({ principal: { user_id: 'u-1', credential_id: 'cred-leaked' } });
await until('the revoked credential', () => isDenied(enforcer.check(leaked)));
say({ step: 'revocation', action: enforcer.check(leaked).action });
await enforcer.stop();
process.exit(0);
