import Fastify, {
  type FastifyBaseLogger,
  type FastifyError,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  LogController,
} from 'fastify';
import type { AuditLog } from '../lib/audit/audit-log.ts';
import { type ErrorCode, isWardenError, WardenError } from '../lib/errors.ts';
import type { Logger } from '../lib/logger.ts';
import type { AgentRegistry } from './agent-registry.ts';
import { authenticate, authorize, type Role, type RoleKeyEntry } from './auth.ts';
import type { ControlPublisher } from './control-publisher.ts';
import type { IncidentStore } from './incident-store.ts';
import type { AgentInventory } from './inventory.ts';
import type { ProcessingRecordStore } from './processing-record.ts';
import './request-principal.ts';
import { agentControlRoutes } from './routes/agent-controls.ts';
import { agentRoutes } from './routes/agents.ts';
import { healthRoutes } from './routes/health.ts';
import { incidentRoutes } from './routes/incidents.ts';
import { type PolicyRoutesOptions, policyRoutes } from './routes/policies.ts';
import { reportRoutes } from './routes/reports.ts';
import { sessionRoutes } from './routes/sessions.ts';
import { shadowRoutes } from './routes/shadow.ts';
import { violationRoutes } from './routes/violations.ts';
import type { SessionStore } from './session-reconstruction.ts';
import type { ShadowReportStore } from './shadow-report.ts';
import type { ViolationStore } from './violations.ts';

export { principalOf } from './request-principal.ts';

export interface ApiDeps {
  log: Logger;
  apiKeys: readonly RoleKeyEntry[];
  inventory: AgentInventory;
  sessions: SessionStore;
  violations: ViolationStore;
  processingRecord: ProcessingRecordStore;
  incidents: IncidentStore;
  audit: Pick<AuditLog, 'append'>;
  /** Clock for deadlines; tests pin it. */
  now?: () => number;
  /** Versioned policies with four-eyes approval (docs/policies.md); optional so test servers may omit it. */
  policies?: PolicyRoutesOptions;
  /** Shadow-mode report over live verdicts; optional so test servers may omit it. */
  shadow?: ShadowReportStore;
  registry: AgentRegistry;
  control: ControlPublisher;
  maxBodyBytes: number;
}

/** Longest path parameter (agent id, session id, …) the router accepts; longer ones get 414 API_PARAM_TOO_LONG. */
export const MAX_PARAM_LENGTH = 100;

/** Builds the fastify app (no listen), so tests can use inject() without a socket. */
export function buildServer(deps: ApiDeps): FastifyInstance {
  const app = Fastify({
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
    // The router answers these before any hook or error handler runs; without this they would carry
    // fastify's own FST_ codes instead of the API's error shape.
    frameworkErrors: (error, request, reply) => sendError(frameworkError(error), request, reply),
    loggerInstance: deps.log as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: deps.maxBodyBytes,
    return503OnClosing: true,
    // Reject unknown body fields instead of silently dropping them; query strings are coerced.
    ajv: { customOptions: { removeAdditional: false, coerceTypes: true, allErrors: false } },
  });
  app.decorateRequest('principal', null);

  // A route without declared roles would be reachable by any key: refuse to start instead.
  app.addHook('onRoute', (route) => {
    const cfg = route.config as { roles?: readonly Role[]; public?: boolean } | undefined;
    if (route.method === 'HEAD') return;
    if (!cfg?.public && (!cfg?.roles || cfg.roles.length === 0)) {
      throw new Error(`route ${String(route.method)} ${route.url} declares no roles`);
    }
  });
  app.addHook('onRequest', async (request) => {
    const cfg = request.routeOptions.config;
    if (cfg.public || request.is404) return;
    const principal = authenticate(deps.apiKeys, request.headers.authorization);
    authorize(principal, cfg.roles ?? []);
    request.principal = principal;
  });

  app.setErrorHandler((error: FastifyError, request, reply) => sendError(error, request, reply));
  app.setNotFoundHandler((request, reply) =>
    sendError(new WardenError('API_NOT_FOUND', `no route ${request.method} ${request.url}`), request, reply),
  );

  app.register(healthRoutes);
  app.register(agentRoutes, { inventory: deps.inventory, registry: deps.registry });
  app.register(agentControlRoutes, { control: deps.control });
  app.register(sessionRoutes, { sessions: deps.sessions });
  app.register(violationRoutes, { violations: deps.violations });
  app.register(reportRoutes, { processingRecord: deps.processingRecord });
  if (deps.policies) app.register(policyRoutes, deps.policies);
  if (deps.shadow) app.register(shadowRoutes, { shadow: deps.shadow });
  app.register(incidentRoutes, { store: deps.incidents, audit: deps.audit, ...(deps.now ? { now: deps.now } : {}) });
  return app;
}

/** The router's own refusals (fastify.js: onBadUrl, onMaxParamLength, async constraints) as WardenErrors. */
function frameworkError(error: FastifyError): WardenError {
  switch (error.code) {
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return new WardenError('API_PARAM_TOO_LONG', `limit ${MAX_PARAM_LENGTH} characters`);
    case 'FST_ERR_BAD_URL':
      return new WardenError('API_INVALID_REQUEST', 'the path is not valid percent-encoded UTF-8');
    default:
      return new WardenError('API_INTERNAL_ERROR', `router error ${error.code}`, { cause: error });
  }
}

export interface ErrorBody {
  code: ErrorCode;
  message: string;
  statusCode: number;
}

function sendError(error: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const body = toErrorBody(error);
  if (body.statusCode >= 500) {
    request.log.error({ err: error, code: body.code, route: request.routeOptions.url }, 'request failed');
  } else {
    request.log.debug({ code: body.code, route: request.routeOptions.url }, 'request rejected');
  }
  if (body.statusCode === 503) reply.header('retry-after', '5');
  return reply.code(body.statusCode).send(body);
}

/** Maps any error to `{code, message, statusCode}` with a WardenError code. */
export function toErrorBody(error: unknown): ErrorBody {
  if (isWardenError(error)) return { code: error.code, message: error.message, statusCode: error.statusCode };
  const e = error as Partial<FastifyError>;
  if (e.validation !== undefined || (typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500)) {
    const where = e.validationContext ? `${e.validationContext}: ` : '';
    const detail = e.validation ? stripValidationContext(e.message ?? '') : e.message;
    return {
      code: 'API_INVALID_REQUEST',
      message: `the request does not match the endpoint schema: ${where}${detail ?? 'invalid'}`,
      statusCode: 400,
    };
  }
  return { code: 'API_INTERNAL_ERROR', message: 'unexpected error in the governance API', statusCode: 500 };
}

/** Ajv prefixes messages with where the value was (`body/`, `querystring/`, `params/`); the field path is enough. */
function stripValidationContext(message: string): string {
  for (const prefix of ['body', 'querystring', 'params']) {
    if (message.startsWith(prefix))
      return message.slice(message.startsWith(`${prefix}/`) ? prefix.length + 1 : prefix.length);
  }
  return message;
}
