import type { ClickHouseClient } from '../lib/clickhouse/client.ts';
import { parseSince } from './violations.ts';

/** What a shadow policy would have done, per would-be action and policy version. */
export interface ShadowOutcome {
  shadow_action: string;
  policy_id: string;
  policy_version: number;
  events: number;
  sessions: number;
  reasons: string[];
  last_seen: string;
  example_event_id: string;
}

export interface ShadowReport {
  tenant_id: string;
  agent_id: string;
  since: string;
  from: string;
  to: string;
  /** Verdicts issued for the agent in the period, and how many of them a shadow policy decided. */
  judged: number;
  judged_in_shadow: number;
  would_have_denied: number;
  outcomes: ShadowOutcome[];
}

/**
 * Shadow mode on live traffic: a policy published with `enforcement: shadow` is evaluated by the
 * detectors on every event, which are allowed, and the verdict records what enforcing would have
 * done (`shadow_action`). This report reads those verdicts back, so an approver sees what the new
 * scope would have blocked before anyone turns it to `enforce`.
 */
export class ShadowReportStore {
  constructor(
    private readonly ch: ClickHouseClient,
    private readonly now: () => number = Date.now,
  ) {}

  async report(tenant: string, agent: string, since: string): Promise<ShadowReport> {
    const to = this.now();
    const from = to - parseSince(since);
    const params = { tenant, agent, from, to };
    const where = `tenant_id = {tenant:String} AND agent_id = {agent:String}
      AND issued_at >= fromUnixTimestamp64Milli({from:Int64}) AND issued_at <= fromUnixTimestamp64Milli({to:Int64})`;
    const [totals] = await (
      await this.ch.query({
        query: `SELECT count() AS judged, countIf(shadow_action != '') AS judged_in_shadow,
                       countIf(shadow_action NOT IN ('', 'allow', 'redact')) AS would_have_denied
                FROM verdicts FINAL WHERE ${where}`,
        query_params: params,
        format: 'JSONEachRow',
      })
    ).json<{ judged: number; judged_in_shadow: number; would_have_denied: number }>();
    const outcomes = await (
      await this.ch.query({
        query: `SELECT shadow_action, policy_id, policy_version, count() AS events, uniqExact(session_id) AS sessions,
                       arraySlice(arraySort(groupUniqArrayArray(reasons)), 1, 20) AS reasons,
                       toString(max(issued_at)) AS last_seen, argMax(event_id, issued_at) AS example_event_id
                FROM verdicts FINAL
                WHERE ${where} AND shadow_action != ''
                GROUP BY shadow_action, policy_id, policy_version
                ORDER BY events DESC`,
        query_params: params,
        format: 'JSONEachRow',
      })
    ).json<ShadowOutcome>();
    return {
      tenant_id: tenant,
      agent_id: agent,
      since,
      from: new Date(from).toISOString(),
      to: new Date(to).toISOString(),
      judged: Number(totals?.judged ?? 0),
      judged_in_shadow: Number(totals?.judged_in_shadow ?? 0),
      would_have_denied: Number(totals?.would_have_denied ?? 0),
      outcomes: outcomes.map((o) => ({
        ...o,
        policy_version: Number(o.policy_version),
        events: Number(o.events),
        sessions: Number(o.sessions),
      })),
    };
  }
}
