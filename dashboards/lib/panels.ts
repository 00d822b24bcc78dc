import { PanelBuilder as BarChart } from '@grafana/grafana-foundation-sdk/barchart';
import { PanelBuilder as BarGauge } from '@grafana/grafana-foundation-sdk/bargauge';
import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import {
  BarGaugeDisplayMode,
  BigValueColorMode,
  BigValueGraphMode,
  GraphDrawStyle,
  GraphThresholdsStyleConfigBuilder,
  GraphThresholdsStyleMode,
  LegendDisplayMode,
  LegendPlacement,
  ReduceDataOptionsBuilder,
  StackingConfigBuilder,
  StackingMode,
  TableCellHeight,
  VizLegendOptionsBuilder,
  VizOrientation,
} from '@grafana/grafana-foundation-sdk/common';
import {
  type DashboardLink,
  DashboardLinkBuilder,
  type DataTransformerConfig,
  type DynamicConfigValue,
  type Panel,
  ThresholdsConfigBuilder,
  ThresholdsMode,
} from '@grafana/grafana-foundation-sdk/dashboard';
import { PanelBuilder as Stat } from '@grafana/grafana-foundation-sdk/stat';
import { PanelBuilder as Table } from '@grafana/grafana-foundation-sdk/table';
import { PanelBuilder as TimeSeries } from '@grafana/grafana-foundation-sdk/timeseries';
import { ClickHouseQueryBuilder, DATASOURCE } from './query.ts';

/** Grafana's grid: 24 columns; h in rows of 30 px. */
export interface Cell {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** A threshold step: the colour from `value` up; the first step has no value (from -∞). */
export type Step = [value: number | null, color: string];

export interface PanelSpec {
  title: string;
  description: string;
  sql: string;
  at: Cell;
  unit?: string;
  decimals?: number;
  thresholds?: Step[];
  /** Links on every value (data links): `${__data.fields.<column>}` reads the clicked row. */
  links?: Link[];
  /** Panel links (top-left menu of the panel). */
  panelLinks?: Link[];
  overrides?: { field: string; properties: DynamicConfigValue[] }[];
}

export interface Link {
  title: string;
  url: string;
  targetBlank?: boolean;
}

const GREEN_ONLY: Step[] = [[null, 'green']];

function thresholds(steps: Step[]) {
  return new ThresholdsConfigBuilder()
    .mode(ThresholdsMode.Absolute)
    .steps(steps.map(([value, color]) => ({ value, color })));
}

function linkBuilders(links: Link[]): cog.Builder<DashboardLink>[] {
  return links.map((l) => new DashboardLinkBuilder(l.title).url(l.url).targetBlank(l.targetBlank ?? false));
}

type AnyPanel = Stat | TimeSeries | Table | BarChart | BarGauge;

function common<P extends AnyPanel>(p: P, spec: PanelSpec, shape: 'timeseries' | 'table'): P {
  p.title(spec.title)
    .description(spec.description)
    .datasource(DATASOURCE)
    .gridPos(spec.at)
    .withTarget(new ClickHouseQueryBuilder(spec.sql, shape))
    .thresholds(thresholds(spec.thresholds ?? GREEN_ONLY));
  if (spec.unit !== undefined) p.unit(spec.unit);
  if (spec.decimals !== undefined) p.decimals(spec.decimals);
  if (spec.links) p.dataLinks(linkBuilders(spec.links));
  if (spec.panelLinks) p.links(linkBuilders(spec.panelLinks));
  for (const o of spec.overrides ?? []) p.overrideByName(o.field, o.properties);
  return p;
}

/** One number (the last non-null value of each numeric column), coloured by thresholds. */
export function stat(spec: PanelSpec): cog.Builder<Panel> {
  return common(new Stat(), spec, 'table')
    .colorMode(BigValueColorMode.Value)
    .graphMode(BigValueGraphMode.None)
    .reduceOptions(new ReduceDataOptionsBuilder().calcs(['lastNotNull']).fields('').values(false));
}

export interface SeriesSpec extends PanelSpec {
  style?: 'line' | 'bars';
  stacked?: boolean;
  /** Show the thresholds as dashed lines (e.g. a latency objective). */
  thresholdLines?: boolean;
  /** Smallest bucket (Grafana's min interval): `$__timeInterval` never goes below it. Default 1m. */
  minInterval?: string;
}

/** A time column plus numbers; string columns split the numbers into one series per value. */
export function timeseries(spec: SeriesSpec): cog.Builder<Panel> {
  const p = common(new TimeSeries(), spec, 'timeseries')
    .interval(spec.minInterval ?? '1m')
    .drawStyle(spec.style === 'bars' ? GraphDrawStyle.Bars : GraphDrawStyle.Line)
    .fillOpacity(spec.style === 'bars' ? 80 : 10)
    .lineWidth(1)
    .legend(
      new VizLegendOptionsBuilder()
        .showLegend(true)
        .displayMode(LegendDisplayMode.List)
        .placement(LegendPlacement.Bottom)
        .calcs([]),
    );
  if (spec.stacked) p.stacking(new StackingConfigBuilder().mode(StackingMode.Normal).group('A'));
  if (spec.thresholdLines)
    p.thresholdsStyle(new GraphThresholdsStyleConfigBuilder().mode(GraphThresholdsStyleMode.Dashed));
  return p;
}

export interface TableSpec extends PanelSpec {
  transformations?: DataTransformerConfig[];
}

export function table(spec: TableSpec): cog.Builder<Panel> {
  const p = common(new Table(), spec, 'table').showHeader(true).cellHeight(TableCellHeight.Sm);
  for (const t of spec.transformations ?? []) p.withTransformation(t);
  return p;
}

export interface BarSpec extends PanelSpec {
  transformations?: DataTransformerConfig[];
  stacked?: boolean;
  horizontal?: boolean;
}

/** Categories (first string column) against numbers. */
export function barchart(spec: BarSpec): cog.Builder<Panel> {
  const p = common(new BarChart(), spec, 'table')
    .orientation(spec.horizontal ? VizOrientation.Horizontal : VizOrientation.Vertical)
    .fillOpacity(80)
    .legend(
      new VizLegendOptionsBuilder()
        .showLegend(true)
        .displayMode(LegendDisplayMode.List)
        .placement(LegendPlacement.Bottom)
        .calcs([]),
    );
  if (spec.stacked) p.stacking(StackingMode.Normal);
  for (const t of spec.transformations ?? []) p.withTransformation(t);
  return p;
}

/** One bar per numeric column of a one-row result, e.g. budget used in percent. */
export function bargauge(spec: PanelSpec & { min?: number; max?: number }): cog.Builder<Panel> {
  const p = common(new BarGauge(), spec, 'table')
    .displayMode(BarGaugeDisplayMode.Gradient)
    .orientation(VizOrientation.Horizontal)
    .reduceOptions(new ReduceDataOptionsBuilder().calcs(['lastNotNull']).fields('').values(false));
  if (spec.min !== undefined) p.min(spec.min);
  if (spec.max !== undefined) p.max(spec.max);
  return p;
}
