import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import agentDrillDown from './agent-drill-down.ts';
import compliance from './compliance.ts';
import detections from './detections.ts';
import fleetOverview from './fleet-overview.ts';
import type { DashboardDefinition } from './lib/dashboard.ts';

/** The dashboards warden ships, in the order the README lists them. */
export const DASHBOARDS: readonly DashboardDefinition[] = [fleetOverview, detections, agentDrillDown, compliance];

const BIOME = join(import.meta.dirname, '..', 'node_modules', '.bin', 'biome');

/**
 * A dashboard's committed JSON, laid out by the repository's own formatter (biome, which `npm run
 * lint` applies to every JSON file), so the generated file and the linted file are the same bytes.
 */
export function renderJson(d: DashboardDefinition): string {
  const raw = JSON.stringify(d.build(), null, 2);
  const r = spawnSync(BIOME, ['format', `--stdin-file-path=dashboards/${d.slug}.json`], {
    input: raw,
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`biome format of ${d.slug}.json failed: ${r.stderr || r.error?.message}`);
  return r.stdout;
}
