// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Grafana's variable syntax, not JS templates.
import {
  QueryVariableBuilder,
  TextBoxVariableBuilder,
  VariableRefresh,
} from '@grafana/grafana-foundation-sdk/dashboard';
import {
  type DashboardDefinition,
  datasourceVariable,
  TENANT,
  tenantVariable,
  UIDS,
  wardenDashboard,
} from './lib/dashboard.ts';
import { bargauge, stat, table, timeseries } from './lib/panels.ts';
import { DATASOURCE } from './lib/query.ts';

// SQL conventions: see fleet-overview.ts.

const AGENT = 'agent_id = ${agent:singlequote}';
/** All sessions, or the chosen ones (the plugin drops the condition when the variable is All). */
const SESSION = '$__conditionalAll(session_id IN (${session:singlequote}), $session)';
const WHERE = (ts = 'ts') => `${TENANT} AND ${AGENT} AND ${SESSION} AND $__timeFilter(${ts})`;

/** GET /v1/sessions/:id of services/api (routes/sessions.ts): the session rebuilt from every record. */
const sessionUrl = (id: string) => `\${api_url}/v1/sessions/${id}`;

const agentVariable = new QueryVariableBuilder('agent')
  .label('Agent')
  .datasource(DATASOURCE)
  .query(`SELECT DISTINCT agent_id FROM events WHERE ${TENANT} AND $__timeFilter(ts) ORDER BY agent_id`)
  .refresh(VariableRefresh.OnTimeRangeChanged);

const sessionVariable = new QueryVariableBuilder('session')
  .label('Session')
  .description('The agent’s sessions in the range, latest first.')
  .datasource(DATASOURCE)
  .query(
    `SELECT session_id FROM events WHERE ${TENANT} AND ${AGENT} AND $__timeFilter(ts) GROUP BY session_id ORDER BY max(ts) DESC LIMIT 500`,
  )
  .includeAll(true)
  .multi(true)
  .refresh(VariableRefresh.OnTimeRangeChanged);

const apiVariable = new TextBoxVariableBuilder('api_url')
  .label('warden API')
  .description('Base URL of the warden API, for the session reconstruction links.')
  .defaultValue('http://127.0.0.1:8090');

const total = (title: string, x: number, sql: string, unit: string, description: string) =>
  stat({ title, description, at: { x, y: 0, w: 4, h: 4 }, sql, unit });

const agent: DashboardDefinition = {
  slug: 'agent-drill-down',
  uid: UIDS.agent,
  title: 'warden · Agent drill-down',
  build: () =>
    wardenDashboard({
      uid: UIDS.agent,
      title: 'warden · Agent drill-down',
      description:
        'One agent (and optionally some of its sessions): every call and tool in order, what was found and decided, how much of its budget it used, and links to the API’s session reconstruction.',
      variables: [datasourceVariable(), tenantVariable(), agentVariable, sessionVariable, apiVariable],
      panels: [
        total(
          'Calls',
          0,
          `SELECT countIf(kind IN ('model_request', 'tool_call', 'data_access')) AS calls FROM events FINAL WHERE ${WHERE()}`,
          'short',
          'Model requests, tool calls and data accesses (what budgets count).',
        ),
        total(
          'Sessions',
          4,
          `SELECT uniqExact(session_id) AS sessions FROM events FINAL WHERE ${WHERE()}`,
          'short',
          'Sessions with an event in the range.',
        ),
        total(
          'Findings',
          8,
          `SELECT count() AS findings FROM findings FINAL WHERE ${WHERE()}`,
          'short',
          'Every detector finding on this agent’s events.',
        ),
        total(
          'Blocked',
          12,
          `SELECT countIf(action = 'block') AS blocked FROM verdicts FINAL WHERE ${WHERE('event_ts')}`,
          'short',
          'Events this agent was stopped on.',
        ),
        total(
          'Tokens',
          16,
          `SELECT sum(input_tokens + output_tokens) AS tokens FROM events FINAL WHERE ${WHERE()}`,
          'short',
          'Input plus output tokens reported by the model calls.',
        ),
        total(
          'Cost',
          20,
          `SELECT sum(cost_usd) AS cost FROM events FINAL WHERE ${WHERE()}`,
          'currencyUSD',
          'Model cost reported with the calls.',
        ),
        timeseries({
          title: 'Calls and tools over time',
          description: 'Events per interval: tool calls by tool, everything else by kind.',
          at: { x: 0, y: 4, w: 12, h: 8 },
          sql: `SELECT $__timeInterval(ts) AS time, if(tool_name != '', concat('tool ', toString(tool_name)), toString(kind)) AS call,
  count() AS events
FROM events FINAL
WHERE ${WHERE()}
GROUP BY time, call
ORDER BY time`,
          unit: 'short',
          style: 'bars',
          stacked: true,
        }),
        timeseries({
          title: 'Findings and verdicts',
          description: 'Findings by family beside the verdicts that were not a plain allow.',
          at: { x: 12, y: 4, w: 12, h: 8 },
          sql: `SELECT time, series, sum(n) AS count FROM
(
  SELECT $__timeInterval(ts) AS time, concat('finding ', splitByChar('.', toString(type))[1]) AS series, count() AS n
  FROM findings FINAL WHERE ${WHERE()} GROUP BY time, series
  UNION ALL
  SELECT $__timeInterval(event_ts) AS time, concat('verdict ', toString(action)) AS series, count() AS n
  FROM verdicts FINAL WHERE ${WHERE('event_ts')} AND action != 'allow' GROUP BY time, series
)
GROUP BY time, series
ORDER BY time`,
          unit: 'short',
          style: 'bars',
          stacked: true,
        }),
        bargauge({
          title: 'Budget burn',
          description:
            'Share of the applied policy’s budgets used: the busiest selected session’s calls and tokens, and the cost of the range’s last day. Over 100 % means warden is blocking.',
          at: { x: 0, y: 12, w: 8, h: 8 },
          sql: `WITH
  (SELECT argMax(policy, version) FROM policy_versions FINAL
   WHERE ${TENANT} AND ${AGENT} AND status = 'applied') AS policy,
  (SELECT sum(cost_usd) FROM events FINAL
   WHERE ${TENANT} AND ${AGENT} AND toDate(ts) = toDate($__toTime)) AS cost_day
SELECT
  100 * max(calls) / nullIf(JSONExtractFloat(policy, 'budgets', 'max_calls_per_session'), 0) AS calls_per_session,
  100 * max(tokens) / nullIf(JSONExtractFloat(policy, 'budgets', 'max_tokens_per_session'), 0) AS tokens_per_session,
  100 * any(cost_day) / nullIf(JSONExtractFloat(policy, 'budgets', 'max_cost_usd_per_day'), 0) AS cost_per_day
FROM
(
  SELECT session_id, countIf(kind IN ('model_request', 'tool_call', 'data_access')) AS calls,
    sum(input_tokens + output_tokens) AS tokens
  FROM events FINAL WHERE ${WHERE()} GROUP BY session_id
)`,
          unit: 'percent',
          min: 0,
          max: 200,
          thresholds: [
            [null, 'green'],
            [80, 'orange'],
            [100, 'red'],
          ],
        }),
        table({
          title: 'Sessions',
          description:
            'Per session: calls, tokens, findings, blocks. Click a session for its reconstruction in the API.',
          at: { x: 8, y: 12, w: 16, h: 8 },
          sql: `SELECT e.session_id AS session_id, e.started AS started, e.calls AS calls, e.tokens AS tokens,
  f.findings AS findings, v.blocked AS blocked
FROM
(
  SELECT session_id, min(ts) AS started, countIf(kind IN ('model_request', 'tool_call', 'data_access')) AS calls,
    sum(input_tokens + output_tokens) AS tokens
  FROM events FINAL WHERE ${WHERE()} GROUP BY session_id
) AS e
LEFT JOIN (SELECT session_id, count() AS findings FROM findings FINAL WHERE ${WHERE()} GROUP BY session_id) AS f
  ON f.session_id = e.session_id
LEFT JOIN (SELECT session_id, countIf(action = 'block') AS blocked FROM verdicts FINAL WHERE ${WHERE('event_ts')} GROUP BY session_id) AS v
  ON v.session_id = e.session_id
ORDER BY started DESC
LIMIT 200`,
          overrides: [
            {
              field: 'session_id',
              properties: [
                {
                  id: 'links',
                  value: [
                    {
                      title: 'Session reconstruction (API)',
                      url: sessionUrl('${__data.fields.session_id}'),
                      targetBlank: true,
                    },
                  ],
                },
              ],
            },
          ],
        }),
        table({
          title: 'Timeline: calls, tools, findings and verdicts',
          description:
            'Every event in order with its verdict and the finding types on it. Content is never stored in clear: only its length.',
          at: { x: 0, y: 20, w: 24, h: 12 },
          sql: `SELECT e.ts AS time, e.session_id AS session_id, e.kind AS kind, e.model_name AS model, e.tool_name AS tool,
  e.tool_target AS target, e.input_tokens + e.output_tokens AS tokens, e.content_length AS content_bytes,
  v.action AS verdict, arrayStringConcat(v.reasons, ', ') AS reasons, f.types AS findings
FROM
(
  SELECT event_id, ts, session_id, toString(kind) AS kind, toString(model_name) AS model_name,
    toString(tool_name) AS tool_name, tool_target, input_tokens, output_tokens, content_length
  FROM events FINAL WHERE ${WHERE()}
) AS e
LEFT JOIN (SELECT event_id, toString(action) AS action, reasons FROM verdicts FINAL WHERE ${WHERE('event_ts')}) AS v
  ON v.event_id = e.event_id
LEFT JOIN
(
  SELECT event_id, arrayStringConcat(groupUniqArray(toString(type)), ', ') AS types
  FROM findings FINAL WHERE ${WHERE()} GROUP BY event_id
) AS f ON f.event_id = e.event_id
ORDER BY time DESC
LIMIT 500`,
          panelLinks: [{ title: 'Session reconstruction (API)', url: sessionUrl('${session}'), targetBlank: true }],
          overrides: [
            {
              field: 'session_id',
              properties: [
                {
                  id: 'links',
                  value: [
                    {
                      title: 'Session reconstruction (API)',
                      url: sessionUrl('${__data.fields.session_id}'),
                      targetBlank: true,
                    },
                  ],
                },
              ],
            },
          ],
        }),
      ],
    }),
};

export default agent;
