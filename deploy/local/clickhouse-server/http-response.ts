import { once } from 'node:events';
import type { ServerResponse } from 'node:http';
import { hostname } from 'node:os';
import type { Writable } from 'node:stream';
import { createDeflate, createGzip } from 'node:zlib';
import { type ClickHouseHttpError, errorBody } from './errors.ts';
import { contentTypeFor } from './formats.ts';
import type { Execution, Summary } from './query-executor.ts';

const DISPLAY_NAME = hostname();

export interface ResponseContext {
  readonly queryId: string;
  readonly encoding: 'gzip' | 'deflate' | undefined;
  readonly version: string;
}

function commonHeaders(ctx: ResponseContext): Record<string, string> {
  return {
    'X-ClickHouse-Query-Id': ctx.queryId,
    'X-ClickHouse-Timezone': 'UTC',
    'X-ClickHouse-Server-Display-Name': DISPLAY_NAME,
  };
}

function summaryHeader(s: Summary | undefined): string {
  // The real server sends every counter as a decimal string.
  return JSON.stringify({
    read_rows: String(s?.readRows ?? 0),
    read_bytes: String(s?.readBytes ?? 0),
    written_rows: String(s?.writtenRows ?? 0),
    written_bytes: String(s?.writtenBytes ?? 0),
    total_rows_to_read: '0',
    result_rows: String(s?.readRows ?? 0),
    result_bytes: String(s?.readBytes ?? 0),
    elapsed_ns: String(Math.round((s?.elapsedS ?? 0) * 1e9)),
  });
}

/** Writes a query result, compressed when asked, honouring backpressure for streams. */
export async function sendExecution(res: ServerResponse, exec: Execution, ctx: ResponseContext): Promise<void> {
  res.statusCode = 200;
  for (const [k, v] of Object.entries(commonHeaders(ctx))) res.setHeader(k, v);
  res.setHeader('X-ClickHouse-Format', exec.format);
  res.setHeader('Content-Type', contentTypeFor(exec.format));
  res.setHeader('X-ClickHouse-Summary', summaryHeader(exec.kind === 'buffered' ? exec.summary : undefined));
  if (ctx.encoding) res.setHeader('Content-Encoding', ctx.encoding);
  const out: Writable = ctx.encoding ? compressor(ctx.encoding, res) : res;

  if (exec.kind === 'buffered') {
    if (!ctx.encoding) res.setHeader('Content-Length', exec.bytes.byteLength);
    out.end(exec.bytes);
    await finished(res);
    return;
  }
  try {
    await pump(exec, out, res);
  } finally {
    // Stops the engine-side cursor when the client went away or an error cut the loop short.
    await exec.rest.return?.();
  }
  out.end();
  await finished(res);
}

async function pump(exec: Extract<Execution, { kind: 'stream' }>, out: Writable, res: ServerResponse): Promise<void> {
  if (exec.first) await write(out, res, exec.first);
  for (;;) {
    let step: IteratorResult<{ raw(): Uint8Array }>;
    try {
      step = await exec.rest.next();
    } catch (err) {
      // Headers are gone; like the real server, append the exception text, then break the
      // chunked encoding so the client cannot mistake a truncated result for a complete one.
      out.end(Buffer.from(`\n${(err as Error).message}\n`));
      res.destroy();
      throw err;
    }
    if (step.done) return;
    await write(out, res, step.value.raw());
  }
}

export function sendError(res: ServerResponse, err: ClickHouseHttpError, ctx: ResponseContext): void {
  const body = Buffer.from(errorBody(err, ctx.version));
  res.writeHead(err.httpStatus, {
    ...commonHeaders(ctx),
    'X-ClickHouse-Exception-Code': String(err.code),
    'Content-Type': 'text/plain; charset=UTF-8',
    'Content-Length': body.length,
  });
  res.end(body);
}

export function sendText(res: ServerResponse, status: number, text: string): void {
  const body = Buffer.from(text);
  res.writeHead(status, { 'Content-Type': 'text/html; charset=UTF-8', 'Content-Length': body.length });
  res.end(body);
}

function compressor(encoding: 'gzip' | 'deflate', res: ServerResponse): Writable {
  const z = encoding === 'gzip' ? createGzip() : createDeflate();
  z.pipe(res);
  return z;
}

async function write(out: Writable, res: ServerResponse, chunk: Uint8Array): Promise<void> {
  if (res.destroyed) throw new Error('client closed the connection during a streamed result');
  if (!out.write(chunk)) await Promise.race([once(out, 'drain'), once(res, 'close')]);
}

async function finished(res: ServerResponse): Promise<void> {
  if (res.writableFinished || res.destroyed) return;
  await Promise.race([once(res, 'finish'), once(res, 'close')]);
}
