import avro from 'avsc';
import { type AgentEvent, AgentEventSchema } from '../../schemas/generated/index.ts';
import { WardenError } from '../lib/errors.ts';

/** A 400 naming the first invalid field of the body (`field` is a dotted path, e.g. `content.text`). */
export class InvalidBodyError extends WardenError {
  constructor(
    readonly field: string,
    problem: string,
  ) {
    super('DECISION_BODY_INVALID', `${field}: ${problem}`);
  }
}

function expected(t: avro.Type): string {
  if (t.typeName === 'enum') return `one of ${(t as avro.types.EnumType).symbols.join(', ')}`;
  if (t.typeName === 'record') return 'an object';
  if (t.typeName === 'union:unwrapped') return (t as avro.types.UnwrappedUnionType).types.map(expected).join(' or ');
  if (t.typeName === 'long' || t.typeName === 'int') return 'an integer';
  if (t.typeName === 'logical:timestamp-millis') return 'milliseconds since the epoch';
  return `a ${t.typeName}`;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Walks the Avro type next to the parsed JSON: fills fields that have a default, rejects fields the
 * contract does not declare, and checks every leaf with avsc. Throws on the first problem, naming it.
 */
function conform(t: avro.Type, v: unknown, path: string): unknown {
  const at = path === '' ? '(body)' : path;
  switch (t.typeName) {
    case 'record': {
      if (!isObject(v)) throw new InvalidBodyError(at, `must be ${expected(t)}`);
      const fields = (t as avro.types.RecordType).fields;
      for (const key of Object.keys(v)) {
        if (!fields.some((f) => f.name === key))
          throw new InvalidBodyError(path ? `${path}.${key}` : key, 'is not a field of AgentEvent');
      }
      for (const f of fields) {
        const fieldPath = path ? `${path}.${f.name}` : f.name;
        if (v[f.name] === undefined) {
          const def: unknown = f.defaultValue();
          if (def === undefined) throw new InvalidBodyError(fieldPath, 'is required');
          v[f.name] = def;
        } else {
          v[f.name] = conform(f.type, v[f.name], fieldPath);
        }
      }
      return v;
    }
    case 'union:unwrapped': {
      const branches = (t as avro.types.UnwrappedUnionType).types;
      if (v === null && branches.some((b) => b.typeName === 'null')) return null;
      const nonNull = branches.filter((b) => b.typeName !== 'null');
      if (nonNull.length === 1) return conform(nonNull[0]!, v, path);
      if (t.isValid(v)) return v;
      throw new InvalidBodyError(at, `must be ${expected(t)}`);
    }
    case 'array': {
      if (!Array.isArray(v)) throw new InvalidBodyError(at, 'must be an array');
      const items = (t as avro.types.ArrayType).itemsType;
      return v.map((x, i) => conform(items, x, `${path}[${i}]`));
    }
    case 'map': {
      if (!isObject(v)) throw new InvalidBodyError(at, 'must be an object');
      const values = (t as avro.types.MapType).valuesType as avro.Type;
      for (const [k, x] of Object.entries(v)) v[k] = conform(values, x, `${path}[${JSON.stringify(k)}]`);
      return v;
    }
    default:
      if (!t.isValid(v)) throw new InvalidBodyError(at, `must be ${expected(t)}`);
      return v;
  }
}

/**
 * Validates a request body against the AgentEvent Avro contract (schemas/avro/agent-event.avsc),
 * the single source of truth, so the endpoint accepts exactly what the SDK and Kafka accept.
 * Fields with an Avro default may be omitted. The body must be freshly parsed: it is completed in place.
 */
export class EventValidator {
  private readonly type = avro.Type.forSchema(JSON.parse(AgentEventSchema) as avro.Schema);

  validate(body: unknown): AgentEvent {
    return conform(this.type, body, '') as AgentEvent;
  }
}
