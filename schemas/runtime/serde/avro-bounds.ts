import avro from 'avsc';

/**
 * Items of zero-byte types (null, fixed(0), records of only those) that one record may declare in
 * all its arrays together. The byte count cannot bound them, and avsc would build every one.
 */
export const MAX_ZERO_BYTE_ITEMS = 100_000;

/** A body that would make the decoder loop or allocate without bound; the codec turns it into SERDE_DECODE_FAILED. */
export class AvroBoundsError extends Error {
  override readonly name = 'AvroBoundsError';
}

interface Cursor {
  readonly buf: Uint8Array;
  pos: number;
  zeroByteItems: number;
}

/**
 * Walks an Avro body with its writer schema, without building values, and refuses it when an array
 * or map block declares more items than the bytes left could hold. avsc trusts block counts: a
 * varint of ~2^62 keeps its map decoder looping on the event loop for minutes (reading past the end
 * yields empty keys, so nothing grows and nothing throws), and one such record on a topic stalls
 * detect or sink. Every map entry and every array item of a non-zero-byte type takes at least one
 * byte, so `count <= bytes left` is exact enough and costs one pass over the varints.
 */
export function checkAvroBounds(writer: avro.Type, body: Uint8Array): void {
  const cursor: Cursor = { buf: body, pos: 0, zeroByteItems: 0 };
  skip(writer, cursor);
}

/** Decodes a zigzag varint long; precise to 2^53, enough to compare with a buffer length. */
function readLong(c: Cursor): number {
  let raw = 0;
  let scale = 1;
  for (let i = 0; i < 10; i++) {
    if (c.pos >= c.buf.length) throw new AvroBoundsError(`truncated varint at byte ${c.pos}`);
    const b = c.buf[c.pos++]!;
    raw += (b & 0x7f) * scale;
    if ((b & 0x80) === 0) return raw % 2 === 0 ? raw / 2 : -(raw + 1) / 2;
    scale *= 128;
  }
  throw new AvroBoundsError(`varint longer than 10 bytes at byte ${c.pos}`);
}

function advance(c: Cursor, bytes: number, what: string): void {
  if (bytes < 0 || bytes > c.buf.length - c.pos) {
    throw new AvroBoundsError(`${what} of ${bytes} bytes with ${c.buf.length - c.pos} bytes left`);
  }
  c.pos += bytes;
}

const minBytesCache = new WeakMap<avro.Type, number>();

/** The fewest bytes a value of this type encodes to (0 only for types that always encode to nothing). */
function minBytes(type: avro.Type, seen = new Set<avro.Type>()): number {
  const cached = minBytesCache.get(type);
  if (cached !== undefined) return cached;
  if (seen.has(type)) return 1; // A recursive reference sits behind a union or an array: at least its index or count.
  seen.add(type);
  const t = type as avro.Type & {
    typeName: string;
    size?: number;
    fields?: { type: avro.Type }[];
    underlyingType?: avro.Type;
  };
  let min: number;
  if (t.typeName === 'null') min = 0;
  else if (t.typeName === 'fixed') min = t.size ?? 0;
  else if (t.typeName === 'record' || t.typeName === 'error')
    min = (t.fields ?? []).reduce((sum, f) => sum + minBytes(f.type, seen), 0);
  else if (t.typeName.startsWith('logical:') && t.underlyingType) min = minBytes(t.underlyingType, seen);
  else min = 1;
  minBytesCache.set(type, min);
  return min;
}

function skipBlocks(c: Cursor, kind: 'array' | 'map', item: avro.Type, skipItem: () => void): void {
  // A map entry also carries its key (a string: at least its length byte).
  const itemMin = kind === 'map' ? 1 : minBytes(item);
  for (;;) {
    let n = readLong(c);
    if (n === 0) return;
    if (n < 0) {
      n = -n;
      readLong(c); // The block's byte size, which writers may add; the items are walked all the same.
    }
    const left = c.buf.length - c.pos;
    if (itemMin > 0) {
      if (n * itemMin > left) {
        throw new AvroBoundsError(`${kind} block of ${n} items with only ${left} bytes left`);
      }
    } else {
      c.zeroByteItems += n;
      if (c.zeroByteItems > MAX_ZERO_BYTE_ITEMS) {
        throw new AvroBoundsError(
          `${kind} blocks of ${c.zeroByteItems} zero-byte items (limit ${MAX_ZERO_BYTE_ITEMS})`,
        );
      }
      continue; // Nothing to walk: the items take no bytes.
    }
    for (let i = 0; i < n; i++) skipItem();
  }
}

function skip(type: avro.Type, c: Cursor): void {
  const t = type as avro.Type & {
    typeName: string;
    size?: number;
    fields?: { type: avro.Type }[];
    types?: avro.Type[];
    itemsType?: avro.Type;
    valuesType?: avro.Type;
    underlyingType?: avro.Type;
  };
  switch (t.typeName) {
    case 'null':
      return;
    case 'boolean':
      advance(c, 1, 'boolean');
      return;
    case 'int':
    case 'long':
    case 'enum':
      readLong(c);
      return;
    case 'float':
      advance(c, 4, 'float');
      return;
    case 'double':
      advance(c, 8, 'double');
      return;
    case 'string':
    case 'bytes':
      advance(c, readLong(c), t.typeName);
      return;
    case 'fixed':
      advance(c, t.size ?? 0, 'fixed');
      return;
    case 'record':
    case 'error':
      for (const f of t.fields ?? []) skip(f.type, c);
      return;
    case 'array': {
      const items = t.itemsType!;
      skipBlocks(c, 'array', items, () => skip(items, c));
      return;
    }
    case 'map': {
      const values = t.valuesType!;
      skipBlocks(c, 'map', values, () => {
        advance(c, readLong(c), 'map key');
        skip(values, c);
      });
      return;
    }
    case 'union:unwrapped':
    case 'union:wrapped': {
      const types = t.types ?? [];
      const index = readLong(c);
      const branch = types[index];
      if (branch === undefined) throw new AvroBoundsError(`union branch ${index} of ${types.length}`);
      skip(branch, c);
      return;
    }
    default:
      if (t.typeName.startsWith('logical:') && t.underlyingType) {
        skip(t.underlyingType, c);
        return;
      }
      throw new AvroBoundsError(`unsupported Avro type ${t.typeName}`);
  }
}

/** The parts of avsc's Tap (its read cursor) that the guarded block readers use. */
interface Tap {
  readonly buf: Uint8Array;
  pos: number;
  readLong(): number;
  skipLong(): void;
  readString(): string;
}

interface BlockType {
  readonly itemsType?: avro.Type & { _read(tap: Tap): unknown };
  readonly valuesType?: avro.Type & { _read(tap: Tap): unknown };
}

type TypeNode = avro.Type & {
  typeName: string;
  fields?: { type: avro.Type }[];
  types?: avro.Type[];
  itemsType?: avro.Type;
  valuesType?: avro.Type;
  underlyingType?: avro.Type;
};

function refuseCount(kind: 'array' | 'map', n: number, tap: Tap): never {
  throw new AvroBoundsError(`${kind} block of ${n} items with only ${tap.buf.length - tap.pos} bytes left`);
}

let guardsInstalled = false;

/**
 * Replaces avsc's array and map readers (avsc types are frozen, so this patches the two
 * prototypes, once per process) with ones that refuse a block count larger than the bytes left:
 * the same reads as avsc 5.7's own (blocks of `count`; a negative count followed by the block's
 * byte size), plus one comparison per block. They only refuse what no valid body holds; arrays of
 * zero-byte items pass as before (the byte count cannot bound them).
 */
function installBlockCountGuards(): void {
  if (guardsInstalled) return;
  guardsInstalled = true;
  const types = (avro as unknown as { types: Record<string, { prototype: { _read(tap: Tap): unknown } }> }).types;
  types.ArrayType!.prototype._read = function readArray(this: BlockType, tap: Tap) {
    const items = this.itemsType!;
    // avsc's resolvers borrow this reader with a resolver as `itemsType`; bodies read through a
    // resolver were walked by checkAvroBounds first (avro-codec.ts), so those check nothing here.
    const itemMin = typeof (items as { typeName?: unknown }).typeName === 'string' ? minBytes(items) : 0;
    let i = 0;
    let val: unknown[] | undefined;
    for (let count = tap.readLong(); count; count = tap.readLong()) {
      if (count < 0) {
        count = -count;
        tap.skipLong();
      }
      if (count * itemMin > tap.buf.length - tap.pos) refuseCount('array', count, tap);
      val ??= new Array(count);
      while (count--) val[i++] = items._read(tap);
    }
    return val ?? [];
  };
  types.MapType!.prototype._read = function readMap(this: BlockType, tap: Tap) {
    const values = this.valuesType!;
    const val: Record<string, unknown> = {};
    for (let count = tap.readLong(); count; count = tap.readLong()) {
      if (count < 0) {
        count = -count;
        tap.skipLong();
      }
      // Every entry carries at least its key's length byte.
      if (count > tap.buf.length - tap.pos) refuseCount('map', count, tap);
      while (count--) {
        const key = tap.readString();
        val[key] = values._read(tap);
      }
    }
    return val;
  };
}

/**
 * Whether bodies of `type` decoded with `type` itself (no resolver) may skip checkAvroBounds' walk,
 * which cost about as much as the decode (3–5 µs per event, paid in detect and the sink): true once
 * the guarded array and map readers are installed, unless an array of `type` holds items that may
 * encode to zero bytes — the walk's per-record item limit has to run for those.
 */
export function guardBlockCounts(type: avro.Type): boolean {
  installBlockCountGuards();
  const seen = new Set<avro.Type>();
  let zeroByteItems = false;
  const visit = (t: avro.Type) => {
    if (seen.has(t) || zeroByteItems) return;
    seen.add(t);
    const n = t as TypeNode;
    if (n.typeName === 'array' && minBytes(n.itemsType!) === 0) zeroByteItems = true;
    for (const f of n.fields ?? []) visit(f.type);
    for (const u of n.types ?? []) visit(u);
    if (n.itemsType) visit(n.itemsType);
    if (n.valuesType) visit(n.valuesType);
    if (n.underlyingType) visit(n.underlyingType);
  };
  visit(type);
  return !zeroByteItems;
}
