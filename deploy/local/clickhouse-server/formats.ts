/**
 * What the adapter needs to know about ClickHouse formats: the Content-Type the real server
 * sends for each, which ones chDB can stream chunk by chunk, and which ones chDB's raw insert
 * path accepts. Names are matched case-sensitively, as ClickHouse does.
 */

/**
 * Formats whose chunks concatenate into one valid document: no header, footer or per-chunk
 * framing. chDB renders each streamed chunk as a complete output (a JSON chunk is a whole
 * `{"meta":…}` object), so only these can be streamed; everything else is buffered.
 */
const STREAMABLE = new Set([
  'JSONEachRow',
  'JSONStringsEachRow',
  'JSONCompactEachRow',
  'JSONCompactStringsEachRow',
  'JSONLines',
  'NDJSON',
  'TabSeparated',
  'TSV',
  'TabSeparatedRaw',
  'TSVRaw',
  'CSV',
  'RowBinary',
  'LineAsString',
]);

export function isStreamable(format: string): boolean {
  return STREAMABLE.has(format);
}

/** Formats chDB's `Session.insert` takes as raw bytes (its whitelist, `RawInsertFormat`). */
export const RAW_INSERT_FORMATS = [
  'JSONEachRow',
  'JSONCompactEachRow',
  'CSV',
  'CSVWithNames',
  'TSV',
  'TabSeparated',
  'TSVWithNames',
  'TabSeparatedWithNames',
] as const;
export type RawInsertFormatName = (typeof RAW_INSERT_FORMATS)[number];

export function isRawInsertFormat(format: string): format is RawInsertFormatName {
  return (RAW_INSERT_FORMATS as readonly string[]).includes(format);
}

const BINARY_PREFIXES = ['RowBinary', 'Native', 'Parquet', 'Arrow', 'ORC', 'Avro', 'Protobuf', 'MsgPack', 'CapnProto'];

/** Content-Type as ClickHouse's output formats declare it (IOutputFormat::getContentType). */
export function contentTypeFor(format: string): string {
  if (format.startsWith('JSON') && format.includes('EachRow')) return 'application/x-ndjson; charset=UTF-8';
  if (format.startsWith('JSON') || format === 'NDJSON') return 'application/json; charset=UTF-8';
  if (format.startsWith('TabSeparated') || format.startsWith('TSV')) {
    return 'text/tab-separated-values; charset=UTF-8';
  }
  if (format.startsWith('CSV')) {
    return `text/csv; charset=UTF-8; header=${format.includes('WithNames') ? 'present' : 'absent'}`;
  }
  if (format === 'XML') return 'application/xml; charset=UTF-8';
  if (BINARY_PREFIXES.some((p) => format.startsWith(p)) || format === 'BSONEachRow') {
    return 'application/octet-stream';
  }
  return 'text/plain; charset=UTF-8';
}
