import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { CH, ClickHouseHttpError } from './errors.ts';

/**
 * What one HTTP request asks of ClickHouse, parsed from the URL and headers the way the real
 * server reads them (HTTPHandler.cpp). The body is read separately (request-body.ts).
 */
export interface QueryRequest {
  /** `?query=`; the body, if any, is appended after a newline. */
  readonly urlQuery: string;
  readonly database: string | undefined;
  readonly defaultFormat: string;
  readonly queryId: string;
  readonly sessionId: string | undefined;
  readonly sessionTimeoutS: number | undefined;
  /** Engine settings from the URL, in arrival order; applied with SET before the query. */
  readonly settings: ReadonlyArray<readonly [string, string]>;
  /** `param_<name>` values in ClickHouse's escaped text form, exactly as sent. */
  readonly params: Readonly<Record<string, string>>;
  readonly credentials: Credentials;
  /** `enable_http_compression=1` and the client accepts gzip or deflate. */
  readonly responseEncoding: 'gzip' | 'deflate' | undefined;
}

export interface Credentials {
  readonly user: string;
  readonly password: string;
}

/**
 * URL parameters that steer the HTTP layer rather than the engine. Passing them on as SET would
 * either fail (chDB has no HTTP server, so it does not know them) or change nothing.
 */
const HTTP_ONLY = new Set([
  'query',
  'database',
  'default_format',
  'query_id',
  'session_id',
  'session_timeout',
  'session_check',
  'user',
  'password',
  'quota_key',
  'role',
  'compress',
  'decompress',
  'buffer_size',
  'wait_end_of_query',
  'enable_http_compression',
  'http_zlib_compression_level',
  'http_response_buffer_size',
  'send_progress_in_http_headers',
  'http_headers_progress_interval_ms',
  'http_wait_end_of_query',
  'http_native_compression_disable_checksumming_on_decompress',
  'add_http_cors_header',
  'client_protocol_version',
  'cancel_http_readonly_queries_on_client_close',
]);

const SETTING_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function parseQueryRequest(url: URL, headers: IncomingHttpHeaders): QueryRequest {
  const p = url.searchParams;
  const settings: Array<readonly [string, string]> = [];
  const params: Record<string, string> = {};
  for (const [name, value] of p) {
    if (name.startsWith('param_')) {
      params[name.slice('param_'.length)] = value;
    } else if (!HTTP_ONLY.has(name)) {
      if (!SETTING_NAME.test(name)) {
        throw ClickHouseHttpError.of(CH.UNKNOWN_SETTING, `Unknown setting '${name.slice(0, 100)}'`);
      }
      settings.push([name, value]);
    }
  }
  const compressionWanted = p.get('enable_http_compression') === '1';
  const sessionTimeout = p.get('session_timeout');
  return {
    urlQuery: p.get('query') ?? '',
    database: p.get('database') ?? header(headers, 'x-clickhouse-database'),
    defaultFormat: p.get('default_format') ?? header(headers, 'x-clickhouse-format') ?? 'TabSeparated',
    queryId: p.get('query_id') || randomUUID(),
    sessionId: p.get('session_id') || undefined,
    sessionTimeoutS: sessionTimeout ? Number(sessionTimeout) : undefined,
    settings,
    params,
    credentials: parseCredentials(p, headers),
    responseEncoding: compressionWanted ? pickEncoding(header(headers, 'accept-encoding')) : undefined,
  };
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** Same precedence as the server: X-ClickHouse-User/Key, then Basic, then URL; else `default`. */
function parseCredentials(p: URLSearchParams, headers: IncomingHttpHeaders): Credentials {
  const user = header(headers, 'x-clickhouse-user');
  if (user !== undefined) return { user, password: header(headers, 'x-clickhouse-key') ?? '' };
  const auth = header(headers, 'authorization');
  if (auth?.toLowerCase().startsWith('basic ')) {
    const decoded = Buffer.from(auth.slice(6).trim(), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    return colon < 0
      ? { user: decoded, password: '' }
      : { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
  }
  return { user: p.get('user') ?? 'default', password: p.get('password') ?? '' };
}

function pickEncoding(accept: string | undefined): 'gzip' | 'deflate' | undefined {
  if (!accept) return undefined;
  const tokens = accept
    .toLowerCase()
    .split(',')
    .map((t) => t.split(';')[0]?.trim());
  if (tokens.includes('gzip')) return 'gzip';
  if (tokens.includes('deflate')) return 'deflate';
  return undefined;
}

/**
 * Undoes ClickHouse's escaped text form for a parameter value. chDB's binder escapes what it is
 * given, so handing it the already-escaped wire value would escape it twice; unescaping first
 * makes the engine see the bytes the client sent. `\N` alone is NULL.
 */
export function unescapeParam(value: string): string | null {
  if (value === '\\N') return null;
  if (!value.includes('\\')) return value;
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const ch = value[i];
    if (ch !== '\\' || i === value.length - 1) {
      out += ch;
      continue;
    }
    const next = value[++i] as string;
    out += ESCAPES[next] ?? next;
  }
  return out;
}

const ESCAPES: Record<string, string> = {
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  '0': '\0',
  a: '\x07',
  v: '\v',
  e: '\x1b',
};
