import type { ChildProcess } from 'node:child_process';
import { AssignerProtocol } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anomalyConfigFromThresholds, stepAnomaly } from '../../detectors/anomaly/index.ts';
import type { AnomalyState } from '../../detectors/anomaly/state.ts';
import type { AgentEvent, Finding } from '../../schemas/generated/index.ts';
import { createKafka } from '../../services/lib/kafka/client.ts';
import { topicName } from '../../services/lib/kafka/topics.ts';
import { AvroCodec, createRegistryClient } from '../../services/lib/serde/avro-codec.ts';
import { formatReconcile, LoadStream } from '../helpers/load-stream.ts';
import { pollUntil } from '../helpers/poll.ts';
import { killed, startServiceProcess } from '../helpers/service-process.ts';

/**
 * Two detect and two sink instances (one group each) under generated load, with rebalances in the
 * middle. Six veteran agents (30 ordinary sessions of 10 calls each) then run a 500-call session;
 * partitions move from detect d1 to d2 and back to d1 (which still holds stale state for them) at
 * points chosen so each alert level of the runaway session is crossed on the instance that took the
 * partition over. Each agent must be flagged at exactly the call where one uninterrupted owner flags
 * it, and every acknowledged event must end with one row and one verdict.
 */
const TENANT = 'scaleout';
const AGENTS = Array.from({ length: 6 }, (_, i) => `veteran-${i}`);
const LIVE_CALLS = 500;
const stream = new LoadStream('scaleout', 77, {});
const prefix = stream.pc.KAFKA_TOPIC_PREFIX;

function call(agent: string, session: string, ts: number, n: number, kind: AgentEvent['kind'] = 'model_request') {
  return {
    event_id: `${agent}-${session}-${n}`,
    ts,
    tenant_id: TENANT,
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
  } satisfies AgentEvent;
}

const historyStart = Date.now() - 3 * 3600_000;
const liveStart = Date.now();
function history(agent: string): AgentEvent[] {
  const out: AgentEvent[] = [];
  for (let s = 0; s < 30; s++) {
    for (let c = 0; c < 10; c++) out.push(call(agent, `old-${s}`, historyStart + s * 60_000 + c * 1000, c));
    out.push(call(agent, `old-${s}`, historyStart + s * 60_000 + 30_000, 99, 'agent_end'));
  }
  return out;
}
const live = (agent: string, from: number, to: number) =>
  Array.from({ length: to - from }, (_, i) => call(agent, 'live', liveStart + (from + i) * 100, from + i));

/** The call numbers (by severity) at which one owner judging every event in order flags the live session. */
function expectedAlerts(): Map<string, number> {
  const cfg = anomalyConfigFromThresholds({});
  let state: AnomalyState | undefined;
  const first = new Map<string, number>();
  for (const e of [...history('x'), ...live('x', 0, LIVE_CALLS)]) {
    const step = stepAnomaly(state, e, cfg);
    state = step.state;
    for (const f of step.findings) {
      if (f.type === 'anomaly.session_call_rate' && e.session_id === 'live' && !first.has(f.severity)) {
        first.set(f.severity, Number(e.event_id.split('-').pop()));
      }
    }
  }
  return first;
}

describe('two detect and two sink instances with partitions moving mid-stream', () => {
  const running = new Map<string, ChildProcess>();
  const findings: Finding[] = [];
  const kafka = createKafka(stream.pc, stream.log, 'scaleout-test');
  const reader = kafka.consumer({ groupId: `${stream.env.DETECT_GROUP_ID}-reader` });
  const admin = kafka.admin();
  const detectEnv = (id: string) => ({ ...stream.env, KAFKA_CLIENT_ID: `scaleout-${id}` });
  const start = (id: string, entry: string) => running.set(id, startServiceProcess(entry, detectEnv(id)));
  const stop = async (id: string) => {
    await killed(running.get(id)!, 'SIGTERM');
    running.delete(id);
  };

  beforeAll(async () => {
    await stream.setUp();
    await admin.connect();
    const codec = new AvroCodec(createRegistryClient(stream.pc), prefix, 'findings');
    await reader.connect();
    await reader.subscribe({ topics: [topicName(prefix, 'findings')], fromBeginning: true });
    await reader.run({ eachMessage: async ({ message }) => void findings.push(await codec.decode(message.value)) });
  });

  afterAll(async () => {
    await stream.stop();
    await Promise.all([...running.values()].map((s) => killed(s, 'SIGTERM')));
    await reader.disconnect();
    await admin.disconnect();
    await stream.tearDown();
  });

  /** Partitions of the events topic per detect instance (by client id). */
  async function detectAssignment(): Promise<Map<string, number[]>> {
    const group = (await admin.describeGroups([stream.env.DETECT_GROUP_ID])).groups[0];
    const out = new Map<string, number[]>();
    for (const m of group?.members ?? []) {
      if (m.memberAssignment.length === 0) continue;
      const decoded = AssignerProtocol.MemberAssignment.decode(m.memberAssignment);
      out.set(m.clientId, decoded?.assignment[topicName(prefix, 'events')] ?? []);
    }
    return out;
  }
  const owners = (n: number) =>
    pollUntil(detectAssignment, (a) => a.size === n && [...a.values()].flat().length === 3, {
      what: `${n} detect instance(s) sharing the 3 partitions`,
      timeoutMs: 120_000,
    });

  /** Judged and stored: the next owner rebuilds an agent's state from ClickHouse's rows. */
  async function settled(ids: string[]) {
    const list = ids.map((id) => `'${id}'`).join(',');
    for (const table of ['verdicts', 'events']) {
      await pollUntil(
        () => stream.count(`SELECT uniqExact(event_id) AS n FROM ${table} WHERE event_id IN (${list})`),
        (n) => n === ids.length,
        { what: `${ids.length} scripted events in ${table}`, timeoutMs: 180_000 },
      );
    }
  }
  async function phase(from: number, to: number) {
    const events = AGENTS.flatMap((a) => live(a, from, to));
    expect(await stream.produceEvents(events)).toBe(true);
    await settled(events.map((e) => e.event_id));
  }

  it('flags each runaway session at the same call as one owner would, and stores every event once', async () => {
    const alerts = expectedAlerts();
    const levels = [...alerts.entries()].sort((a, b) => a[1] - b[1]);
    // The scenario needs two levels crossed after the baseline, each after a move.
    expect(levels.length).toBeGreaterThanOrEqual(2);
    const [[, firstAt], [, secondAt]] = levels as [[string, number], [string, number]];
    const moveAt = Math.max(1, firstAt - 3);
    const backAt = Math.max(moveAt + 1, secondAt - 3);

    start('d1', 'services/detect/main.ts');
    start('s1', 'services/sink/main.ts');
    start('s2', 'services/sink/main.ts');
    stream.start({ batch: 20, intervalMs: 100 });
    const past = AGENTS.flatMap(history);
    expect(await stream.produceEvents(past)).toBe(true);
    await settled(past.map((e) => e.event_id));

    // d1 alone judges the first calls of every live session.
    await phase(0, moveAt);

    // Scale out: d2 joins and takes over some partitions; its agents are the movers.
    start('d2', 'services/detect/main.ts');
    const split = await owners(2);
    // Client ids carry the service's suffix (KAFKA_CLIENT_ID-detect).
    const d2Partitions = [...split].find(([clientId]) => clientId.startsWith('scaleout-d2'))?.[1] ?? [];
    const partitionOf = new Map(
      (
        await (
          await stream.ch.query({
            query: `SELECT agent_id, any(kafka_partition) AS p FROM events WHERE tenant_id = '${TENANT}' GROUP BY agent_id`,
            format: 'JSONEachRow',
          })
        ).json<{ agent_id: string; p: number }>()
      ).map((r) => [r.agent_id, Number(r.p)]),
    );
    const movers = AGENTS.filter((a) => d2Partitions.includes(partitionOf.get(a)!));
    expect(movers.length, `agents on d2's partitions ${d2Partitions}`).toBeGreaterThan(0);
    await phase(moveAt, backAt);

    // A sink instance leaves and comes back while events flow.
    await stop('s1');
    start('s1', 'services/sink/main.ts');

    // Scale in: d2 leaves, its partitions go back to d1, whose state for them is stale.
    await stop('d2');
    await owners(1);
    await phase(backAt, LIVE_CALLS);

    await stream.stop();
    await stream.caughtUp(180_000);
    const rows = await stream.reconcile();
    process.stdout.write(`\nscale-out reconcile:\n${formatReconcile(rows)}\n`);
    for (const r of rows) {
      expect(r.lost, `${r.table}: acknowledged events without a row`).toBe(0);
      expect(r.duplicates, `${r.table}: rows twice after FINAL`).toBe(0);
      expect(r.stored).toBe(r.acknowledged);
    }

    await pollUntil(
      async () => findings.filter((f) => f.type === 'anomaly.session_call_rate' && f.session_id === 'live').length,
      (n) => n >= AGENTS.length * levels.length,
      { what: 'every alert level of every live session', timeoutMs: 60_000 },
    );
    for (const agent of AGENTS) {
      const seen = new Map<string, number>();
      for (const f of findings) {
        if (f.agent_id !== agent || f.session_id !== 'live' || f.type !== 'anomaly.session_call_rate') continue;
        const n = Number(f.event_id.split('-').pop());
        seen.set(f.severity, Math.min(n, seen.get(f.severity) ?? n));
      }
      expect(Object.fromEntries(seen), `${agent}${movers.includes(agent) ? ' (moved to d2 and back)' : ''}`).toEqual(
        Object.fromEntries(alerts),
      );
    }
  }, 900_000);
});
