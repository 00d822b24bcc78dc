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
import { stat, table } from './lib/panels.ts';

// SQL conventions: see fleet-overview.ts. "Now" for the clocks is the range's end ($__toTime_ms).

const NOW = '($__toTime_ms)';
const sent = (cond: string) => `arrayExists(n -> ${cond}, JSONExtractArrayRaw(notifications))`;
const stage = (regime: string, st: string) =>
  sent(`JSONExtractString(n, 'regime') = '${regime}' AND JSONExtractString(n, 'stage') = '${st}'`);

/**
 * First deadlines of each regime, as services/api/regulatory-clocks.ts computes them (the API and
 * `warden incident show` have every stage): GDPR art. 33 72 h from awareness; NIS2 art. 23 early
 * warning 24 h and notification 72 h from awareness; DORA art. 19 initial notification 4 h from
 * classification and at most 24 h from awareness.
 */
const CLOCKS: { column: string; flag: string; notified: string; deadline: string }[] = [
  {
    column: 'gdpr_72h',
    flag: 'gdpr_personal_data_breach',
    notified: stage('gdpr', 'notification'),
    deadline: 'detected_at + INTERVAL 72 HOUR',
  },
  {
    column: 'nis2_early_warning_24h',
    flag: 'nis2_significant',
    notified: stage('nis2', 'early_warning'),
    deadline: 'detected_at + INTERVAL 24 HOUR',
  },
  {
    column: 'nis2_notification_72h',
    flag: 'nis2_significant',
    notified: stage('nis2', 'notification'),
    deadline: 'detected_at + INTERVAL 72 HOUR',
  },
  {
    column: 'dora_initial_4h',
    flag: 'dora_major_ict',
    notified: stage('dora', 'initial_notification'),
    deadline: 'least(coalesce(dora_classified_at, detected_at) + INTERVAL 4 HOUR, detected_at + INTERVAL 24 HOUR)',
  },
];

const clockText = (c: (typeof CLOCKS)[number]) => `multiIf(NOT ${c.flag}, '-', ${c.notified}, 'met',
    ${NOW} > ${c.deadline}, 'OVERDUE',
    concat(toString(intDiv(dateDiff('minute', ${NOW}, ${c.deadline}), 60)), ' h ',
      toString(dateDiff('minute', ${NOW}, ${c.deadline}) % 60), ' min left')) AS ${c.column}`;

/** Hours to the earliest open first-stage deadline (negative once overdue); NULL when none runs. */
const NEXT_DEADLINE = `arrayMin(arrayFilter(x -> isNotNull(x), [${CLOCKS.map(
  (c) => `if(${c.flag} AND NOT ${c.notified}, dateDiff('minute', ${NOW}, ${c.deadline}) / 60, NULL)`,
).join(', ')}]))`;

const compliance: DashboardDefinition = {
  slug: 'compliance',
  uid: UIDS.compliance,
  title: 'warden · Compliance',
  build: () =>
    wardenDashboard({
      uid: UIDS.compliance,
      title: 'warden · Compliance',
      description:
        'For the DPO and the compliance officer: incidents and their GDPR / NIS2 / DORA clocks, policy changes waiting for a four-eyes approval, agents asking for more scope, and whether the audit log is covered by signed checkpoints.',
      variables: [datasourceVariable(), tenantVariable()],
      panels: [
        stat({
          title: 'Incidents',
          description: 'Incidents recorded for the tenant (incidents have no closed state: they are evidence).',
          at: { x: 0, y: 0, w: 6, h: 4 },
          sql: `SELECT count() AS incidents FROM incidents FINAL WHERE ${TENANT} AND detected_at <= ${NOW}`,
          unit: 'short',
          thresholds: [
            [null, 'green'],
            [1, 'orange'],
          ],
        }),
        stat({
          title: 'Overdue notifications',
          description: 'First-stage regulatory deadlines passed without a recorded notification.',
          at: { x: 6, y: 0, w: 6, h: 4 },
          sql: `SELECT ${CLOCKS.map((c) => `countIf(${c.flag} AND NOT ${c.notified} AND ${NOW} > ${c.deadline})`).join('\n  + ')} AS overdue
FROM incidents FINAL
WHERE ${TENANT} AND detected_at <= ${NOW}`,
          unit: 'short',
          thresholds: [
            [null, 'green'],
            [1, 'red'],
          ],
        }),
        stat({
          title: 'Pending approvals',
          description: 'Policy changes waiting for an approver (POST /v1/change-requests/:id/approve).',
          at: { x: 12, y: 0, w: 6, h: 4 },
          sql: `SELECT countIf(status = 'pending') AS pending FROM policy_versions FINAL WHERE ${TENANT}`,
          unit: 'short',
          thresholds: [
            [null, 'green'],
            [1, 'orange'],
          ],
        }),
        stat({
          title: 'Audit records after the last checkpoint',
          description: 'Records of every audit stream not yet covered by a signed checkpoint.',
          at: { x: 18, y: 0, w: 6, h: 4 },
          sql: `SELECT sum(l.records - if(c.cp_seq IS NULL, 0, c.cp_seq)) AS unverified
FROM (SELECT stream, max(seq) AS records FROM audit_log WHERE ${TENANT} GROUP BY stream) AS l
LEFT JOIN (SELECT stream, max(seq) AS cp_seq FROM audit_checkpoints WHERE ${TENANT} GROUP BY stream) AS c
  ON c.stream = l.stream
SETTINGS join_use_nulls = 1`,
          unit: 'short',
          thresholds: [
            [null, 'green'],
            [1, 'orange'],
            [100, 'red'],
          ],
        }),
        table({
          title: 'Incidents and their regulatory clocks',
          description:
            'GDPR art. 33, NIS2 art. 23, DORA art. 19: time left for the first stage of each regime, or met / OVERDUE. next_deadline_h is the earliest open one. Later stages: GET /v1/incidents/:id.',
          at: { x: 0, y: 4, w: 24, h: 8 },
          sql: `SELECT incident_id, title, detected_at,
  ${CLOCKS.map(clockText).join(',\n  ')},
  ${NEXT_DEADLINE} AS next_deadline_h
FROM incidents FINAL
WHERE ${TENANT} AND detected_at <= ${NOW}
ORDER BY detected_at DESC
LIMIT 100`,
          thresholds: [
            [null, 'red'],
            [0, 'orange'],
            [12, 'green'],
          ],
          decimals: 1,
          overrides: [
            {
              field: 'next_deadline_h',
              properties: [
                { id: 'unit', value: 'h' },
                { id: 'custom.cellOptions', value: { type: 'color-background' } },
              ],
            },
          ],
        }),
        table({
          title: 'Pending approvals',
          description: 'Proposed policy versions not yet applied or rejected, oldest first.',
          at: { x: 0, y: 12, w: 12, h: 8 },
          sql: `SELECT change_id, agent_id, version, risk_tier, requires_approval, proposed_by, proposed_at, reason,
  round(dateDiff('minute', proposed_at, $__toTime) / 60, 1) AS waiting_h
FROM policy_versions FINAL
WHERE ${TENANT} AND status = 'pending'
ORDER BY proposed_at
LIMIT 100`,
          thresholds: [
            [null, 'green'],
            [4, 'orange'],
            [24, 'red'],
          ],
          overrides: [
            { field: 'agent_id', properties: [{ id: 'links', value: [agentLink()] }] },
            { field: 'waiting_h', properties: [{ id: 'custom.cellOptions', value: { type: 'color-text' } }] },
          ],
        }),
        table({
          title: 'Scope changes',
          description: 'Agents asking for more permissions in the range, and what warden decided.',
          at: { x: 12, y: 12, w: 12, h: 8 },
          sql: `SELECT e.ts AS time, e.agent_id AS agent_id, e.session_id AS session_id, e.requested AS requested,
  v.action AS verdict, arrayStringConcat(v.reasons, ', ') AS reasons
FROM
(
  SELECT event_id, ts, toString(agent_id) AS agent_id, session_id, attributes['requested'] AS requested
  FROM events FINAL WHERE ${TENANT} AND kind = 'scope_change' AND $__timeFilter(ts)
) AS e
LEFT JOIN (SELECT event_id, toString(action) AS action, reasons FROM verdicts FINAL WHERE ${TENANT} AND $__timeFilter(event_ts)) AS v
  ON v.event_id = e.event_id
ORDER BY time DESC
LIMIT 100`,
          overrides: [{ field: 'agent_id', properties: [{ id: 'links', value: [agentLink()] }] }],
        }),
        table({
          title: 'Audit log checkpoints',
          description:
            'Per audit stream: records, the last signed checkpoint and the records after it. `warden audit verify` checks the hash chain and the signatures.',
          at: { x: 0, y: 20, w: 24, h: 8 },
          sql: `SELECT l.stream AS stream, l.records AS records, l.last_record AS last_record,
  c.cp_seq AS checkpoint_seq, c.cp_ts AS checkpoint_at, c.cp_key AS key_id,
  l.records - if(c.cp_seq IS NULL, 0, c.cp_seq) AS after_checkpoint,
  multiIf(c.cp_seq IS NULL, 'never checkpointed', c.cp_seq >= l.records, 'checkpointed', 'records after checkpoint') AS status
FROM (SELECT stream, max(seq) AS records, max(ts) AS last_record FROM audit_log WHERE ${TENANT} GROUP BY stream) AS l
LEFT JOIN
(
  SELECT stream, max(seq) AS cp_seq, argMax(ts, seq) AS cp_ts, argMax(key_id, seq) AS cp_key
  FROM audit_checkpoints WHERE ${TENANT} GROUP BY stream
) AS c ON c.stream = l.stream
ORDER BY after_checkpoint DESC, stream
SETTINGS join_use_nulls = 1`,
          thresholds: [
            [null, 'green'],
            [1, 'orange'],
            [100, 'red'],
          ],
          overrides: [
            {
              field: 'after_checkpoint',
              properties: [{ id: 'custom.cellOptions', value: { type: 'color-background' } }],
            },
          ],
        }),
      ],
    }),
};

export default compliance;
