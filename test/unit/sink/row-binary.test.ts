import { describe, expect, it } from 'vitest';
import { compileColumnWriter, RowBinaryWriter, TableEncoder } from '../../../services/sink/row-binary.ts';

const bytes = (type: string, value: unknown) => {
  const w = new RowBinaryWriter(4);
  compileColumnWriter(type)(w, value);
  return [...w.slice()];
};

describe('RowBinary encoding', () => {
  it('writes strings with a LEB128 length, LowCardinality as its inner type', () => {
    expect(bytes('String', 'ab')).toEqual([2, 0x61, 0x62]);
    expect(bytes('LowCardinality(String)', 'é')).toEqual([2, 0xc3, 0xa9]);
    expect(bytes('String', 'x'.repeat(300)).slice(0, 2)).toEqual([0xac, 0x02]);
  });

  it('short ASCII strings (copied by hand) and the rest (native UTF-8) encode alike', () => {
    for (const s of ['', 'a', 'a'.repeat(64), 'a'.repeat(65), `${'a'.repeat(63)}é`, 'Zoë', '日本', '\u0000\u007f']) {
      const utf8 = Buffer.from(s, 'utf8');
      expect(bytes('String', s)).toEqual([
        ...(utf8.length < 0x80 ? [utf8.length] : [(utf8.length & 0x7f) | 0x80, utf8.length >> 7]),
        ...utf8,
      ]);
    }
  });

  it('writes Int64/UInt64 from safe integers (numbers, offset strings) as the BigInt path does', () => {
    const int64 = (n: bigint) => [...Buffer.from(new BigInt64Array([n]).buffer)];
    for (const n of [0, 1, -1, -5, 2 ** 32, -(2 ** 32) - 3, 2 ** 53 - 1, -(2 ** 53) + 1]) {
      expect(bytes('Int64', n)).toEqual(int64(BigInt(n)));
    }
    expect(bytes('UInt64', '007')).toEqual(int64(7n));
    expect(bytes('UInt64', '123456789012345678')).toEqual(int64(123456789012345678n));
    expect(bytes('UInt64', 2 ** 53 + 2)).toEqual(int64(BigInt(2 ** 53 + 2)));
    expect(bytes('UInt64', 1.5)).toEqual(int64(1n));
    expect(() => bytes('UInt64', -1)).toThrow(/out of range/);
    const before1970 = Date.UTC(1950, 5, 5, 1, 2, 3, 456);
    expect(bytes("DateTime64(3, 'UTC')", before1970)).toEqual(int64(BigInt(before1970)));
    expect(bytes('DateTime64(6)', before1970)).toEqual(int64(BigInt(before1970) * 1000n));
  });

  it('writes DateTime64(3) as little-endian milliseconds, from a number or an ISO string', () => {
    const ms = Date.UTC(2026, 11, 6, 12, 0, 0, 123);
    const expected = [...Buffer.from(new BigInt64Array([BigInt(ms)]).buffer)];
    expect(bytes("DateTime64(3, 'UTC')", ms)).toEqual(expected);
    expect(bytes("DateTime64(3, 'UTC')", new Date(ms).toISOString())).toEqual(expected);
    expect(bytes("DateTime64(6, 'UTC')", 1)).toEqual([0xe8, 0x03, 0, 0, 0, 0, 0, 0]);
  });

  it('writes Nullable, Array, Map and named Tuple the way ClickHouse reads them', () => {
    expect(bytes("Nullable(DateTime64(3, 'UTC'))", null)).toEqual([1]);
    expect(bytes("Nullable(DateTime64(3, 'UTC'))", 0)).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect(bytes('Array(LowCardinality(String))', ['a', 'b'])).toEqual([2, 1, 0x61, 1, 0x62]);
    expect(bytes('Map(String, String)', { k: 'v' })).toEqual([1, 1, 0x6b, 1, 0x76]);
    expect(bytes('Array(Tuple(field String, start UInt32, end UInt32))', [{ field: 'c', start: 1, end: 2 }])).toEqual([
      1, 1, 0x63, 1, 0, 0, 0, 2, 0, 0, 0,
    ]);
    expect(bytes('UInt64', '18446744073709551615')).toEqual([255, 255, 255, 255, 255, 255, 255, 255]);
    expect(bytes('Bool', true)).toEqual([1]);
  });

  it('refuses values a column cannot hold instead of storing them wrapped', () => {
    expect(() => bytes("DateTime64(3, 'UTC')", 8.64e15)).toThrow(/out of range/);
    expect(() => bytes('UInt16', 70_000)).toThrow(/SINK|out of range/);
    expect(() => bytes('UInt64', -1)).toThrow(/out of range/);
    expect(() => bytes('UInt32', 1.5)).toThrow(/out of range/);
    expect(() => bytes('String', null)).toThrow(/cannot encode/);
    expect(() => bytes('UInt64', 'twelve')).toThrow(/cannot encode/);
  });

  it('fails at start-up on a column type it does not know', () => {
    expect(() => compileColumnWriter('IPv6')).toThrow(/not supported/);
    expect(() => new TableEncoder('t', ['a', 'missing'], new Map([['a', 'String']]))).toThrow(/no column missing/);
  });

  it('drops a half-written row when one of its values is refused', () => {
    const enc = new TableEncoder(
      't',
      ['a', 'n'],
      new Map([
        ['a', 'String'],
        ['n', 'UInt8'],
      ]),
    );
    const w = new RowBinaryWriter();
    enc.write(w, { a: 'ok', n: 1 });
    expect(() => enc.write(w, { a: 'bad', n: 999 })).toThrow();
    expect([...w.slice()]).toEqual([2, 0x6f, 0x6b, 1]);
    expect(enc.insertQuery).toBe('INSERT INTO t (a, n) FORMAT RowBinary');
  });
});
