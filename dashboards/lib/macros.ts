/**
 * The SQL that grafana-clickhouse-datasource sends to ClickHouse for a panel, rebuilt step by step
 * so tests and previews run exactly what an analyst's Grafana would:
 *
 * 1. `$__conditionalAll(cond, $var)` — the plugin's frontend (src/data/CHDatasource.ts,
 *    applyConditionalAll), before any variable is interpolated;
 * 2. template variables — Grafana's templateSrv.replace with the plugin's format function
 *    (a multi-value becomes `'a','b'`, a single value is inserted raw) unless the reference names a
 *    format (`${tenant:singlequote}`);
 * 3. the backend macros — pkg/macros/macros.go of the plugin, found and parsed by the plugin SDK's
 *    sqlutil.Interpolate (grafana-plugin-sdk-go data/sqlutil/macros.go), quirks included.
 *
 * Nothing here is copied from those projects; the behaviour is, and test/unit/dashboards/macros.test.ts
 * checks it against the plugin's own documented examples.
 */

export interface TimeRange {
  fromMs: number;
  toMs: number;
}

/** A dashboard variable's current state, as Grafana's templateSrv sees it. */
export interface VariableState {
  /** Current value: one string, or several for a multi-value variable. `$__all` = "All" is selected. */
  value: string | readonly string[];
  /** Display text (the `:text` format); defaults to the value. */
  text?: string | readonly string[];
  /** Every option the variable offers (what "All" stands for when there is no custom all value). */
  options?: readonly string[];
  /** The variable's custom all value (`allValue` in the dashboard JSON), inserted unformatted. */
  allValue?: string;
  /** Grafana's variable type; the plugin's conditionalAll only looks at `query` variables' values. */
  type?: string;
}

export interface ExpandContext {
  range: TimeRange;
  /** The request interval Grafana computed for the panel (see grafanaIntervalMs). */
  intervalMs: number;
  variables: Readonly<Record<string, VariableState>>;
}

export const ALL_VALUE = '$__all';

// ---------------------------------------------------------------- 1. $__conditionalAll (frontend)

/** Arguments of a macro call whose `(` is at `openAt`: split on top-level commas, untrimmed. */
function frontendMacroArgs(sql: string, openAt: number): string[] {
  const args: string[] = [];
  let depth = 0;
  let last = 1;
  const rest = sql.slice(openAt);
  for (let i = 0; i < rest.length; i++) {
    const c = rest[i];
    if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c !== ',') continue;
    if (c === ',' && depth === 1) {
      args.push(rest.slice(last, i));
      last = i + 1;
    }
    if (depth === 0) {
      args.push(rest.slice(last, i));
      return args;
    }
  }
  return [];
}

/**
 * `$__conditionalAll(condition, $var)` becomes `1=1` when the variable's value is empty or All, and
 * the condition otherwise. As in the plugin, the variable must be written `$var` (a `${var}` is not
 * recognised and keeps the condition), and a call with other than two arguments stops the pass.
 */
export function applyConditionalAll(sql: string, variables: ExpandContext['variables']): string {
  const macro = '$__conditionalAll(';
  let out = sql;
  let at = out.lastIndexOf(macro);
  while (at !== -1) {
    const params = frontendMacroArgs(out, at + macro.length - 1);
    if (params.length !== 2) return out;
    const [cond, ref] = params as [string, string];
    const name = ref.trim().slice(1);
    const v = Object.hasOwn(variables, name) ? variables[name] : undefined;
    const value = v === undefined ? undefined : String(v.value);
    const phrase = value === '' || value === ALL_VALUE ? '1=1' : cond;
    out = out.replace(`${macro}${cond},${ref})`, () => phrase);
    at = out.lastIndexOf(macro);
  }
  return out;
}

// ---------------------------------------------------------------- 2. template variables (Grafana)

// Grafana's variable syntax: $var, [[var]] / [[var:fmt]], ${var} / ${var.path} / ${var:fmt}.
const VARIABLE = /\$(\w+)|\[\[(\w+?)(?::(\w+))?\]\]|\$\{(\w+)(?:\.([^:^}]+))?(?::([^}]+))?\}/g;

type Value = string | readonly string[];

const quoteEach = (v: Value, q: string, escaped: string) =>
  (typeof v === 'string' ? [v] : v).map((x) => `${q}${x.replaceAll(q, escaped)}${q}`).join(',');

/** Grafana's formatter registry, the formats a SQL panel uses. */
function format(value: Value, fmt: string, text: Value, name: string): string {
  const list = typeof value === 'string' ? [value] : value;
  switch (fmt) {
    case 'singlequote':
      return quoteEach(value, "'", "\\'");
    case 'doublequote':
      return quoteEach(value, '"', '\\"');
    case 'sqlstring':
      return quoteEach(value, "'", "''");
    case 'csv':
      return list.join(',');
    case 'pipe':
      return list.join('|');
    case 'json':
      return JSON.stringify(value);
    case 'text':
      return typeof text === 'string' ? text : text.join(' + ');
    case 'percentencode':
      return typeof value === 'string' ? encodeURIComponent(value) : encodeURIComponent(`{${value.join(',')}}`);
    case 'queryparam':
      return list.map((v) => `var-${encodeURIComponent(name)}=${encodeURIComponent(v)}`).join('&');
    case 'raw':
      return list.join(',');
    default:
      throw new Error(`variable format ${fmt} is not supported by dashboards/lib/macros.ts`);
  }
}

/** The plugin's format function (CHDatasource.format): used when a reference names no format. */
function pluginFormat(value: Value): string {
  return typeof value === 'string' ? value : `'${value.join("','")}'`;
}

function builtins(ctx: ExpandContext): Record<string, string> {
  const { fromMs, toMs } = ctx.range;
  const range = toMs - fromMs;
  return {
    __from: String(fromMs),
    __to: String(toMs),
    __interval: intervalText(ctx.intervalMs),
    __interval_ms: String(ctx.intervalMs),
    __range_ms: String(range),
    __range_s: String(Math.round(range / 1000)),
    __range: `${Math.round(range / 1000)}s`,
  };
}

/** Grafana's templateSrv.replace for this data source: unknown names are left as written. */
export function interpolateVariables(sql: string, ctx: ExpandContext): string {
  const globals = builtins(ctx);
  return sql.replace(VARIABLE, (match, v1, v2, f2, v3, _path, f3) => {
    const name: string = v1 ?? v2 ?? v3;
    const fmt: string | undefined = f2 ?? f3;
    if (Object.hasOwn(globals, name)) return globals[name]!;
    const v = Object.hasOwn(ctx.variables, name) ? ctx.variables[name] : undefined;
    if (v === undefined) return match;
    let value: Value = v.value;
    let text: Value = v.text ?? v.value;
    const all = value === ALL_VALUE || (typeof value !== 'string' && value.length === 1 && value[0] === ALL_VALUE);
    if (all) {
      // A custom all value is inserted as written (no quoting) unless the format is text/percentencode.
      if (v.allValue !== undefined && fmt !== 'text' && fmt !== 'percentencode') return v.allValue;
      value = v.allValue ?? (v.options ?? []).filter((o) => o !== ALL_VALUE);
      text = 'All';
    }
    return fmt === undefined ? pluginFormat(value) : format(value, fmt, text, name);
  });
}

// ---------------------------------------------------------------- 3. backend macros (plugin + sqlutil)

type Macro = (args: string[], ctx: ExpandContext) => string;

const seconds = (ms: number) => Math.floor(ms / 1000);
const toDateTime = (ms: number) => `toDateTime(${seconds(ms)})`;
const toDateTime64 = (ms: number) => `fromUnixTimestamp64Milli(${Math.trunc(ms)})`;
const toDate = (ms: number) => `toDate('${new Date(ms).toISOString().slice(0, 10)}')`;
const rfc3339 = (ms: number) => `${new Date(seconds(ms) * 1000).toISOString().slice(0, 19)}Z`;

function arity(name: string, args: string[], n: number): void {
  if (args.length !== n)
    throw new Error(`$__${name}: unexpected number of arguments: expected ${n} argument, received ${args.length}`);
}

const between = (col: string, lo: string, hi: string) => `${col} >= ${lo} AND ${col} <= ${hi}`;

/** pkg/macros/macros.go, then sqlutil's defaults for the names the plugin does not define. */
const MACROS: Record<string, Macro> = {
  fromTime: (_a, c) => toDateTime(c.range.fromMs),
  toTime: (_a, c) => toDateTime(c.range.toMs),
  fromTime_ms: (_a, c) => toDateTime64(c.range.fromMs),
  toTime_ms: (_a, c) => toDateTime64(c.range.toMs),
  timeFilter: (a, c) => {
    arity('timeFilter', a, 1);
    return between(a[0]!, toDateTime(c.range.fromMs), toDateTime(c.range.toMs));
  },
  timeFilter_ms: (a, c) => {
    arity('timeFilter_ms', a, 1);
    return between(a[0]!, toDateTime64(c.range.fromMs), toDateTime64(c.range.toMs));
  },
  dateFilter: (a, c) => {
    arity('dateFilter', a, 1);
    return between(a[0]!, toDate(c.range.fromMs), toDate(c.range.toMs));
  },
  dateTimeFilter: (a, c) => dateTimeFilter(a, c),
  dt: (a, c) => dateTimeFilter(a, c),
  timeInterval: (a, c) => {
    arity('timeInterval', a, 1);
    return `toStartOfInterval(toDateTime(${a[0]}), INTERVAL ${Math.max(seconds(c.intervalMs), 1)} second)`;
  },
  timeInterval_ms: (a, c) => {
    arity('timeInterval_ms', a, 1);
    return `toStartOfInterval(toDateTime64(${a[0]}, 3), INTERVAL ${Math.max(Math.trunc(c.intervalMs), 1)} millisecond)`;
  },
  interval_s: (_a, c) => String(Math.max(seconds(c.intervalMs), 1)),
  // sqlutil.DefaultMacros the plugin does not override.
  timeFrom: (a, c) => {
    arity('timeFrom', a, 1);
    return `${a[0]} >= '${rfc3339(c.range.fromMs)}'`;
  },
  timeTo: (a, c) => {
    arity('timeTo', a, 1);
    return `${a[0]} <= '${rfc3339(c.range.toMs)}'`;
  },
};

function dateTimeFilter(a: string[], c: ExpandContext): string {
  arity('dateTimeFilter', a, 2);
  const { fromMs, toMs } = c.range;
  return `(${between(a[0]!, toDate(fromMs), toDate(toMs))}) AND (${between(a[1]!, toDateTime(fromMs), toDateTime(toMs))})`;
}

/**
 * sqlutil's getMacroMatches: from each `$__name` (word boundary after the name) it scans forward to
 * the first bracket anywhere later in the text. A `)` first means "no arguments"; a `(` first opens
 * the argument list, closed by its matching `)`. So `$__fromTime AND f(x)` swallows `AND f(x)` as
 * the call's arguments, exactly as the plugin does: the dashboards avoid writing that, and running
 * the expanded SQL in the tests catches it if they ever do.
 */
function macroCalls(sql: string, name: string): { text: string; args: string }[] {
  const re = new RegExp(`\\$__${name}\\b`, 'g');
  const calls: { text: string; args: string }[] = [];
  for (const m of sql.matchAll(re)) {
    const rest = sql.slice(m.index);
    let depth = 0;
    let argStart = 0;
    let end = 0;
    for (let i = 0; i < rest.length; i++) {
      if (depth === 0 && end > 0) break;
      const c = rest[i];
      if (c === '(') {
        depth++;
        if (argStart === 0) argStart = i + 1;
      } else if (c === ')') {
        if (depth === 0) {
          end = 0;
          break;
        }
        depth--;
        end = i + 1;
      }
    }
    if (end === 0) end = m[0].length;
    calls.push({ text: rest.slice(0, end), args: argStart > 0 ? rest.slice(argStart, end - 1) : '' });
  }
  return calls;
}

/** sqlutil.Interpolate with the plugin's macros: arguments split on every comma and trimmed. */
export function expandBackendMacros(sql: string, ctx: ExpandContext): string {
  let out = sql;
  for (const [name, macro] of Object.entries(MACROS)) {
    for (const call of macroCalls(out, name)) {
      const args = call.args.split(',').map((a) => a.trim());
      out = out.replaceAll(call.text, () => macro(args, ctx));
    }
  }
  return out;
}

// ---------------------------------------------------------------- the whole path, and the interval

/** What reaches ClickHouse for a panel's rawSql. */
export function expandQuery(sql: string, ctx: ExpandContext): string {
  return expandBackendMacros(interpolateVariables(applyConditionalAll(sql, ctx.variables), ctx), ctx);
}

/** Grafana's rangeutil.roundInterval: the "nice" interval at or below a raw one (ms). */
export function roundInterval(ms: number): number {
  const steps: [below: number, round: number][] = [
    [15, 10],
    [35, 20],
    [75, 50],
    [150, 100],
    [350, 200],
    [750, 500],
    [1500, 1000],
    [3500, 2000],
    [7500, 5000],
    [12500, 10000],
    [17500, 15000],
    [25000, 20000],
    [45000, 30000],
    [90000, 60000],
    [210000, 120000],
    [450000, 300000],
    [750000, 600000],
    [1050000, 900000],
    [1500000, 1200000],
    [2700000, 1800000],
    [5400000, 3600000],
    [9000000, 7200000],
    [16200000, 10800000],
    [32400000, 21600000],
    [86400000, 43200000],
    [604800000, 86400000],
    [1814400000, 604800000],
    [3628800000, 2592000000],
  ];
  return steps.find(([below]) => ms < below)?.[1] ?? 31536000000;
}

/**
 * The interval Grafana asks a panel's data source for: range / max data points (the panel's width
 * in pixels by default), rounded, never below the data source's or panel's minimum interval.
 */
export function grafanaIntervalMs(range: TimeRange, maxDataPoints: number, minIntervalMs = 1): number {
  const raw = (range.toMs - range.fromMs) / maxDataPoints;
  return Math.max(roundInterval(raw), minIntervalMs);
}

/** `$__interval` as Grafana writes it (`30s`, `1m`, `1h`). */
export function intervalText(ms: number): string {
  const units: [string, number][] = [
    ['y', 31536000000],
    ['w', 604800000],
    ['d', 86400000],
    ['h', 3600000],
    ['m', 60000],
    ['s', 1000],
  ];
  for (const [unit, size] of units) if (ms >= size && ms % size === 0) return `${ms / size}${unit}`;
  return `${ms}ms`;
}
