import type { IncomingMessage } from 'node:http';
import { type Readable, type Transform, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip, createInflate } from 'node:zlib';
import { CH, ClickHouseHttpError } from './errors.ts';

/**
 * Reads a request body into one Buffer, inflating gzip/deflate (what clickhouse-js sends with
 * `compression.request`), and stops collecting past `maxBytes` of *decompressed* data so a
 * small gzip bomb cannot exhaust memory. Bytes stay bytes: nothing here decodes UTF-8.
 */
export async function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const encoding = (req.headers['content-encoding'] ?? '').toLowerCase().trim();
  const chunks: Buffer[] = [];
  let total = 0;
  // Past the limit the rest is read and dropped rather than the socket torn down: destroying
  // the request mid-upload would leave the client with EPIPE instead of the error text.
  const collector = new Writable({
    write(chunk: Buffer, _enc, done) {
      total += chunk.length;
      if (total <= maxBytes) chunks.push(chunk);
      done();
    },
  });
  const stages: Array<Readable | Transform> = [req];
  if (encoding === 'gzip' || encoding === 'x-gzip') stages.push(createGunzip());
  else if (encoding === 'deflate') stages.push(createInflate());
  else if (encoding !== '' && encoding !== 'identity') {
    throw ClickHouseHttpError.of(CH.ZLIB_INFLATE_FAILED, `Unsupported Content-Encoding '${encoding.slice(0, 40)}'`, {
      httpStatus: 415,
    });
  }
  try {
    await pipeline([...stages, collector]);
  } catch (err) {
    if (err instanceof ClickHouseHttpError) throw err;
    const code = (err as { code?: unknown }).code;
    if (typeof code === 'string' && code.startsWith('Z_')) {
      throw ClickHouseHttpError.of(CH.ZLIB_INFLATE_FAILED, `inflate failed: ${(err as Error).message}`, {
        cause: err,
        httpStatus: 400,
      });
    }
    throw err;
  }
  if (total > maxBytes) throw tooLarge(maxBytes);
  return chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, total);
}

function tooLarge(maxBytes: number): ClickHouseHttpError {
  return ClickHouseHttpError.of(
    CH.QUERY_IS_TOO_LARGE,
    `Request body exceeds ${maxBytes} bytes (CLICKHOUSE_MAX_BODY_BYTES of the local ClickHouse server)`,
  );
}
