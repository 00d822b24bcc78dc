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
import { barchart, stat, table, timeseries } from './lib/panels.ts';

// SQL conventions: see fleet-overview.ts.

/** The injection detectors' `channel` attribute, in the words an analyst uses. */
const CHANNEL = `multiIf(attributes['channel'] = 'indirect', 'in tool results', attributes['channel'] = 'model_output', 'in model output', 'direct')`;

const num = (key: string) => `toFloat64OrZero(attributes['${key}'])`;

const countStat = (title: string, description: string, x: number, where: string, warnAt: number) =>
  stat({
    title,
    description,
    at: { x, y: 0, w: 6, h: 4 },
    sql: `SELECT count() AS findings
FROM findings FINAL
WHERE ${TENANT} AND $__timeFilter(ts) AND ${where}`,
    unit: 'short',
    thresholds: [
      [null, 'green'],
      [warnAt, 'orange'],
    ],
  });

const detections: DashboardDefinition = {
  slug: 'detections',
  uid: UIDS.detections,
  title: 'warden · Detections',
  build: () =>
    wardenDashboard({
      uid: UIDS.detections,
      title: 'warden · Detections',
      description:
        'What the detectors found: personal data by type and agent, secrets, prompt injection typed by a user or carried in tool results, and anomalies with the baseline they broke. Evidence is masked.',
      variables: [datasourceVariable(), tenantVariable()],
      panels: [
        countStat('PII findings', 'Personal data found in prompts, tool calls and results.', 0, "type LIKE 'pii.%'", 1),
        countStat('Secrets', 'Credentials and keys found in traffic.', 6, "type LIKE 'secret.%'", 1),
        countStat('Injection attempts', 'Prompt-injection findings, every channel.', 12, "type LIKE 'injection.%'", 1),
        countStat(
          'Anomaly alerts',
          'Call rate, session size and token use above the learnt baseline.',
          18,
          "type LIKE 'anomaly.%'",
          1,
        ),
        timeseries({
          title: 'PII by type',
          description: 'Personal-data findings per interval, by detector type.',
          at: { x: 0, y: 4, w: 12, h: 8 },
          sql: `SELECT $__timeInterval(ts) AS time, type, count() AS findings
FROM findings FINAL
WHERE ${TENANT} AND $__timeFilter(ts) AND type LIKE 'pii.%'
GROUP BY time, type
ORDER BY time`,
          unit: 'short',
          style: 'bars',
          stacked: true,
        }),
        barchart({
          title: 'PII by agent',
          description: 'Which agents handle personal data, split by kind. Click a bar for the agent.',
          at: { x: 12, y: 4, w: 12, h: 8 },
          sql: `SELECT toString(agent_id) AS agent_id,
  countIf(type = 'pii.email') AS email, countIf(type = 'pii.phone') AS phone,
  countIf(type = 'pii.payment_card') AS payment_card, countIf(type = 'pii.iban') AS iban,
  countIf(type NOT IN ('pii.email', 'pii.phone', 'pii.payment_card', 'pii.iban')) AS other
FROM findings FINAL
WHERE ${TENANT} AND $__timeFilter(ts) AND type LIKE 'pii.%'
GROUP BY agent_id
ORDER BY count() DESC
LIMIT 20`,
          unit: 'short',
          stacked: true,
          horizontal: true,
          links: [agentLink()],
        }),
        timeseries({
          title: 'Injection attempts: direct vs in tool results',
          description:
            'Direct: typed into a prompt. In tool results: instructions planted in content a tool fetched (indirect injection), the more dangerous kind.',
          at: { x: 0, y: 12, w: 12, h: 8 },
          sql: `SELECT $__timeInterval(ts) AS time, ${CHANNEL} AS channel, count() AS attempts
FROM findings FINAL
WHERE ${TENANT} AND $__timeFilter(ts) AND type LIKE 'injection.%'
GROUP BY time, channel
ORDER BY time`,
          unit: 'short',
          style: 'bars',
          stacked: true,
        }),
        barchart({
          title: 'Injection by technique and channel',
          description: 'Override, role hijack, prompt exfiltration, tool abuse; direct beside indirect.',
          at: { x: 12, y: 12, w: 12, h: 8 },
          sql: `SELECT replaceOne(type, 'injection.', '') AS technique,
  countIf(attributes['channel'] NOT IN ('indirect', 'model_output')) AS direct,
  countIf(attributes['channel'] = 'indirect') AS in_tool_results,
  countIf(attributes['channel'] = 'model_output') AS in_model_output
FROM findings FINAL
WHERE ${TENANT} AND $__timeFilter(ts) AND type LIKE 'injection.%'
GROUP BY technique
ORDER BY count() DESC`,
          unit: 'short',
          stacked: true,
          horizontal: true,
        }),
        table({
          title: 'Secrets (masked)',
          description: 'The latest secret findings; evidence keeps only a prefix. Click an agent for its drill-down.',
          at: { x: 0, y: 20, w: 12, h: 9 },
          sql: `SELECT ts AS time, toString(agent_id) AS agent_id, session_id, type, severity, evidence
FROM findings FINAL
WHERE ${TENANT} AND $__timeFilter(ts) AND type LIKE 'secret.%'
ORDER BY ts DESC
LIMIT 100`,
          overrides: [{ field: 'agent_id', properties: [{ id: 'links', value: [agentLink()] }] }],
        }),
        timeseries({
          title: 'Anomalies: observed vs baseline',
          description: 'Largest observed value per interval beside the upper bound and median it was judged against.',
          at: { x: 12, y: 20, w: 12, h: 9 },
          sql: `SELECT $__timeInterval(ts) AS time, max(${num('value')}) AS observed,
  max(${num('upper_bound')}) AS upper_bound, max(${num('median')}) AS baseline_median
FROM findings FINAL
WHERE ${TENANT} AND $__timeFilter(ts) AND type LIKE 'anomaly.%'
GROUP BY time
ORDER BY time`,
          unit: 'short',
          style: 'bars',
        }),
        table({
          title: 'Anomaly alerts, with their baseline',
          description:
            'Each alert: the observed value, the learnt median and MAD, the upper bound it crossed and by how much.',
          at: { x: 0, y: 29, w: 24, h: 9 },
          sql: `SELECT ts AS time, toString(agent_id) AS agent_id, session_id, replaceOne(type, 'anomaly.', '') AS anomaly,
  attributes['scope'] AS scope, ${num('value')} AS observed, ${num('median')} AS baseline_median,
  ${num('mad')} AS mad, ${num('upper_bound')} AS upper_bound,
  round(${num('value')} / nullIf(${num('upper_bound')}, 0), 2) AS times_bound,
  ${num('baseline_samples')} AS samples
FROM findings FINAL
WHERE ${TENANT} AND $__timeFilter(ts) AND type LIKE 'anomaly.%'
ORDER BY ts DESC
LIMIT 100`,
          thresholds: [
            [null, 'green'],
            [1, 'orange'],
            [1.5, 'red'],
          ],
          overrides: [
            { field: 'agent_id', properties: [{ id: 'links', value: [agentLink()] }] },
            { field: 'times_bound', properties: [{ id: 'custom.cellOptions', value: { type: 'color-background' } }] },
          ],
        }),
      ],
    }),
};

export default detections;
