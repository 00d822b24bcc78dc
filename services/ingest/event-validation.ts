import { createHash, randomFillSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Ajv, type ErrorObject, type Options, type ValidateFunction } from 'ajv';
import avro from 'avsc';
import RE2 from 're2';
import { ulid } from 'ulid';
import { type AgentEvent, AgentEventSchema } from '../../schemas/generated/index.ts';
import { WardenError } from '../lib/errors.ts';
import type { Caller } from './auth.ts';

/** Generated from the Avro contract by schemas/codegen/json-schema.ts (a unit test keeps it in step). */
const INPUT_SCHEMA_URL = new URL('../../schemas/json/agent-event-input.schema.json', import.meta.url);
/** How many invalid events a 400 names; the rest are summarised as a count. */
const MAX_PROBLEMS_REPORTED = 5;
const ULID_TIME_MAX = 2 ** 48 - 1;

export interface EventProblem {
  /** Position of the event in the request (array index, NDJSON record or OTLP span order). */
  readonly index: number;
  /** Field path inside the event, e.g. `content.text` or `attributes["x"]`; empty for the event itself. */
  readonly path: string;
  readonly message: string;
}

/** A 400 with every named problem, so the client fixes the batch in one round. */
export class InvalidEventsError extends WardenError {
  readonly details: readonly string[];

  constructor(problems: readonly EventProblem[], total: number, label = 'events') {
    const details = problems.slice(0, MAX_PROBLEMS_REPORTED).map((p) => formatProblem(p, label));
    const more = total > details.length ? `; and ${total - details.length} more invalid events` : '';
    super('INGEST_INVALID_EVENT', `${details.join('; ')}${more}`);
    this.details = details;
  }
}

export function formatProblem(p: EventProblem, label = 'events'): string {
  return `${label}[${p.index}]${p.path ? `.${p.path}` : ''}: ${p.message}`;
}

export interface EventValidationLimits {
  maxEventsPerRequest: number;
  maxContentBytes: number;
}

export type Prepared =
  | { ok: true; event: AgentEvent }
  | { ok: false; problem: EventProblem /** the event belongs to another tenant than the key's */; forbidden?: true };

/**
 * Turns JSON-friendly input into complete AgentEvents: validates against the JSON Schema derived from
 * the Avro contract (filling Avro defaults), enforces the caller's tenant, assigns event ids, computes
 * the content digest and truncates long content, then checks the result against the Avro type itself,
 * so nothing that would not encode reaches the producer. Compiled once at start-up.
 */
export class EventValidator {
  private readonly validate: ValidateFunction;
  private readonly avroType = avro.Type.forSchema(JSON.parse(AgentEventSchema) as avro.Schema);
  private readonly random = pooledRandom();

  constructor(private readonly limits: EventValidationLimits) {
    const ajv = new Ajv({
      allErrors: false,
      useDefaults: true,
      coerceTypes: false,
      allowUnionTypes: true,
      verbose: true,
      // Patterns run on untrusted text: RE2 keeps them linear-time.
      code: { regExp: RE2 as unknown as NonNullable<Options['code']>['regExp'] },
    });
    this.validate = ajv.compile(JSON.parse(readFileSync(INPUT_SCHEMA_URL, 'utf8')));
  }

  /** All or nothing: returns every event ready to encode, or throws naming the first invalid ones. */
  prepareAll(raw: readonly unknown[], caller: Caller): AgentEvent[] {
    if (raw.length > this.limits.maxEventsPerRequest) {
      throw new WardenError(
        'INGEST_TOO_MANY_EVENTS',
        `${raw.length} events, at most ${this.limits.maxEventsPerRequest}`,
      );
    }
    const events: AgentEvent[] = [];
    const problems: EventProblem[] = [];
    let invalid = 0;
    for (let i = 0; i < raw.length; i++) {
      const r = this.prepare(raw[i], caller, i);
      if (r.ok) {
        events.push(r.event);
      } else {
        if (r.forbidden) {
          throw new WardenError('INGEST_TENANT_FORBIDDEN', formatProblem(r.problem));
        }
        invalid++;
        if (problems.length < MAX_PROBLEMS_REPORTED) problems.push(r.problem);
      }
    }
    if (invalid > 0) throw new InvalidEventsError(problems, invalid);
    return events;
  }

  /** One event; never throws for bad input. `raw` is mutated (defaults filled in) and must be freshly parsed. */
  prepare(raw: unknown, caller: Caller, index: number): Prepared {
    if (!this.validate(raw)) return { ok: false, problem: { index, ...describe(this.validate.errors?.[0]) } };
    const input = raw as Record<string, unknown> & { tenant_id: string; ts: number | string };
    if (input.tenant_id !== caller.tenantId) {
      return {
        ok: false,
        forbidden: true,
        problem: {
          index,
          path: 'tenant_id',
          message: `the key of enforcement point ${caller.enforcementPointId} may write only tenant ${caller.tenantId}`,
        },
      };
    }
    const fail = (path: string, message: string): Prepared => ({ ok: false, problem: { index, path, message } });
    if (typeof input.ts === 'string') {
      const ms = Date.parse(input.ts);
      if (Number.isNaN(ms) || ms < 0) return fail('ts', `is not a valid date-time (got ${preview(input.ts)})`);
      input.ts = ms;
    }
    // A ULID's time part ends in year 10889; later (nonsense) timestamps still get an id, from the clock.
    if (input.event_id === undefined) {
      input.event_id = ulid(input.ts <= ULID_TIME_MAX ? input.ts : undefined, this.random);
    }
    input.source = { enforcement_point_id: caller.enforcementPointId, mode: (input.source as { mode: string }).mode };
    if (input.content !== null) {
      const problem = completeContent(input.content as ContentInput, this.limits.maxContentBytes);
      if (problem) return fail(`content.${problem.field}`, problem.message);
    }
    const malformed = findIllFormedString(input, '');
    if (malformed !== undefined) return fail(malformed, 'contains a lone UTF-16 surrogate (not valid Unicode)');
    let avroProblem: EventProblem | undefined;
    const valid = this.avroType.isValid(input, {
      errorHook: (path) => {
        avroProblem ??= { index, path: path.join('.'), message: 'does not match the Avro contract' };
      },
    });
    if (!valid)
      return { ok: false, problem: avroProblem ?? { index, path: '', message: 'does not match the Avro contract' } };
    return { ok: true, event: input as unknown as AgentEvent };
  }
}

/**
 * Cryptographic randomness for ULIDs, drawn from a pooled buffer: ulid's default source costs a
 * getRandomValues call per character (~0.3 ms per id under load), this one a refill every 4 KiB.
 */
function pooledRandom(): () => number {
  const pool = Buffer.alloc(4096);
  let next = pool.length;
  return () => {
    if (next === pool.length) {
      randomFillSync(pool);
      next = 0;
    }
    return pool[next++]! / 256;
  };
}

interface ContentInput {
  text: string;
  truncated: boolean;
  length?: number;
  sha256?: string;
}

/**
 * Fills length and sha256 of the full text, verifies them when the client sent both for untruncated
 * text, and truncates text longer than the limit at a UTF-8 boundary (length and sha256 still describe the
 * full text, so evidence can be matched to it).
 */
export function completeContent(c: ContentInput, maxBytes: number): { field: string; message: string } | undefined {
  const bytes = Buffer.from(c.text, 'utf8');
  if (c.truncated) {
    // The client truncated already: only it knows the full text's digest.
    if (c.sha256 === undefined) return { field: 'sha256', message: 'is required when content.truncated is true' };
    if (c.length === undefined) return { field: 'length', message: 'is required when content.truncated is true' };
    if (c.length < bytes.length) return { field: 'length', message: 'is shorter than content.text' };
  } else {
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    if (c.length !== undefined && c.length !== bytes.length) {
      return { field: 'length', message: `is ${c.length} but content.text has ${bytes.length} UTF-8 bytes` };
    }
    if (c.sha256 !== undefined && c.sha256 !== sha256) {
      return { field: 'sha256', message: 'does not match content.text' };
    }
    c.length = bytes.length;
    c.sha256 = sha256;
  }
  if (bytes.length > maxBytes) {
    c.text = truncateUtf8(bytes, maxBytes);
    c.truncated = true;
  }
  return undefined;
}

/** The longest prefix of at most maxBytes that ends on a character boundary. */
export function truncateUtf8(bytes: Buffer, maxBytes: number): string {
  let end = Math.min(maxBytes, bytes.length);
  // 0b10xxxxxx is a continuation byte: step back to the start of the character it belongs to.
  while (end > 0 && end < bytes.length && (bytes[end]! & 0xc0) === 0x80) end--;
  return bytes.subarray(0, end).toString('utf8');
}

function findIllFormedString(value: unknown, path: string): string | undefined {
  if (typeof value === 'string') return (value as WellFormedString).isWellFormed() ? undefined : path;
  if (value === null || typeof value !== 'object') return undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = findIllFormedString(value[i], `${path}[${i}]`);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  for (const [k, v] of Object.entries(value)) {
    const keyPath = joinPath(path, k);
    if (!(k as WellFormedString).isWellFormed()) return keyPath;
    const found = findIllFormedString(v, keyPath);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** String.prototype.isWellFormed is in Node 20 but not in TypeScript's ES2023 lib. */
type WellFormedString = string & { isWellFormed(): boolean };

function describe(e: ErrorObject | undefined): { path: string; message: string } {
  if (e === undefined) return { path: '', message: 'is invalid' };
  const path = pointerToPath(e.instancePath);
  const params = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'required':
      return { path: joinPath(path, String(params.missingProperty)), message: 'is required' };
    case 'additionalProperties':
      return { path: joinPath(path, String(params.additionalProperty)), message: 'is not a field of AgentEvent' };
    case 'enum':
      return {
        path,
        message: `must be one of ${(params.allowedValues as unknown[]).filter((v) => v !== null).join(', ')}`,
      };
    case 'type':
      return { path, message: `must be ${String(params.type).replace(',', ' or ')} (got ${jsonType(e.data)})` };
    case 'pattern':
      return {
        path,
        message: `${PATTERN_MESSAGES[path] ?? `must match ${String(params.pattern)}`} (got ${preview(e.data)})`,
      };
    default:
      return { path, message: e.message ?? 'is invalid' };
  }
}

const PATTERN_MESSAGES: Record<string, string> = {
  ts: 'must be milliseconds since the Unix epoch or an ISO 8601 date-time with a zone',
  'content.sha256': 'must be 64 lowercase hex digits',
};

/** A short, quoted excerpt of a rejected value: enough to recognise it, never a whole payload. */
function preview(v: unknown): string {
  const text = JSON.stringify(v) ?? String(v);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

function jsonType(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

/** `/content/text` → `content.text`; `/data_classes/0` → `data_classes[0]`; odd keys are quoted. */
function pointerToPath(pointer: string): string {
  if (pointer === '') return '';
  let path = '';
  for (const raw of pointer.slice(1).split('/')) {
    const seg = raw.replaceAll('~1', '/').replaceAll('~0', '~');
    path = seg.length > 0 && seg.length < 10 && every(seg, isDigit) ? `${path}[${seg}]` : joinPath(path, seg);
  }
  return path;
}

function joinPath(path: string, key: string): string {
  const simple = key.length > 0 && !isDigit(key.charCodeAt(0)) && every(key, (c) => isDigit(c) || isWordLetter(c));
  if (simple) return path ? `${path}.${key}` : key;
  return `${path}[${JSON.stringify(key)}]`;
}

// Character tests instead of RegExp: these run on untrusted keys (STYLE.md: no native RegExp on untrusted text).
function every(s: string, test: (code: number) => boolean): boolean {
  for (let i = 0; i < s.length; i++) if (!test(s.charCodeAt(i))) return false;
  return true;
}
function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}
function isWordLetter(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
}
