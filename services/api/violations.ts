import type { ClickHouseClient } from '../lib/clickhouse/client.ts';
import { WardenError } from '../lib/errors.ts';
import { queryRows } from './session-reconstruction.ts';

/**
 * Policy violations of a period (issue 6: "any policy violations this week? 3, all blocked, here is
 * the evidence"). A violation is one event (or standing verdict) that got a verdict other than
 * `allow`, or that raised a policy.*, secret.* or injection.* finding. It is counted once in the
 * totals and once in each (agent, type) group its reasons and findings name.
 */

export const VIOLATION_FAMILIES = ['policy.', 'secret.', 'injection.'] as const;

/** `30m`, `24h`, `7d`, `2w`: the period before now, at most 366 days. */
export const SINCE_PATTERN = '^[0-9]{1,4}[mhdw]$';
const UNIT_MS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000 };
export const MAX_PERIOD_MS = 366 * 86_400_000;

export function parseSince(since: string): number {
  // A request value: read with string operations, not a native RegExp (SINCE_PATTERN is the schema's).
  const digits = since.slice(0, -1);
  const unit = UNIT_MS[since.slice(-1)];
  const wellFormed = digits.length >= 1 && digits.length <= 4 && [...digits].every((c) => c >= '0' && c <= '9');
  const ms = wellFormed && unit !== undefined ? Number(digits) * unit : Number.NaN;
  if (!(ms > 0) || ms > MAX_PERIOD_MS) {
    throw new WardenError('API_INVALID_REQUEST', `since must be like 7d, 24h, 30m or 2w, at most 366d (got ${since})`);
  }
  return ms;
}

export interface ViolationVerdictRow {
  verdict_id: string;
  event_id: string;
  agent_id: string;
  session_id: string;
  action: string;
  reasons: string[];
  policy_id: string;
  policy_version: number;
  issued_at_ms: number;
}

export interface ViolationFindingRow {
  finding_id: string;
  event_id: string;
  agent_id: string;
  session_id: string;
  type: string;
  severity: string;
  evidence: string;
  ts_ms: number;
}

/** Outcome buckets: what enforcement did about the violations of a group. */
export interface OutcomeCounts {
  blocked: number;
  redacted: number;
  quarantined: number;
  revoked: number;
  approval_required: number;
  /** Detected (policy/secret/injection finding) but the verdict allowed it, e.g. under a shadow policy. */
  not_enforced: number;
}

export interface ViolationExample {
  event_id: string;
  session_id: string;
  ts: string;
  action: string;
  policy: { id: string; version: number } | null;
  severity: string | null;
  /** Masked by the detector; never the clear value. */
  evidence: string | null;
}

export interface ViolationGroup extends OutcomeCounts {
  agent_id: string;
  type: string;
  count: number;
  first_ts: string;
  last_ts: string;
  examples: ViolationExample[];
}

export interface ViolationReport extends OutcomeCounts {
  tenant_id: string;
  generated_at: string;
  since: string;
  from: string;
  to: string;
  count: number;
  agents: string[];
  groups: ViolationGroup[];
}

const OUTCOME: Record<string, keyof OutcomeCounts> = {
  block: 'blocked',
  redact: 'redacted',
  quarantine_agent: 'quarantined',
  revoke_credential: 'revoked',
  require_approval: 'approval_required',
};

const emptyCounts = (): OutcomeCounts => ({
  blocked: 0,
  redacted: 0,
  quarantined: 0,
  revoked: 0,
  approval_required: 0,
  not_enforced: 0,
});

export function isViolationType(type: string): boolean {
  return VIOLATION_FAMILIES.some((f) => type.startsWith(f));
}

interface Unit {
  id: string;
  agent_id: string;
  session_id: string;
  ts: number;
  verdict: ViolationVerdictRow | null;
  types: Set<string>;
  findings: ViolationFindingRow[];
}

const EXAMPLES_PER_GROUP = 3;

/** Groups the period's non-allow verdicts and violation findings per agent and type. */
export function groupViolations(
  verdicts: readonly ViolationVerdictRow[],
  findings: readonly ViolationFindingRow[],
): { totals: OutcomeCounts; count: number; agents: string[]; groups: ViolationGroup[] } {
  const units = new Map<string, Unit>();
  for (const v of [...verdicts].sort((a, b) => Number(a.issued_at_ms) - Number(b.issued_at_ms))) {
    if (v.action === 'allow') continue;
    const id = v.event_id === '' ? `verdict:${v.verdict_id}` : v.event_id;
    const u = units.get(id) ?? {
      id,
      agent_id: v.agent_id,
      session_id: v.session_id,
      ts: Number(v.issued_at_ms),
      verdict: null,
      types: new Set<string>(),
      findings: [],
    };
    u.verdict = v; // the newest verdict of the event wins
    for (const r of v.reasons) u.types.add(r);
    if (v.reasons.length === 0) u.types.add(`verdict.${v.action}`);
    units.set(id, u);
  }
  for (const f of findings) {
    let u = units.get(f.event_id);
    if (u === undefined && isViolationType(f.type)) {
      u = {
        id: f.event_id,
        agent_id: f.agent_id,
        session_id: f.session_id,
        ts: Number(f.ts_ms),
        verdict: null,
        types: new Set(),
        findings: [],
      };
      units.set(f.event_id, u);
    }
    if (u === undefined) continue;
    if (isViolationType(f.type)) u.types.add(f.type);
    u.ts = Math.min(u.ts, Number(f.ts_ms));
    u.findings.push(f);
  }

  const totals = emptyCounts();
  const groups = new Map<string, ViolationGroup>();
  for (const u of units.values()) {
    const outcome: keyof OutcomeCounts = u.verdict ? (OUTCOME[u.verdict.action] ?? 'not_enforced') : 'not_enforced';
    totals[outcome]++;
    for (const type of u.types) {
      const key = `${u.agent_id}\u0000${type}`;
      const g = groups.get(key) ?? {
        agent_id: u.agent_id,
        type,
        count: 0,
        ...emptyCounts(),
        first_ts: new Date(u.ts).toISOString(),
        last_ts: new Date(u.ts).toISOString(),
        examples: [],
      };
      g.count++;
      g[outcome]++;
      const ts = new Date(u.ts).toISOString();
      if (ts < g.first_ts) g.first_ts = ts;
      if (ts > g.last_ts) g.last_ts = ts;
      if (g.examples.length < EXAMPLES_PER_GROUP) {
        const f = u.findings.find((x) => x.type === type);
        g.examples.push({
          event_id: u.id,
          session_id: u.session_id,
          ts,
          action: u.verdict?.action ?? 'allow',
          policy: u.verdict ? { id: u.verdict.policy_id, version: Number(u.verdict.policy_version) } : null,
          severity: f?.severity ?? null,
          evidence: f?.evidence ?? null,
        });
      }
      groups.set(key, g);
    }
  }
  return {
    totals,
    count: units.size,
    agents: [...new Set([...units.values()].map((u) => u.agent_id))].sort(),
    groups: [...groups.values()].sort(
      (a, b) => a.agent_id.localeCompare(b.agent_id) || b.count - a.count || a.type.localeCompare(b.type),
    ),
  };
}

/** The violation queries, each bound to the caller's tenant and the period. */
export class ViolationStore {
  constructor(
    private readonly ch: ClickHouseClient,
    private readonly now: () => number = Date.now,
  ) {}

  async list(tenant: string, since: string): Promise<ViolationReport> {
    const periodMs = parseSince(since);
    const to = this.now();
    const from = to - periodMs;
    const params = { tenant, from_ms: from };
    const violating = `SELECT event_id FROM verdicts FINAL
      WHERE tenant_id = {tenant:String} AND issued_at >= fromUnixTimestamp64Milli({from_ms:Int64})
        AND action != 'allow' AND event_id != ''`;
    const [verdicts, findings] = await Promise.all([
      queryRows<ViolationVerdictRow>(
        this.ch,
        `SELECT verdict_id, event_id, agent_id, session_id, action, reasons, policy_id, policy_version,
           toUnixTimestamp64Milli(issued_at) AS issued_at_ms
         FROM verdicts FINAL
         WHERE tenant_id = {tenant:String} AND issued_at >= fromUnixTimestamp64Milli({from_ms:Int64})
           AND action != 'allow'
         ORDER BY issued_at, verdict_id`,
        params,
      ),
      queryRows<ViolationFindingRow>(
        this.ch,
        `SELECT finding_id, event_id, agent_id, session_id, type, severity, evidence,
           toUnixTimestamp64Milli(ts) AS ts_ms
         FROM findings FINAL
         WHERE tenant_id = {tenant:String} AND ts >= fromUnixTimestamp64Milli({from_ms:Int64})
           AND (startsWith(type, 'policy.') OR startsWith(type, 'secret.') OR startsWith(type, 'injection.')
                OR event_id IN (${violating}))
         ORDER BY ts, finding_id`,
        params,
      ),
    ]);
    const g = groupViolations(verdicts, findings);
    return {
      tenant_id: tenant,
      generated_at: new Date(to).toISOString(),
      since,
      from: new Date(from).toISOString(),
      to: new Date(to).toISOString(),
      count: g.count,
      ...g.totals,
      agents: g.agents,
      groups: g.groups,
    };
  }
}
