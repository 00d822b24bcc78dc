import { readFileSync } from 'node:fs';
import { Resvg } from '@resvg/resvg-js';
import { describe, expect, it } from 'vitest';
import { formatValue, renderDashboardSvg } from '../../../dashboards/lib/preview.ts';
import type { Column, DashboardJson, PanelResult } from '../../../dashboards/lib/run.ts';

const fleet = JSON.parse(
  readFileSync(new URL('../../../dashboards/fleet-overview.json', import.meta.url), 'utf8'),
) as DashboardJson;
const range = { fromMs: Date.parse('2026-01-01T00:00:00Z'), toMs: Date.parse('2026-01-01T06:00:00Z') };

/** Small results of the shape each panel type reads, so the renderer is exercised without ClickHouse. */
function sample(type: string): { columns: Column[]; rows: unknown[][] } {
  switch (type) {
    case 'timeseries':
      return {
        columns: [
          { name: 'time', type: "DateTime('UTC')" },
          { name: 'kind', type: 'String' },
          { name: 'n', type: 'Float64' },
        ],
        rows: [
          ['2026-01-01 01:00:00', 'a', 1],
          ['2026-01-01 01:00:00', 'b', 2],
          ['2026-01-01 02:00:00', 'a', 3],
        ],
      };
    case 'table':
      return {
        columns: [
          { name: 'agent_id', type: 'String' },
          { name: 'risk', type: 'UInt64' },
        ],
        rows: [['agent-<1>', 700]],
      };
    default:
      return { columns: [{ name: 'n', type: 'UInt64' }], rows: [[42]] };
  }
}

describe('dashboard previews', () => {
  const results: PanelResult[] = fleet.panels.map((panel) => ({ panel, sql: '', ...sample(panel.type) }));
  const svg = renderDashboardSvg(fleet, results, range, 'tenant acme');

  it('draw every panel with its title on the dashboard grid, escaping cell text', () => {
    for (const p of fleet.panels) expect(svg).toContain(p.title.replaceAll('&', '&amp;'));
    expect(svg).toContain('agent-&lt;1&gt;');
    expect(svg).not.toContain('agent-<1>');
    const height = Math.max(...fleet.panels.map((p) => p.gridPos.y + p.gridPos.h)) * 30 + 48 + 8;
    expect(svg).toContain(`height="${height}"`);
  });

  it('render to a PNG of the grid size', () => {
    const png = new Resvg(svg, { font: { loadSystemFonts: true } }).render();
    expect(png.width).toBe(1800);
    expect(png.asPng().subarray(1, 4).toString()).toBe('PNG');
  });

  it('print values with the panel units', () => {
    expect(formatValue(35, 'ms')).toBe('35 ms');
    expect(formatValue(0.4167, 'suffix: ev/s', 2)).toBe('0.42 ev/s');
    expect(formatValue(1.092, 'currencyUSD')).toBe('$1.09');
    expect(formatValue(137.5, 'percent', 0)).toBe('138%');
    expect(formatValue(334760, 'short')).toBe('335 K');
    expect(formatValue(null, 'short')).toBe('No data');
  });
});
