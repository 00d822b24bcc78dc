import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DASHBOARDS } from '../../dashboards/index.ts';
import { expandQuery, type TimeRange, type VariableState } from '../../dashboards/lib/macros.ts';
import { type DashboardJson, type PanelResult, runDashboard, shapeProblems } from '../../dashboards/lib/run.ts';
import { seedDashboardTraffic, type TrafficSummary } from '../../dashboards/traffic.ts';
import { type ClickHouseClient, createClickHouse } from '../../services/lib/clickhouse/client.ts';
import { createLogger } from '../../services/lib/logger.ts';
import { loadProvisionConfig } from '../../services/provision/config.ts';
import { provision } from '../../services/provision/provision.ts';
import { isolatedEnv } from '../helpers/isolated-env.ts';

/**
 * Grafana cannot be installed here, so each committed dashboard's SQL is expanded the way
 * grafana-clickhouse-datasource expands it (dashboards/lib/macros.ts) and run on the real ClickHouse
 * of the local stack, in a database of its own, over generated traffic.
 */
const env = isolatedEnv('dash');
const pc = loadProvisionConfig(env);
const log = createLogger('test', { level: 'silent' });
const HOUR = 3_600_000;
/** The ReplacingMergeTree tables the panels read (a replay can duplicate any of them). */
const TABLES = ['events', 'findings', 'verdicts', 'incidents', 'policy_versions', 'agent_registry'];

const dashboards = Object.fromEntries(
  DASHBOARDS.map((d) => [
    d.slug,
    JSON.parse(readFileSync(new URL(`../../dashboards/${d.slug}.json`, import.meta.url), 'utf8')) as DashboardJson,
  ]),
);

const value = (results: PanelResult[], title: string, column?: string): unknown => {
  const r = results.find((x) => x.panel.title === title);
  if (!r) throw new Error(`no panel ${title}`);
  const i = column === undefined ? 0 : r.columns.findIndex((c) => c.name === column);
  return r.rows[0]?.[i];
};
const rowsOf = (results: PanelResult[], title: string) => {
  const r = results.find((x) => x.panel.title === title)!;
  return r.rows.map((row) => Object.fromEntries(r.columns.map((c, i) => [c.name, row[i]])));
};

describe('Grafana dashboards on ClickHouse', () => {
  let ch: ClickHouseClient;
  let traffic: TrafficSummary;
  // A whole minute: the range's end is what "now" means to the panels.
  const nowMs = Math.floor(Date.now() / 60_000) * 60_000;
  const range: TimeRange = { fromMs: nowMs - 6 * HOUR, toMs: nowMs };
  let variables: Record<string, VariableState>;
  const results = new Map<string, PanelResult[]>();

  beforeAll(async () => {
    await provision(pc, log);
    ch = createClickHouse(pc);
    traffic = await seedDashboardTraffic(ch, log, { tenant: 'acme', nowMs });
    variables = {
      tenant: { value: [traffic.tenant], options: [traffic.tenant] },
      agent: { value: traffic.budgetAgent, type: 'query' },
      session: { value: [traffic.budgetSession], type: 'query' },
      api_url: { value: 'http://127.0.0.1:8090' },
    };
    for (const [slug, dash] of Object.entries(dashboards)) {
      results.set(slug, await runDashboard(ch, dash, range, variables));
    }
  });

  afterAll(async () => {
    await ch?.command({ query: `DROP DATABASE IF EXISTS ${pc.CLICKHOUSE_DATABASE}` });
    await ch?.close();
  });

  it('seeds a budget session inside the range', () => {
    expect(traffic.budgetSession).toMatch(new RegExp(`^${traffic.budgetAgent}-`));
  });

  for (const d of DASHBOARDS) {
    it(`${d.slug}: every panel returns rows in the shape its panel type reads`, () => {
      const problems = results.get(d.slug)!.flatMap((r) => shapeProblems(r).map((p) => `${r.panel.title}: ${p}`));
      expect(problems).toEqual([]);
      expect(results.get(d.slug)!.length).toBe(dashboards[d.slug]!.panels.length);
    });
  }

  it('agent drill-down: with every session (All) the panels still have data', async () => {
    const all = await runDashboard(ch, dashboards['agent-drill-down']!, range, {
      ...variables,
      session: { value: '$__all', type: 'query' },
    });
    expect(all.flatMap((r) => shapeProblems(r).map((p) => `${r.panel.title}: ${p}`))).toEqual([]);
    const one = results.get('agent-drill-down')!;
    expect(Number(value(all, 'Sessions'))).toBeGreaterThan(1);
    expect(value(one, 'Sessions')).toBe(1);
    expect(new Set(rowsOf(one, 'Timeline: calls, tools, findings and verdicts').map((r) => r.session_id))).toEqual(
      new Set([traffic.budgetSession]),
    );
  });

  it('fleet overview counts the new and the shadow agents of the traffic', () => {
    const fleet = results.get('fleet-overview')!;
    expect(value(fleet, 'New agents')).toBe(1);
    expect(value(fleet, 'Shadow agents')).toBe(traffic.shadowAgents.length);
    expect(value(fleet, 'Agents running now')).toBe(traffic.agents.length);
    const top = rowsOf(fleet, 'Top agents by risk');
    expect(
      top
        .filter((r) => r.risk_tier === 'shadow')
        .map((r) => r.agent_id)
        .sort(),
    ).toEqual(traffic.shadowAgents);
  });

  it('detections show injection typed into prompts and carried in tool results', () => {
    const series = rowsOf(results.get('detections')!, 'Injection attempts: direct vs in tool results');
    expect(new Set(series.map((r) => r.channel))).toEqual(new Set(['direct', 'in tool results']));
    const anomalies = rowsOf(results.get('detections')!, 'Anomaly alerts, with their baseline');
    for (const a of anomalies) expect(Number(a.observed)).toBeGreaterThan(Number(a.upper_bound));
  });

  it('the drill-down budget burn is over 100 % for the session warden blocked on its call budget', () => {
    const drill = results.get('agent-drill-down')!;
    expect(Number(value(drill, 'Budget burn', 'calls_per_session'))).toBeGreaterThan(100);
    expect(Number(value(drill, 'Blocked'))).toBeGreaterThan(0);
  });

  it('compliance: clocks count down from the range end and mark what was notified or is overdue', () => {
    const c = results.get('compliance')!;
    const clocks = Object.fromEntries(
      rowsOf(c, 'Incidents and their regulatory clocks').map((r) => [r.incident_id, r]),
    );
    expect(clocks['acme-inc-1']).toMatchObject({ nis2_early_warning_24h: 'met', gdpr_72h: '71 h 0 min left' });
    expect(clocks['acme-inc-1']!.dora_initial_4h).toBe('3 h 30 min left');
    expect(clocks['acme-inc-2']).toMatchObject({ nis2_early_warning_24h: 'OVERDUE', gdpr_72h: '-' });
    expect(clocks['acme-inc-3']).toMatchObject({ gdpr_72h: '-', nis2_early_warning_24h: '-', dora_initial_4h: '-' });
    expect(value(c, 'Overdue notifications')).toBe(1);
    expect(value(c, 'Pending approvals')).toBe(2);
    // incidents: 2 records after its checkpoint; policies: 4 never checkpointed; approvals: covered.
    expect(value(c, 'Audit records after the last checkpoint')).toBe(6);
    const audit = Object.fromEntries(rowsOf(c, 'Audit log checkpoints').map((r) => [r.stream, r.status]));
    expect(audit).toEqual({
      'tenant:acme/approvals': 'checkpointed',
      'tenant:acme/incidents': 'records after checkpoint',
      'tenant:acme/policies': 'never checkpointed',
    });
  });

  it('template variable queries run with the macros and offer the seeded values', async () => {
    const offered = async (dash: DashboardJson, name: string) => {
      const v = dash.templating.list.find((x) => x.name === name)!;
      const sql = expandQuery(String(v.query), { range, intervalMs: 60_000, variables });
      const rows = await (await ch.query({ query: sql, format: 'JSONCompactEachRow' })).json<[string]>();
      return rows.map((r) => r[0]);
    };
    const drill = dashboards['agent-drill-down']!;
    expect(await offered(drill, 'tenant')).toEqual([traffic.tenant]);
    expect(await offered(drill, 'agent')).toEqual(traffic.agents);
    expect(await offered(drill, 'session')).toContain(traffic.budgetSession);
  });

  it('a record delivered twice (a replayed batch after a crash) counts once on every panel', async () => {
    // Rows compared as sets: within one time bucket the label order is ClickHouse's to choose.
    const run = async () =>
      JSON.stringify(
        await Promise.all(
          Object.values(dashboards).map(async (d) =>
            (await runDashboard(ch, d, range, variables)).map((r) => r.rows.map((row) => JSON.stringify(row)).sort()),
          ),
        ),
      );
    const before = await run();
    const count = async (table: string) =>
      (
        await (await ch.query({ query: `SELECT count() FROM ${table}`, format: 'JSONCompactEachRow' })).json<[number]>()
      )[0]![0];
    for (const table of TABLES) {
      // Merges would collapse the copies on their own time; stopped, the panels' FINAL must do it.
      await ch.command({ query: `SYSTEM STOP MERGES ${table}` });
      const n = await count(table);
      await ch.command({ query: `INSERT INTO ${table} SELECT * FROM ${table} SETTINGS insert_deduplicate = 0` });
      expect(await count(table)).toBe(2 * n);
    }
    try {
      expect(await run()).toBe(before);
    } finally {
      for (const table of TABLES) await ch.command({ query: `SYSTEM START MERGES ${table}` });
    }
  });
});
