import { WardenError } from '../lib/errors.ts';

/** An OTLP attribute value, as JSON-like data (64-bit integers outside the safe range stay strings). */
export type AttrValue = string | number | boolean | null | AttrValue[] | { [key: string]: AttrValue };
export type Attributes = Record<string, AttrValue>;

/** One span of an OTLP export, with its resource and scope flattened in. Ids are lowercase hex. */
export interface OtlpSpan {
  traceId: string;
  spanId: string;
  name: string;
  startTimeUnixNano: bigint;
  endTimeUnixNano: bigint;
  attributes: Attributes;
  events: { name: string; timeUnixNano: bigint; attributes: Attributes }[];
  resource: Attributes;
  scopeName: string;
}

type Obj = Record<string, unknown>;

/**
 * Reads the spans of an ExportTraceServiceRequest in the OTLP/JSON shape (lowerCamelCase fields), from
 * JSON (`ids: 'hex'`, as the OTLP/JSON spec encodes trace and span ids) or from decodeTraceRequest()
 * (`ids: 'base64'`). Anything of the wrong type is a 400 naming its path; unknown fields are ignored,
 * as OTLP requires.
 */
export function readSpans(request: unknown, ids: 'hex' | 'base64'): OtlpSpan[] {
  const spans: OtlpSpan[] = [];
  const root = object(request, '');
  list(root.resourceSpans, 'resourceSpans').forEach((rsRaw, i) => {
    const rsPath = `resourceSpans[${i}]`;
    const rs = object(rsRaw, rsPath);
    const resource =
      rs.resource === undefined
        ? {}
        : attributes(object(rs.resource, `${rsPath}.resource`).attributes, `${rsPath}.resource.attributes`);
    list(rs.scopeSpans, `${rsPath}.scopeSpans`).forEach((ssRaw, j) => {
      const ssPath = `${rsPath}.scopeSpans[${j}]`;
      const ss = object(ssRaw, ssPath);
      const scopeName =
        ss.scope === undefined ? '' : str(object(ss.scope, `${ssPath}.scope`).name, `${ssPath}.scope.name`);
      list(ss.spans, `${ssPath}.spans`).forEach((spanRaw, k) => {
        const p = `${ssPath}.spans[${k}]`;
        const span = object(spanRaw, p);
        spans.push({
          traceId: id(span.traceId, `${p}.traceId`, ids),
          spanId: id(span.spanId, `${p}.spanId`, ids),
          name: str(span.name, `${p}.name`),
          startTimeUnixNano: nanos(span.startTimeUnixNano, `${p}.startTimeUnixNano`),
          endTimeUnixNano: nanos(span.endTimeUnixNano, `${p}.endTimeUnixNano`),
          attributes: attributes(span.attributes, `${p}.attributes`),
          events: list(span.events, `${p}.events`).map((evRaw, e) => {
            const ev = object(evRaw, `${p}.events[${e}]`);
            return {
              name: str(ev.name, `${p}.events[${e}].name`),
              timeUnixNano: nanos(ev.timeUnixNano, `${p}.events[${e}].timeUnixNano`),
              attributes: attributes(ev.attributes, `${p}.events[${e}].attributes`),
            };
          }),
          resource,
          scopeName,
        });
      });
    });
  });
  return spans;
}

function malformed(path: string, message: string): WardenError {
  return new WardenError('INGEST_MALFORMED_BODY', `${path || 'body'}: ${message}`);
}

function object(v: unknown, path: string): Obj {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw malformed(path, 'must be an object');
  return v as Obj;
}

function list(v: unknown, path: string): unknown[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw malformed(path, 'must be an array');
  return v;
}

function str(v: unknown, path: string): string {
  if (v === undefined || v === null) return '';
  if (typeof v !== 'string') throw malformed(path, 'must be a string');
  return v;
}

function nanos(v: unknown, path: string): bigint {
  if (v === undefined || v === null || v === '') return 0n;
  // JSON numbers past 2^53 arrive rounded (sub-microsecond error here); strings are exact.
  if (typeof v === 'number' && Number.isFinite(v) && v >= 0) return BigInt(Math.round(v));
  if (typeof v === 'string' && v.length <= 20 && isDigits(v)) return BigInt(v);
  throw malformed(path, 'must be an unsigned integer (nanoseconds since the epoch)');
}

function id(v: unknown, path: string, encoding: 'hex' | 'base64'): string {
  const s = str(v, path);
  if (encoding === 'base64') return Buffer.from(s, 'base64').toString('hex');
  const hex = s.toLowerCase();
  if (hex.length % 2 !== 0 || hex.length > 64 || !isHex(hex)) throw malformed(path, 'must be a hex string');
  return hex;
}

function attributes(v: unknown, path: string): Attributes {
  const out: Attributes = Object.create(null);
  list(v, path).forEach((kvRaw, i) => {
    const kv = object(kvRaw, `${path}[${i}]`);
    const key = str(kv.key, `${path}[${i}].key`);
    out[key] = anyValue(kv.value, `${path}[${i}].value`, 0);
  });
  return out;
}

const MAX_VALUE_DEPTH = 16;

function anyValue(v: unknown, path: string, depth: number): AttrValue {
  if (v === undefined || v === null) return null;
  if (depth > MAX_VALUE_DEPTH) throw malformed(path, `is nested deeper than ${MAX_VALUE_DEPTH} levels`);
  const o = object(v, path);
  if (o.stringValue !== undefined) return str(o.stringValue, `${path}.stringValue`);
  if (o.boolValue !== undefined) {
    if (typeof o.boolValue !== 'boolean') throw malformed(`${path}.boolValue`, 'must be a boolean');
    return o.boolValue;
  }
  if (o.intValue !== undefined) {
    const n = typeof o.intValue === 'string' ? Number(o.intValue) : o.intValue;
    if (typeof n !== 'number' || !Number.isInteger(n)) throw malformed(`${path}.intValue`, 'must be an integer');
    return Number.isSafeInteger(n) ? n : String(o.intValue);
  }
  if (o.doubleValue !== undefined) {
    const n = typeof o.doubleValue === 'string' ? Number(o.doubleValue) : o.doubleValue;
    if (typeof n !== 'number') throw malformed(`${path}.doubleValue`, 'must be a number');
    return n;
  }
  if (o.arrayValue !== undefined) {
    const values = list(object(o.arrayValue, `${path}.arrayValue`).values, `${path}.arrayValue.values`);
    return values.map((x, i) => anyValue(x, `${path}.arrayValue.values[${i}]`, depth + 1));
  }
  if (o.kvlistValue !== undefined) {
    const out: { [key: string]: AttrValue } = Object.create(null);
    list(object(o.kvlistValue, `${path}.kvlistValue`).values, `${path}.kvlistValue.values`).forEach((kvRaw, i) => {
      const kv = object(kvRaw, `${path}.kvlistValue.values[${i}]`);
      out[str(kv.key, `${path}.kvlistValue.values[${i}].key`)] = anyValue(
        kv.value,
        `${path}.kvlistValue.values[${i}].value`,
        depth + 1,
      );
    });
    return out;
  }
  if (o.bytesValue !== undefined) return str(o.bytesValue, `${path}.bytesValue`);
  return null;
}

function isDigits(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return s.length > 0;
}

function isHex(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (!((c >= 48 && c <= 57) || (c >= 97 && c <= 102))) return false;
  }
  return true;
}
