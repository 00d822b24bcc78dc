import type { AgentEvent } from '../../schemas/generated/agent-event.ts';
import { WardenError } from '../../services/lib/errors.ts';

/** The answer of POST /v1/check (services/decision), as far as the proxy reads it. */
export interface WardenDecision {
  readonly event_id: string;
  readonly action: 'allow' | 'redact' | 'block' | 'require_approval' | 'quarantine_agent' | 'revoke_credential';
  readonly reasons: readonly string[];
  readonly redactedText?: string;
  readonly redactedArguments?: string;
  readonly findings: readonly { type: string; severity: string; evidence: string }[];
  readonly decidedBy?: string;
  readonly policy?: { id: string; version: number };
}

/** The slice of GET /v1/agents/:id/policy (services/api) that approvals are read from. */
export interface PolicyVersionView {
  readonly change_id: string;
  readonly version: number;
  readonly status: string;
  readonly requires_approval: boolean;
  readonly proposed_by: string;
  readonly decided_by: string | null;
  readonly policy: { readonly actions: Readonly<Record<string, string>> };
}

export interface AgentPolicyView {
  readonly current: PolicyVersionView | null;
}

export interface WardenEndpoints {
  readonly decisionUrl?: string;
  readonly ingestUrl: string;
  readonly apiUrl?: string;
  readonly wardenKey: string;
  readonly apiKey: string | null;
  readonly timeoutMs: number;
}

/** True when the gateway must not forward (everything but allow and redact), as the SDK's isDenied. */
export function isDenied(d: Pick<WardenDecision, 'action'>): boolean {
  return d.action !== 'allow' && d.action !== 'redact';
}

async function errorText(res: Response): Promise<string> {
  try {
    const body = (await res.json()) as { code?: string; message?: string };
    return `${res.status} ${body.code ?? ''} ${body.message ?? ''}`.trim();
  } catch {
    return String(res.status);
  }
}

/**
 * HTTP client of warden's decision endpoint, ingest API and governance API. The proxy is a separate
 * deployable: it reaches warden only over these documented APIs, never Kafka or ClickHouse.
 */
export class WardenClient {
  constructor(private readonly e: WardenEndpoints) {}

  /** Inline decision; throws MCP_PROXY_WARDEN_UNAVAILABLE when there is none to act on. */
  async check(event: AgentEvent): Promise<WardenDecision> {
    if (this.e.decisionUrl === undefined) throw new WardenError('MCP_PROXY_WARDEN_UNAVAILABLE', 'no decision_url');
    let res: Response;
    try {
      res = await fetch(`${this.e.decisionUrl}/v1/check`, {
        method: 'POST',
        headers: { authorization: `Bearer ${this.e.wardenKey}`, 'content-type': 'application/json' },
        body: JSON.stringify(event),
        signal: AbortSignal.timeout(this.e.timeoutMs),
      });
    } catch (err) {
      throw new WardenError('MCP_PROXY_WARDEN_UNAVAILABLE', `${this.e.decisionUrl}: ${(err as Error).message}`, {
        cause: err,
      });
    }
    if (!res.ok)
      throw new WardenError('MCP_PROXY_WARDEN_UNAVAILABLE', `${this.e.decisionUrl}: ${await errorText(res)}`);
    return (await res.json()) as WardenDecision;
  }

  /**
   * Sends a batch to POST /v1/events. Returns 'retry' when the ingest API asked for it (429/503) or was
   * unreachable; throws on an answer that retrying cannot fix (400/401/403), naming it.
   */
  async mirror(events: readonly AgentEvent[]): Promise<'ok' | 'retry'> {
    let res: Response;
    try {
      res = await fetch(`${this.e.ingestUrl}/v1/events`, {
        method: 'POST',
        headers: { authorization: `Bearer ${this.e.wardenKey}`, 'content-type': 'application/json' },
        body: JSON.stringify(events),
        signal: AbortSignal.timeout(Math.max(this.e.timeoutMs, 10_000)),
      });
    } catch {
      return 'retry';
    }
    if (res.status === 202) return 'ok';
    if (res.status === 429 || res.status >= 500) return 'retry';
    throw new WardenError('MCP_PROXY_MIRROR_FAILED', `${this.e.ingestUrl}/v1/events: ${await errorText(res)}`);
  }

  /** The agent's policy as the governance API shows it; null when no api_url is configured. */
  async agentPolicy(agentId: string): Promise<AgentPolicyView | null> {
    if (this.e.apiUrl === undefined || this.e.apiKey === null) return null;
    const res = await fetch(`${this.e.apiUrl}/v1/agents/${encodeURIComponent(agentId)}/policy`, {
      headers: { authorization: `Bearer ${this.e.apiKey}` },
      signal: AbortSignal.timeout(this.e.timeoutMs),
    });
    if (!res.ok) throw new WardenError('MCP_PROXY_WARDEN_UNAVAILABLE', `${this.e.apiUrl}: ${await errorText(res)}`);
    return (await res.json()) as AgentPolicyView;
  }
}
