import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import type { DataSourceRef } from '@grafana/grafana-foundation-sdk/common';

/** The official ClickHouse data source plugin's id (grafana/clickhouse-datasource). */
export const CLICKHOUSE_PLUGIN = 'grafana-clickhouse-datasource';

/** Every panel and variable uses the dashboard's `datasource` variable, so an import picks its own instance. */
// biome-ignore lint/suspicious/noTemplateCurlyInString: Grafana's variable syntax, not a JS template.
export const DATASOURCE: DataSourceRef = { type: CLICKHOUSE_PLUGIN, uid: '${datasource}' };

/**
 * How the plugin shapes a result: `format` is sqlutil's FormatQueryOption (0 time series, 1 table,
 * 2 logs, 3 traces) and `queryType` the editor's QueryType (src/types/sql.ts). A time-series query
 * returns a time column and numbers, optionally with string label columns (long format, which the
 * backend turns into one series per label value).
 */
export type ResultShape = 'timeseries' | 'table';

const FORMAT: Record<ResultShape, { format: number; queryType: string }> = {
  timeseries: { format: 0, queryType: 'timeSeries' },
  table: { format: 1, queryType: 'table' },
};

/** The plugin's SQL-editor query model (CHSqlQuery in src/types/sql.ts). */
export interface ClickHouseQuery extends cog.Dataquery {
  refId: string;
  datasource: DataSourceRef;
  editorType: 'sql';
  rawSql: string;
  format: number;
  queryType: string;
}

/** A cog builder for ClickHouse SQL targets: the foundation SDK has none for this plugin. */
export class ClickHouseQueryBuilder implements cog.Builder<ClickHouseQuery> {
  readonly #query: ClickHouseQuery;

  constructor(rawSql: string, shape: ResultShape, refId = 'A') {
    this.#query = {
      refId,
      datasource: DATASOURCE,
      editorType: 'sql',
      rawSql: rawSql.trim(),
      ...FORMAT[shape],
      _implementsDataqueryVariant() {},
    };
  }

  build(): ClickHouseQuery {
    return { ...this.#query };
  }
}

/** Inverse of FORMAT, for tests and previews reading generated JSON. */
export function shapeOf(target: { format?: unknown; queryType?: unknown }): ResultShape {
  return target.format === 0 || target.queryType === 'timeSeries' ? 'timeseries' : 'table';
}
