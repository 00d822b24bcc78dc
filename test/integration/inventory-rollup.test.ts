import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_FLEET, generateFleet } from '../../deploy/demo/fleet.ts';
import { buildDetectorChain } from '../../detectors/index.ts';
import { AgentInventory, type AgentSummary } from '../../services/api/inventory.ts';
import { type ClickHouseClient, createClickHouse } from '../../services/lib/clickhouse/client.ts';
import { createLogger } from '../../services/lib/logger.ts';
import { loadProvisionConfig } from '../../services/provision/config.ts';
import { provision } from '../../services/provision/provision.ts';
import { eventRow, findingRow } from '../../services/sink/rows.ts';
import { isolatedEnv } from '../helpers/isolated-env.ts';

const env = isolatedEnv('rollup');
const log = createLogger('test', { level: 'warn' });
const pc = loadProvisionConfig(env);

/** The inventory straight from the raw tables, as it was computed before the rollups. */
const RAW_TRAFFIC = `SELECT agent_id, argMax(owner, ts) AS owner, argMax(environment, ts) AS environment,
  arraySort(groupUniqArrayIf(toString(model_name), model_name != '')) AS models,
  arraySort(groupUniqArrayIf(toString(tool_name), tool_name != '')) AS tools,
  arraySort(groupUniqArrayIf(tool_target, tool_target != '')) AS destinations,
  toUnixTimestamp64Milli(min(ts)) AS first_seen_ms, toUnixTimestamp64Milli(max(ts)) AS last_seen_ms,
  uniqExact(event_id) AS events
FROM events FINAL WHERE tenant_id = 'acme' GROUP BY agent_id ORDER BY agent_id`;

describe('inventory rollups (materialized views over events and findings)', () => {
  let ch: ClickHouseClient;
  const inventory = () => new AgentInventory(ch, 15 * 60_000).list('acme');
  const fleet = generateFleet({ ...DEFAULT_FLEET, agentsPerTenant: 5, runawayAgent: null }, Date.now() - 3600_000);
  const chain = buildDetectorChain({ disabled: ['injection.ml'] });
  const batch = (n: number) => {
    const events = [];
    const findings = [];
    for (let i = 0; i < n; i++) {
      const { event } = fleet.next().value!;
      const ctx = { partition: 0, offset: String(i), retentionDays: 30 };
      events.push(eventRow(event, ctx));
      findings.push(...chain.flatMap((d) => d.detect(event)).map((f) => findingRow(f, ctx)));
    }
    return { events, findings };
  };
  const insert = async (b: ReturnType<typeof batch>) => {
    await ch.insert({ table: 'events', values: b.events, format: 'JSONEachRow' });
    if (b.findings.length > 0) await ch.insert({ table: 'findings', values: b.findings, format: 'JSONEachRow' });
  };
  const raw = async () =>
    (await ch.query({ query: RAW_TRAFFIC, format: 'JSONEachRow' })).json<Record<string, unknown>>();
  const comparable = (agents: AgentSummary[]) =>
    agents.map((a) => ({
      agent_id: a.agent_id,
      owner: a.owner,
      environment: a.environment,
      models: a.models,
      tools: a.tools,
      destinations: a.destinations,
      first_seen_ms: a.first_seen === null ? null : Date.parse(a.first_seen),
      last_seen_ms: a.last_seen === null ? null : Date.parse(a.last_seen),
      events: a.events,
    }));

  beforeAll(async () => {
    await provision(pc, log);
    ch = createClickHouse(pc);
  });

  afterAll(async () => {
    await ch?.command({ query: `DROP DATABASE IF EXISTS ${pc.CLICKHOUSE_DATABASE}` });
    await ch?.close();
  });

  it('backfills what was stored before the views existed, then follows new inserts', async () => {
    // History from before migration 006: drop its objects and forget it ran, store, migrate again.
    for (const v of ['agent_activity_daily_mv', 'agent_finding_types_mv'])
      await ch.command({ query: `DROP VIEW ${v}` });
    for (const t of ['agent_activity_daily', 'agent_finding_types']) await ch.command({ query: `DROP TABLE ${t}` });
    await ch.command({ query: 'DELETE FROM schema_migrations WHERE version = 6' });
    const history = batch(300);
    await insert(history);
    expect((await provision(pc, log)).migrations).toEqual([6]);
    expect(comparable(await inventory())).toEqual(await raw());

    const recent = batch(300);
    await insert(recent);
    const agents = await inventory();
    expect(comparable(agents)).toEqual(await raw());
    const acme = [...history.events, ...recent.events].filter((e) => e.tenant_id === 'acme').length;
    expect(acme).toBeGreaterThan(100);
    expect(agents.reduce((n, a) => n + a.events, 0)).toBe(acme);
    // Data classes come from the findings rollup: every agent the fleet sent PII for says personal.
    const personal = await (
      await ch.query({
        query:
          "SELECT DISTINCT agent_id FROM findings WHERE tenant_id = 'acme' AND type LIKE 'pii.%' ORDER BY agent_id",
        format: 'JSONEachRow',
      })
    ).json<{ agent_id: string }>();
    expect(personal.length).toBeGreaterThan(0);
    expect(agents.filter((a) => a.data_classes.includes('personal')).map((a) => a.agent_id)).toEqual(
      personal.map((p) => p.agent_id),
    );
  });

  it('counts an event delivered twice once (a batch replayed after a crash)', async () => {
    const before = comparable(await inventory());
    const rows = await (
      await ch.query({ query: "SELECT * FROM events WHERE tenant_id = 'acme' LIMIT 200", format: 'JSONEachRow' })
    ).json<Record<string, unknown>>();
    await ch.insert({
      table: 'events',
      values: rows.map((r) => ({ ...r, ingested_at: new Date().toISOString() })),
      format: 'JSONEachRow',
    });
    expect(comparable(await inventory())).toEqual(before);
  });
});
