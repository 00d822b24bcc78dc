import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';
import { matchKeyHash } from '../../services/lib/api-keys.ts';
import { WardenError } from '../../services/lib/errors.ts';
import type { Logger } from '../../services/lib/logger.ts';
import type { ProxyMetrics } from './metrics.ts';
import type { McpProxy } from './proxy.ts';

export interface HttpListenerOptions {
  readonly host: string;
  readonly port: number;
  readonly path: string;
  /** sha256 digests of the keys MCP clients present. */
  readonly keyHashes: readonly Buffer[];
  readonly maxBodyBytes: number;
  readonly sessionIdleMs: number;
  readonly proxy: McpProxy;
  readonly metrics: ProxyMetrics;
  readonly log: Logger;
}

export interface RunningHttpListener {
  readonly url: string;
  close(): Promise<void>;
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

/** A JSON-RPC error body, as MCP clients expect from the Streamable HTTP endpoint. */
function rpcError(res: ServerResponse, status: number, err: WardenError): void {
  sendJson(res, status, { jsonrpc: '2.0', error: { code: -32000, message: `${err.code}: ${err.message}` }, id: null });
}

async function readBody(req: IncomingMessage, max: number): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > max) throw new Error(`request body larger than listen.http.max_body_bytes (${max})`);
    chunks.push(chunk as Buffer);
  }
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
}

/**
 * The proxy's Streamable HTTP endpoint (stateful: one MCP session, one server, one transport per
 * client). Every request but /healthz needs `Authorization: Bearer <key>` whose sha256 is configured;
 * keys are compared in constant time.
 */
export async function startHttpListener(o: HttpListenerOptions): Promise<RunningHttpListener> {
  const sessions = new Map<string, StreamableHTTPServerTransport>();
  const lastSeen = new Map<string, number>();
  const entries = o.keyHashes.map((hash) => ({ hash }));
  const log = o.log;

  const authorized = (req: IncomingMessage): boolean => {
    const h = req.headers.authorization;
    if (h === undefined || !h.toLowerCase().startsWith('bearer ')) return false;
    return matchKeyHash(entries, h.slice(7).trim()) !== undefined;
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://proxy');
    if (url.pathname === '/healthz') return sendJson(res, 200, { status: 'ok', sessions: sessions.size });
    if (!authorized(req)) {
      return rpcError(res, 401, new WardenError('MCP_PROXY_UNAUTHORIZED', 'expected Authorization: Bearer <key>'));
    }
    if (url.pathname === '/metrics') {
      res.writeHead(200, { 'content-type': o.metrics.registry.contentType });
      res.end(await o.metrics.registry.metrics());
      return;
    }
    if (url.pathname !== o.path) return sendJson(res, 404, { error: `no route ${url.pathname}; MCP is at ${o.path}` });

    const sid = req.headers['mcp-session-id'];
    const existing = typeof sid === 'string' ? sessions.get(sid) : undefined;
    if (existing !== undefined) lastSeen.set(sid as string, Date.now());
    if (req.method !== 'POST') {
      // GET (server-sent events) and DELETE (end of session) belong to an existing session.
      if (existing === undefined) return sendJson(res, 404, { error: 'unknown or missing Mcp-Session-Id' });
      await existing.handleRequest(req, res);
      return;
    }
    let body: unknown;
    try {
      body = await readBody(req, o.maxBodyBytes);
    } catch (err) {
      return sendJson(res, 400, { jsonrpc: '2.0', error: { code: -32700, message: (err as Error).message }, id: null });
    }
    if (existing !== undefined) {
      await existing.handleRequest(req, res, body);
      return;
    }
    if (typeof sid === 'string') return sendJson(res, 404, { error: `unknown Mcp-Session-Id ${sid}` });
    if (!isInitializeRequest(body)) {
      return sendJson(res, 400, { error: 'the first request of a session must be initialize' });
    }
    // The session id is made here so the MCP server of the session records events under it from the start.
    const sessionId = randomUUID();
    const transport = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => sessionId,
      onsessioninitialized: (id) => {
        sessions.set(id, transport);
        lastSeen.set(id, Date.now());
      },
    });
    transport.onclose = () => {
      sessions.delete(sessionId);
      lastSeen.delete(sessionId);
    };
    const server = o.proxy.createServer('http', sessionId);
    await server.connect(transport);
    await transport.handleRequest(req, res, body);
  };

  const http: Server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      log.error({ err, url: req.url }, 'MCP HTTP request failed');
      if (!res.headersSent)
        sendJson(res, 500, { jsonrpc: '2.0', error: { code: -32603, message: 'internal error' }, id: null });
      else res.end();
    });
  });
  // Clients that vanish without DELETE would keep their session (server, transport) for ever.
  const sweep = setInterval(
    () => {
      const idleSince = Date.now() - o.sessionIdleMs;
      for (const [id, at] of lastSeen) {
        if (at >= idleSince) continue;
        log.info({ session_id: id }, 'closing idle MCP session');
        void sessions.get(id)?.close();
        sessions.delete(id);
        lastSeen.delete(id);
      }
    },
    Math.min(60_000, o.sessionIdleMs),
  );
  sweep.unref();
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(o.port, o.host, () => resolve());
  });
  const address = http.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}${o.path}`;
  return {
    url,
    async close() {
      clearInterval(sweep);
      await Promise.allSettled([...sessions.values()].map((t) => t.close()));
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}
