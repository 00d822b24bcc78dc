import type { AgentEvent } from '../../schemas/generated/agent-event.ts';

/**
 * Event kinds that count as one call of the agent: something it asked for. Responses
 * (`model_response`, `tool_result`) and lifecycle events (`agent_start`, `agent_end`,
 * `scope_change`) do not, so a request/response pair counts once.
 */
export const CALL_KINDS: ReadonlySet<AgentEvent['kind']> = new Set(['model_request', 'tool_call', 'data_access']);

export function isCall(e: AgentEvent): boolean {
  return CALL_KINDS.has(e.kind);
}

/** Input plus output tokens; 0 when the event carries no usage or a nonsensical (negative, NaN) value. */
export function eventTokens(e: AgentEvent): number {
  if (e.usage === null) return 0;
  return nonNegative(e.usage.input_tokens) + nonNegative(e.usage.output_tokens);
}

export function eventCostUsd(e: AgentEvent): number {
  return e.usage === null ? 0 : nonNegative(e.usage.cost_usd);
}

function nonNegative(v: number): number {
  return Number.isFinite(v) && v > 0 ? v : 0;
}

/** Compact number for evidence strings: integers as is, others to 4 significant digits. */
export function fmt(n: number): string {
  return Number.isInteger(n) ? String(n) : String(Number(n.toPrecision(4)));
}
