import { isUtf8 } from 'node:buffer';
import { createGunzip } from 'node:zlib';
import { WardenError } from '../lib/errors.ts';

/** Media types the ingest routes accept; each route decides which of them it understands. */
export const MEDIA_TYPES = ['application/json', 'application/x-ndjson', 'application/x-protobuf'] as const;
export type MediaType = (typeof MEDIA_TYPES)[number];

export function mediaTypeOf(contentType: string | undefined): MediaType | undefined {
  const base = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (base === 'application/ndjson' || base === 'application/jsonl') return 'application/x-ndjson';
  return (MEDIA_TYPES as readonly string[]).includes(base) ? (base as MediaType) : undefined;
}

/** Decodes a body as UTF-8, refusing invalid sequences instead of silently replacing them. */
export function decodeUtf8(body: Buffer): string {
  if (!isUtf8(body)) throw new WardenError('INGEST_MALFORMED_BODY', 'body is not valid UTF-8');
  return body.toString('utf8');
}

/** A JSON array of events (`[{...}, ...]`). */
export function parseJsonArray(body: Buffer): unknown[] {
  const text = decodeUtf8(body);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new WardenError('INGEST_MALFORMED_BODY', `body is not valid JSON: ${(err as Error).message}`);
  }
  if (!Array.isArray(parsed)) {
    throw new WardenError(
      'INGEST_MALFORMED_BODY',
      'body must be a JSON array of AgentEvents (or NDJSON with Content-Type: application/x-ndjson)',
    );
  }
  return parsed;
}

/** One JSON value per line; blank lines are skipped; the error names the line. */
export function parseNdjson(body: Buffer): unknown[] {
  const text = decodeUtf8(body);
  const out: unknown[] = [];
  let line = 0;
  let start = 0;
  while (start <= text.length) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    line++;
    const record = text.slice(start, end).trim();
    if (record.length > 0) {
      try {
        out.push(JSON.parse(record));
      } catch (err) {
        throw new WardenError('INGEST_MALFORMED_BODY', `line ${line} is not valid JSON: ${(err as Error).message}`);
      }
    }
    start = end + 1;
  }
  return out;
}

/**
 * Content-Encoding handling for fastify's preParsing hook: gzip bodies (most OTLP exporters compress)
 * are inflated as they stream in, and the body limit applies to the inflated size, so a small bomb is
 * cut off at INGEST_MAX_BODY_BYTES. `receivedEncodedLength` lets fastify check Content-Length against
 * the bytes on the wire.
 */
export function decodeContentEncoding(
  encoding: string | undefined,
  payload: NodeJS.ReadableStream,
): NodeJS.ReadableStream {
  const enc = (encoding ?? 'identity').trim().toLowerCase();
  if (enc === 'identity' || enc === '') return payload;
  if (enc !== 'gzip' && enc !== 'x-gzip') {
    throw new WardenError('INGEST_UNSUPPORTED_MEDIA_TYPE', `Content-Encoding ${enc} (accepted: gzip, identity)`);
  }
  const gunzip = createGunzip();
  const inflated = gunzip as typeof gunzip & { receivedEncodedLength: number };
  inflated.receivedEncodedLength = 0;
  payload.on('data', (chunk: Buffer) => {
    inflated.receivedEncodedLength += chunk.length;
  });
  payload.on('error', (err) => gunzip.destroy(err));
  payload.pipe(gunzip);
  // A corrupt gzip stream errors the returned stream; fastify turns stream errors into a 400 (see
  // server.ts). When fastify refuses the request before reading the body (e.g. an unsupported
  // Content-Type) nobody listens on this stream: without a listener of our own, the inflate error
  // would be uncaught and kill the process. The request has its answer already; the error is dropped.
  gunzip.on('error', () => {});
  return inflated;
}
