import { createHash } from 'node:crypto';
import { ulid } from 'ulid';
import type { AgentEvent, DevWardenV1 } from '../../schemas/generated/agent-event.ts';

/** Who the proxy speaks for; fixed per proxy by its config file. */
export interface AgentIdentity {
  readonly tenant_id: string;
  readonly agent_id: string;
  readonly agent_version: string | null;
  readonly owner: string | null;
  readonly environment: string;
  readonly enforcement_point_id: string;
  readonly mode: 'mirror' | 'enforce';
}

export interface EventInput {
  readonly kind: DevWardenV1.EventKind;
  readonly sessionId: string;
  readonly tool?: { name: string; target: string | null; arguments?: string | null };
  readonly text?: string;
  readonly attributes?: Record<string, string>;
}

/** Content as the contract wants it: possibly truncated text, with the length and sha256 of the whole. */
export function contentOf(text: string, maxChars: number): DevWardenV1.Content {
  const length = Buffer.byteLength(text, 'utf8');
  const sha256 = createHash('sha256').update(text, 'utf8').digest('hex');
  if (text.length <= maxChars) return { text, truncated: false, length, sha256 };
  let end = maxChars;
  const c = text.charCodeAt(end - 1);
  if (c >= 0xd800 && c <= 0xdbff) end -= 1;
  return { text: text.slice(0, end), truncated: true, length, sha256 };
}

/** Builds AgentEvents of one proxy: identity, source and ids filled in one place. */
export class EventFactory {
  constructor(
    private readonly id: AgentIdentity,
    private readonly maxContentChars: number,
    private readonly now: () => number = Date.now,
  ) {}

  build(i: EventInput): AgentEvent {
    return {
      event_id: ulid(),
      ts: this.now(),
      tenant_id: this.id.tenant_id,
      agent_id: this.id.agent_id,
      agent_version: this.id.agent_version,
      owner: this.id.owner,
      environment: this.id.environment,
      session_id: i.sessionId,
      trace_id: null,
      span_id: null,
      kind: i.kind,
      model: null,
      tool: i.tool
        ? { name: i.tool.name, target: i.tool.target, mode: null, arguments: i.tool.arguments ?? null }
        : null,
      content: i.text === undefined ? null : contentOf(i.text, this.maxContentChars),
      usage: null,
      principal: null,
      source: {
        enforcement_point_id: this.id.enforcement_point_id,
        mode: this.id.mode === 'enforce' ? 'inline' : 'mirror',
      },
      data_classes: [],
      attributes: { 'mcp.proxy': 'warden-mcp-proxy', ...(i.attributes ?? {}) },
    };
  }
}
