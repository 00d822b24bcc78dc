import { createHash } from 'node:crypto';
import type { AgentEvent, DevWardenV1 } from '../../../schemas/generated/agent-event.ts';
import type { ControlRecord } from '../../../schemas/generated/control-record.ts';
import type { Verdict } from '../../../schemas/generated/verdict.ts';
import type { Policy } from '../../../services/lib/control/control-state.ts';

export const TENANT = 'acme';
export const AGENT = 'support-bot';

let counter = 0;

/** A valid AgentEvent of the test tenant; `over` replaces top-level fields. */
export function event(over: Partial<AgentEvent> = {}): AgentEvent {
  counter += 1;
  return {
    event_id: `01JSDKTEST${String(counter).padStart(16, '0')}`,
    ts: 1_764_000_000_000,
    tenant_id: TENANT,
    agent_id: AGENT,
    agent_version: null,
    owner: null,
    environment: 'test',
    session_id: 'sess-1',
    trace_id: null,
    span_id: null,
    kind: 'model_request',
    model: { system: 'openai', name: 'gpt-4o' },
    tool: null,
    content: null,
    usage: null,
    principal: { user_id: 'u-1', credential_id: 'cred-1' },
    source: { enforcement_point_id: 'gw-1', mode: 'inline' },
    data_classes: [],
    attributes: {},
    ...over,
  };
}

export function content(text: string): AgentEvent['content'] {
  return {
    text,
    truncated: false,
    length: Buffer.byteLength(text),
    sha256: createHash('sha256').update(text).digest('hex'),
  };
}

export function toolCall(
  name: string,
  args: string | null,
  target: string | null = null,
  mode: DevWardenV1.ToolMode | null = 'write',
): Partial<AgentEvent> {
  return { kind: 'tool_call', model: null, tool: { name, target, mode, arguments: args } };
}

export function verdict(over: Partial<Verdict>): Verdict {
  counter += 1;
  return {
    verdict_id: `v-${counter}`,
    event_id: null,
    tenant_id: TENANT,
    agent_id: AGENT,
    session_id: null,
    credential_id: null,
    action: 'block',
    scope: 'session',
    reasons: [],
    policy_id: 'p-1',
    policy_version: 1,
    issued_at: 1_000,
    expires_at: null,
    latency_ms: 1,
    shadow_action: null,
    redacted_text: null,
    redacted_arguments: null,
    ...over,
  };
}

export function policy(over: Partial<Policy> = {}): Policy {
  return {
    policy_id: 'pol-support',
    version: 3,
    enforcement: 'enforce',
    fail_mode: 'closed',
    allowed_models: null,
    allowed_tools: null,
    allowed_destinations: null,
    allowed_data_classes: null,
    budgets: { max_calls_per_session: null, max_tokens_per_session: null, max_cost_usd_per_day: null },
    actions: {},
    thresholds: {},
    ...over,
  };
}

export function controlRecord(payload: ControlRecord['payload'], agent = AGENT): ControlRecord {
  return { tenant_id: TENANT, agent_id: agent, issued_at: Date.now(), issued_by: 'test', payload };
}
