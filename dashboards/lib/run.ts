import type { ClickHouseClient } from '../../services/lib/clickhouse/client.ts';
import { type ExpandContext, expandQuery, grafanaIntervalMs, type TimeRange, type VariableState } from './macros.ts';

/** The parts of a generated dashboard's JSON the runner and the previews read. */
export interface PanelJson {
  id?: number;
  type: string;
  title: string;
  gridPos: { x: number; y: number; w: number; h: number };
  interval?: string;
  maxDataPoints?: number;
  targets: { refId: string; rawSql: string; format: number; queryType: string; datasource: { type: string } }[];
  fieldConfig?: {
    defaults?: {
      unit?: string;
      decimals?: number;
      min?: number;
      max?: number;
      thresholds?: { steps: { value: number | null; color: string }[] };
    };
  };
  options?: { stacking?: string; orientation?: string };
}

export interface DashboardJson {
  uid: string;
  title: string;
  panels: PanelJson[];
  templating: {
    list: { name: string; type: string; query?: unknown; multi?: boolean; includeAll?: boolean; allValue?: string }[];
  };
  links?: unknown[];
}

export interface Column {
  name: string;
  type: string;
}

export interface PanelResult {
  panel: PanelJson;
  sql: string;
  columns: Column[];
  rows: unknown[][];
}

/** Grafana's width of the dashboard grid in pixels, for the default max data points of a panel. */
const GRID_PX = 1800;

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `1m`, `30s`, `1h` to ms (a panel's min interval). */
export function parseInterval(text: string): number {
  const m = /^(\d+)(ms|s|m|h|d)$/.exec(text.trim());
  if (!m) throw new Error(`interval ${text} is not <number><ms|s|m|h|d>`);
  return Number(m[1]) * UNIT_MS[m[2]!]!;
}

/** The interval Grafana would request for this panel: its width as max data points, its min interval. */
export function panelIntervalMs(panel: PanelJson, range: TimeRange): number {
  const points = panel.maxDataPoints ?? Math.round((panel.gridPos.w / 24) * GRID_PX);
  return grafanaIntervalMs(range, points, panel.interval ? parseInterval(panel.interval) : 1);
}

export function expandPanel(
  panel: PanelJson,
  range: TimeRange,
  variables: Readonly<Record<string, VariableState>>,
): string[] {
  const ctx: ExpandContext = { range, intervalMs: panelIntervalMs(panel, range), variables };
  return panel.targets.map((t) => expandQuery(t.rawSql, ctx));
}

/** Runs every panel's first target as the plugin would send it; results keep ClickHouse's column types. */
export async function runDashboard(
  ch: ClickHouseClient,
  dash: DashboardJson,
  range: TimeRange,
  variables: Readonly<Record<string, VariableState>>,
): Promise<PanelResult[]> {
  const out: PanelResult[] = [];
  for (const panel of dash.panels) {
    const [sql] = expandPanel(panel, range, variables);
    if (sql === undefined) throw new Error(`${dash.uid}: panel ${panel.title} has no query`);
    let res: { meta: Column[]; data: unknown[][] };
    try {
      const json = await (await ch.query({ query: sql, format: 'JSONCompact' })).json<unknown[]>();
      res = { meta: json.meta ?? [], data: json.data as unknown[][] };
    } catch (err) {
      throw new Error(`${dash.uid}: panel "${panel.title}" failed: ${(err as Error).message}\n${sql}`, { cause: err });
    }
    out.push({ panel, sql, columns: res.meta, rows: res.data });
  }
  return out;
}

const NUMERIC = /^(Nullable\()?(U?Int\d+|Float\d+|Decimal.*)\)?$/;
const TIME = /^(Nullable\()?(DateTime|DateTime64|Date)(\(.*\))?\)?$/;
const TEXT = /^(Nullable\()?(LowCardinality\()?(String|FixedString.*)\)?\)?$/;

export const isNumeric = (c: Column) => NUMERIC.test(c.type);
export const isTime = (c: Column) => TIME.test(c.type);
export const isText = (c: Column) => TEXT.test(c.type);

/**
 * What a panel type needs from its data frame, as the plugin hands it to Grafana. Returns the
 * problems (empty when the result fits): time series want a time column and a number, with
 * optional string labels (long format); stat and bar gauge one row of numbers; bar charts a string
 * category and numbers; tables at least one row. Every panel must have rows.
 */
export function shapeProblems(r: PanelResult): string[] {
  const problems: string[] = [];
  const cols = r.columns;
  if (r.rows.length === 0) problems.push('no rows');
  switch (r.panel.type) {
    case 'timeseries':
      if (!cols.some(isTime)) problems.push('no DateTime column');
      if (!cols.some(isNumeric)) problems.push('no numeric column');
      if (cols.some((c) => !isTime(c) && !isNumeric(c) && !isText(c)))
        problems.push('a column is neither time, number nor label');
      break;
    case 'stat':
    case 'bargauge':
      if (r.rows.length > 1) problems.push(`${r.rows.length} rows, want one`);
      if (!cols.every(isNumeric)) problems.push('a column is not numeric');
      if (r.rows.length === 1 && r.rows[0]!.every((v) => v === null)) problems.push('only NULL values');
      break;
    case 'barchart':
      if (!cols[0] || !isText(cols[0])) problems.push('first column is not a string category');
      if (!cols.slice(1).some(isNumeric)) problems.push('no numeric column');
      break;
    case 'table':
      break;
    default:
      problems.push(`panel type ${r.panel.type} has no shape check`);
  }
  return problems;
}
