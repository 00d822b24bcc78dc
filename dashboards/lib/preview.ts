import * as echarts from 'echarts';
import type { TimeRange } from './macros.ts';
import type { Column, DashboardJson, PanelJson, PanelResult } from './run.ts';
import { isNumeric, isText, isTime } from './run.ts';

/**
 * A picture of a dashboard as Grafana lays it out, drawn from the panels' real query results:
 * the 24-column grid at Grafana's 30 px rows, dark theme, each panel with its title; time series
 * and bar charts by Apache ECharts' server-side SVG renderer, stats, bar gauges and tables as SVG.
 * Grafana itself is not used (AGPL; not installable here): this is a reviewer's preview, not a screenshot.
 */

const WIDTH = 1800;
const COL = WIDTH / 24;
const ROW = 30;
const GAP = 8;
const HEADER = 48;
const THEME = { page: '#111217', panel: '#181b1f', border: '#2c3235', text: '#ccccdc', muted: '#8e8e8e' };
const FONT = 'DejaVu Sans, sans-serif';

/** Grafana's named colours used by the dashboards' thresholds. */
const COLORS: Record<string, string> = {
  green: '#73bf69',
  orange: '#ff9830',
  red: '#f2495c',
  blue: '#5794f2',
  yellow: '#fade2a',
};
const PALETTE = [
  '#73bf69',
  '#f2cc0c',
  '#8ab8ff',
  '#ff780a',
  '#f2495c',
  '#5794f2',
  '#b877d9',
  '#705da0',
  '#37872d',
  '#fade2a',
];

// Cells carry (masked) agent content: plain string replacement, no regular expression over it.
const esc = (s: string) =>
  s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');

function thresholdColor(panel: PanelJson, v: number): string {
  const steps = panel.fieldConfig?.defaults?.thresholds?.steps ?? [];
  let color = 'green';
  for (const s of steps) if (s.value === null || v >= s.value) color = s.color;
  return COLORS[color] ?? color;
}

/** A value with the panel's unit, roughly as Grafana prints it. */
export function formatValue(v: unknown, unit: string | undefined, decimals?: number): string {
  if (v === null || v === undefined) return 'No data';
  if (typeof v !== 'number') return String(v);
  const d = decimals ?? (Number.isInteger(v) ? 0 : Math.abs(v) < 10 ? 2 : 1);
  const n = (x: number) => x.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: 0 });
  if (unit?.startsWith('suffix:')) return `${n(v)} ${unit.slice('suffix:'.length).trim()}`;
  switch (unit) {
    case 'ms':
      return `${n(v)} ms`;
    case 'percent':
      return `${n(v)}%`;
    case 'currencyUSD':
      return `$${v.toLocaleString('en-US', { maximumFractionDigits: 2, minimumFractionDigits: 2 })}`;
    case 'h':
      return `${n(v)} hour`;
    default:
      return Math.abs(v) >= 10_000 ? `${n(v / 1000)} K` : n(v);
  }
}

const toMs = (t: unknown) => Date.parse(`${String(t).replace(' ', 'T')}Z`);
const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));

interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

function chartSvg(option: echarts.EChartsCoreOption, box: Box): string {
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width: box.w, height: box.h });
  chart.setOption({ animation: false, backgroundColor: 'transparent', textStyle: { fontFamily: FONT }, ...option });
  const svg = chart.renderToSVGString();
  chart.dispose();
  return svg.replace('<svg ', `<svg x="${box.x}" y="${box.y}" `);
}

const axis = {
  axisLine: { lineStyle: { color: THEME.border } },
  axisLabel: { color: THEME.muted, fontSize: 11 },
  splitLine: { lineStyle: { color: '#22252b' } },
};
const legend = {
  bottom: 0,
  textStyle: { color: THEME.text, fontSize: 11 },
  itemWidth: 14,
  itemHeight: 8,
  type: 'plain',
};

/** Long format (time, labels…, numbers…) to one series per label value and number column. */
function timeSeries(r: PanelResult): { name: string; data: [number, number | null][] }[] {
  const time = r.columns.findIndex(isTime);
  const labels = r.columns.map((c, i) => (isText(c) ? i : -1)).filter((i) => i >= 0);
  const values = r.columns.map((c, i) => (isNumeric(c) ? i : -1)).filter((i) => i >= 0);
  const series = new Map<string, [number, number | null][]>();
  for (const row of r.rows) {
    const label = labels.map((i) => String(row[i])).join(' ');
    for (const v of values) {
      const name = label === '' ? r.columns[v]!.name : values.length > 1 ? `${label} ${r.columns[v]!.name}` : label;
      if (!series.has(name)) series.set(name, []);
      series.get(name)!.push([toMs(row[time]), num(row[v])]);
    }
  }
  return [...series].map(([name, data]) => ({ name, data }));
}

function drawTimeseries(r: PanelResult, box: Box, range: TimeRange): string {
  const custom = (r.panel.fieldConfig?.defaults as { custom?: { drawStyle?: string; stacking?: { mode?: string } } })
    ?.custom;
  const bars = custom?.drawStyle === 'bars';
  const stacked = custom?.stacking?.mode === 'normal';
  const unit = r.panel.fieldConfig?.defaults?.unit;
  const steps = (r.panel.fieldConfig?.defaults?.thresholds?.steps ?? []).filter((s) => s.value !== null);
  const dashed = (r.panel.fieldConfig?.defaults as { custom?: { thresholdsStyle?: { mode?: string } } })?.custom
    ?.thresholdsStyle?.mode;
  const raw = timeSeries(r);
  // Grafana stacks a missing bucket as 0; ECharts would stack the next series onto nothing.
  const buckets = [...new Set(raw.flatMap((s) => s.data.map(([t]) => t)))].sort((a, b) => a - b);
  const filled = stacked
    ? raw.map((s) => {
        const at = new Map(s.data);
        return { ...s, data: buckets.map((t): [number, number | null] => [t, at.get(t) ?? 0]) };
      })
    : raw;
  const series = filled.map((s, i) => ({
    name: s.name,
    type: bars ? 'bar' : 'line',
    data: s.data,
    showSymbol: false,
    stack: stacked ? 'A' : undefined,
    barMaxWidth: 6,
    lineStyle: { width: 1 },
    areaStyle: bars ? undefined : { opacity: 0.1 },
    color: PALETTE[i % PALETTE.length],
    markLine:
      i === 0 && dashed === 'dashed'
        ? {
            symbol: 'none',
            silent: true,
            label: { show: false },
            data: steps.map((s) => ({
              yAxis: s.value,
              lineStyle: { type: 'dashed', color: COLORS[s.color] ?? s.color },
            })),
          }
        : undefined,
  }));
  return chartSvg(
    {
      useUTC: true,
      color: PALETTE,
      grid: { left: 56, right: 16, top: 10, bottom: 44 },
      legend: { ...legend, data: series.slice(0, 12).map((s) => s.name) },
      xAxis: { type: 'time', min: range.fromMs, max: range.toMs, ...axis, splitLine: { show: false } },
      yAxis: {
        type: 'value',
        ...axis,
        axisLabel: { ...axis.axisLabel, formatter: (v: number) => formatValue(v, unit) },
      },
      series,
    },
    box,
  );
}

function drawBarchart(r: PanelResult, box: Box): string {
  const horizontal = r.panel.options?.orientation === 'horizontal';
  const stacked = r.panel.options?.stacking === 'normal';
  const categories = r.rows.map((row) => String(row[0]));
  const values = r.columns.map((c, i) => (i > 0 && isNumeric(c) ? i : -1)).filter((i) => i >= 0);
  const series = values.map((v, k) => ({
    name: r.columns[v]!.name,
    type: 'bar',
    stack: stacked ? 'A' : undefined,
    data: r.rows.map((row) => num(row[v])),
    color: PALETTE[k % PALETTE.length],
    barMaxWidth: 28,
  }));
  const cat = { type: 'category', data: categories, ...axis, splitLine: { show: false } };
  const val = { type: 'value', ...axis };
  return chartSvg(
    {
      grid: { left: horizontal ? 150 : 48, right: 16, top: 10, bottom: 44 },
      legend: { ...legend, data: series.map((s) => s.name) },
      xAxis: horizontal ? val : cat,
      yAxis: horizontal ? { ...cat, inverse: true } : val,
      series,
    },
    box,
  );
}

function drawStat(r: PanelResult, box: Box): string {
  const v = num(r.rows[0]?.[0]);
  const d = r.panel.fieldConfig?.defaults;
  const text = formatValue(v, d?.unit, d?.decimals);
  const size = Math.min(box.h * 0.55, (box.w / Math.max(text.length, 3)) * 1.6, 64);
  const color = v === null ? THEME.muted : thresholdColor(r.panel, v);
  return `<text x="${box.x + box.w / 2}" y="${box.y + box.h / 2 + size / 3}" text-anchor="middle" font-family="${FONT}" font-size="${size.toFixed(0)}" font-weight="bold" fill="${color}">${esc(text)}</text>`;
}

function drawBargauge(r: PanelResult, box: Box): string {
  const d = r.panel.fieldConfig?.defaults;
  const min = d?.min ?? 0;
  const max = d?.max ?? 100;
  const rows = r.columns.map((c, i) => ({ name: c.name, v: num(r.rows[0]?.[i]) }));
  const lane = box.h / rows.length;
  return rows
    .map(({ name, v }, i) => {
      const y = box.y + i * lane;
      const barH = Math.min(lane * 0.45, 28);
      const share = v === null ? 0 : Math.max(0, Math.min(1, (v - min) / (max - min)));
      const labelW = 150;
      const valueW = 90;
      const barW = box.w - labelW - valueW - 16;
      const color = v === null ? THEME.muted : thresholdColor(r.panel, v);
      return [
        `<text x="${box.x + 4}" y="${y + lane / 2 + 4}" font-family="${FONT}" font-size="13" fill="${THEME.text}">${esc(name)}</text>`,
        `<rect x="${box.x + labelW}" y="${y + (lane - barH) / 2}" width="${barW}" height="${barH}" fill="#22252b" rx="2"/>`,
        `<rect x="${box.x + labelW}" y="${y + (lane - barH) / 2}" width="${(barW * share).toFixed(1)}" height="${barH}" fill="${color}" rx="2"/>`,
        `<text x="${box.x + box.w - 4}" y="${y + lane / 2 + 6}" text-anchor="end" font-family="${FONT}" font-size="18" font-weight="bold" fill="${color}">${esc(formatValue(v, d?.unit, 0))}</text>`,
      ].join('');
    })
    .join('');
}

function cellText(v: unknown, c: Column): string {
  if (v === null || v === undefined) return '';
  if (isTime(c)) return String(v).slice(0, 19);
  if (typeof v === 'number' && !Number.isInteger(v)) return v.toFixed(2);
  return String(v);
}

/** Columns coloured by thresholds (a color-background/-text cell override). */
function colouredColumns(panel: PanelJson): Set<string> {
  const overrides =
    (
      panel.fieldConfig as {
        overrides?: { matcher: { options: string }; properties: { id: string; value: unknown }[] }[];
      }
    )?.overrides ?? [];
  return new Set(
    overrides.filter((o) => o.properties.some((p) => p.id === 'custom.cellOptions')).map((o) => o.matcher.options),
  );
}

function drawTable(r: PanelResult, box: Box): string {
  const lineH = 22;
  const fit = Math.max(0, Math.floor((box.h - lineH) / lineH));
  const rows = r.rows.slice(0, fit);
  const texts = rows.map((row) => row.map((v, i) => cellText(v, r.columns[i]!)));
  // Column widths from the longest of header and the shown cells, scaled to the panel.
  const want = r.columns.map((c, i) => Math.min(48, Math.max(c.name.length, ...texts.map((t) => t[i]!.length)) + 2));
  const total = want.reduce((a, b) => a + b, 0);
  const widths = want.map((w) => (w / total) * box.w);
  const charW = 6.6;
  const clip = (s: string, w: number) => {
    const n = Math.floor((w - 8) / charW);
    return s.length > n ? `${s.slice(0, Math.max(1, n - 1))}…` : s;
  };
  const coloured = colouredColumns(r.panel);
  const out: string[] = [];
  let x = box.x;
  for (const [i, c] of r.columns.entries()) {
    out.push(
      `<text x="${x + 4}" y="${box.y + 15}" font-family="${FONT}" font-size="11" font-weight="bold" fill="${COLORS.blue}">${esc(clip(c.name, widths[i]!))}</text>`,
    );
    for (const [k, row] of texts.entries()) {
      const y = box.y + lineH * (k + 1);
      const raw = rows[k]![i];
      const colour = coloured.has(c.name) && typeof raw === 'number' ? thresholdColor(r.panel, raw) : null;
      if (colour)
        out.push(
          `<rect x="${x}" y="${y + 2}" width="${widths[i]}" height="${lineH - 2}" fill="${colour}" opacity="0.85"/>`,
        );
      out.push(
        `<text x="${x + 4}" y="${y + 15}" font-family="${FONT}" font-size="11" fill="${colour ? '#111217' : THEME.text}">${esc(clip(row[i]!, widths[i]!))}</text>`,
      );
    }
    x += widths[i]!;
  }
  for (let k = 0; k <= rows.length; k++)
    out.push(
      `<line x1="${box.x}" x2="${box.x + box.w}" y1="${box.y + lineH * (k + 1) + 1}" y2="${box.y + lineH * (k + 1) + 1}" stroke="${THEME.border}" stroke-width="1"/>`,
    );
  if (r.rows.length > rows.length)
    out.push(
      `<text x="${box.x + box.w - 4}" y="${box.y + box.h - 2}" text-anchor="end" font-family="${FONT}" font-size="10" fill="${THEME.muted}">${rows.length} of ${r.rows.length} rows</text>`,
    );
  return out.join('');
}

const DRAW: Record<string, (r: PanelResult, box: Box, range: TimeRange) => string> = {
  timeseries: drawTimeseries,
  barchart: drawBarchart,
  stat: drawStat,
  bargauge: drawBargauge,
  table: drawTable,
};

/** The whole dashboard as one SVG: header with title and variables, then every panel at its gridPos. */
export function renderDashboardSvg(
  dash: DashboardJson,
  results: PanelResult[],
  range: TimeRange,
  subtitle: string,
): string {
  const bottom = Math.max(...dash.panels.map((p) => p.gridPos.y + p.gridPos.h));
  const height = HEADER + bottom * ROW + GAP;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}">`,
    `<rect width="100%" height="100%" fill="${THEME.page}"/>`,
    `<text x="${GAP + 4}" y="30" font-family="${FONT}" font-size="20" fill="${THEME.text}">${esc(dash.title)}</text>`,
    `<text x="${WIDTH - GAP - 4}" y="30" text-anchor="end" font-family="${FONT}" font-size="13" fill="${THEME.muted}">${esc(subtitle)}</text>`,
  ];
  for (const r of results) {
    const g = r.panel.gridPos;
    const outer = { x: g.x * COL + GAP / 2, y: HEADER + g.y * ROW + GAP / 2, w: g.w * COL - GAP, h: g.h * ROW - GAP };
    parts.push(
      `<rect x="${outer.x}" y="${outer.y}" width="${outer.w}" height="${outer.h}" rx="3" fill="${THEME.panel}" stroke="${THEME.border}"/>`,
      `<text x="${outer.x + 10}" y="${outer.y + 20}" font-family="${FONT}" font-size="13" font-weight="bold" fill="${THEME.text}">${esc(r.panel.title)}</text>`,
    );
    const inner = { x: outer.x + 8, y: outer.y + 30, w: outer.w - 16, h: outer.h - 36 };
    const draw = DRAW[r.panel.type];
    if (!draw) throw new Error(`no preview for panel type ${r.panel.type}`);
    parts.push(draw(r, inner, range));
  }
  parts.push('</svg>');
  return parts.join('\n');
}
