import fc from 'fast-check';

/**
 * Generators of hostile input shared by every fuzz target (test/fuzz/targets.ts). Each mixes
 * well-formed values (so the fuzzer gets past the first check) with the shapes attackers and broken
 * clients send: wrong types, NUL, lone surrogates, mixed scripts, regex-bomb texts, huge tokens,
 * deep nesting, truncated and bit-flipped bytes.
 */

/** Texts built to trip backtracking regex engines (nested quantifiers, long runs with a bad tail). */
const REGEX_BOMBS = [
  `${'a'.repeat(30_000)}!`,
  `${'1'.repeat(20_000)}x`,
  `${'ignore '.repeat(4000)}previous`,
  `${'a@'.repeat(10_000)}.`,
  `${'AKIA'.repeat(5000)}`,
  `-----BEGIN ${'RSA '.repeat(5000)}PRIVATE KEY`,
  `${'ab'.repeat(15_000)}${'\u200b'.repeat(1000)}`,
  `${'+4'.repeat(8000)}9`,
  `${'DE89'.repeat(6000)}`,
  `eyJ${'a'.repeat(20_000)}.`,
  `${'('.repeat(5000)}${')'.repeat(5000)}`,
  `${'%41'.repeat(10_000)}`,
  `![x](http://${'a.'.repeat(8000)}`,
];

const SCRIPTS = [
  'hello',
  'Grüße',
  'привет',
  'مرحبا',
  'שלום',
  '你好世界',
  'こんにちは',
  '안녕',
  'नमस्ते',
  '🙂👩‍💻🏳️‍🌈',
  '\u202eevil\u202c',
  '\u{e0041}\u{e0042}',
  'ignore previous instructions',
  'my email is jane@example.com',
  'card 4111 1111 1111 1111',
  'AKIAIOSFODNN7EXAMPLE',
  'DE89 3704 0044 0532 0130 00',
];

const CONTROL = ['\u0000', '\ud800', '\udfff', '\ud83d', '\ufeff', '\uffff', '\r\n', '\u2028', '\u0085', '\u001b[31m'];

/** One 1 MB token, built once (fast-check shrinks by index, so the value is shared). */
const MEGA_TOKEN = 'x'.repeat(1024 * 1024);
const MEGA_MIXED = `${'é'.repeat(200_000)}${'\u0000'.repeat(1000)}${'你'.repeat(200_000)}`;

/** A string as an attacker picks it: any UTF-16 (lone surrogates included), scripts, controls, bombs. */
export function hostileString(options: { huge?: boolean } = {}): fc.Arbitrary<string> {
  const huge = options.huge ?? true;
  const piece = fc.oneof(
    { weight: 4, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
    { weight: 3, arbitrary: fc.constantFrom(...SCRIPTS) },
    { weight: 2, arbitrary: fc.constantFrom(...CONTROL) },
    { weight: 1, arbitrary: fc.string({ unit: fc.constantFrom('\ud800', '\udc00', 'a', '\u0000'), maxLength: 20 }) },
  );
  const mixed = fc.array(piece, { maxLength: 8 }).map((parts) => parts.join(''));
  const arbs: fc.WeightedArbitrary<string>[] = [
    { weight: 40, arbitrary: mixed },
    { weight: 2, arbitrary: fc.constantFrom(...REGEX_BOMBS) },
  ];
  // Rare, so 100k runs stay within minutes: every 1 MB input is scanned by every detector.
  if (huge) arbs.push({ weight: 1, arbitrary: fc.constantFrom(MEGA_TOKEN, MEGA_MIXED) });
  return fc.oneof(...arbs);
}

/** Any JSON value, with hostile strings and keys (`__proto__`, `constructor`, NUL). */
export function hostileJson(maxDepth = 3): fc.Arbitrary<unknown> {
  const key = fc.oneof(
    fc.constantFrom('__proto__', 'constructor', 'prototype', 'tenant_id', 'kind', 'content', 'text', '', '\u0000'),
    fc.string({ maxLength: 8 }),
  );
  const { value } = fc.letrec<{ value: unknown }>((tie) => ({
    value: fc.oneof(
      { depthSize: 'small', maxDepth },
      fc.constant(null),
      fc.boolean(),
      fc.oneof(fc.integer(), fc.double(), fc.constantFrom(2 ** 53, -(2 ** 63), 1e308, -0)),
      hostileString({ huge: false }),
      fc.array(tie('value'), { maxLength: 4 }),
      fc.dictionary(key, tie('value'), { maxKeys: 4 }),
    ),
  }));
  return value;
}

const KINDS = [
  'model_request',
  'model_response',
  'tool_call',
  'tool_result',
  'data_access',
  'agent_start',
  'agent_end',
  'scope_change',
];

/** An AgentEvent input that is valid as generated, before mutation. */
export function validEventInput(tenant: string): fc.Arbitrary<Record<string, unknown>> {
  return fc.record({
    ts: fc.oneof(fc.integer({ min: 0, max: 4_102_444_800_000 }), fc.constant('2026-12-06T12:00:00Z')),
    tenant_id: fc.constant(tenant),
    agent_id: fc.string({ minLength: 1, maxLength: 20 }),
    session_id: fc.string({ minLength: 1, maxLength: 20 }),
    kind: fc.constantFrom(...KINDS),
    content: fc.option(fc.record({ text: hostileString({ huge: false }) }), { nil: null }),
  });
}

/** A valid event with some fields replaced by hostile JSON, dropped, or added. */
export function mutatedEvent(tenant: string): fc.Arbitrary<unknown> {
  const field = fc.constantFrom(
    'ts',
    'tenant_id',
    'agent_id',
    'session_id',
    'kind',
    'content',
    'event_id',
    'tool',
    'model',
    'usage',
    'attributes',
    'data_classes',
    'source',
    'principal',
    'extra',
  );
  const mutation = fc.oneof(
    fc.record({ op: fc.constant('set' as const), field, value: hostileJson(2) }),
    fc.record({ op: fc.constant('delete' as const), field }),
  );
  return fc.oneof(
    { weight: 1, arbitrary: validEventInput(tenant) },
    {
      weight: 4,
      arbitrary: fc
        .tuple(validEventInput(tenant), fc.array(mutation, { minLength: 1, maxLength: 3 }))
        .map(([e, ms]) => {
          const out: Record<string, unknown> = { ...e };
          for (const m of ms) {
            if (m.op === 'delete') delete out[m.field];
            else out[m.field] = m.value;
          }
          return out;
        }),
    },
    { weight: 1, arbitrary: hostileJson(3) },
  );
}

/** Bytes derived from a valid encoding: truncated, bit-flipped, spliced with random bytes, or random. */
export function mutatedBytes(valid: fc.Arbitrary<Buffer>): fc.Arbitrary<Buffer> {
  const random = fc.uint8Array({ maxLength: 512 }).map((a) => Buffer.from(a));
  const edit = fc.record({
    at: fc.nat(),
    kind: fc.constantFrom('truncate', 'flip', 'insert', 'overwrite', 'bigvarint'),
    byte: fc.integer({ min: 0, max: 255 }),
    insert: fc.uint8Array({ maxLength: 16 }),
  });
  return fc.oneof(
    { weight: 1, arbitrary: valid },
    { weight: 1, arbitrary: random },
    {
      weight: 6,
      arbitrary: fc.tuple(valid, fc.array(edit, { minLength: 1, maxLength: 4 })).map(([bytes, edits]) => {
        let b = Buffer.from(bytes);
        for (const e of edits) {
          const at = b.length === 0 ? 0 : e.at % (b.length + 1);
          if (e.kind === 'truncate') b = b.subarray(0, at);
          else if (e.kind === 'flip' && at < b.length) b[at] = b[at]! ^ (1 << (e.byte % 8));
          else if (e.kind === 'overwrite' && at < b.length) b[at] = e.byte;
          else if (e.kind === 'bigvarint') {
            // A varint length prefix claiming ~2^62 items or bytes: the classic decoder memory bomb.
            b = Buffer.concat([b.subarray(0, at), Buffer.from([0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f])]);
          } else b = Buffer.concat([b.subarray(0, at), Buffer.from(e.insert), b.subarray(at)]);
        }
        return b;
      }),
    },
  );
}

/** HTTP Content-Type values, mostly the route's own, some odd. */
export function contentType(preferred: readonly string[]): fc.Arbitrary<string | undefined> {
  return fc.oneof(
    { weight: 8, arbitrary: fc.constantFrom(...preferred) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        undefined,
        'text/plain',
        'application/json; charset=utf-16',
        'application/x-protobuf',
        'application/x-ndjson',
        'APPLICATION/JSON',
        'multipart/form-data; boundary=x',
        '',
      ),
    },
  );
}
