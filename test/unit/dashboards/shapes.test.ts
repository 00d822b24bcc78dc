// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Grafana's variable syntax, not JS templates.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CLICKHOUSE_PLUGIN } from '../../../dashboards/lib/query.ts';
import {
  type Column,
  type PanelJson,
  type PanelResult,
  panelIntervalMs,
  shapeProblems,
} from '../../../dashboards/lib/run.ts';

const panel = (type: string, w = 12, interval?: string): PanelJson => ({
  type,
  title: type,
  gridPos: { x: 0, y: 0, w, h: 8 },
  ...(interval ? { interval } : {}),
  targets: [],
});
const result = (type: string, columns: [string, string][], rows: unknown[][]): PanelResult => ({
  panel: panel(type),
  sql: '',
  columns: columns.map(([name, t]): Column => ({ name, type: t })),
  rows,
});

describe('the shape each panel type reads', () => {
  it('time series: a DateTime column, numbers and optional string labels', () => {
    const cols: [string, string][] = [
      ['time', "DateTime('UTC')"],
      ['kind', 'LowCardinality(String)'],
      ['n', 'UInt64'],
    ];
    expect(shapeProblems(result('timeseries', cols, [['2026-01-01 00:00:00', 'a', 1]]))).toEqual([]);
    expect(shapeProblems(result('timeseries', [['n', 'UInt64']], [[1]]))).toEqual(['no DateTime column']);
    expect(shapeProblems(result('timeseries', [['time', 'DateTime64(3)']], [['x']]))).toEqual(['no numeric column']);
    expect(shapeProblems(result('timeseries', cols, []))).toEqual(['no rows']);
  });

  it('stat and bar gauge: one row of numbers that are not all NULL', () => {
    expect(shapeProblems(result('stat', [['n', 'UInt64']], [[3]]))).toEqual([]);
    expect(shapeProblems(result('stat', [['n', 'UInt64']], [[3], [4]]))).toEqual(['2 rows, want one']);
    expect(shapeProblems(result('stat', [['s', 'String']], [['x']]))).toEqual(['a column is not numeric']);
    expect(shapeProblems(result('bargauge', [['p', 'Nullable(Float64)']], [[null]]))).toEqual(['only NULL values']);
  });

  it('bar chart: a string category first, then numbers', () => {
    expect(
      shapeProblems(
        result(
          'barchart',
          [
            ['agent', 'String'],
            ['n', 'UInt64'],
          ],
          [['a', 1]],
        ),
      ),
    ).toEqual([]);
    expect(
      shapeProblems(
        result(
          'barchart',
          [
            ['n', 'UInt64'],
            ['agent', 'String'],
          ],
          [[1, 'a']],
        ),
      ),
    ).toEqual(['first column is not a string category', 'no numeric column']);
  });

  it('tables: rows; unknown panel types are reported', () => {
    expect(shapeProblems(result('table', [['a', 'String']], []))).toEqual(['no rows']);
    expect(shapeProblems(result('piechart', [['a', 'String']], [['x']]))).toEqual([
      'panel type piechart has no shape check',
    ]);
  });
});

describe('the interval Grafana requests for a panel', () => {
  const sixHours = { fromMs: 0, toMs: 6 * 3_600_000 };
  it('follows the panel width and never goes below its min interval', () => {
    expect(panelIntervalMs(panel('timeseries', 12), sixHours)).toBe(20_000);
    expect(panelIntervalMs(panel('timeseries', 12, '1m'), sixHours)).toBe(60_000);
    expect(panelIntervalMs(panel('timeseries', 24), sixHours)).toBe(10_000);
  });
});

describe('Grafana provisioning', () => {
  const read = (p: string) =>
    readFileSync(new URL(`../../../deploy/grafana/provisioning/${p}`, import.meta.url), 'utf8');
  it('provisions the official ClickHouse plugin as the default data source the dashboards pick', () => {
    const ds = read('datasources/warden-clickhouse.yaml');
    expect(ds).toContain(`type: ${CLICKHOUSE_PLUGIN}`);
    expect(ds).toContain('isDefault: true');
    for (const v of ['HOST', 'PORT', 'PROTOCOL', 'SECURE', 'USER', 'DATABASE', 'PASSWORD'])
      expect(ds).toContain(`\${WARDEN_CLICKHOUSE_${v}}`);
  });
  it('loads the dashboards from files only, without UI edits', () => {
    const dash = read('dashboards/warden.yaml');
    expect(dash).toContain('type: file');
    expect(dash).toContain('allowUiUpdates: false');
    expect(dash).toContain('path: ${WARDEN_DASHBOARDS_DIR}');
  });
});
