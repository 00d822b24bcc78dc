import { AgentRegistry } from '../../../services/api/agent-registry.ts';
import { DEV_ROLE_KEYS, type RoleKeyEntry } from '../../../services/api/auth.ts';
import { ControlPublisher } from '../../../services/api/control-publisher.ts';
import { IncidentStore } from '../../../services/api/incident-store.ts';
import { AgentInventory } from '../../../services/api/inventory.ts';
import { ProcessingRecordStore } from '../../../services/api/processing-record.ts';
import { type ApiDeps, buildServer } from '../../../services/api/server.ts';
import { SessionStore } from '../../../services/api/session-reconstruction.ts';
import { ViolationStore } from '../../../services/api/violations.ts';
import { AuditLog } from '../../../services/lib/audit/audit-log.ts';
import type { ClickHouseClient } from '../../../services/lib/clickhouse/client.ts';
import type { Producer } from '../../../services/lib/kafka/client.ts';
import { createLogger } from '../../../services/lib/logger.ts';
import type { AvroCodec } from '../../../services/lib/serde/avro-codec.ts';

export interface CapturedQuery {
  query: string;
  params: Record<string, string>;
}

/**
 * A ClickHouse client double that records every query and answers by table. It stores nothing per
 * tenant on purpose: the tests assert on what the API asked for, which is what isolation rests on.
 */
type Table = 'events' | 'findings' | 'agent_registry' | 'agent_activity_daily' | 'agent_finding_types';

export function fakeClickHouse(rows: Partial<Record<Table, unknown[]>> = {}) {
  const queries: CapturedQuery[] = [];
  const inserts: { table: string; values: unknown[] }[] = [];
  const client = {
    async query({ query, query_params }: { query: string; query_params: Record<string, string> }) {
      queries.push({ query, params: query_params });
      const table = /FROM (\w+)/.exec(query)?.[1] as keyof typeof rows;
      return { json: async () => (query.includes('AS ms') ? [] : (rows[table] ?? [])) };
    },
    async insert({ table, values }: { table: string; values: unknown[] }) {
      inserts.push({ table, values });
    },
  } as unknown as ClickHouseClient;
  return { client, queries, inserts };
}

export function fakeProducer() {
  const sent: { topic: string; key: string }[] = [];
  const producer = {
    async send({ topic, messages }: { topic: string; messages: { key: string }[] }) {
      for (const m of messages) sent.push({ topic, key: m.key });
      return [{ topicName: topic, partition: 0, errorCode: 0, baseOffset: String(sent.length - 1) }];
    },
  } as unknown as Producer;
  const codec = {
    topic: 'warden.control.v1',
    encode: async () => Buffer.from([0]),
  } as unknown as AvroCodec<'control'>;
  return { publisher: new ControlPublisher(producer, codec, 1000), sent };
}

export function testServer(
  rows: Parameters<typeof fakeClickHouse>[0] = {},
  nowMs = Date.now(),
  apiKeys: readonly RoleKeyEntry[] = DEV_ROLE_KEYS,
  overrides: Partial<ApiDeps> = {},
) {
  const ch = fakeClickHouse(rows);
  const control = fakeProducer();
  const app = buildServer({
    log: createLogger('test', { level: 'silent' }),
    apiKeys,
    inventory: new AgentInventory(ch.client, 15 * 60_000, () => nowMs),
    registry: new AgentRegistry(ch.client, () => nowMs),
    sessions: new SessionStore(ch.client),
    violations: new ViolationStore(ch.client),
    processingRecord: new ProcessingRecordStore(ch.client),
    incidents: new IncidentStore(ch.client),
    audit: new AuditLog({ clickhouse: ch.client, log: createLogger('test', { level: 'silent' }) }),
    control: control.publisher,
    maxBodyBytes: 64 * 1024,
    ...overrides,
  });
  return { app, ch, sent: control.sent };
}

export const bearer = (key: string) => ({ authorization: `Bearer ${key}` });
