import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentEvent } from '../../schemas/generated/index.ts';
import { type ClickHouseClient, createClickHouse } from '../../services/lib/clickhouse/client.ts';
import { createKafka, type Producer } from '../../services/lib/kafka/client.ts';
import { DLQ_HEADERS } from '../../services/lib/kafka/dead-letter.ts';
import { topicName } from '../../services/lib/kafka/topics.ts';
import { createLogger } from '../../services/lib/logger.ts';
import { AvroCodec, createRegistryClient } from '../../services/lib/serde/avro-codec.ts';
import { subjectFor } from '../../services/lib/serde/contracts.ts';
import { loadProvisionConfig } from '../../services/provision/config.ts';
import { provision } from '../../services/provision/provision.ts';
import { loadSinkConfig } from '../../services/sink/config.ts';
import { type RunningSink, startSink } from '../../services/sink/sink.ts';
import { isolatedEnv } from '../helpers/isolated-env.ts';
import { pollUntil } from '../helpers/poll.ts';

const env = isolatedEnv('k2ch');
const log = createLogger('test', { level: 'warn' });
const provisionConfig = loadProvisionConfig(env);
const prefix = provisionConfig.KAFKA_TOPIC_PREFIX;

function sampleEvent(n: number, text: string): AgentEvent {
  return {
    event_id: `01JTEST${String(n).padStart(19, '0')}`,
    ts: Date.UTC(2026, 10, 26, 12, 0, 0, n),
    tenant_id: 'acme',
    agent_id: 'support-bot',
    agent_version: '2.1.0',
    owner: 'team-support',
    environment: 'production',
    session_id: `sess-${n % 3}`,
    trace_id: null,
    span_id: null,
    kind: 'model_request',
    model: { system: 'openai', name: 'gpt-4o' },
    tool: null,
    content: {
      text,
      truncated: false,
      length: Buffer.byteLength(text),
      sha256: createHash('sha256').update(text).digest('hex'),
    },
    usage: { input_tokens: 120 + n, output_tokens: 0, cost_usd: 0.001 },
    principal: { user_id: 'u-17', credential_id: 'cred-support-bot' },
    source: { enforcement_point_id: 'gw-test', mode: 'mirror' },
    data_classes: ['personal'],
    attributes: { region: 'eu-west-1' },
  };
}

describe('Kafka to ClickHouse on the real stack', () => {
  let producer: Producer;
  let codec: AvroCodec<'events'>;
  let ch: ClickHouseClient;
  const sinks: RunningSink[] = [];

  beforeAll(async () => {
    await provision(provisionConfig, log);
    producer = createKafka(provisionConfig, log, 'test').producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    codec = new AvroCodec(createRegistryClient(provisionConfig), prefix, 'events');
    ch = createClickHouse(provisionConfig);
  });

  afterAll(async () => {
    await Promise.all(sinks.map((s) => s.stop()));
    await producer?.disconnect();
    await ch?.command({ query: `DROP DATABASE IF EXISTS ${provisionConfig.CLICKHOUSE_DATABASE}` });
    await ch?.close();
  });

  async function countEvents(): Promise<number> {
    const rows = await (
      await ch.query({ query: 'SELECT count() AS n FROM events FINAL', format: 'JSONEachRow' })
    ).json<{
      n: number;
    }>();
    return Number(rows[0]!.n);
  }

  it('frames AgentEvents in the Confluent wire format with the registered schema id', async () => {
    const bytes = await codec.encode(sampleEvent(0, 'hello'));
    const registered = await createRegistryClient(provisionConfig).getLatestSchemaMetadata(subjectFor(codec.topic));
    expect(bytes[0]).toBe(0);
    expect(bytes.readUInt32BE(1)).toBe(registered.id);
    expect(await codec.decode(bytes)).toEqual(sampleEvent(0, 'hello'));
  });

  it('commits offsets only after ClickHouse acknowledges the insert', async () => {
    const unreachable = startSink(
      loadSinkConfig({ ...env, CLICKHOUSE_URL: 'http://127.0.0.1:9', SINK_TOPICS: 'events' }),
      createLogger('sink-down', { level: 'silent' }),
    );
    sinks.push(await unreachable);
    const events = [1, 2, 3].map((n) => sampleEvent(n, `question ${n} from jane.doe@example.com`));
    await producer.send({
      topic: codec.topic,
      acks: -1,
      messages: await Promise.all(
        events.map(async (e) => ({ key: `${e.tenant_id}:${e.agent_id}`, value: await codec.encode(e) })),
      ),
    });
    const sink = await unreachable;
    await pollUntil(
      async () => sink.stats.insertFailures,
      (n) => n > 0,
      { what: 'a failed insert' },
    );
    const admin = createKafka(provisionConfig, log, 'test-admin').admin();
    await admin.connect();
    const offsets = await admin.fetchOffsets({ groupId: env.SINK_GROUP_ID!, topics: [codec.topic] });
    await admin.disconnect();
    // -1 means nothing committed: the batch ClickHouse never acknowledged is still owed to the table.
    expect(offsets[0]!.partitions.every((p) => p.offset === '-1')).toBe(true);
    await sinks.pop()!.stop();

    sinks.push(await startSink(loadSinkConfig({ ...env, SINK_TOPICS: 'events' }), log));
    expect(await pollUntil(countEvents, (n) => n >= 3, { what: '3 rows in ClickHouse' })).toBe(3);
  });

  it('reads back by SQL what was produced, without storing content in clear', async () => {
    const rows = await (
      await ch.query({
        query: `SELECT event_id, toUnixTimestamp64Milli(ts) AS ts_ms, agent_id, model_name, content_sha256, content_length,
                       input_tokens, data_classes, attributes
                FROM events FINAL WHERE tenant_id = {tenant:String} ORDER BY event_id`,
        query_params: { tenant: 'acme' },
        format: 'JSONEachRow',
      })
    ).json<Record<string, unknown>>();
    const expected = sampleEvent(2, 'question 2 from jane.doe@example.com');
    const row = rows.find((r) => r.event_id === expected.event_id)!;
    expect(row).toMatchObject({
      ts_ms: expected.ts,
      agent_id: 'support-bot',
      model_name: 'gpt-4o',
      content_sha256: expected.content!.sha256,
      content_length: expected.content!.length,
      input_tokens: 122,
      data_classes: ['personal'],
      attributes: { region: 'eu-west-1' },
    });
    expect(JSON.stringify(rows)).not.toContain('jane.doe@example.com');
  });

  it('dead-letters undecodable records with a reason and keeps consuming', async () => {
    const garbage = Buffer.from('{"not":"avro"}');
    await producer.send({
      topic: codec.topic,
      acks: -1,
      messages: [
        { key: 'acme:support-bot', value: garbage },
        { key: 'acme:support-bot', value: await codec.encode(sampleEvent(4, 'after the bad record')) },
      ],
    });
    expect(await pollUntil(countEvents, (n) => n >= 4, { what: 'the good record after the bad one' })).toBe(4);

    const dlq = createKafka(provisionConfig, log, 'test-dlq').consumer({ groupId: `${env.SINK_GROUP_ID}-dlq-reader` });
    await dlq.connect();
    await dlq.subscribe({ topics: [topicName(prefix, 'dlq')], fromBeginning: true });
    const seen: { reason: string; value: string }[] = [];
    await dlq.run({
      eachMessage: async ({ message }) => {
        seen.push({ reason: String(message.headers?.[DLQ_HEADERS.reason]), value: String(message.value) });
      },
    });
    await pollUntil(
      async () => seen.length,
      (n) => n >= 1,
      { what: 'a dead letter' },
    );
    await dlq.disconnect();
    expect(seen[0]).toEqual({ reason: 'SERDE_NOT_FRAMED', value: '{"not":"avro"}' });
  });

  it('dead-letters a row ClickHouse refuses and stores the rest of its batch', async () => {
    // Valid Avro, but a timestamp (year 275760) that no DateTime64 column can hold.
    const refused = { ...sampleEvent(7, 'far future'), ts: 8.64e15 };
    const fine = sampleEvent(8, 'same batch, fine');
    await producer.send({
      topic: codec.topic,
      acks: -1,
      messages: [
        { key: 'acme:support-bot', value: await codec.encode(refused) },
        { key: 'acme:support-bot', value: await codec.encode(fine) },
      ],
    });
    const ids = async () =>
      (
        await (
          await ch.query({
            query: 'SELECT event_id FROM events WHERE event_id IN ({ids:Array(String)})',
            query_params: { ids: [refused.event_id, fine.event_id] },
            format: 'JSONEachRow',
          })
        ).json<{ event_id: string }>()
      ).map((r) => r.event_id);
    expect(await pollUntil(ids, (list) => list.length >= 1, { what: 'the storable row' })).toEqual([fine.event_id]);

    const dlq = createKafka(provisionConfig, log, 'test-dlq2').consumer({
      groupId: `${env.SINK_GROUP_ID}-dlq-reader-2`,
    });
    await dlq.connect();
    await dlq.subscribe({ topics: [topicName(prefix, 'dlq')], fromBeginning: true });
    const reasons: string[] = [];
    await dlq.run({
      eachMessage: async ({ message }) => void reasons.push(String(message.headers?.[DLQ_HEADERS.reason])),
    });
    await pollUntil(
      async () => reasons,
      (r) => r.includes('SINK_RECORD_INVALID'),
      { what: 'the refused row on the DLQ' },
    );
    await dlq.disconnect();
  });

  it('keeps one row for an event delivered twice', async () => {
    const e = sampleEvent(5, 'sent twice');
    const value = await codec.encode(e);
    const sink = sinks[sinks.length - 1]!;
    const before = sink.stats.rowsInserted;
    await producer.send({ topic: codec.topic, acks: -1, messages: [{ key: 'acme:support-bot', value }] });
    await producer.send({ topic: codec.topic, acks: -1, messages: [{ key: 'acme:support-bot', value }] });
    const copies = async (final: boolean) => {
      const r = await (
        await ch.query({
          query: `SELECT count() AS n FROM events ${final ? 'FINAL' : ''} WHERE event_id = {id:String}`,
          query_params: { id: e.event_id },
          format: 'JSONEachRow',
        })
      ).json<{ n: number }>();
      return Number(r[0]!.n);
    };
    // Both deliveries are written (at-least-once); the ReplacingMergeTree key collapses them.
    await pollUntil(
      async () => sink.stats.rowsInserted - before,
      (n) => n >= 2,
      { what: 'both deliveries written' },
    );
    expect(await copies(true)).toBe(1);
  });
});
