// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Grafana's variable syntax, not JS templates.
import {
  agentLink,
  type DashboardDefinition,
  datasourceVariable,
  TENANT,
  tenantVariable,
  UIDS,
  wardenDashboard,
} from './lib/dashboard.ts';
import { stat, table, timeseries } from './lib/panels.ts';

/*
 * SQL conventions of every dashboard (the reasons are in dashboards/lib/macros.ts):
 * - argument-less macros ($__fromTime, $__toTime, $__interval_s, ...) stand in brackets of their own,
 *   `($__toTime)`, because the plugin reads the next bracket after one as its argument list;
 * - one query never mixes $__toTime with $__toTime_ms (the plugin's replace would corrupt the _ms one);
 * - "now" is the range's end ($__toTime), so a past range shows that moment as it was;
 * - FINAL on the ReplacingMergeTree tables: a record delivered twice counts once.
 */

const fleet: DashboardDefinition = {
  slug: 'fleet-overview',
  uid: UIDS.fleet,
  title: 'warden · Fleet overview',
  build: () =>
    wardenDashboard({
      uid: UIDS.fleet,
      title: 'warden · Fleet overview',
      description:
        'For SOC analysts: which agents run, which are new or unregistered, how much traffic warden judges, what it finds and blocks, how fast verdicts come back, and the riskiest agents.',
      variables: [datasourceVariable(), tenantVariable()],
      panels: [
        stat({
          title: 'Agents running now',
          description: 'Agents with an event in the 15 minutes before the end of the range.',
          at: { x: 0, y: 0, w: 4, h: 4 },
          sql: `SELECT uniqExact(agent_id) AS agents
FROM events FINAL
WHERE ${TENANT} AND ts > ($__toTime - INTERVAL 15 MINUTE) AND ts <= ($__toTime)`,
          unit: 'short',
        }),
        stat({
          title: 'New agents',
          description: 'Agents first seen inside the range (from the per-agent daily rollup).',
          at: { x: 4, y: 0, w: 4, h: 4 },
          sql: `SELECT countIf(first_seen >= ($__fromTime) AND first_seen <= ($__toTime)) AS new_agents
FROM (SELECT agent_id, min(first_seen) AS first_seen FROM agent_activity_daily WHERE ${TENANT} GROUP BY agent_id)`,
          unit: 'short',
          thresholds: [
            [null, 'green'],
            [1, 'blue'],
          ],
        }),
        stat({
          title: 'Shadow agents',
          description: 'Agents seen in the range without a registration (POST /v1/agents to register one).',
          at: { x: 8, y: 0, w: 4, h: 4 },
          sql: `SELECT uniqExact(agent_id) AS shadow_agents
FROM events
WHERE ${TENANT} AND $__timeFilter(ts)
  AND (tenant_id, toString(agent_id)) NOT IN (SELECT tenant_id, agent_id FROM agent_registry FINAL)`,
          unit: 'short',
          thresholds: [
            [null, 'green'],
            [1, 'orange'],
          ],
          panelLinks: [{ title: 'Compliance', url: `/d/${UIDS.compliance}/compliance?\${tenant:queryparam}` }],
        }),
        stat({
          title: 'Events per second',
          description: 'Average over the range of the events warden judged.',
          at: { x: 12, y: 0, w: 4, h: 4 },
          sql: `SELECT count() / greatest(dateDiff('second', ($__fromTime), ($__toTime)), 1) AS events_per_s
FROM events FINAL
WHERE ${TENANT} AND $__timeFilter(ts)`,
          unit: 'suffix: ev/s',
          decimals: 2,
        }),
        stat({
          title: 'Blocked',
          description: 'Verdicts that blocked the event (redactions and approvals are in "Verdicts by action").',
          at: { x: 16, y: 0, w: 4, h: 4 },
          sql: `SELECT countIf(action = 'block') AS blocked
FROM verdicts FINAL
WHERE ${TENANT} AND $__timeFilter(event_ts)`,
          unit: 'short',
          thresholds: [
            [null, 'green'],
            [1, 'orange'],
          ],
          panelLinks: [{ title: 'Detections', url: `/d/${UIDS.detections}/detections?\${tenant:queryparam}` }],
        }),
        stat({
          title: 'Verdict latency p99',
          description: 'Event to verdict, over the range. The objective for inline checks is 50 ms.',
          at: { x: 20, y: 0, w: 4, h: 4 },
          // quantile() samples 8,192 rows in read order, so the same rows can give another p99;
          // quantileDeterministic samples by a hash of the verdict id: same rows, same figure.
          sql: `SELECT quantileDeterministic(0.99)(latency_ms, sipHash64(verdict_id)) AS p99
FROM verdicts FINAL
WHERE ${TENANT} AND $__timeFilter(event_ts)`,
          unit: 'ms',
          decimals: 1,
          thresholds: [
            [null, 'green'],
            [50, 'orange'],
            [250, 'red'],
          ],
        }),
        timeseries({
          title: 'Events per second by kind',
          description: 'Model requests, tool calls and results, scope changes, agent starts.',
          at: { x: 0, y: 4, w: 12, h: 8 },
          sql: `SELECT $__timeInterval(ts) AS time, kind, count() / ($__interval_s) AS events_per_s
FROM events FINAL
WHERE ${TENANT} AND $__timeFilter(ts)
GROUP BY time, kind
ORDER BY time`,
          unit: 'suffix: ev/s',
          stacked: true,
        }),
        timeseries({
          title: 'Findings per second by type family',
          description:
            'Every detector finding by type family (pii, secret, injection, anomaly, policy); the Detections dashboard splits each family.',
          at: { x: 12, y: 4, w: 12, h: 8 },
          sql: `SELECT $__timeInterval(ts) AS time, splitByChar('.', toString(type))[1] AS family,
  count() / ($__interval_s) AS findings_per_s
FROM findings FINAL
WHERE ${TENANT} AND $__timeFilter(ts)
GROUP BY time, family
ORDER BY time`,
          unit: 'suffix: /s',
          stacked: true,
          panelLinks: [{ title: 'Detections', url: `/d/${UIDS.detections}/detections?\${tenant:queryparam}` }],
        }),
        timeseries({
          title: 'Verdicts by action',
          description: 'allow, redact, require_approval and block, per interval.',
          at: { x: 0, y: 12, w: 12, h: 8 },
          sql: `SELECT $__timeInterval(event_ts) AS time, action, count() AS verdicts
FROM verdicts FINAL
WHERE ${TENANT} AND $__timeFilter(event_ts)
GROUP BY time, action
ORDER BY time`,
          unit: 'short',
          style: 'bars',
          stacked: true,
        }),
        timeseries({
          title: 'Verdict latency p50 / p99',
          description: 'Event to verdict; the dashed lines are the 50 ms objective and the 250 ms alarm.',
          at: { x: 12, y: 12, w: 12, h: 8 },
          sql: `SELECT $__timeInterval(event_ts) AS time, quantileDeterministic(0.5)(latency_ms, sipHash64(verdict_id)) AS p50,
  quantileDeterministic(0.99)(latency_ms, sipHash64(verdict_id)) AS p99
FROM verdicts FINAL
WHERE ${TENANT} AND $__timeFilter(event_ts)
GROUP BY time
ORDER BY time`,
          unit: 'ms',
          thresholds: [
            [null, 'green'],
            [50, 'orange'],
            [250, 'red'],
          ],
          thresholdLines: true,
        }),
        table({
          title: 'Top agents by risk',
          description:
            'Risk = findings weighted by severity (critical 10, high 5, medium 2, low 1). Click an agent for its drill-down.',
          at: { x: 0, y: 20, w: 24, h: 9 },
          sql: `SELECT f.agent_id AS agent_id, if(r.agent_id = '', 'shadow', r.risk_tier) AS risk_tier,
  f.risk AS risk, f.findings AS findings, f.pii AS pii, f.secrets AS secrets, f.injection AS injection,
  f.anomalies AS anomalies, f.policy AS policy
FROM
(
  SELECT toString(agent_id) AS agent_id,
    sum(multiIf(severity = 'critical', 10, severity = 'high', 5, severity = 'medium', 2, 1)) AS risk,
    count() AS findings,
    countIf(type LIKE 'pii.%') AS pii, countIf(type LIKE 'secret.%') AS secrets,
    countIf(type LIKE 'injection.%') AS injection, countIf(type LIKE 'anomaly.%') AS anomalies,
    countIf(type LIKE 'policy.%') AS policy
  FROM findings FINAL
  WHERE ${TENANT} AND $__timeFilter(ts)
  GROUP BY agent_id
) AS f
LEFT JOIN (SELECT agent_id, risk_tier FROM agent_registry FINAL WHERE ${TENANT}) AS r ON r.agent_id = f.agent_id
ORDER BY risk DESC
LIMIT 20`,
          thresholds: [
            [null, 'green'],
            [500, 'orange'],
            [2000, 'red'],
          ],
          overrides: [
            {
              field: 'agent_id',
              properties: [{ id: 'links', value: [{ ...agentLink(), targetBlank: false }] }],
            },
            {
              field: 'risk',
              properties: [{ id: 'custom.cellOptions', value: { type: 'color-background' } }],
            },
          ],
        }),
      ],
    }),
};

export default fleet;
