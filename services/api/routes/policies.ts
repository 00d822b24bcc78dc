import type { FastifyInstance } from 'fastify';
import {
  POLICY_BODY_SCHEMAS,
  type PolicyApproval,
  type PolicyChanges,
  type PolicyProposal,
  type PolicyRejection,
} from '../policy-changes.ts';
import type { ChangeStatus } from '../policy-store.ts';
import { principalOf } from '../request-principal.ts';
import { AGENT_ID_PARAMS } from './agents.ts';

export interface PolicyRoutesOptions {
  changes: PolicyChanges;
}

const READERS = ['analyst', 'approver', 'admin'] as const;
/** Who may propose a scope: admins, and approvers (whose own proposals still need another approver). */
const PROPOSERS = ['admin', 'approver'] as const;

const CHANGE_ID_PARAMS = {
  type: 'object',
  additionalProperties: false,
  required: ['id'],
  properties: { id: { type: 'string', minLength: 1, maxLength: 100 } },
} as const;

const SUGGEST_QUERY = {
  type: 'object',
  additionalProperties: false,
  properties: { days: { type: 'integer', minimum: 1, maximum: 366, default: 7 } },
} as const;

const CHANGES_QUERY = {
  type: 'object',
  additionalProperties: false,
  properties: { status: { enum: ['pending', 'applied', 'rejected'] } },
} as const;

/**
 * Versioned least-privilege policies with four-eyes approval (docs/policies.md):
 * `GET|PUT /v1/agents/:id/policy`, `GET /v1/agents/:id/policy/suggested`, `GET /v1/change-requests`,
 * `GET /v1/change-requests/:id`, `POST /v1/change-requests/:id/approve|reject`. The tenant of every
 * read and write is the caller key's.
 */
export async function policyRoutes(app: FastifyInstance, opts: PolicyRoutesOptions): Promise<void> {
  const { changes } = opts;

  app.get<{ Params: { id: string } }>(
    '/v1/agents/:id/policy',
    { config: { roles: READERS }, schema: { params: AGENT_ID_PARAMS } },
    async (request) => changes.view(principalOf(request).tenantId, request.params.id),
  );

  app.put<{ Params: { id: string }; Body: PolicyProposal }>(
    '/v1/agents/:id/policy',
    { config: { roles: PROPOSERS }, schema: { params: AGENT_ID_PARAMS, body: POLICY_BODY_SCHEMAS.proposal } },
    async (request, reply) => {
      const principal = principalOf(request);
      const result = await changes.propose(principal, request.params.id, request.body);
      request.log.info(
        {
          agent_id: request.params.id,
          version: result.change.version,
          change_id: result.change.change_id,
          status: result.status,
          by: principal.keyId,
        },
        result.status === 'pending' ? 'policy change awaits approval' : 'policy applied',
      );
      return reply.code(result.status === 'pending' ? 202 : 200).send(result);
    },
  );

  app.get<{ Params: { id: string }; Querystring: { days: number } }>(
    '/v1/agents/:id/policy/suggested',
    { config: { roles: READERS }, schema: { params: AGENT_ID_PARAMS, querystring: SUGGEST_QUERY } },
    async (request) => changes.suggest(principalOf(request).tenantId, request.params.id, request.query.days),
  );

  app.get<{ Querystring: { status?: ChangeStatus } }>(
    '/v1/change-requests',
    { config: { roles: READERS }, schema: { querystring: CHANGES_QUERY } },
    async (request) => {
      const { tenantId } = principalOf(request);
      const list = await changes.list(tenantId, request.query.status);
      return { tenant_id: tenantId, status: request.query.status ?? null, count: list.length, changes: list };
    },
  );

  app.get<{ Params: { id: string } }>(
    '/v1/change-requests/:id',
    { config: { roles: READERS }, schema: { params: CHANGE_ID_PARAMS } },
    async (request) => changes.get(principalOf(request).tenantId, request.params.id),
  );

  app.post<{ Params: { id: string }; Body: PolicyApproval | undefined }>(
    '/v1/change-requests/:id/approve',
    { config: { roles: ['approver'] }, schema: { params: CHANGE_ID_PARAMS, body: POLICY_BODY_SCHEMAS.approval } },
    async (request) => {
      const principal = principalOf(request);
      const result = await changes.approve(principal, request.params.id, request.body ?? {});
      request.log.info(
        { change_id: request.params.id, agent_id: result.change.agent_id, by: principal.keyId },
        'policy change approved and applied',
      );
      return result;
    },
  );

  app.post<{ Params: { id: string }; Body: PolicyRejection }>(
    '/v1/change-requests/:id/reject',
    {
      config: { roles: ['approver', 'admin'] },
      schema: { params: CHANGE_ID_PARAMS, body: POLICY_BODY_SCHEMAS.rejection },
    },
    async (request) => {
      const principal = principalOf(request);
      const result = await changes.reject(principal, request.params.id, request.body);
      request.log.info(
        { change_id: request.params.id, agent_id: result.change.agent_id, by: principal.keyId },
        'policy change rejected',
      );
      return result;
    },
  );
}
