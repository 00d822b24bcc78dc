import type { FastifyInstance } from 'fastify';
import { principalOf } from '../request-principal.ts';
import { SINCE_PATTERN, type ViolationStore } from '../violations.ts';

export interface ViolationRoutesOptions {
  violations: ViolationStore;
}

const READERS = ['analyst', 'approver', 'admin'] as const;

const QUERY = {
  type: 'object',
  additionalProperties: false,
  properties: { since: { type: 'string', pattern: SINCE_PATTERN, default: '7d' } },
} as const;

/** `GET /v1/violations?since=7d`: non-allow verdicts and policy/secret/injection findings per agent and type. */
export async function violationRoutes(app: FastifyInstance, opts: ViolationRoutesOptions): Promise<void> {
  app.get<{ Querystring: { since: string } }>(
    '/v1/violations',
    { config: { roles: READERS }, schema: { querystring: QUERY } },
    async (request) => {
      const { tenantId } = principalOf(request);
      return opts.violations.list(tenantId, request.query.since);
    },
  );
}
