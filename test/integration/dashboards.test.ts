import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_FLEET, generateFleet } from '../../deploy/demo/fleet.ts';
import { buildDetectorChain } from '../../detectors/index.ts';
import { decide } from '../../detectors/policy/index.ts';
import { buildVerdict } from '../../services/detect/verdict.ts';
import { type ClickHouseClient, createClickHouse } from '../../services/lib/clickhouse/client.ts';
import { createLogger } from '../../services/lib/logger.ts';
import { loadProvisionConfig } from '../../services/provision/config.ts';
import { provision } from '../../services/provision/provision.ts';
import { eventRow, findingRow, verdictRow } from '../../services/sink/rows.ts';
import { isolatedEnv } from '../helpers/isolated-env.ts';

interface Target {
  refId: string;
  rawSql: string;
  datasource: { type: string };
}
interface Panel {
  id: number;
  title: string;
  type: string;
  gridPos: { x: number; y: number; w: number; h: number };
  targets: Target[];
}
interface Dashboard {
  uid: string;
  title: string;
  panels: Panel[];
  templating: { list: { name: string; query?: string }[] };
}

const DIR = new URL('../../dashboards/', import.meta.url);
const dashboards = readdirSync(DIR)
  .filter((f) => f.endsWith('.json'))
  .map((f) => ({ file: f, dash: JSON.parse(readFileSync(new URL(f, DIR), 'utf8')) as Dashboard }));

/**
 * Grafana is not installable here, so each panel's SQL is expanded the way the ClickHouse data
 * source plugin expands its macros and run against the real ClickHouse with representative rows.
 */
function expand(sql: string, fromMs: number, toMs: number): string {
  return (
    sql
      .replace(
        /\$__timeFilter\(([^)]+)\)/g,
        `$1 >= fromUnixTimestamp64Milli(${fromMs}) AND $1 <= fromUnixTimestamp64Milli(${toMs})`,
      )
      .replace(/\$__timeInterval\(([^)]+)\)/g, 'toStartOfInterval($1, INTERVAL 60 second)')
      // biome-ignore lint/suspicious/noTemplateCurlyInString: Grafana's variable syntax, not a JS template.
      .replaceAll('${tenant:singlequote}', "'acme'")
  );
}

const env = isolatedEnv('dash');
const pc = loadProvisionConfig(env);

describe('Grafana dashboards', () => {
  let ch: ClickHouseClient;
  const now = Date.now();

  beforeAll(async () => {
    await provision(pc, createLogger('test', { level: 'silent' }));
    ch = createClickHouse(pc);
    const chain = buildDetectorChain({ disabled: ['injection.ml'] });
    const fleet = generateFleet({ ...DEFAULT_FLEET, piiRate: 0.3, injectionRate: 0.2 }, now - 3600_000);
    const events = [];
    const findings = [];
    const verdicts = [];
    for (let i = 0; i < 400; i++) {
      const { event } = fleet.next().value!;
      const found = chain.flatMap((d) => d.detect(event));
      const ctx = { partition: 0, offset: String(i), retentionDays: 30 };
      events.push(eventRow(event, ctx));
      findings.push(...found.map((f) => findingRow(f, ctx)));
      const detection = { findings: found, failed: [], redactedText: null, redactedArguments: null };
      verdicts.push(verdictRow(buildVerdict(event, decide(found, null), detection, event.ts + 5), ctx));
    }
    await ch.insert({ table: 'events', values: events, format: 'JSONEachRow' });
    await ch.insert({ table: 'findings', values: findings, format: 'JSONEachRow' });
    await ch.insert({ table: 'verdicts', values: verdicts, format: 'JSONEachRow' });
    const iso = (ms: number) => new Date(ms).toISOString();
    await ch.insert({
      table: 'incidents',
      format: 'JSONEachRow',
      values: [
        {
          tenant_id: 'acme',
          incident_id: 'inc-1',
          version: 1,
          title: 'Card numbers sent to a model',
          detected_at: iso(now - 3600_000),
          opened_by: 'analyst',
          opened_at: iso(now - 3600_000),
          updated_at: iso(now - 3600_000),
          agent_ids: ['acme-agent-00'],
          finding_ids: [],
          gdpr_personal_data_breach: true,
          nis2_significant: true,
          dora_major_ict: true,
          dora_classified_at: iso(now - 1800_000),
          notifications: JSON.stringify([{ regime: 'nis2', stage: 'early_warning', sent_at: iso(now - 60_000) }]),
        },
      ],
    });
  });

  afterAll(async () => {
    await ch?.command({ query: `DROP DATABASE IF EXISTS ${pc.CLICKHOUSE_DATABASE}` });
    await ch?.close();
  });

  it('exist', () => {
    expect(dashboards.length).toBeGreaterThan(0);
  });

  for (const { file, dash } of dashboards) {
    it(`${file}: is well formed for the ClickHouse data source`, () => {
      expect(dash.uid).toMatch(/^[a-z0-9-]+$/);
      const ids = dash.panels.map((p) => p.id);
      expect(new Set(ids).size).toBe(ids.length);
      const variables = new Set(dash.templating.list.map((v) => v.name));
      for (const p of dash.panels) {
        expect(p.gridPos.w).toBeGreaterThan(0);
        expect(p.targets.length).toBeGreaterThan(0);
        for (const t of p.targets) {
          expect(t.datasource.type).toBe('grafana-clickhouse-datasource');
          for (const [, name] of t.rawSql.matchAll(/\$\{([a-z_]+)(?::[a-z]+)?\}/g)) expect(variables).toContain(name);
        }
      }
    });

    it(`${file}: every panel's SQL runs on ClickHouse and the overview panels have data`, async () => {
      const empty: string[] = [];
      for (const p of dash.panels) {
        for (const t of p.targets) {
          const rows = await (
            await ch.query({ query: expand(t.rawSql, now - 6 * 3600_000, now), format: 'JSONEachRow' })
          ).json<Record<string, unknown>>();
          if (rows.length === 0) empty.push(p.title);
        }
      }
      expect(empty).toEqual([]);
    });

    it(`${file}: a record delivered twice (a replayed batch after a crash) counts once`, async () => {
      const run = async () => {
        const out: unknown[] = [];
        for (const p of dash.panels) {
          for (const t of p.targets) {
            out.push(
              await (
                await ch.query({ query: expand(t.rawSql, now - 6 * 3600_000, now), format: 'JSONEachRow' })
              ).json(),
            );
          }
        }
        return JSON.stringify(out);
      };
      const rawCount = async (table: string) =>
        Number(
          (
            await (
              await ch.query({ query: `SELECT count() AS n FROM ${table}`, format: 'JSONEachRow' })
            ).json<{
              n: string;
            }>()
          )[0]!.n,
        );
      const before = await run();
      for (const table of ['events', 'findings', 'verdicts']) {
        // Merges would collapse the copies on their own time; stopped, the panels must do it.
        await ch.command({ query: `SYSTEM STOP MERGES ${table}` });
        const n = await rawCount(table);
        await ch.command({
          query: `INSERT INTO ${table} SELECT * REPLACE (now64(3) AS ingested_at) FROM ${table}`,
        });
        expect(await rawCount(table)).toBe(2 * n);
      }
      expect(await run()).toBe(before);
      for (const table of ['events', 'findings', 'verdicts'])
        await ch.command({ query: `SYSTEM START MERGES ${table}` });
    });

    it(`${file}: the incident clocks panel counts down, and marks what was notified`, async () => {
      const panel = dash.panels.find((p) => p.title.startsWith('Incident clocks'));
      if (!panel) return;
      const rows = await (
        await ch.query({ query: expand(panel.targets[0]!.rawSql, now - 6 * 3600_000, now), format: 'JSONEachRow' })
      ).json<Record<string, string>>();
      expect(rows[0]).toMatchObject({ incident_id: 'inc-1', nis2_early_warning_24h: 'warned' });
      expect(rows[0]!.gdpr_72h).toMatch(/^\d+ min left$/);
      expect(rows[0]!.dora_initial_4h).toMatch(/^\d+ min left$/);
    });

    it(`${file}: its template queries run`, async () => {
      for (const v of dash.templating.list.filter((x) => x.query?.startsWith('SELECT'))) {
        const rows = await (await ch.query({ query: v.query!, format: 'JSONEachRow' })).json<{ tenant_id: string }>();
        expect(rows.map((r) => r.tenant_id)).toContain('acme');
      }
    });
  }
});
