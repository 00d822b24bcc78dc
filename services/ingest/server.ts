import Fastify, {
  type FastifyBaseLogger,
  type FastifyError,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  LogController,
} from 'fastify';
import { type ErrorCode, isWardenError } from '../lib/errors.ts';
import type { Logger } from '../lib/logger.ts';
import type { Authenticator, Caller } from './auth.ts';
import { decodeContentEncoding, mediaTypeOf } from './body-parsing.ts';
import type { IngestTls } from './config.ts';
import type { EventPublisher } from './event-publisher.ts';
import { type EventValidator, InvalidEventsError } from './event-validation.ts';
import { type LoadSheddingOptions, registerLoadShedding } from './load-shedding.ts';
import type { IngestMetrics } from './metrics.ts';
import { encodeRpcStatus } from './otlp-protobuf.ts';
import { eventsRoute } from './routes/events.ts';
import { healthRoutes, type ReadinessProbe } from './routes/health.ts';
import { otlpRoute } from './routes/otlp.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The enforcement point whose API key authenticated the request (set by the route's onRequest). */
    caller: Caller | null;
  }
}

export interface ServerDeps {
  log: Logger;
  authenticator: Authenticator;
  validator: EventValidator;
  publisher: EventPublisher;
  metrics: IngestMetrics;
  readiness: ReadinessProbe;
  maxBodyBytes: number;
  maxEventsPerRequest: number;
  retryAfterSeconds: number;
  /** 503 INGEST_SATURATED when the process is saturated (load-shedding.ts); absent: never shed. */
  shedding?: LoadSheddingOptions;
  /** HTTPS (and mTLS when `clientCa` is set); plain HTTP when absent. */
  tls?: IngestTls | null;
}

/** Every body the routes understand arrives as a Buffer; the routes decode it (see body-parsing.ts). */
const ACCEPTED_TYPES = [
  'application/json',
  'application/x-ndjson',
  'application/ndjson',
  'application/jsonl',
  'application/x-protobuf',
];

/** Builds the fastify app (no listen), so tests can use inject() without a socket. */
export function buildServer(deps: ServerDeps): FastifyInstance {
  const tls = deps.tls ?? null;
  const app = Fastify({
    ...(tls
      ? {
          https: {
            cert: tls.cert,
            key: tls.key,
            minVersion: 'TLSv1.2' as const,
            // Asked for, verified against the client CA, but not required at the handshake: the
            // request is then refused with a JSON 401 naming the cause (or accepted on an API key).
            ...(tls.clientCa ? { ca: tls.clientCa, requestCert: true, rejectUnauthorized: false } : {}),
          },
        }
      : {}),
    loggerInstance: deps.log as FastifyBaseLogger,
    // Per-request lines would be per-event noise at info; failures are logged by sendError instead.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: deps.maxBodyBytes,
    return503OnClosing: true,
  });
  app.decorateRequest('caller', null);

  app.removeAllContentTypeParsers();
  app.addContentTypeParser(ACCEPTED_TYPES, { parseAs: 'buffer', bodyLimit: deps.maxBodyBytes }, (_req, body, done) =>
    done(null, body),
  );
  app.addHook('preParsing', async (request, _reply, payload) =>
    decodeContentEncoding(request.headers['content-encoding'] as string | undefined, payload),
  );

  if (deps.shedding) registerLoadShedding(app, deps.shedding, deps.metrics);

  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    deps.metrics.requests.inc({ route, status: String(reply.statusCode) });
    deps.metrics.requestDuration.observe({ route }, reply.elapsedTime / 1000);
  });

  app.setErrorHandler((error: FastifyError, request, reply) => sendError(error, request, reply, deps));
  app.setNotFoundHandler((request, reply) =>
    sendError(
      Object.assign(new Error(`${request.method} ${request.url}`), { code: 'INGEST_ROUTE_NOT_FOUND' }),
      request,
      reply,
      deps,
    ),
  );

  healthRoutes(app, deps);
  eventsRoute(app, deps);
  otlpRoute(app, deps);
  return app;
}

interface ErrorBody {
  code: ErrorCode;
  message: string;
  statusCode: number;
  details?: readonly string[];
}

/** Maps any error to `{code, message, statusCode}` with a WardenError code; 429/503 carry Retry-After. */
function sendError(error: unknown, request: FastifyRequest, reply: FastifyReply, deps: ServerDeps): FastifyReply {
  const body = toErrorBody(error);
  if (body.code === 'INGEST_INTERNAL_ERROR') {
    request.log.error({ err: error, code: body.code, route: request.routeOptions.url }, 'unexpected error');
  } else {
    request.log.debug({ code: body.code, msg: body.message }, 'request rejected');
  }
  deps.metrics.rejected.inc({ code: body.code });
  if (body.statusCode === 429) reply.header('retry-after', '1');
  if (body.statusCode === 503) reply.header('retry-after', String(deps.retryAfterSeconds));
  reply.code(body.statusCode);
  // OTLP/HTTP clients expect a google.rpc.Status in the request's encoding.
  if (
    request.url.startsWith('/v1/otlp/') &&
    mediaTypeOf(request.headers['content-type']) === 'application/x-protobuf'
  ) {
    return reply.type('application/x-protobuf').send(encodeRpcStatus(body.statusCode, `${body.code}: ${body.message}`));
  }
  return reply.send(body);
}

function toErrorBody(error: unknown): ErrorBody {
  if (isWardenError(error)) {
    const body: ErrorBody = { code: error.code, message: error.message, statusCode: error.statusCode };
    if (error instanceof InvalidEventsError) body.details = error.details;
    return body;
  }
  const e = error as Partial<FastifyError>;
  const message = e.message ?? String(error);
  if (e.code === 'INGEST_ROUTE_NOT_FOUND')
    return { code: 'INGEST_ROUTE_NOT_FOUND', message: `no such route: ${message}`, statusCode: 404 };
  switch (e.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return { code: 'INGEST_BODY_TOO_LARGE', message, statusCode: 413 };
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_ERR_CTP_INVALID_TYPE':
      return { code: 'INGEST_UNSUPPORTED_MEDIA_TYPE', message, statusCode: 415 };
  }
  if (typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
    // Fastify's own request errors: bad Content-Length, aborted or corrupt (gzip) bodies, empty bodies.
    return { code: 'INGEST_MALFORMED_BODY', message, statusCode: 400 };
  }
  return { code: 'INGEST_INTERNAL_ERROR', message: 'unexpected error in the ingest service', statusCode: 500 };
}
