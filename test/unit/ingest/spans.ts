import type { OtlpSpan } from '../../../services/ingest/otlp-spans.ts';

/** A GenAI chat span as an OpenTelemetry-instrumented agent exports it (current semantic conventions). */
export function chatSpan(overrides: Partial<OtlpSpan> = {}): OtlpSpan {
  return {
    traceId: '5b8efff798038103d269b633813fc60c',
    spanId: 'eee19b7ec3c1b174',
    name: 'chat gpt-4o',
    startTimeUnixNano: 1_795_694_400_000_000_000n,
    endTimeUnixNano: 1_795_694_401_250_000_000n,
    attributes: {
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'openai',
      'gen_ai.request.model': 'gpt-4o',
      'gen_ai.agent.id': 'support-bot',
      'gen_ai.conversation.id': 'conv-42',
      'gen_ai.usage.input_tokens': 120,
      'gen_ai.usage.output_tokens': 30,
      'gen_ai.input.messages': '[{"role":"user","content":"What is my balance?"}]',
      'gen_ai.output.messages': '[{"role":"assistant","content":"It is 42 EUR."}]',
    },
    events: [],
    resource: { 'service.name': 'support-service', 'deployment.environment.name': 'staging' },
    scopeName: 'openai-instrumentation',
    ...overrides,
  };
}
