import { isRawInsertFormat, type RawInsertFormatName } from './formats.ts';

/**
 * Just enough reading of SQL text to route a request: which format the response is in, whether
 * it is a plain SELECT that may stream, and whether an INSERT's data can go down chDB's raw byte
 * path. Anything these patterns do not recognise takes the general path, where the engine's own
 * parser decides, so a miss here costs speed, never correctness.
 */

const MAX_PATTERN_INPUT = 16_384;

const LEADING_NOISE = /^(?:\s+|--[^\n]*(?:\n|$)|\/\*[\s\S]*?\*\/|\()*/;

/** First keyword of the statement, upper-cased ('SELECT', 'INSERT', …); '' when none. */
export function firstKeyword(sql: string): string {
  const rest = sql.replace(LEADING_NOISE, '');
  const m = /^[A-Za-z]+/.exec(rest);
  return m ? m[0].toUpperCase() : '';
}

export function isSelectLike(sql: string): boolean {
  const kw = firstKeyword(sql);
  return kw === 'SELECT' || kw === 'WITH';
}

const TRAILING_FORMAT = /\bFORMAT\s+([A-Za-z][A-Za-z0-9_]*)\s*;?\s*$/i;

/** The output format a query names for itself (`… FORMAT JSON`), which wins over default_format. */
export function trailingFormat(sql: string): string | undefined {
  // Only the tail matters and a huge inline INSERT would make the regex scan it all.
  return TRAILING_FORMAT.exec(sql.length > 4096 ? sql.slice(-4096) : sql)?.[1];
}

export interface FastInsert {
  readonly table: string;
  readonly columns: readonly string[] | undefined;
  readonly format: RawInsertFormatName;
}

const IDENT = '[A-Za-z_][A-Za-z0-9_]*';
const FAST_INSERT = new RegExp(
  `^\\s*INSERT\\s+INTO\\s+(?:TABLE\\s+)?(${IDENT}(?:\\.${IDENT})?)\\s*(?:\\(([^()]*)\\))?\\s*FORMAT\\s+(\\w+)\\s*;?\\s*$`,
  'i',
);
const PLAIN_IDENT = new RegExp(`^${IDENT}$`);

/**
 * Recognises the INSERT shape clickhouse-js sends (`INSERT INTO db.t (a, b) FORMAT JSONEachRow`)
 * with plain identifiers and a format chDB's raw insert accepts. Those bodies are handed to the
 * engine as bytes with no UTF-8 decoding or string concatenation in JS.
 */
export function parseFastInsert(sql: string): FastInsert | undefined {
  // Bounded input keeps these backtracking regexes linear in practice; longer text is general path.
  if (sql.length > MAX_PATTERN_INPUT) return undefined;
  const m = FAST_INSERT.exec(sql);
  if (!m?.[1] || !m[3] || !isRawInsertFormat(m[3])) return undefined;
  let columns: string[] | undefined;
  if (m[2] !== undefined) {
    columns = m[2].split(',').map((c) => c.trim());
    if (!columns.every((c) => PLAIN_IDENT.test(c))) return undefined;
  }
  return { table: m[1], columns, format: m[3] };
}

const INSERT_WITH_FORMAT = /^(\s*INSERT\s+INTO\s[\s\S]+?)(\s+SETTINGS\s[\s\S]+?)?\s+FORMAT\s+(\w+)\s*;?\s*$/i;

/**
 * Rewrites `INSERT … [SETTINGS …] FORMAT X` to read its data from a file instead of inline.
 * The file path is a server-generated temp name, never user text. Returns undefined when the
 * statement does not have that shape.
 */
export function insertFromInfile(sql: string, path: string): string | undefined {
  if (sql.length > MAX_PATTERN_INPUT) return undefined;
  const m = INSERT_WITH_FORMAT.exec(sql);
  if (!m?.[1] || !m[3]) return undefined;
  return `${m[1]} FROM INFILE '${path.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'${m[2] ?? ''} FORMAT ${m[3]}`;
}
