import type { FastifyInstance } from 'fastify';
import { principalOf } from '../request-principal.ts';
import type { ShadowReportStore } from '../shadow-report.ts';
import { SINCE_PATTERN } from '../violations.ts';
import { AGENT_ID_PARAMS } from './agents.ts';

export interface ShadowRoutesOptions {
  shadow: ShadowReportStore;
}

const READERS = ['analyst', 'approver', 'admin'] as const;

/** `GET /v1/agents/:id/policy/shadow?since=7d`: what a shadow policy would have blocked on live traffic. */
export async function shadowRoutes(app: FastifyInstance, opts: ShadowRoutesOptions): Promise<void> {
  app.get<{ Params: { id: string }; Querystring: { since: string } }>(
    '/v1/agents/:id/policy/shadow',
    {
      config: { roles: READERS },
      schema: {
        params: AGENT_ID_PARAMS,
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { since: { type: 'string', pattern: SINCE_PATTERN, default: '7d' } },
        },
      },
    },
    async (request) => opts.shadow.report(principalOf(request).tenantId, request.params.id, request.query.since),
  );
}
