import { createHash } from 'node:crypto';
import { ulid } from 'ulid';
import type { Attributes, AttrValue, OtlpSpan } from './otlp-spans.ts';

/**
 * OpenTelemetry GenAI spans (semantic conventions gen_ai.*) to AgentEvent inputs, in the JSON form that
 * EventValidator.prepare() completes and checks. One span gives one or two events:
 *
 * | gen_ai.operation.name | events |
 * |---|---|
 * | chat, text_completion, generate_content, embeddings | model_request (prompt), + model_response when a completion is present |
 * | execute_tool | tool_call (arguments), + tool_result when a result is present |
 * | invoke_agent, create_agent | agent_start |
 * | absent or other | tool_call when gen_ai.tool.name is set, model_request when a model is set, else unmappable |
 *
 * Event ids are derived from trace id, span id and kind, so an exporter retrying the same export writes
 * the same ids and downstream deduplicates them. Usage is carried once per span (on the response when
 * there is one), so sums over events equal sums over spans.
 */
export type SpanMapping =
  | { outcome: 'skipped' }
  | { outcome: 'unmappable'; reason: string }
  | { outcome: 'mapped'; events: Record<string, unknown>[] };

const MODEL_OPERATIONS = new Set(['chat', 'text_completion', 'generate_content', 'embeddings']);
const AGENT_OPERATIONS = new Set(['invoke_agent', 'create_agent']);
const PROMPT_MESSAGE_EVENTS = new Set([
  'gen_ai.system.message',
  'gen_ai.user.message',
  'gen_ai.assistant.message',
  'gen_ai.tool.message',
]);

export function mapGenAiSpan(span: OtlpSpan, tenantId: string): SpanMapping {
  const a = span.attributes;
  if (!Object.keys(a).some((k) => k.startsWith('gen_ai.'))) return { outcome: 'skipped' };

  const agentId = text(a['gen_ai.agent.id']) ?? text(a['gen_ai.agent.name']) ?? text(span.resource['service.name']);
  if (agentId === undefined) {
    return { outcome: 'unmappable', reason: 'no gen_ai.agent.id, gen_ai.agent.name or resource service.name' };
  }
  const operation = text(a['gen_ai.operation.name']);
  const modelName = text(a['gen_ai.request.model']) ?? text(a['gen_ai.response.model']);
  const toolName = text(a['gen_ai.tool.name']);
  const startMs = nanosToMs(span.startTimeUnixNano);
  const endMs = span.endTimeUnixNano > 0n ? nanosToMs(span.endTimeUnixNano) : startMs;

  const base = {
    tenant_id: tenantId,
    agent_id: agentId,
    agent_version: text(a['gen_ai.agent.version']) ?? text(span.resource['service.version']) ?? null,
    environment:
      text(span.resource['deployment.environment.name']) ??
      text(span.resource['deployment.environment']) ??
      'production',
    session_id: text(a['gen_ai.conversation.id']) ?? text(a['session.id']) ?? span.traceId,
    trace_id: span.traceId || null,
    span_id: span.spanId || null,
    model: modelName === undefined ? null : { system: providerOf(a), name: modelName },
    source: { mode: 'mirror' },
    attributes: eventAttributes(span, operation),
  };
  const usage = usageOf(a);
  const event = (kind: string, ts: number, extra: Record<string, unknown>): Record<string, unknown> => ({
    event_id: spanEventId(span, kind, ts),
    ts,
    kind,
    ...base,
    ...extra,
  });

  const op = operation ?? '';
  const isTool =
    op === 'execute_tool' || (!MODEL_OPERATIONS.has(op) && !AGENT_OPERATIONS.has(op) && toolName !== undefined);
  if (isTool) {
    if (toolName === undefined) return { outcome: 'unmappable', reason: 'execute_tool span without gen_ai.tool.name' };
    const tool = {
      name: toolName,
      target: text(a['server.address']) ?? text(a['url.full']) ?? null,
      arguments: textOrJson(a['gen_ai.tool.call.arguments']) ?? null,
    };
    const events = [event('tool_call', startMs, { tool, content: null })];
    const result = textOrJson(a['gen_ai.tool.call.result']);
    if (result !== undefined) events.push(event('tool_result', endMs, { tool, content: { text: result } }));
    return { outcome: 'mapped', events };
  }
  if (AGENT_OPERATIONS.has(op)) {
    return { outcome: 'mapped', events: [event('agent_start', startMs, { usage })] };
  }
  if (MODEL_OPERATIONS.has(op) || modelName !== undefined) {
    const prompt = promptOf(span);
    const completion = completionOf(span);
    const events = [
      event('model_request', startMs, {
        content: prompt === undefined ? null : { text: prompt },
        usage: completion === undefined ? usage : null,
      }),
    ];
    if (completion !== undefined) {
      events.push(event('model_response', endMs, { content: { text: completion }, usage }));
    }
    return { outcome: 'mapped', events };
  }
  return {
    outcome: 'unmappable',
    reason: `gen_ai.operation.name ${operation ?? '(absent)'} without gen_ai.request.model or gen_ai.tool.name`,
  };
}

function providerOf(a: Attributes): string {
  return text(a['gen_ai.provider.name']) ?? text(a['gen_ai.system']) ?? 'unknown';
}

function usageOf(a: Attributes): Record<string, number> | null {
  const input = integer(a['gen_ai.usage.input_tokens']);
  const output = integer(a['gen_ai.usage.output_tokens']);
  if (input === undefined && output === undefined) return null;
  return { input_tokens: input ?? 0, output_tokens: output ?? 0, cost_usd: 0 };
}

/** Prompt text: gen_ai.input.messages (current conventions), gen_ai.prompt (older), or message events. */
function promptOf(span: OtlpSpan): string | undefined {
  const direct = textOrJson(span.attributes['gen_ai.input.messages']) ?? textOrJson(span.attributes['gen_ai.prompt']);
  if (direct !== undefined) return direct;
  const parts: string[] = [];
  for (const ev of span.events) {
    const a = ev.attributes;
    if (ev.name === 'gen_ai.content.prompt') push(parts, textOrJson(a['gen_ai.prompt']));
    else if (ev.name === 'gen_ai.client.inference.operation.details')
      push(parts, textOrJson(a['gen_ai.input.messages']));
    else if (PROMPT_MESSAGE_EVENTS.has(ev.name)) push(parts, textOrJson(a.content) ?? textOrJson(a.body));
  }
  return parts.length > 0 ? parts.join('\n') : undefined;
}

/** Completion text: gen_ai.output.messages, gen_ai.completion, or completion/choice events. */
function completionOf(span: OtlpSpan): string | undefined {
  const direct =
    textOrJson(span.attributes['gen_ai.output.messages']) ?? textOrJson(span.attributes['gen_ai.completion']);
  if (direct !== undefined) return direct;
  const parts: string[] = [];
  for (const ev of span.events) {
    const a = ev.attributes;
    if (ev.name === 'gen_ai.content.completion') push(parts, textOrJson(a['gen_ai.completion']));
    else if (ev.name === 'gen_ai.client.inference.operation.details')
      push(parts, textOrJson(a['gen_ai.output.messages']));
    else if (ev.name === 'gen_ai.choice') push(parts, textOrJson(a.message) ?? textOrJson(a.content));
  }
  return parts.length > 0 ? parts.join('\n') : undefined;
}

/** A few span facts worth keeping as string attributes; never content. */
function eventAttributes(span: OtlpSpan, operation: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  const put = (k: string, v: string | undefined) => {
    if (v !== undefined && v !== '') out[k] = v;
  };
  put('otel.span.name', span.name);
  put('otel.scope.name', span.scopeName);
  put('gen_ai.operation.name', operation);
  put('gen_ai.agent.name', text(span.attributes['gen_ai.agent.name']));
  put('gen_ai.response.id', text(span.attributes['gen_ai.response.id']));
  put('gen_ai.response.model', text(span.attributes['gen_ai.response.model']));
  put('gen_ai.response.finish_reasons', textOrJson(span.attributes['gen_ai.response.finish_reasons']));
  put('gen_ai.tool.call.id', text(span.attributes['gen_ai.tool.call.id']));
  put('service.name', text(span.resource['service.name']));
  return out;
}

/** A ULID whose time is the event's and whose random part is a digest of trace, span and kind. */
export function spanEventId(span: OtlpSpan, kind: string, ts: number): string {
  const digest = createHash('sha256').update(`${span.traceId}:${span.spanId}:${kind}`).digest();
  let i = 0;
  return ulid(Math.min(Math.max(ts, 0), 2 ** 48 - 1), () => digest[i++ % digest.length]! / 256);
}

function nanosToMs(n: bigint): number {
  return Number(n / 1_000_000n);
}

function text(v: AttrValue | undefined): string | undefined {
  if (typeof v === 'string') return v === '' ? undefined : v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}

function textOrJson(v: AttrValue | undefined): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'object') return JSON.stringify(v);
  return text(v);
}

function integer(v: AttrValue | undefined): number | undefined {
  if (typeof v === 'number' && Number.isSafeInteger(v)) return v;
  if (typeof v === 'string' && v !== '' && Number.isSafeInteger(Number(v))) return Number(v);
  return undefined;
}

function push(parts: string[], v: string | undefined): void {
  if (v !== undefined) parts.push(v);
}
