import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentEvent, Finding } from '../../schemas/generated/index.ts';
import { loadDetectConfig } from '../../services/detect/config.ts';
import { type RunningDetect, startDetect } from '../../services/detect/detect.ts';
import { type ClickHouseClient, createClickHouse } from '../../services/lib/clickhouse/client.ts';
import { createKafka } from '../../services/lib/kafka/client.ts';
import { topicName } from '../../services/lib/kafka/topics.ts';
import { createLogger } from '../../services/lib/logger.ts';
import { AvroCodec, createRegistryClient } from '../../services/lib/serde/avro-codec.ts';
import { loadProvisionConfig } from '../../services/provision/config.ts';
import { provision } from '../../services/provision/provision.ts';
import { eventRow } from '../../services/sink/rows.ts';
import { isolatedEnv } from '../helpers/isolated-env.ts';
import { pollUntil } from '../helpers/poll.ts';

const env = { ...isolatedEnv('baseline'), DETECT_WORKER_THREADS: '1', DETECT_GROUP_ID: `baseline-${Date.now()}` };
const log = createLogger('test', { level: 'warn' });
const pc = loadProvisionConfig(env);

function call(
  agent: string,
  session: string,
  ts: number,
  n: number,
  kind: AgentEvent['kind'] = 'model_request',
): AgentEvent {
  return {
    event_id: `${agent}-${session}-${n}`,
    ts,
    tenant_id: 'acme',
    agent_id: agent,
    agent_version: null,
    owner: null,
    environment: 'production',
    session_id: session,
    trace_id: null,
    span_id: null,
    kind,
    model: { system: 'openai', name: 'gpt-4o' },
    tool: null,
    content: null,
    usage: { input_tokens: 100, output_tokens: 0, cost_usd: 0.001 },
    principal: null,
    source: { enforcement_point_id: 'gw', mode: 'mirror' },
    data_classes: [],
    attributes: {},
  };
}

describe('anomaly baselines survive a restart of detect', () => {
  let ch: ClickHouseClient;
  let detect: RunningDetect;
  const findings: Finding[] = [];
  const kafka = createKafka(pc, log, 'baseline-test');
  const reader = kafka.consumer({ groupId: `${env.DETECT_GROUP_ID}-reader` });

  beforeAll(async () => {
    await provision(pc, log);
    ch = createClickHouse(pc);
    // What the sink stored before the restart: 30 ordinary sessions of 10 calls for the veteran agent.
    const start = Date.now() - 3 * 3600_000;
    const history: AgentEvent[] = [];
    for (let s = 0; s < 30; s++) {
      for (let c = 0; c < 10; c++) history.push(call('veteran', `old-${s}`, start + s * 60_000 + c * 1000, c));
      history.push(call('veteran', `old-${s}`, start + s * 60_000 + 30_000, 99, 'agent_end'));
    }
    await ch.insert({
      table: 'events',
      values: history.map((e) => eventRow(e, { partition: 0, offset: '0', retentionDays: 30 })),
      format: 'JSONEachRow',
    });
    detect = await startDetect(loadDetectConfig(env), log);
    const codec = new AvroCodec(createRegistryClient(pc), pc.KAFKA_TOPIC_PREFIX, 'findings');
    await reader.connect();
    await reader.subscribe({ topics: [topicName(pc.KAFKA_TOPIC_PREFIX, 'findings')], fromBeginning: true });
    await reader.run({ eachMessage: async ({ message }) => void findings.push(await codec.decode(message.value)) });
  });

  afterAll(async () => {
    await reader.disconnect();
    await detect?.stop();
    await ch?.command({ query: `DROP DATABASE IF EXISTS ${pc.CLICKHOUSE_DATABASE}` });
    await ch?.close();
  });

  it('flags a runaway session of an agent whose baseline lives only in ClickHouse, while it runs', async () => {
    const producer = kafka.producer({ idempotent: true });
    await producer.connect();
    const codec = new AvroCodec(createRegistryClient(pc), pc.KAFKA_TOPIC_PREFIX, 'events');
    const now = Date.now();
    const runaway = [
      ...Array.from({ length: 60 }, (_, i) => call('veteran', 'live', now + i * 100, i)),
      ...Array.from({ length: 60 }, (_, i) => call('newcomer', 'live', now + i * 100, i)),
    ];
    await producer.send({
      topic: codec.topic,
      messages: await Promise.all(
        runaway.map(async (e) => ({ key: `acme:${e.agent_id}`, value: await codec.encode(e) })),
      ),
    });
    await producer.disconnect();
    const flagged = await pollUntil(
      async () => findings.filter((f) => f.type === 'anomaly.session_call_rate' && f.agent_id === 'veteran'),
      (list) => list.length > 0,
      { what: 'the runaway session to be flagged' },
    );
    // Flagged during the session, long before its 60th call.
    const callNo = Math.min(...flagged.map((f) => Number(f.event_id.split('-').pop())));
    expect(callNo).toBeLessThan(30);
    await pollUntil(
      async () => detect.stats.events,
      (n) => n >= 120,
      { what: 'all events judged' },
    );
    // Without history the newcomer is still warming up: no baseline, no anomaly finding.
    expect(findings.some((f) => f.agent_id === 'newcomer' && f.type.startsWith('anomaly.session'))).toBe(false);
    expect(detect.stats.baselineEventsReplayed).toBe(330);
  });
});
