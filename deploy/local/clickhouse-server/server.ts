import { createHash, randomUUID, timingSafeEqual } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../../../services/lib/logger.ts';
import { Admission } from './admission.ts';
import type { ClickHouseServerConfig } from './config.ts';
import { ChdbEngine } from './engine.ts';
import { CH, ClickHouseHttpError, toClickHouseError } from './errors.ts';
import { type Credentials, parseQueryRequest } from './http-request.ts';
import { type ResponseContext, sendError, sendExecution, sendText } from './http-response.ts';
import { execute } from './query-executor.ts';
import { readBody } from './request-body.ts';
import { SessionRegistry } from './session-registry.ts';

export interface ClickHouseHttpServer {
  readonly url: string;
  readonly port: number;
  readonly engine: ChdbEngine;
  /** Stops accepting, drains in-flight requests (bounded by shutdownTimeoutMs), closes chDB. */
  close(): Promise<void>;
}

/**
 * Serves ClickHouse's HTTP interface over the embedded engine. Node's own http server rather
 * than fastify: bodies must stay raw bytes (any format, gzip or not), results stream with
 * backpressure, and the routes are few and fixed.
 */
export async function startClickHouseServer(
  config: ClickHouseServerConfig,
  log: Logger,
): Promise<ClickHouseHttpServer> {
  const engine = await ChdbEngine.open(config.dataDir, log);
  const sessions = new SessionRegistry(engine, config.sessionTimeoutS);
  const admission = new Admission(config.maxConcurrentQueries, config.maxQueuedQueries);
  const checkAuth = makeAuthCheck(config);
  const inFlight = new Set<Promise<void>>();
  let closing = false;

  const handleQuery = async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> => {
    const started = performance.now();
    let ctx: ResponseContext = {
      queryId: url.searchParams.get('query_id') || randomUUID(),
      encoding: undefined,
      version: engine.version,
    };
    try {
      if (closing) throw ClickHouseHttpError.of(CH.TOO_MANY_SIMULTANEOUS_QUERIES, 'Server is shutting down');
      const q = parseQueryRequest(url, req.headers);
      ctx = { ...ctx, queryId: q.queryId, encoding: q.responseEncoding };
      checkAuth(q.credentials);
      // Admission before the body is read, so memory held by bodies is bounded by the number of
      // running queries times CLICKHOUSE_MAX_BODY_BYTES, not by the queue length.
      const releaseSlot = await admission.acquire();
      try {
        const body = req.method === 'POST' ? await readBody(req, config.maxBodyBytes) : Buffer.alloc(0);
        const session = q.sessionId ? sessions.acquire(q.sessionId) : engine.connect();
        try {
          const exec = await execute(q, body, session, engine.scratchDir).catch((err: unknown) => {
            throw toClickHouseError(err);
          });
          await sendExecution(res, exec, ctx);
        } finally {
          if (q.sessionId) sessions.release(q.sessionId, q.sessionTimeoutS);
          else engine.release(session);
        }
      } finally {
        releaseSlot();
      }
      log.debug({ queryId: ctx.queryId, durationMs: performance.now() - started }, 'query done');
    } catch (err) {
      const chErr = toClickHouseError(err);
      if (!res.headersSent) sendError(res, chErr, ctx);
      else res.destroy();
      const level = chErr.httpStatus >= 500 ? 'warn' : 'debug';
      log[level]({ queryId: ctx.queryId, code: chErr.code, status: chErr.httpStatus, err: chErr }, 'query failed');
    }
  };

  const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    const url = new URL(req.url ?? '/', 'http://clickhouse.local');
    const method = req.method ?? 'GET';
    const path = url.pathname;
    const isRead = method === 'GET' || method === 'HEAD';
    if (
      isRead &&
      (path === '/ping' || path === '/replicas_status' || (path === '/' && !url.searchParams.has('query')))
    ) {
      sendText(res, 200, 'Ok.\n');
      return;
    }
    if (path !== '/') {
      sendText(res, 404, `There is no handle ${path.slice(0, 200)}\n\nUse / or /ping for health checks.\n`);
      return;
    }
    if (method !== 'GET' && method !== 'POST') {
      sendText(res, 405, `HTTP method ${method.slice(0, 20)} is not allowed; use GET or POST.\n`);
      return;
    }
    const p = handleQuery(req, res, url);
    inFlight.add(p);
    void p.finally(() => inFlight.delete(p));
  };

  const server = createServer({ keepAliveTimeout: 10_000 }, onRequest);
  // A socket-level error (client reset, malformed HTTP) must never take the process down.
  server.on('clientError', (err, socket) => {
    log.debug({ err }, 'client error');
    socket.destroy();
  });
  try {
    await listen(server, config.httpHost, config.httpPort);
  } catch (err) {
    // Release the data folder so a caller in the same process can retry elsewhere.
    await engine.close();
    throw err;
  }
  const port = (server.address() as AddressInfo).port;
  log.info({ host: config.httpHost, port, dataDir: config.dataDir, version: engine.version }, 'listening');

  let closed: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closed ??= (async () => {
      closing = true;
      const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const deadline = new Promise<'timeout'>((resolve) =>
        setTimeout(resolve, config.shutdownTimeoutMs, 'timeout').unref(),
      );
      const drained = await Promise.race([Promise.allSettled([...inFlight]).then(() => 'drained' as const), deadline]);
      if (drained === 'timeout') log.warn({ inFlight: inFlight.size }, 'shutdown timeout: cutting open requests');
      server.closeAllConnections();
      await stopped;
      sessions.closeAll();
      await engine.close();
    })();
    return closed;
  };

  return { url: `http://${config.httpHost}:${port}`, port, engine, close };
}

async function listen(server: Server, host: string, port: number): Promise<void> {
  server.listen(port, host);
  // 'error' before 'listening' (EADDRINUSE, EACCES) rejects; the caller names it.
  await once(server, 'listening');
}

/** No check for `default` with an empty password, matching a fresh ClickHouse install. */
function makeAuthCheck(config: ClickHouseServerConfig): (c: Credentials) => void {
  if (config.user === 'default' && config.password === '') return () => undefined;
  const expected = digest(`${config.user}\0${config.password}`);
  return (c) => {
    if (!timingSafeEqual(digest(`${c.user}\0${c.password}`), expected)) {
      throw ClickHouseHttpError.of(
        CH.AUTHENTICATION_FAILED,
        `${c.user.slice(0, 100)}: Authentication failed: password is incorrect, or there is no user with such name`,
      );
    }
  };
}

function digest(s: string): Buffer {
  return createHash('sha256').update(s).digest();
}
