import type { ClickHouseClient } from '../lib/clickhouse/client.ts';
import { WardenError } from '../lib/errors.ts';

/**
 * Session reconstruction (issue 6, item 5): every event of a session in order, each with its
 * findings and verdict. Only metadata, masked evidence and redacted text are ever selected: clear
 * content is not stored, and free-form columns (attributes, user_id) are deliberately left out.
 */

export interface SessionEventRow {
  event_id: string;
  ts_ms: number;
  agent_id: string;
  agent_version: string;
  environment: string;
  kind: string;
  model_system: string;
  model_name: string;
  tool_name: string;
  tool_target: string;
  tool_mode: string;
  content_sha256: string;
  content_length: number;
  content_truncated: boolean;
  input_tokens: number;
  output_tokens: number;
  cost_usd: number;
  credential_id: string;
  enforcement_point_id: string;
  source_mode: string;
  data_classes: string[];
}

export interface SessionFindingRow {
  finding_id: string;
  event_id: string;
  ts_ms: number;
  agent_id: string;
  detector: string;
  detector_version: string;
  type: string;
  severity: string;
  score: number;
  /** Masked by the detector that raised it; never the clear value. */
  evidence: string;
}

export interface SessionVerdictRow {
  verdict_id: string;
  event_id: string;
  agent_id: string;
  action: string;
  scope: string;
  reasons: string[];
  policy_id: string;
  policy_version: number;
  issued_at_ms: number;
  shadow_action: string;
  content_redacted: string;
  arguments_redacted: string;
}

export interface ReconstructedVerdict {
  verdict_id: string;
  action: string;
  scope: string;
  reasons: string[];
  policy: { id: string; version: number };
  issued_at: string;
  shadow_action: string | null;
  content_redacted: string | null;
  arguments_redacted: string | null;
}

export interface ReconstructedFinding {
  finding_id: string;
  detector: string;
  detector_version: string;
  type: string;
  severity: string;
  score: number;
  evidence: string;
}

export interface ReconstructedEvent {
  seq: number;
  event_id: string;
  ts: string;
  agent_id: string;
  agent_version: string;
  environment: string;
  kind: string;
  model: { system: string; name: string } | null;
  tool: { name: string; target: string; mode: string } | null;
  content: { sha256: string; length: number; truncated: boolean } | null;
  usage: { input_tokens: number; output_tokens: number; cost_usd: number };
  credential_id: string | null;
  enforcement_point_id: string;
  source_mode: string;
  data_classes: string[];
  findings: ReconstructedFinding[];
  verdict: ReconstructedVerdict | null;
}

export interface SessionSummary {
  agents: string[];
  events: number;
  findings: number;
  counts_by_kind: Record<string, number>;
  actions: Record<string, number>;
  /** Verdicts with action `block`. */
  blocked: number;
  /** Verdicts that stopped the call: block, require_approval, quarantine_agent, revoke_credential. */
  denied: number;
  policies: { id: string; version: number }[];
  first_ts: string | null;
  last_ts: string | null;
}

export interface ReconstructedSession {
  tenant_id: string;
  session_id: string;
  generated_at: string;
  summary: SessionSummary;
  events: ReconstructedEvent[];
  /** Verdicts on the session not caused by one of its events (revocation, quarantine, budgets). */
  standing_verdicts: ReconstructedVerdict[];
}

export interface AgentSessionRow {
  session_id: string;
  first_ms: number;
  last_ms: number;
  events: number;
}

export interface AgentSessionVerdictRow {
  session_id: string;
  not_allowed: number;
  blocked: number;
}

export interface AgentSession {
  session_id: string;
  first_ts: string;
  last_ts: string;
  events: number;
  not_allowed: number;
  blocked: number;
}

/** Actions that stop the event (or everything after it). */
export const BLOCKING_ACTIONS: ReadonlySet<string> = new Set([
  'block',
  'quarantine_agent',
  'revoke_credential',
  'require_approval',
]);

const iso = (ms: number) => new Date(ms).toISOString();
const orNull = (s: string) => (s === '' ? null : s);

function toVerdict(v: SessionVerdictRow): ReconstructedVerdict {
  return {
    verdict_id: v.verdict_id,
    action: v.action,
    scope: v.scope,
    reasons: v.reasons,
    policy: { id: v.policy_id, version: Number(v.policy_version) },
    issued_at: iso(Number(v.issued_at_ms)),
    shadow_action: orNull(v.shadow_action),
    content_redacted: orNull(v.content_redacted),
    arguments_redacted: orNull(v.arguments_redacted),
  };
}

/** Joins rows (already bound to one tenant and session) into the ordered session; null when empty. */
export function reconstructSession(
  tenant: string,
  sessionId: string,
  events: readonly SessionEventRow[],
  findings: readonly SessionFindingRow[],
  verdicts: readonly SessionVerdictRow[],
  nowMs: number = Date.now(),
): ReconstructedSession | null {
  if (events.length === 0 && verdicts.length === 0 && findings.length === 0) return null;
  const ordered = [...events].sort((a, b) => Number(a.ts_ms) - Number(b.ts_ms) || a.event_id.localeCompare(b.event_id));
  const findingsByEvent = new Map<string, SessionFindingRow[]>();
  for (const f of [...findings].sort(
    (a, b) => Number(a.ts_ms) - Number(b.ts_ms) || a.finding_id.localeCompare(b.finding_id),
  )) {
    const list = findingsByEvent.get(f.event_id) ?? [];
    list.push(f);
    findingsByEvent.set(f.event_id, list);
  }
  // The newest verdict per event wins (a re-issued verdict has the same id; a later one supersedes).
  const verdictByEvent = new Map<string, SessionVerdictRow>();
  const standing: SessionVerdictRow[] = [];
  const eventIds = new Set(ordered.map((e) => e.event_id));
  for (const v of [...verdicts].sort((a, b) => Number(a.issued_at_ms) - Number(b.issued_at_ms))) {
    if (v.event_id !== '' && eventIds.has(v.event_id)) verdictByEvent.set(v.event_id, v);
    else standing.push(v);
  }

  const countsByKind: Record<string, number> = {};
  const actions: Record<string, number> = {};
  const agents = new Set<string>();
  const policies = new Map<string, { id: string; version: number }>();
  let blocked = 0;
  let denied = 0;
  let findingCount = 0;
  const out: ReconstructedEvent[] = ordered.map((e, i) => {
    agents.add(e.agent_id);
    countsByKind[e.kind] = (countsByKind[e.kind] ?? 0) + 1;
    const v = verdictByEvent.get(e.event_id);
    if (v) {
      actions[v.action] = (actions[v.action] ?? 0) + 1;
      if (v.action === 'block') blocked++;
      if (BLOCKING_ACTIONS.has(v.action)) denied++;
      policies.set(`${v.policy_id}@${v.policy_version}`, { id: v.policy_id, version: Number(v.policy_version) });
    }
    const fs = (findingsByEvent.get(e.event_id) ?? []).map((f) => ({
      finding_id: f.finding_id,
      detector: f.detector,
      detector_version: f.detector_version,
      type: f.type,
      severity: f.severity,
      score: Number(f.score),
      evidence: f.evidence,
    }));
    findingCount += fs.length;
    return {
      seq: i + 1,
      event_id: e.event_id,
      ts: iso(Number(e.ts_ms)),
      agent_id: e.agent_id,
      agent_version: e.agent_version,
      environment: e.environment,
      kind: e.kind,
      model: e.model_name || e.model_system ? { system: e.model_system, name: e.model_name } : null,
      tool: e.tool_name ? { name: e.tool_name, target: e.tool_target, mode: e.tool_mode } : null,
      content: e.content_sha256
        ? { sha256: e.content_sha256, length: Number(e.content_length), truncated: Boolean(e.content_truncated) }
        : null,
      usage: {
        input_tokens: Number(e.input_tokens),
        output_tokens: Number(e.output_tokens),
        cost_usd: Number(e.cost_usd),
      },
      credential_id: orNull(e.credential_id),
      enforcement_point_id: e.enforcement_point_id,
      source_mode: e.source_mode,
      data_classes: e.data_classes,
      findings: fs,
      verdict: v ? toVerdict(v) : null,
    };
  });
  for (const v of standing) {
    agents.add(v.agent_id);
    actions[v.action] = (actions[v.action] ?? 0) + 1;
    if (v.action === 'block') blocked++;
    if (BLOCKING_ACTIONS.has(v.action)) denied++;
    policies.set(`${v.policy_id}@${v.policy_version}`, { id: v.policy_id, version: Number(v.policy_version) });
  }
  // Findings whose event is missing (TTL expired or not yet sunk) still count, so nothing is hidden.
  const orphanFindings = findings.filter((f) => !eventIds.has(f.event_id)).length;
  return {
    tenant_id: tenant,
    session_id: sessionId,
    generated_at: iso(nowMs),
    summary: {
      agents: [...agents].sort(),
      events: out.length,
      findings: findingCount + orphanFindings,
      counts_by_kind: countsByKind,
      actions,
      blocked,
      denied,
      policies: [...policies.values()].sort((a, b) => a.id.localeCompare(b.id) || a.version - b.version),
      first_ts: out[0]?.ts ?? null,
      last_ts: out[out.length - 1]?.ts ?? null,
    },
    events: out,
    standing_verdicts: standing.map(toVerdict),
  };
}

/** Runs a tenant-bound query; any ClickHouse failure becomes API_STORE_UNAVAILABLE. */
export async function queryRows<T>(
  ch: ClickHouseClient,
  query: string,
  params: Record<string, string | number>,
): Promise<T[]> {
  try {
    const result = await ch.query({ query, query_params: params, format: 'JSONEachRow' });
    return await result.json<T>();
  } catch (err) {
    throw new WardenError('API_STORE_UNAVAILABLE', (err as Error).message, { cause: err });
  }
}

/**
 * The session queries. Every one filters on `tenant_id = {tenant:String}` from the caller's key, so
 * a session id of another tenant matches nothing and is reported as not found.
 */
export class SessionStore {
  constructor(
    private readonly ch: ClickHouseClient,
    private readonly now: () => number = Date.now,
  ) {}

  async get(tenant: string, sessionId: string): Promise<ReconstructedSession | null> {
    const params = { tenant, session: sessionId };
    const where = 'WHERE tenant_id = {tenant:String} AND session_id = {session:String}';
    const [events, findings, verdicts] = await Promise.all([
      queryRows<SessionEventRow>(
        this.ch,
        `SELECT event_id, toUnixTimestamp64Milli(ts) AS ts_ms, agent_id, agent_version, environment, kind,
           model_system, model_name, tool_name, tool_target, tool_mode, content_sha256, content_length,
           content_truncated, input_tokens, output_tokens, cost_usd, credential_id, enforcement_point_id,
           source_mode, data_classes
         FROM events FINAL ${where} ORDER BY ts, event_id`,
        params,
      ),
      queryRows<SessionFindingRow>(
        this.ch,
        `SELECT finding_id, event_id, toUnixTimestamp64Milli(ts) AS ts_ms, agent_id, detector, detector_version,
           type, severity, score, evidence
         FROM findings FINAL ${where} ORDER BY ts, finding_id`,
        params,
      ),
      queryRows<SessionVerdictRow>(
        this.ch,
        `SELECT verdict_id, event_id, agent_id, action, scope, reasons, policy_id, policy_version,
           toUnixTimestamp64Milli(issued_at) AS issued_at_ms, shadow_action, content_redacted, arguments_redacted
         FROM verdicts FINAL ${where} ORDER BY issued_at, verdict_id`,
        params,
      ),
    ]);
    return reconstructSession(tenant, sessionId, events, findings, verdicts, this.now());
  }

  /** The agent's most recent sessions (by last event), newest first. */
  async listForAgent(tenant: string, agentId: string, limit: number): Promise<AgentSession[]> {
    const params = { tenant, agent: agentId, limit };
    const sessions = await queryRows<AgentSessionRow>(
      this.ch,
      `SELECT session_id, toUnixTimestamp64Milli(min(ts)) AS first_ms, toUnixTimestamp64Milli(max(ts)) AS last_ms,
         uniqExact(event_id) AS events
       FROM events WHERE tenant_id = {tenant:String} AND agent_id = {agent:String}
       GROUP BY session_id ORDER BY last_ms DESC, session_id LIMIT {limit:UInt32}`,
      params,
    );
    if (sessions.length === 0) return [];
    const verdicts = await queryRows<AgentSessionVerdictRow>(
      this.ch,
      `SELECT session_id, countIf(action != 'allow') AS not_allowed,
         countIf(action = 'block') AS blocked
       FROM verdicts FINAL
       WHERE tenant_id = {tenant:String} AND agent_id = {agent:String} AND session_id IN (
         SELECT session_id FROM events WHERE tenant_id = {tenant:String} AND agent_id = {agent:String}
         GROUP BY session_id ORDER BY max(ts) DESC, session_id LIMIT {limit:UInt32})
       GROUP BY session_id`,
      params,
    );
    const bySession = new Map(verdicts.map((v) => [v.session_id, v]));
    return sessions.map((s) => ({
      session_id: s.session_id,
      first_ts: iso(Number(s.first_ms)),
      last_ts: iso(Number(s.last_ms)),
      events: Number(s.events),
      not_allowed: Number(bySession.get(s.session_id)?.not_allowed ?? 0),
      blocked: Number(bySession.get(s.session_id)?.blocked ?? 0),
    }));
  }
}
