// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Grafana's variable syntax, not JS templates.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dashboardDrift } from '../../../dashboards/generate.ts';
import { DASHBOARDS, renderJson } from '../../../dashboards/index.ts';
import { CLICKHOUSE_PLUGIN } from '../../../dashboards/lib/query.ts';
import type { DashboardJson } from '../../../dashboards/lib/run.ts';

const committed = DASHBOARDS.map((d) => ({
  d,
  json: JSON.parse(
    readFileSync(new URL(`../../../dashboards/${d.slug}.json`, import.meta.url), 'utf8'),
  ) as DashboardJson,
}));

const ARGLESS = ['fromTime', 'toTime', 'fromTime_ms', 'toTime_ms', 'interval_s'];

describe('generated dashboards', () => {
  it('the committed JSON is what the code generates (npm run dashboards)', () => {
    expect(dashboardDrift()).toEqual([]);
  });

  it('the check notices a hand-edited, a missing and a stray dashboard file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dash-'));
    for (const d of DASHBOARDS.slice(1)) writeFileSync(join(dir, `${d.slug}.json`), renderJson(d));
    const edited = DASHBOARDS[1]!;
    writeFileSync(join(dir, `${edited.slug}.json`), renderJson(edited).replace('"now-6h"', '"now-1h"'));
    writeFileSync(join(dir, 'old.json'), '{}');
    expect(dashboardDrift(dir)).toEqual([
      { file: `${DASHBOARDS[0]!.slug}.json`, problem: 'missing' },
      { file: `${edited.slug}.json`, problem: 'stale' },
      { file: 'old.json', problem: 'not generated' },
    ]);
  });

  it('are the four of the SOC, with unique uids', () => {
    expect(committed.map(({ json }) => json.title)).toEqual([
      'warden · Fleet overview',
      'warden · Detections',
      'warden · Agent drill-down',
      'warden · Compliance',
    ]);
    expect(new Set(committed.map(({ json }) => json.uid)).size).toBe(4);
  });

  for (const { d, json } of committed) {
    describe(d.slug, () => {
      const variables = new Set(json.templating.list.map((v) => v.name));

      it('queries only the ClickHouse plugin, through the datasource variable, with the SQL editor', () => {
        expect(variables).toContain('datasource');
        for (const p of json.panels) {
          expect(p.targets, p.title).toHaveLength(1);
          for (const t of p.targets) {
            expect(t.datasource).toEqual({ type: CLICKHOUSE_PLUGIN, uid: '${datasource}' });
            expect(['timeSeries', 'table']).toContain(t.queryType);
            expect(t.format).toBe(t.queryType === 'timeSeries' ? 0 : 1);
          }
        }
      });

      it('references only its own variables', () => {
        for (const p of json.panels) {
          const sql = p.targets[0]!.rawSql;
          for (const [, name] of sql.matchAll(/\$\{(\w+)(?::\w+)?\}/g)) expect(variables, p.title).toContain(name);
          for (const [, name] of sql.matchAll(/\$(?!__)(\w+)/g)) expect(variables, p.title).toContain(name);
        }
      });

      it('writes argument-less macros so the plugin cannot read a later bracket as their arguments', () => {
        for (const p of json.panels) {
          const sql = p.targets[0]!.rawSql;
          for (const name of ARGLESS) {
            for (const m of sql.matchAll(new RegExp(`\\$__${name}\\b`, 'g'))) {
              const next = sql.slice(m.index + m[0].length).search(/[()]/);
              expect(sql[m.index + m[0].length + next], `${p.title}: $__${name}`).toBe(')');
            }
          }
          expect(sql.includes('$__toTime ') && sql.includes('$__toTime_ms'), p.title).toBe(false);
          expect(/\$__toTime\)/.test(sql) && sql.includes('$__toTime_ms'), p.title).toBe(false);
        }
      });

      it('lays its panels on the 24-column grid without overlaps, each with a title and description', () => {
        const cells = json.panels.map((p) => p.gridPos);
        for (const [i, a] of cells.entries()) {
          expect(a.x + a.w).toBeLessThanOrEqual(24);
          for (const b of cells.slice(i + 1)) {
            const overlap = a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
            expect(overlap, `${JSON.stringify(a)} / ${JSON.stringify(b)}`).toBe(false);
          }
        }
        for (const p of json.panels) expect((p as { description?: string }).description?.length).toBeGreaterThan(10);
      });

      it('links only to dashboards that exist', () => {
        const uids = new Set(committed.map(({ json: j }) => j.uid));
        for (const [, uid] of JSON.stringify(json).matchAll(/\/d\/([\w-]+)\//g)) expect(uids).toContain(uid);
        expect(json.links).toEqual([expect.objectContaining({ type: 'dashboards', tags: ['warden'], keepTime: true })]);
      });
    });
  }

  it('the drill-down has tenant, agent and session variables and links to the API session route', () => {
    const agent = committed.find(({ d }) => d.slug === 'agent-drill-down')!.json;
    expect(agent.templating.list.map((v) => v.name)).toEqual(['datasource', 'tenant', 'agent', 'session', 'api_url']);
    const route = readFileSync(new URL('../../../services/api/routes/sessions.ts', import.meta.url), 'utf8');
    expect(route).toContain("'/v1/sessions/:id'");
    expect(JSON.stringify(agent)).toContain('${api_url}/v1/sessions/${__data.fields.session_id}');
    expect(JSON.stringify(agent)).toContain('${api_url}/v1/sessions/${session}');
  });
});
