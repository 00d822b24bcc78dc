import { randomUUID } from 'node:crypto';
import { unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Session, StreamChunk } from 'chdb';
import { CH, ClickHouseHttpError, toClickHouseError } from './errors.ts';
import { isStreamable } from './formats.ts';
import { type QueryRequest, unescapeParam } from './http-request.ts';
import { insertFromInfile, isSelectLike, parseFastInsert, trailingFormat } from './query-text.ts';

/** Counters for X-ClickHouse-Summary; chDB reports rows/bytes read, and written for raw inserts. */
export interface Summary {
  readonly readRows: number;
  readonly readBytes: number;
  readonly writtenRows: number;
  readonly writtenBytes: number;
  readonly elapsedS: number;
}

export type Execution =
  | { readonly kind: 'buffered'; readonly format: string; readonly bytes: Uint8Array; readonly summary: Summary }
  | {
      readonly kind: 'stream';
      readonly format: string;
      readonly first: Uint8Array | undefined;
      readonly rest: AsyncIterator<StreamChunk>;
    };

/**
 * Runs one request's SQL on a connection it owns for the duration. Routes, fastest first:
 * INSERT … FORMAT <text format> with a body → chDB's raw insert (bytes handed to the engine's
 * parser, no JS decoding); other INSERT … FORMAT X with a body → the body goes to a temp file read
 * with FROM INFILE (byte-exact, works for binary formats); parameterised SQL → queryBindAsync;
 * a SELECT in a row format → streamed chunk by chunk; everything else → queryAsync, buffered.
 */
export async function execute(
  req: QueryRequest,
  body: Buffer,
  session: Session,
  scratchDir: string,
): Promise<Execution> {
  await applySetup(req, session);
  const hasParams = Object.keys(req.params).length > 0;
  const format = req.defaultFormat;

  if (req.urlQuery !== '' && body.length > 0) {
    const fast = hasParams ? undefined : parseFastInsert(req.urlQuery);
    if (fast) {
      const opts = { table: fast.table, values: body, format: fast.format };
      const r = await session.insert(fast.columns ? { ...opts, columns: fast.columns } : opts);
      const summary = { readRows: 0, readBytes: 0, writtenRows: r.rowsWritten, writtenBytes: r.bytesWritten };
      return { kind: 'buffered', format, bytes: new Uint8Array(0), summary: { ...summary, elapsedS: r.elapsed } };
    }
    const file = join(scratchDir, `${randomUUID()}.body`);
    const viaFile = insertFromInfile(req.urlQuery, file);
    if (viaFile) {
      await writeFile(file, body);
      try {
        return await run(viaFile, req, session, format, false);
      } finally {
        // A file left behind is removed with the scratch folder when the engine closes.
        await unlink(file).catch(() => undefined);
      }
    }
  }
  const sql = joinQuery(req.urlQuery, body);
  if (sql.trim() === '') throw ClickHouseHttpError.of(CH.SYNTAX_ERROR, 'Empty query');
  // With a body, the tail is data, not the statement; only the statement may name a format.
  const named = body.length > 0 && req.urlQuery !== '' ? undefined : trailingFormat(sql);
  const responseFormat = named ?? format;
  const streamable = !hasParams && body.length === 0 && isStreamable(responseFormat) && isSelectLike(sql);
  return run(sql, req, session, responseFormat, streamable);
}

async function run(
  sql: string,
  req: QueryRequest,
  session: Session,
  format: string,
  streamable: boolean,
): Promise<Execution> {
  const opts = { format: req.defaultFormat };
  if (streamable) {
    const rest = session.queryStream(sql, opts)[Symbol.asyncIterator]();
    // Pull the first chunk before any header is sent so an early error still gets its status.
    const first = await rest.next();
    return { kind: 'stream', format, first: first.done ? undefined : first.value.raw(), rest };
  }
  const params = Object.entries(req.params);
  const result =
    params.length > 0
      ? await session.queryBindAsync(sql, Object.fromEntries(params.map(([k, v]) => [k, unescapeParam(v)])), opts)
      : await session.queryAsync(sql, opts);
  const summary = {
    readRows: result.rowsRead,
    readBytes: result.bytesRead,
    writtenRows: 0,
    writtenBytes: 0,
    elapsedS: result.elapsed,
  };
  return { kind: 'buffered', format, bytes: result.bytes(), summary };
}

/** ClickHouse's rule for a query split across URL and body: URL part, newline, body. */
function joinQuery(urlQuery: string, body: Buffer): string {
  // Invalid UTF-8 becomes U+FFFD here; the engine then rejects or stores it, the server survives.
  const text = body.toString('utf8');
  if (urlQuery === '') return text;
  return text === '' ? urlQuery : `${urlQuery}\n${text}`;
}

/**
 * `database=` and URL settings become `USE` / `SET` on this request's own connection, so they
 * apply to this query only (or persist in a session_id session, as on the real server).
 * Values are always quoted: the engine converts a string to numeric and bool settings, while an
 * unquoted number for a String setting fails (`insert_deduplication_token=123` → BAD_GET).
 */
async function applySetup(req: QueryRequest, session: Session): Promise<void> {
  const statements: string[] = [];
  if (req.database) statements.push(`USE \`${req.database.replace(/\\/g, '\\\\').replace(/`/g, '\\`')}\``);
  for (const [name, value] of req.settings) {
    statements.push(`SET ${name} = '${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`);
  }
  if (statements.length === 0) return;
  try {
    await session.queryAsync(statements.join('; '));
  } catch (err) {
    throw toClickHouseError(err);
  }
}
