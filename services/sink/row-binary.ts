import { WardenError } from '../lib/errors.ts';

/**
 * ClickHouse's RowBinary format, written straight into one growing buffer: no JSON text for the
 * server to parse (its best-effort date parsing was the largest share of insert CPU) and no string
 * building on this side. Column writers are compiled once per table from the column types the
 * server reports (system.columns), so the encoding follows the real table, not a copy of it.
 * https://clickhouse.com/docs/interfaces/formats/RowBinary
 */
export class RowBinaryWriter {
  private buf: Buffer;
  private pos = 0;

  constructor(initialBytes = 1 << 20) {
    this.buf = Buffer.allocUnsafe(initialBytes);
  }

  get length(): number {
    return this.pos;
  }

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + n));
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  varUInt(n: number): void {
    this.ensure(10);
    let v = n;
    while (v >= 0x80) {
      this.buf[this.pos++] = (v & 0x7f) | 0x80;
      v = Math.floor(v / 128);
    }
    this.buf[this.pos++] = v;
  }

  string(s: string): void {
    // Most strings here are short ASCII (ids, names, kinds): copied char by char, they skip two
    // native calls (byteLength, write) that cost more than the copy. Anything else takes the
    // native path; a non-ASCII char half-way restarts it from the string's start.
    const n = s.length;
    if (n < 0x80 && n <= 64) {
      this.ensure(1 + n);
      const buf = this.buf;
      const start = this.pos + 1;
      let i = 0;
      for (; i < n; i++) {
        const c = s.charCodeAt(i);
        if (c >= 0x80) break;
        buf[start + i] = c;
      }
      if (i === n) {
        buf[this.pos] = n;
        this.pos = start + n;
        return;
      }
    }
    const bytes = Buffer.byteLength(s, 'utf8');
    this.varUInt(bytes);
    this.ensure(bytes);
    this.pos += this.buf.write(s, this.pos, bytes, 'utf8');
  }

  uint8(n: number): void {
    this.ensure(1);
    this.buf[this.pos++] = n;
  }

  uint16(n: number): void {
    this.ensure(2);
    this.pos = this.buf.writeUInt16LE(n, this.pos);
  }

  uint32(n: number): void {
    this.ensure(4);
    this.pos = this.buf.writeUInt32LE(n, this.pos);
  }

  uint64(n: bigint): void {
    this.ensure(8);
    this.pos = this.buf.writeBigUInt64LE(n, this.pos);
  }

  int64(n: bigint): void {
    this.ensure(8);
    this.pos = this.buf.writeBigInt64LE(n, this.pos);
  }

  /** A safe integer (|n| < 2^53) as Int64/UInt64 (little-endian two's complement) without a BigInt. */
  int64Safe(n: number): void {
    this.ensure(8);
    const hi = Math.floor(n / 0x1_0000_0000);
    this.buf.writeUInt32LE(n - hi * 0x1_0000_0000, this.pos);
    this.pos = this.buf.writeInt32LE(hi, this.pos + 4);
  }

  float64(n: number): void {
    this.ensure(8);
    this.pos = this.buf.writeDoubleLE(n, this.pos);
  }

  /** Drops everything written after `mark` (a row that failed half-way). */
  truncate(mark: number): void {
    this.pos = mark;
  }

  /** A copy of bytes [from, to): the buffer is reused, so callers must not keep a view of it. */
  slice(from = 0, to = this.pos): Buffer {
    return Buffer.from(this.buf.subarray(from, to));
  }

  reset(): void {
    this.pos = 0;
  }
}

export type ColumnWriter = (w: RowBinaryWriter, value: unknown) => void;

/** Splits `a, b(c, d), 'e, f'` at top-level commas. */
function splitArgs(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === "'" && s[i - 1] !== '\\') quoted = !quoted;
    else if (!quoted && c === '(') depth++;
    else if (!quoted && c === ')') depth--;
    else if (!quoted && depth === 0 && c === ',') {
      out.push(s.slice(start, i).trim());
      start = i + 1;
    }
  }
  out.push(s.slice(start).trim());
  return out.filter((x) => x !== '');
}

function parseType(type: string): { name: string; args: string[] } {
  const open = type.indexOf('(');
  if (open < 0) return { name: type.trim(), args: [] };
  return { name: type.slice(0, open).trim(), args: splitArgs(type.slice(open + 1, type.lastIndexOf(')'))) };
}

const bad = (what: string, value: unknown): never => {
  throw new WardenError('SINK_RECORD_INVALID', `${what}: cannot encode ${JSON.stringify(value) ?? String(value)}`);
};

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 0xffffffffffffffffn;

/**
 * The value as a safe integer when it is one already (a number, or a string of at most 15 decimal
 * digits such as a Kafka offset), else null: those are written without building a BigInt.
 */
const safeInteger = (v: unknown): number | null => {
  if (typeof v === 'number') return Number.isSafeInteger(v) ? v : null;
  if (typeof v !== 'string' || v.length === 0 || v.length > 15) return null;
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c < 48 || c > 57) return null;
  }
  return Number(v);
};

const toBigInt = (v: unknown, what: string): bigint => {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'number' && Number.isFinite(v)) return BigInt(Math.trunc(v));
  if (typeof v === 'string') {
    try {
      return BigInt(v);
    } catch {
      return bad(what, v);
    }
  }
  if (typeof v === 'boolean') return v ? 1n : 0n;
  return bad(what, v);
};

const toNumber = (v: unknown, what: string): number => {
  if (typeof v === 'number') return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  return bad(what, v);
};

/** Milliseconds since the epoch, from a number (ms) or an ISO-8601 string. */
const toMillis = (v: unknown, what: string): number => {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string') {
    const ms = Date.parse(v);
    if (Number.isFinite(ms)) return ms;
  }
  if (v instanceof Date) return v.getTime();
  return bad(what, v);
};

const DATETIME64_MIN_MS = Date.UTC(1900, 0, 1);
const DATETIME64_MAX_MS = Date.UTC(2299, 11, 31, 23, 59, 59, 999);

function inRange<T extends number | bigint>(v: T, min: T, max: T, what: string, integer = true): T {
  if (v < min || v > max || (integer && typeof v === 'number' && !Number.isInteger(v))) {
    return bad(`${what} (out of range)`, typeof v === 'bigint' ? v.toString() : v);
  }
  return v;
}

/** A writer for one ClickHouse type as system.columns spells it; unknown types fail at start-up. */
export function compileColumnWriter(type: string, what = type): ColumnWriter {
  const { name, args } = parseType(type);
  switch (name) {
    case 'String':
      return (w, v) => w.string(typeof v === 'string' ? v : v === null || v === undefined ? bad(what, v) : String(v));
    case 'LowCardinality':
      return compileColumnWriter(args[0]!, what);
    // RowBinary carries no range checks of its own: a value outside the column's range would be
    // stored wrapped or as garbage, so it is refused here (and dead-lettered) instead.
    case 'Bool':
    case 'UInt8':
      return (w, v) => w.uint8(inRange(toNumber(v, what), 0, 0xff, what));
    case 'UInt16':
      return (w, v) => w.uint16(inRange(toNumber(v, what), 0, 0xffff, what));
    case 'UInt32':
      return (w, v) => w.uint32(inRange(toNumber(v, what), 0, 0xffffffff, what));
    case 'UInt64':
      return (w, v) => {
        const n = safeInteger(v);
        if (n !== null && n >= 0) w.int64Safe(n);
        else w.uint64(inRange(toBigInt(v, what), 0n, UINT64_MAX, what));
      };
    case 'Int64':
      return (w, v) => {
        const n = safeInteger(v);
        if (n !== null) w.int64Safe(n);
        else w.int64(inRange(toBigInt(v, what), INT64_MIN, INT64_MAX, what));
      };
    case 'Float64':
      return (w, v) => w.float64(toNumber(v, what));
    case 'DateTime':
      return (w, v) => w.uint32(inRange(Math.floor(toMillis(v, what) / 1000), 0, 0xffffffff, what));
    case 'DateTime64': {
      const scale = Number(args[0] ?? 3);
      // Ticks of 10^-scale s; the contracts carry milliseconds. ClickHouse's range: 1900 to 2299.
      const factor = 10 ** (scale - 3);
      // 2299 in microseconds (scale 6) is ~1e16, past 2^53: larger scales keep the BigInt.
      if (scale <= 3) {
        return (w, v) =>
          w.int64Safe(
            Math.round(inRange(toMillis(v, what), DATETIME64_MIN_MS, DATETIME64_MAX_MS, what, false) * factor),
          );
      }
      return (w, v) =>
        w.int64(
          BigInt(Math.round(inRange(toMillis(v, what), DATETIME64_MIN_MS, DATETIME64_MAX_MS, what, false) * factor)),
        );
    }
    case 'Nullable': {
      const inner = compileColumnWriter(args[0]!, what);
      return (w, v) => {
        if (v === null || v === undefined) w.uint8(1);
        else {
          w.uint8(0);
          inner(w, v);
        }
      };
    }
    case 'Array': {
      const inner = compileColumnWriter(args[0]!, what);
      return (w, v) => {
        if (!Array.isArray(v)) bad(what, v);
        const a = v as unknown[];
        w.varUInt(a.length);
        for (const x of a) inner(w, x);
      };
    }
    case 'Map': {
      const key = compileColumnWriter(args[0]!, what);
      const value = compileColumnWriter(args[1]!, what);
      return (w, v) => {
        if (v === null || typeof v !== 'object') bad(what, v);
        const entries = v instanceof Map ? [...v.entries()] : Object.entries(v as object);
        w.varUInt(entries.length);
        for (const [k, x] of entries) {
          key(w, k);
          value(w, x);
        }
      };
    }
    case 'Tuple': {
      // Named elements (`field String`) read from an object; unnamed ones from an array. The pattern
      // reads the server's type names (system.columns), never record content.
      const elements = args.map((a) => {
        const m = /^([A-Za-z_][A-Za-z0-9_]*)\s+(.+)$/.exec(a);
        const named = m && !/^[A-Z][A-Za-z0-9]*(\(|$)/.test(a);
        return named
          ? { name: m[1]!, write: compileColumnWriter(m[2]!, what) }
          : { name: null, write: compileColumnWriter(a, what) };
      });
      return (w, v) => {
        if (v === null || typeof v !== 'object') bad(what, v);
        elements.forEach((e, i) => {
          e.write(w, Array.isArray(v) ? v[i] : (v as Record<string, unknown>)[e.name ?? String(i)]);
        });
      };
    }
    default:
      throw new Error(`RowBinary: column type ${type} is not supported by the sink's encoder`);
  }
}

/** Writes rows of one table in the column order given, the order the INSERT names them in. */
export class TableEncoder {
  private readonly writers: ColumnWriter[];

  constructor(
    readonly table: string,
    readonly columns: readonly string[],
    types: ReadonlyMap<string, string>,
  ) {
    this.writers = columns.map((c) => {
      const type = types.get(c);
      if (type === undefined) throw new Error(`table ${table} has no column ${c} (migrations not applied?)`);
      return compileColumnWriter(type, `${table}.${c}`);
    });
  }

  /** Appends one row; on a value the column cannot hold, nothing of the row stays and it throws SINK_RECORD_INVALID. */
  write(w: RowBinaryWriter, row: Readonly<Record<string, unknown>>): void {
    const mark = w.length;
    try {
      for (let i = 0; i < this.writers.length; i++) this.writers[i]!(w, row[this.columns[i]!]);
    } catch (err) {
      w.truncate(mark);
      throw err;
    }
  }

  get insertQuery(): string {
    return `INSERT INTO ${this.table} (${this.columns.join(', ')}) FORMAT RowBinary`;
  }
}
