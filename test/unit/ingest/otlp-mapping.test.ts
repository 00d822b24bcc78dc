import { describe, expect, it } from 'vitest';
import { EventValidator } from '../../../services/ingest/event-validation.ts';
import { mapGenAiSpan } from '../../../services/ingest/otlp-mapping.ts';
import { chatSpan } from './spans.ts';

const caller = { enforcementPointId: 'otel-collector-eu', tenantId: 'acme' };
const validator = new EventValidator({ maxEventsPerRequest: 100, maxContentBytes: 65536 });

function mapped(span = chatSpan()) {
  const m = mapGenAiSpan(span, 'acme');
  if (m.outcome !== 'mapped') throw new Error(`expected mapped, got ${JSON.stringify(m)}`);
  return m.events.map((raw, i) => {
    const r = validator.prepare(raw, caller, i);
    if (!r.ok) throw new Error(JSON.stringify(r.problem));
    return r.event;
  });
}

describe('GenAI span to AgentEvent', () => {
  it('maps a chat span to a model_request with the prompt and a model_response with the completion', () => {
    const [request, response] = mapped();
    expect(request).toMatchObject({
      ts: 1_795_694_400_000,
      tenant_id: 'acme',
      agent_id: 'support-bot',
      environment: 'staging',
      session_id: 'conv-42',
      trace_id: '5b8efff798038103d269b633813fc60c',
      span_id: 'eee19b7ec3c1b174',
      kind: 'model_request',
      model: { system: 'openai', name: 'gpt-4o' },
      content: { text: '[{"role":"user","content":"What is my balance?"}]', truncated: false },
      usage: null,
      source: { enforcement_point_id: 'otel-collector-eu', mode: 'mirror' },
    });
    expect(request!.attributes).toMatchObject({ 'gen_ai.operation.name': 'chat', 'service.name': 'support-service' });
    expect(response).toMatchObject({
      ts: 1_795_694_401_250,
      kind: 'model_response',
      content: { text: '[{"role":"assistant","content":"It is 42 EUR."}]' },
      usage: { input_tokens: 120, output_tokens: 30, cost_usd: 0 },
    });
  });

  it('gives the same event ids to the same span, so exporter retries deduplicate downstream', () => {
    const first = mapped().map((e) => e.event_id);
    const again = mapped().map((e) => e.event_id);
    expect(again).toEqual(first);
    expect(first[0]).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(first[0]).not.toBe(first[1]);
  });

  it('maps execute_tool to tool_call with arguments and tool_result with the result', () => {
    const [call, result] = mapped(
      chatSpan({
        name: 'execute_tool get_balance',
        attributes: {
          'gen_ai.operation.name': 'execute_tool',
          'gen_ai.tool.name': 'get_balance',
          'gen_ai.tool.call.arguments': '{"account":"DE89370400440532013000"}',
          'gen_ai.tool.call.result': '{"balance":42}',
          'gen_ai.agent.name': 'Support Bot',
        },
      }),
    );
    expect(call).toMatchObject({
      kind: 'tool_call',
      agent_id: 'Support Bot',
      session_id: '5b8efff798038103d269b633813fc60c',
      tool: { name: 'get_balance', arguments: '{"account":"DE89370400440532013000"}', target: null, mode: null },
      model: null,
    });
    expect(result).toMatchObject({ kind: 'tool_result', content: { text: '{"balance":42}' } });
  });

  it('reads prompt and completion from span events of the older conventions', () => {
    const [request, response] = mapped(
      chatSpan({
        attributes: {
          'gen_ai.operation.name': 'text_completion',
          'gen_ai.system': 'anthropic',
          'gen_ai.request.model': 'claude',
        },
        events: [
          { name: 'gen_ai.content.prompt', timeUnixNano: 0n, attributes: { 'gen_ai.prompt': 'Hello' } },
          { name: 'gen_ai.content.completion', timeUnixNano: 0n, attributes: { 'gen_ai.completion': 'Hi there' } },
        ],
      }),
    );
    expect(request).toMatchObject({
      agent_id: 'support-service',
      model: { system: 'anthropic', name: 'claude' },
      content: { text: 'Hello' },
    });
    expect(response).toMatchObject({ content: { text: 'Hi there' } });
  });

  it('skips spans without gen_ai attributes', () => {
    expect(mapGenAiSpan(chatSpan({ attributes: { 'http.request.method': 'GET' } }), 'acme')).toEqual({
      outcome: 'skipped',
    });
  });

  it('rejects a GenAI span with no agent identity', () => {
    const m = mapGenAiSpan(chatSpan({ resource: {}, attributes: { 'gen_ai.request.model': 'gpt-4o' } }), 'acme');
    expect(m).toMatchObject({ outcome: 'unmappable', reason: expect.stringContaining('gen_ai.agent.id') });
  });
});
