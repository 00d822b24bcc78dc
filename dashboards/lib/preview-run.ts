import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Resvg } from '@resvg/resvg-js';
import { createClickHouse } from '../../services/lib/clickhouse/client.ts';
import { createLogger } from '../../services/lib/logger.ts';
import { loadProvisionConfig } from '../../services/provision/config.ts';
import { provision } from '../../services/provision/provision.ts';
import { DASHBOARDS } from '../index.ts';
import { seedDashboardTraffic } from '../traffic.ts';
import { renderDashboardSvg } from './preview.ts';
import { type DashboardJson, runDashboard } from './run.ts';

const ROOT = join(import.meta.dirname, '..', '..');
export const PREVIEWS_DIR = join(ROOT, 'docs', 'dashboards');
const HOUR = 3_600_000;

/**
 * Seeds generated traffic into a scratch database of the configured ClickHouse (the local stack's by
 * default), runs every committed dashboard's panels as the plugin would and renders
 * docs/dashboards/<slug>.png. The scratch database is dropped afterwards.
 */
export async function renderPreviews(env: NodeJS.ProcessEnv = process.env): Promise<string[]> {
  const base = loadProvisionConfig(env);
  const pc = loadProvisionConfig({ ...env, CLICKHOUSE_DATABASE: `${base.CLICKHOUSE_DATABASE}_dashboards_preview` });
  const log = createLogger('dashboards', { level: 'warn' });
  await provision(pc, log);
  const ch = createClickHouse(pc);
  const written: string[] = [];
  try {
    const nowMs = Math.floor(Date.now() / 60_000) * 60_000;
    const range = { fromMs: nowMs - 6 * HOUR, toMs: nowMs };
    const t = await seedDashboardTraffic(ch, log, { tenant: 'acme', nowMs });
    // Every session of the budgeted agent: one session is a blip on a 6 h axis.
    const variables = {
      tenant: { value: [t.tenant], options: [t.tenant] },
      agent: { value: t.budgetAgent, type: 'query' },
      session: { value: '$__all', type: 'query' },
      api_url: { value: 'http://127.0.0.1:8090' },
    };
    mkdirSync(PREVIEWS_DIR, { recursive: true });
    for (const d of DASHBOARDS) {
      const dash = JSON.parse(readFileSync(join(ROOT, 'dashboards', `${d.slug}.json`), 'utf8')) as DashboardJson;
      const results = await runDashboard(ch, dash, range, variables);
      const vars =
        d.slug === 'agent-drill-down'
          ? `tenant ${t.tenant} · agent ${t.budgetAgent} · session All`
          : `tenant ${t.tenant}`;
      const svg = renderDashboardSvg(dash, results, range, `${vars} · last 6 h · generated traffic`);
      const png = new Resvg(svg, {
        background: '#111217',
        font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' },
      })
        .render()
        .asPng();
      const file = join(PREVIEWS_DIR, `${d.slug}.png`);
      writeFileSync(file, png);
      written.push(file);
    }
  } finally {
    await ch.command({ query: `DROP DATABASE IF EXISTS ${pc.CLICKHOUSE_DATABASE}` });
    await ch.close();
  }
  return written;
}
