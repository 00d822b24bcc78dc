import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentsCommand } from '../../cli/commands/agents.ts';
import { approveCommand, policyCommand } from '../../cli/commands/policy.ts';
import { revokeCommand } from '../../cli/commands/revoke.ts';
import { sessionCommand } from '../../cli/commands/session.ts';
import { violationsCommand } from '../../cli/commands/violations.ts';
import { ApiClient, clientSettings } from '../../cli/lib/api-client.ts';
import type { CliContext } from '../../cli/lib/io.ts';
import { DEFAULT_FLEET, generateFleet, type LabelledEvent } from '../../deploy/demo/fleet.ts';
import { type RunningApi, startApi } from '../../services/api/api.ts';
import { loadApiConfig } from '../../services/api/config.ts';
import { loadDetectConfig } from '../../services/detect/config.ts';
import { type RunningDetect, startDetect } from '../../services/detect/detect.ts';
import { type ClickHouseClient, createClickHouse } from '../../services/lib/clickhouse/client.ts';
import { createKafka } from '../../services/lib/kafka/client.ts';
import { topicName } from '../../services/lib/kafka/topics.ts';
import { createLogger } from '../../services/lib/logger.ts';
import { AvroCodec, createRegistryClient } from '../../services/lib/serde/avro-codec.ts';
import { loadProvisionConfig } from '../../services/provision/config.ts';
import { provision } from '../../services/provision/provision.ts';
import { loadSinkConfig } from '../../services/sink/config.ts';
import { type RunningSink, startSink } from '../../services/sink/sink.ts';
import { waitForGroupCaughtUp } from '../helpers/consumer-lag.ts';
import { isolatedEnv } from '../helpers/isolated-env.ts';
import { pollUntil } from '../helpers/poll.ts';

/**
 * The seed's test of success, end to end on the real stack: a generated fleet goes through detect and
 * the sink, and the `warden` CLI (through the governance API) answers the CISO's five questions with
 * the numbers the generator's ground truth says are right.
 */
const env: NodeJS.ProcessEnv = {
  ...isolatedEnv('ciso'),
  DETECT_WORKER_THREADS: '1',
  DETECT_GROUP_ID: `ciso-detect-${Date.now()}`,
  API_PORT: '0',
  WARDEN_ENV: 'local',
};
const log = createLogger('test', { level: 'silent' });
const pc = loadProvisionConfig(env);
const TENANT = 'acme';

function cli(url: string, key: string) {
  let out = '';
  let err = '';
  const ctx: CliContext = {
    out: (t) => {
      out += t;
    },
    err: (t) => {
      err += t;
    },
    client: new ApiClient(clientSettings({ WARDEN_API_URL: url, WARDEN_API_KEY: key })),
  };
  return {
    ctx,
    json: <T>() => JSON.parse(out) as T,
    get err() {
      return err;
    },
  };
}

describe('the five CISO questions, answered by the CLI', () => {
  let detect: RunningDetect;
  let sink: RunningSink;
  let api: RunningApi;
  let ch: ClickHouseClient;
  const fleet: LabelledEvent[] = [];

  beforeAll(async () => {
    await provision(pc, log);
    ch = createClickHouse(pc);
    detect = await startDetect(loadDetectConfig(env), log);
    sink = await startSink(loadSinkConfig(env), log);
    const gen = generateFleet(
      { ...DEFAULT_FLEET, seed: 2026, agentsPerTenant: 6, piiRate: 0.25, injectionRate: 0.15, runawayAgent: null },
      Date.now() - 5 * 60_000,
    );
    for (let i = 0; i < 600; i++) fleet.push(gen.next().value!);
    const codec = new AvroCodec(createRegistryClient(pc), pc.KAFKA_TOPIC_PREFIX, 'events');
    const producer = createKafka(pc, log, 'ciso').producer({ idempotent: true });
    await producer.connect();
    const messages = await Promise.all(
      fleet.map(async ({ event }) => ({
        key: `${event.tenant_id}:${event.agent_id}`,
        value: await codec.encode(event),
      })),
    );
    await producer.send({ topic: codec.topic, messages });
    await producer.disconnect();
    const kafka = createKafka(pc, log, 'ciso-lag');
    await waitForGroupCaughtUp(kafka, env.DETECT_GROUP_ID!, [topicName(pc.KAFKA_TOPIC_PREFIX, 'events')]);
    await waitForGroupCaughtUp(kafka, env.SINK_GROUP_ID!, [
      topicName(pc.KAFKA_TOPIC_PREFIX, 'events'),
      topicName(pc.KAFKA_TOPIC_PREFIX, 'findings'),
      topicName(pc.KAFKA_TOPIC_PREFIX, 'verdicts'),
    ]);
    api = await startApi(loadApiConfig(env), log);
  }, 240_000);

  afterAll(async () => {
    await api?.stop();
    await detect?.stop();
    await sink?.stop();
    await ch?.command({ query: `DROP DATABASE IF EXISTS ${pc.CLICKHOUSE_DATABASE}` });
    await ch?.close();
  });

  const mine = () => fleet.filter((l) => l.event.tenant_id === TENANT);

  it('1. how many agents run right now', async () => {
    const c = cli(api.url, 'warden-dev-analyst-key');
    expect(await agentsCommand(['--running', '--json'], c.ctx)).toBe(0);
    const truth = new Set(mine().map((l) => l.event.agent_id));
    const answer = c.json<{ running: number; agents: { agent_id: string }[] }>();
    expect(answer.running).toBe(truth.size);
    expect(answer.agents.map((a) => a.agent_id).sort()).toEqual([...truth].sort());
  });

  it('2. which of them process personal data', async () => {
    const c = cli(api.url, 'warden-dev-analyst-key');
    expect(await agentsCommand(['--personal-data', '--json'], c.ctx)).toBe(0);
    const truth = new Set(
      mine()
        .filter((l) => l.labels.some((t) => t.startsWith('pii.')))
        .map((l) => l.event.agent_id),
    );
    expect(
      c
        .json<{ agents: { agent_id: string }[] }>()
        .agents.map((a) => a.agent_id)
        .sort(),
    ).toEqual([...truth].sort());
  });

  it('3. any violations this week, how were they handled, with evidence', async () => {
    const c = cli(api.url, 'warden-dev-analyst-key');
    expect(await violationsCommand(['--since', '7d', '--json'], c.ctx)).toBe(0);
    const answer = c.json<{ count: number; blocked: number; redacted: number }>();
    const injected = mine().filter((l) => l.labels.includes('injection')).length;
    const piiOnly = mine().filter(
      (l) => !l.labels.includes('injection') && l.labels.some((t) => t.startsWith('pii.')),
    ).length;
    expect(answer.blocked).toBe(injected);
    expect(answer.redacted).toBe(piiOnly);
    expect(answer.count).toBe(injected + piiOnly);
    expect(JSON.stringify(answer)).not.toContain('jane.doe@example.com');
  });

  it('4. can you show human oversight: a high-risk scope change needs a second person', async () => {
    const agent = `${TENANT}-agent-01`;
    const admin = new ApiClient(clientSettings({ WARDEN_API_URL: api.url, WARDEN_API_KEY: 'warden-dev-admin-key' }));
    await admin.request('POST', '/v1/agents', {
      agent_id: agent,
      owner: 'team-support',
      purpose: 'customer support',
      risk_tier: 'high',
    });
    const proposal = await fetch(`${api.url}/v1/agents/${agent}/policy`, {
      method: 'PUT',
      headers: { authorization: 'Bearer warden-dev-admin-key', 'content-type': 'application/json' },
      body: JSON.stringify({
        reason: 'least privilege after review',
        allowed_tools: [{ name: 'crm.lookup', mode: 'read' }],
        allowed_models: ['gpt-4o'],
      }),
    });
    expect(proposal.status).toBe(202);
    const change = ((await proposal.json()) as { change: { change_id: string } }).change.change_id;
    // The admin who proposed cannot approve; a second person with the approver role can.
    const proposer = cli(api.url, 'warden-dev-admin-key');
    expect(await approveCommand([change], proposer.ctx)).not.toBe(0);
    const approver = cli(api.url, 'warden-dev-approver-key');
    expect(await approveCommand([change, '--comment', 'reviewed', '--json'], approver.ctx)).toBe(0);

    const trail = cli(api.url, 'warden-dev-analyst-key');
    expect(await policyCommand(['show', agent, '--json'], trail.ctx)).toBe(0);
    const shown = JSON.stringify(trail.json());
    expect(shown).toContain('local-approver');
    expect(shown).toContain('local-admin');
  });

  it('5. what if an agent is compromised: revoke now, reconstruct its session', async () => {
    const victim = mine()[0]!.event;
    const c = cli(api.url, 'warden-dev-admin-key');
    expect(
      await revokeCommand(
        [victim.agent_id, '--credential', victim.principal!.credential_id!, '--reason', 'compromised', '--json'],
        c.ctx,
      ),
    ).toBe(0);
    await pollUntil(
      async () =>
        detect.control.state.revocation(TENANT, victim.agent_id, victim.principal!.credential_id!, Date.now()),
      (r) => r !== null,
      { what: 'the revocation to reach the detectors', timeoutMs: 60_000 },
    );
    const s = cli(api.url, 'warden-dev-analyst-key');
    expect(await sessionCommand([victim.session_id, '--json'], s.ctx)).toBe(0);
    const truth = fleet.filter((l) => l.event.session_id === victim.session_id).length;
    expect(s.json<{ summary: { events: number } }>().summary.events).toBe(truth);
  });

  it('6. before enforcing a new scope: shadow mode on live traffic reports what it would have blocked', async () => {
    const agent = `${TENANT}-agent-02`;
    const put = await fetch(`${api.url}/v1/agents/${agent}/policy`, {
      method: 'PUT',
      headers: { authorization: 'Bearer warden-dev-admin-key', 'content-type': 'application/json' },
      body: JSON.stringify({
        reason: 'try read-only CRM access first',
        enforcement: 'shadow',
        allowed_tools: [{ name: 'crm.lookup', mode: 'read' }],
      }),
    });
    expect(put.status).toBe(200);
    await pollUntil(
      async () => detect.control.state.policyFor(TENANT, agent)?.enforcement,
      (e) => e === 'shadow',
      { what: 'the shadow policy to reach the detectors' },
    );
    const base = mine().find((l) => l.event.agent_id === agent)!.event;
    const sendMail = {
      ...base,
      event_id: `${base.event_id}-shadow`,
      ts: Date.now(),
      kind: 'tool_call' as const,
      model: null,
      content: null,
      usage: null,
      tool: { name: 'email.send', target: 'smtp.example.com', mode: 'write' as const, arguments: null },
    };
    const codec = new AvroCodec(createRegistryClient(pc), pc.KAFKA_TOPIC_PREFIX, 'events');
    const producer = createKafka(pc, log, 'ciso-shadow').producer({ idempotent: true });
    await producer.connect();
    await producer.send({
      topic: codec.topic,
      messages: [{ key: `${TENANT}:${agent}`, value: await codec.encode(sendMail) }],
    });
    await producer.disconnect();

    const c = () => cli(api.url, 'warden-dev-approver-key');
    const report = await pollUntil(
      async () => {
        const r = c();
        expect(await policyCommand(['shadow', agent, '--since', '1d', '--json'], r.ctx)).toBe(0);
        return r.json<{ would_have_denied: number; outcomes: { shadow_action: string; reasons: string[] }[] }>();
      },
      (r) => r.would_have_denied >= 1,
      { what: 'the shadow verdict in the report' },
    );
    expect(report.outcomes[0]).toMatchObject({ shadow_action: 'block' });
    expect(report.outcomes[0]!.reasons).toContain('policy.tool_not_allowed');
  });
});
