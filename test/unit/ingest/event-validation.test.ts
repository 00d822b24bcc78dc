import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { EventValidator, truncateUtf8 } from '../../../services/ingest/event-validation.ts';
import { isWardenError } from '../../../services/lib/errors.ts';

const caller = { enforcementPointId: 'gw-1', tenantId: 'acme' };
const validator = new EventValidator({ maxEventsPerRequest: 10, maxContentBytes: 16 });

function event(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    ts: 1_795_694_400_000,
    tenant_id: 'acme',
    agent_id: 'bot',
    session_id: 's1',
    kind: 'model_request',
    ...extra,
  };
}

function rejection(raw: unknown[]): { code: string; message: string } {
  try {
    validator.prepareAll(structuredClone(raw), caller);
  } catch (err) {
    if (isWardenError(err)) return { code: err.code, message: err.message };
    throw err;
  }
  throw new Error('expected a rejection');
}

describe('AgentEvent validation', () => {
  it('fills Avro defaults, assigns a ULID, sets the source from the key and accepts an ISO timestamp', () => {
    const [e] = validator.prepareAll(
      [event({ ts: '2026-11-26T12:00:00.250Z', source: { mode: 'inline', enforcement_point_id: 'spoofed' } })],
      caller,
    );
    expect(e).toMatchObject({
      ts: Date.UTC(2026, 10, 26, 12, 0, 0, 250),
      agent_version: null,
      environment: 'production',
      model: null,
      data_classes: [],
      attributes: {},
      source: { enforcement_point_id: 'gw-1', mode: 'inline' },
    });
    expect(e!.event_id).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
  });

  it('names the index and field path of the first invalid events', () => {
    const raw = [event(), event(), event(), event({ kind: 'model_call' }), event({ usage: { input_tokens: 'many' } })];
    const { code, message } = rejection(raw);
    expect(code).toBe('INGEST_INVALID_EVENT');
    expect(message).toContain('events[3].kind: must be one of model_request, model_response, tool_call');
    expect(message).toContain('events[4].usage.input_tokens: must be integer (got string)');
  });

  it.each([
    [{ session_id: undefined }, 'events[0].session_id: is required'],
    [{ colour: 'red' }, 'events[0].colour: is not a field of AgentEvent'],
    [{ ts: 'last tuesday' }, 'events[0].ts: must be milliseconds since the Unix epoch or an ISO 8601 date-time'],
    [{ ts: '2026-13-45T00:00:00Z' }, 'events[0].ts: is not a valid date-time'],
    [{ attributes: { 'x-y': 1 } }, 'events[0].attributes["x-y"]: must be string (got integer)'],
    [{ data_classes: ['personal', 7] }, 'events[0].data_classes[1]: must be string'],
    [{ tool: { name: 'x', mode: 'execute' } }, 'events[0].tool.mode: must be one of read, write'],
    [{ content: { text: 'a\ud800b' } }, 'events[0].content.text: contains a lone UTF-16 surrogate'],
    [{ content: { text: 'abc', sha256: '0'.repeat(64) } }, 'events[0].content.sha256: does not match content.text'],
    [
      { content: { text: 'abc', truncated: true } },
      'events[0].content.sha256: is required when content.truncated is true',
    ],
  ])('rejects %j with "%s"', (extra, expected) => {
    const raw = JSON.parse(JSON.stringify(event(extra as Record<string, unknown>)));
    expect(rejection([raw]).message).toContain(expected);
  });

  it('refuses an event of another tenant than the key writes (403)', () => {
    expect(rejection([event(), event({ tenant_id: 'globex' })])).toMatchObject({
      code: 'INGEST_TENANT_FORBIDDEN',
      message: expect.stringContaining('events[1].tenant_id'),
    });
  });

  it('refuses more events than the per-request limit', () => {
    expect(rejection(Array.from({ length: 11 }, () => event())).code).toBe('INGEST_TOO_MANY_EVENTS');
  });

  it('computes length and sha256 and truncates long content while they keep describing the full text', () => {
    const text = 'ünïcödé text that is longer than sixteen bytes';
    const [e] = validator.prepareAll([event({ content: { text } })], caller);
    expect(e!.content).toEqual({
      text: truncateUtf8(Buffer.from(text), 16),
      truncated: true,
      length: Buffer.byteLength(text),
      sha256: createHash('sha256').update(text).digest('hex'),
    });
    expect(Buffer.byteLength(e!.content!.text)).toBeLessThanOrEqual(16);
  });

  it('truncates on a character boundary, never inside a multi-byte character', () => {
    expect(truncateUtf8(Buffer.from('aé'), 2)).toBe('a');
    expect(truncateUtf8(Buffer.from('a😀b'), 4)).toBe('a');
    expect(truncateUtf8(Buffer.from('a😀b'), 5)).toBe('a😀');
  });
});
