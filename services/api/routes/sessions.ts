import type { FastifyInstance } from 'fastify';
import { WardenError } from '../../lib/errors.ts';
import { principalOf } from '../request-principal.ts';
import type { SessionStore } from '../session-reconstruction.ts';
import { AGENT_ID_PARAMS } from './agents.ts';

export interface SessionRoutesOptions {
  sessions: SessionStore;
}

const READERS = ['analyst', 'approver', 'admin'] as const;

// Session ids and agent ids share one shape: a bounded, non-empty string.
const SESSION_ID_PARAMS = AGENT_ID_PARAMS;

const LIST_QUERY = {
  type: 'object',
  additionalProperties: false,
  properties: { limit: { type: 'integer', minimum: 1, maximum: 500, default: 20 } },
} as const;

/** Session reconstruction: `GET /v1/sessions/:id`, `GET /v1/agents/:id/sessions` (docs/reports.md). */
export async function sessionRoutes(app: FastifyInstance, opts: SessionRoutesOptions): Promise<void> {
  app.get<{ Params: { id: string } }>(
    '/v1/sessions/:id',
    { config: { roles: READERS }, schema: { params: SESSION_ID_PARAMS } },
    async (request) => {
      const { tenantId } = principalOf(request);
      const session = await opts.sessions.get(tenantId, request.params.id);
      // Another tenant's session is "not found", never "forbidden": existence does not leak.
      if (session === null) throw new WardenError('API_NOT_FOUND', `session ${request.params.id}`);
      return session;
    },
  );

  app.get<{ Params: { id: string }; Querystring: { limit: number } }>(
    '/v1/agents/:id/sessions',
    { config: { roles: READERS }, schema: { params: AGENT_ID_PARAMS, querystring: LIST_QUERY } },
    async (request) => {
      const { tenantId } = principalOf(request);
      const sessions = await opts.sessions.listForAgent(tenantId, request.params.id, request.query.limit);
      return { tenant_id: tenantId, agent_id: request.params.id, count: sessions.length, sessions };
    },
  );
}
