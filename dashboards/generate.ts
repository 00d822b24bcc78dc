/**
 * Writes the dashboards' JSON (dashboards/<slug>.json, what deploy/grafana provisions) from the code
 * in dashboards/*.ts, checks it is current, and renders the previews in docs/dashboards/.
 *
 *   npm run dashboards                 write dashboards/*.json
 *   npm run dashboards:check           exit 1 when a committed JSON differs from the code, or a JSON
 *                                      in dashboards/ is not generated (test/unit/dashboards runs this too)
 *   npm run dashboards -- --previews   also seed generated traffic into a scratch database of the
 *                                      local stack's ClickHouse (`npm run stack -- up`), run every
 *                                      panel's SQL with the plugin's macros and render
 *                                      docs/dashboards/<slug>.png
 */
import { readdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DASHBOARDS, renderJson } from './index.ts';

export const DASHBOARDS_DIR = import.meta.dirname;

export interface Drift {
  file: string;
  problem: 'stale' | 'missing' | 'not generated';
}

/** Every difference between dashboards/*.json and what the code generates. */
export function dashboardDrift(dir = DASHBOARDS_DIR): Drift[] {
  const drift: Drift[] = [];
  const present = new Set(readdirSync(dir).filter((f) => f.endsWith('.json')));
  for (const d of DASHBOARDS) {
    const file = `${d.slug}.json`;
    if (!present.has(file)) drift.push({ file, problem: 'missing' });
    else if (readFileSync(join(dir, file), 'utf8') !== renderJson(d)) drift.push({ file, problem: 'stale' });
    present.delete(file);
  }
  for (const file of present) drift.push({ file, problem: 'not generated' });
  return drift;
}

function write(dir = DASHBOARDS_DIR): string[] {
  const written: string[] = [];
  for (const d of DASHBOARDS) {
    const file = join(dir, `${d.slug}.json`);
    writeFileSync(file, renderJson(d));
    written.push(file);
  }
  // A JSON file no dashboard generates would be provisioned too: generated files are the only ones.
  for (const { file } of dashboardDrift(dir).filter((x) => x.problem === 'not generated')) {
    unlinkSync(join(dir, file));
    written.push(`${file} (removed)`);
  }
  return written;
}

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { check: { type: 'boolean' }, previews: { type: 'boolean' } } });
  if (values.check) {
    const drift = dashboardDrift();
    for (const d of drift) process.stderr.write(`dashboards/${d.file}: ${d.problem} — run npm run dashboards\n`);
    return drift.length === 0 ? 0 : 1;
  }
  for (const f of write()) process.stderr.write(`wrote ${f}\n`);
  if (values.previews) {
    const { renderPreviews } = await import('./lib/preview-run.ts');
    for (const f of await renderPreviews()) process.stderr.write(`wrote ${f}\n`);
  }
  return 0;
}

if (import.meta.filename === process.argv[1]) {
  main().then(
    (code) => process.exit(code),
    (err: unknown) => {
      process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exit(1);
    },
  );
}
