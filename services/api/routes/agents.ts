import type { FastifyInstance } from 'fastify';
import { WardenError } from '../../lib/errors.ts';
import type { AgentRegistry } from '../agent-registry.ts';
import { type AgentRegistration, BODY_SCHEMAS } from '../bodies.ts';
import type { AgentInventory } from '../inventory.ts';
import { principalOf } from '../request-principal.ts';

export interface AgentRoutesOptions {
  inventory: AgentInventory;
  registry: AgentRegistry;
}

const READERS = ['analyst', 'approver', 'admin'] as const;

export const AGENT_ID_PARAMS = {
  type: 'object',
  additionalProperties: false,
  required: ['id'],
  properties: { id: { type: 'string', minLength: 1, maxLength: 200 } },
} as const;

const LIST_QUERY = {
  type: 'object',
  additionalProperties: false,
  properties: { running: { type: 'boolean' }, personal_data: { type: 'boolean' } },
} as const;

/** Inventory and registration: `GET /v1/agents`, `GET /v1/agents/:id`, `POST /v1/agents` (docs/api.md). */
export async function agentRoutes(app: FastifyInstance, opts: AgentRoutesOptions): Promise<void> {
  app.get<{ Querystring: { running?: boolean; personal_data?: boolean } }>(
    '/v1/agents',
    { config: { roles: READERS }, schema: { querystring: LIST_QUERY } },
    async (request) => {
      const { tenantId } = principalOf(request);
      const agents = await opts.inventory.list(tenantId, {
        running: request.query.running,
        personalData: request.query.personal_data,
      });
      return {
        tenant_id: tenantId,
        generated_at: new Date().toISOString(),
        count: agents.length,
        running: agents.filter((a) => a.running).length,
        shadow: agents.filter((a) => a.shadow).length,
        personal_data: agents.filter((a) => a.data_classes.includes('personal')).length,
        agents,
      };
    },
  );

  app.get<{ Params: { id: string } }>(
    '/v1/agents/:id',
    { config: { roles: READERS }, schema: { params: AGENT_ID_PARAMS } },
    async (request) => {
      const { tenantId } = principalOf(request);
      const agent = await opts.inventory.get(tenantId, request.params.id);
      // Another tenant's agent is "not found", never "forbidden": existence does not leak across tenants.
      if (agent === null) throw new WardenError('API_NOT_FOUND', `agent ${request.params.id}`);
      return agent;
    },
  );

  app.post<{ Body: AgentRegistration }>(
    '/v1/agents',
    { config: { roles: ['admin'] }, schema: { body: BODY_SCHEMAS.agentRegistration } },
    async (request, reply) => {
      const principal = principalOf(request);
      const row = await opts.registry.register(principal.tenantId, request.body, principal.keyId);
      request.log.info({ agent_id: row.agent_id, risk_tier: row.risk_tier, by: principal.keyId }, 'agent registered');
      return reply.code(201).send(row);
    },
  );
}
