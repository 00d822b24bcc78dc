import type { Decision } from '@warden/sdk';
import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import type { AgentEvent } from '../../schemas/generated/index.ts';
import { type ErrorCode, isWardenError, WardenError } from '../lib/errors.ts';
import type { Logger } from '../lib/logger.ts';
import { type ApiKeyEntry, authenticate, type Caller } from './api-keys.ts';
import { EventValidator, InvalidBodyError } from './event-validator.ts';
import { DecisionMetrics } from './metrics.ts';

/** What the endpoint decides with: one enforcer per tenant (sdk/Enforcer satisfies it). */
export interface DecisionPoint {
  check(event: AgentEvent): Decision;
}

export interface DecisionServerOptions {
  readonly apiKeys: readonly ApiKeyEntry[];
  readonly maxBodyBytes: number;
  /** The decision point of a tenant, or undefined while it is starting. */
  readonly decisionPointFor: (tenantId: string) => DecisionPoint | undefined;
  /** True once every tenant's enforcer has caught up with Kafka. */
  readonly ready: () => boolean;
  readonly log: Logger;
  /** Where the counters go; a fresh set when omitted. Served on GET /metrics. */
  readonly metrics?: DecisionMetrics;
}

export interface CheckResponse extends Decision {
  readonly event_id: string;
}

interface ErrorBody {
  statusCode: number;
  code: ErrorCode | 'INTERNAL';
  message: string;
  field?: string;
}

function errorBody(err: WardenError): ErrorBody {
  const body: ErrorBody = { statusCode: err.statusCode, code: err.code, message: err.message };
  if (err instanceof InvalidBodyError) body.field = err.field;
  return body;
}

/** Fastify's own body errors, mapped to warden codes so clients see one vocabulary. */
function fromFastify(err: FastifyError): WardenError | null {
  if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return new WardenError('DECISION_BODY_TOO_LARGE');
  if (err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return new InvalidBodyError('(body)', 'must be application/json');
  if (err.code === 'FST_ERR_CTP_EMPTY_JSON_BODY') return new InvalidBodyError('(body)', 'is empty');
  if (err.statusCode === 400) return new InvalidBodyError('(body)', 'is not valid JSON');
  return null;
}

/**
 * POST /v1/check: the inline decision over HTTP for gateways not written in TypeScript. The body is
 * one AgentEvent as JSON; the answer is the SDK's Decision plus the event id. Authentication runs
 * before the body is read, so an unauthenticated client cannot make the server parse megabytes.
 */
export function buildDecisionServer(o: DecisionServerOptions): FastifyInstance {
  const app = Fastify({ bodyLimit: o.maxBodyBytes, logger: false, return503OnClosing: true });
  const validator = new EventValidator();
  const log = o.log;
  const metrics = o.metrics ?? new DecisionMetrics();
  // Who sent each request, set by the auth hook (a WeakMap, not a FastifyRequest augmentation that
  // would clash with other services' declarations in the same type-check).
  const callers = new WeakMap<object, Caller>();

  app.setErrorHandler((err: FastifyError, request, reply) => {
    const known = isWardenError(err) ? err : fromFastify(err);
    metrics.rejected.inc({ code: known?.code ?? 'INTERNAL' });
    if (known) {
      if (known.statusCode >= 500) log.warn({ code: known.code, url: request.url }, known.message);
      else log.debug({ code: known.code, url: request.url }, known.message);
      return reply.code(known.statusCode).send(errorBody(known));
    }
    log.error({ err, url: request.url }, 'decision request failed');
    const body: ErrorBody = { statusCode: 500, code: 'INTERNAL', message: 'internal error' };
    return reply.code(500).send(body);
  });

  app.get('/healthz', async () => ({ status: 'ok' }));

  app.get('/metrics', async (_request, reply) => {
    reply.header('content-type', metrics.registry.contentType);
    return metrics.registry.metrics();
  });

  app.get('/readyz', async (_request, reply) => {
    if (o.ready()) return { status: 'ready' };
    return reply.code(503).send(errorBody(new WardenError('DECISION_NOT_READY')));
  });

  app.post<{ Body: unknown }>(
    '/v1/check',
    {
      onRequest: async (request) => {
        callers.set(request, authenticate(o.apiKeys, request.headers.authorization));
      },
    },
    async (request): Promise<CheckResponse> => {
      const caller = callers.get(request)!;
      const event = validator.validate(request.body);
      if (event.tenant_id !== caller.tenantId) {
        throw new WardenError(
          'DECISION_FORBIDDEN',
          `the key of enforcement point ${caller.enforcementPointId} decides only for tenant ${caller.tenantId}`,
        );
      }
      const point = o.ready() ? o.decisionPointFor(event.tenant_id) : undefined;
      if (point === undefined) throw new WardenError('DECISION_NOT_READY');
      const started = process.hrtime.bigint();
      const decision = point.check(event);
      metrics.checkDuration.observe(Number(process.hrtime.bigint() - started) / 1e9);
      metrics.checks.inc({ action: decision.action, decided_by: decision.decidedBy });
      return { event_id: event.event_id, ...decision };
    },
  );

  return app;
}
