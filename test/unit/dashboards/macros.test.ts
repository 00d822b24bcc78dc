// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Grafana's variable syntax in SQL, not JS templates.
import { describe, expect, it } from 'vitest';
import {
  applyConditionalAll,
  type ExpandContext,
  expandBackendMacros,
  expandQuery,
  grafanaIntervalMs,
  interpolateVariables,
} from '../../../dashboards/lib/macros.ts';

// The time range of the plugin's own tests (pkg/macros/macros_test.go).
const from = Date.parse('2014-11-12T11:45:26.371Z');
const to = Date.parse('2015-11-12T11:45:26.371Z');
const ctx = (over: Partial<ExpandContext> = {}): ExpandContext => ({
  range: { fromMs: from, toMs: to },
  intervalMs: 20_000,
  variables: {},
  ...over,
});

describe('backend macros, as grafana-clickhouse-datasource expands them', () => {
  it('writes the time range in seconds and milliseconds', () => {
    expect(expandBackendMacros('$__fromTime', ctx())).toBe('toDateTime(1415792726)');
    expect(expandBackendMacros('$__toTime', ctx())).toBe('toDateTime(1447328726)');
    expect(expandBackendMacros('$__fromTime_ms', ctx())).toBe('fromUnixTimestamp64Milli(1415792726371)');
    expect(expandBackendMacros('$__toTime_ms', ctx())).toBe('fromUnixTimestamp64Milli(1447328726371)');
  });

  it('filters by date and by date and time', () => {
    expect(expandBackendMacros('$__dateFilter(dateCol)', ctx())).toBe(
      "dateCol >= toDate('2014-11-12') AND dateCol <= toDate('2015-11-12')",
    );
    expect(expandBackendMacros('$__dateTimeFilter(dateCol, timeCol)', ctx())).toBe(
      "(dateCol >= toDate('2014-11-12') AND dateCol <= toDate('2015-11-12')) AND (timeCol >= toDateTime(1415792726) AND timeCol <= toDateTime(1447328726))",
    );
    expect(expandBackendMacros('$__dt(d, t)', ctx())).toBe(expandBackendMacros('$__dateTimeFilter(d, t)', ctx()));
  });

  it('buckets by the request interval, in seconds or milliseconds, never below 1', () => {
    expect(expandBackendMacros('select $__timeInterval(col) from foo', ctx())).toBe(
      'select toStartOfInterval(toDateTime(col), INTERVAL 20 second) from foo',
    );
    expect(expandBackendMacros('select $__timeInterval_ms(col) from foo', ctx())).toBe(
      'select toStartOfInterval(toDateTime64(col, 3), INTERVAL 20000 millisecond) from foo',
    );
    expect(
      expandBackendMacros('select toStartOfInterval(col, INTERVAL $__interval_s second) AS time from foo', ctx()),
    ).toBe('select toStartOfInterval(col, INTERVAL 20 second) AS time from foo');
    expect(expandBackendMacros('$__interval_s', ctx({ intervalMs: 200 }))).toBe('1');
  });

  // TestInterpolate in pkg/macros/macros_test.go: the whole sqlutil pass over a query.
  const interpolate: [input: string, output: string][] = [
    [
      'select * from foo where $__timeFilter(cast(sth as timestamp))',
      'select * from foo where cast(sth as timestamp) >= toDateTime(1415792726) AND cast(sth as timestamp) <= toDateTime(1447328726)',
    ],
    [
      'select * from foo where $__timeFilter(cast(sth as timestamp) )',
      'select * from foo where cast(sth as timestamp) >= toDateTime(1415792726) AND cast(sth as timestamp) <= toDateTime(1447328726)',
    ],
    [
      'select * from foo where $__timeFilter_ms(cast(sth as timestamp))',
      'select * from foo where cast(sth as timestamp) >= fromUnixTimestamp64Milli(1415792726123) AND cast(sth as timestamp) <= fromUnixTimestamp64Milli(1447328726456)',
    ],
    [
      'select * from foo where ( date >= $__fromTime and date <= $__toTime ) limit 100',
      'select * from foo where ( date >= toDateTime(1415792726) and date <= toDateTime(1447328726) ) limit 100',
    ],
    [
      'select * from foo where ( date >= $__fromTime ) and ( date <= $__toTime ) limit 100',
      'select * from foo where ( date >= toDateTime(1415792726) ) and ( date <= toDateTime(1447328726) ) limit 100',
    ],
    [
      'select * from foo where ( date >= $__fromTime_ms and date <= $__toTime_ms ) limit 100',
      'select * from foo where ( date >= fromUnixTimestamp64Milli(1415792726123) and date <= fromUnixTimestamp64Milli(1447328726456) ) limit 100',
    ],
  ];
  for (const [input, output] of interpolate) {
    it(`interpolates ${input}`, () => {
      const range = { fromMs: Date.parse('2014-11-12T11:45:26.123Z'), toMs: Date.parse('2015-11-12T11:45:26.456Z') };
      expect(expandBackendMacros(input, ctx({ range }))).toBe(output);
    });
  }

  it('tells $__timeFilter from $__timeFilter_ms and leaves unknown names alone', () => {
    const sql = 'a $__timeFilter_ms(t) b $__timeFilter(t) c $__nothing(t)';
    expect(expandBackendMacros(sql, ctx())).toBe(
      'a t >= fromUnixTimestamp64Milli(1415792726371) AND t <= fromUnixTimestamp64Milli(1447328726371) b t >= toDateTime(1415792726) AND t <= toDateTime(1447328726) c $__nothing(t)',
    );
  });

  it('rejects a filter with the wrong number of arguments, as the plugin does', () => {
    expect(() => expandBackendMacros('$__timeFilter(a, b)', ctx())).toThrow(/expected 1 argument, received 2/);
  });

  it('like sqlutil, reads the next bracket after an argument-less macro as its argument list', () => {
    // The reason the dashboards only write $__fromTime/$__toTime right before a `)` or a bracket-free tail.
    expect(expandBackendMacros('t >= $__fromTime AND f(x)', ctx())).toBe('t >= toDateTime(1415792726)');
  });
});

describe('template variables, as Grafana interpolates them for this data source', () => {
  const vars: ExpandContext['variables'] = {
    tenant: { value: ['acme', "o'neil"], options: ['acme', "o'neil", 'globex'] },
    agent: { value: 'acme-agent-01' },
    session: { value: '$__all', options: ['s1', 's2'] },
    env: { value: '$__all', allValue: '.*', options: ['prod'] },
  };
  const c = ctx({ variables: vars });

  it('quotes a multi-value with the plugin format and leaves a single value raw', () => {
    expect(interpolateVariables('IN (${tenant}) AND a = $agent', c)).toBe("IN ('acme','o'neil') AND a = acme-agent-01");
  });

  it('applies named formats', () => {
    expect(interpolateVariables('${tenant:singlequote}', c)).toBe("'acme','o\\'neil'");
    expect(interpolateVariables('${agent:singlequote}', c)).toBe("'acme-agent-01'");
    expect(interpolateVariables('${tenant:sqlstring}', c)).toBe("'acme','o''neil'");
    expect(interpolateVariables('${tenant:csv} ${tenant:pipe}', c)).toBe("acme,o'neil acme|o'neil");
    expect(interpolateVariables('[[agent:doublequote]] ${agent:queryparam}', c)).toBe(
      '"acme-agent-01" var-agent=acme-agent-01',
    );
  });

  it('expands All to every option, or to the custom all value unformatted', () => {
    expect(interpolateVariables('${session:singlequote}', c)).toBe("'s1','s2'");
    expect(interpolateVariables('${env:singlequote}', c)).toBe('.*');
  });

  it('fills the global time variables and leaves macros and unknown names for the backend', () => {
    expect(interpolateVariables('${__from} $__to $__interval_ms $__interval $__timeFilter(ts) $nope', c)).toBe(
      `${from} ${to} 20000 20s $__timeFilter(ts) $nope`,
    );
  });
});

describe('$__conditionalAll, as the plugin frontend applies it', () => {
  const variables: ExpandContext['variables'] = {
    session: { value: '$__all', type: 'query' },
    agent: { value: 'a1', type: 'query' },
    blank: { value: '', type: 'query' },
  };

  it('drops the condition for All or an empty value and keeps it otherwise', () => {
    const sql =
      'WHERE $__conditionalAll(session_id IN (${session:singlequote}), $session) AND $__conditionalAll(agent_id = $agent, $agent) AND $__conditionalAll(x IN (1, 2), $blank)';
    expect(applyConditionalAll(sql, variables)).toBe('WHERE 1=1 AND agent_id = $agent AND 1=1');
  });

  it('runs before the variables are interpolated', () => {
    expect(
      expandQuery('WHERE $__conditionalAll(agent_id IN (${agent:singlequote}), $agent) AND $__timeFilter(ts)', {
        ...ctx(),
        variables,
      }),
    ).toBe("WHERE agent_id IN ('a1') AND ts >= toDateTime(1415792726) AND ts <= toDateTime(1447328726)");
  });
});

describe('the interval Grafana requests', () => {
  it('divides the range by the data points and rounds to a nice step', () => {
    const sixHours = { fromMs: 0, toMs: 6 * 3_600_000 };
    expect(grafanaIntervalMs(sixHours, 1000)).toBe(20_000);
    expect(grafanaIntervalMs(sixHours, 360)).toBe(60_000);
    expect(grafanaIntervalMs(sixHours, 1000, 60_000)).toBe(60_000);
  });
});
