import type { FastifyInstance } from 'fastify';
import type { ControlRecord } from '../../../schemas/generated/index.ts';
import type { Principal } from '../auth.ts';
import { BODY_SCHEMAS, type QuarantineRequest, type RevocationRequest } from '../bodies.ts';
import type { ControlPublisher } from '../control-publisher.ts';
import { principalOf } from '../request-principal.ts';
import { AGENT_ID_PARAMS } from './agents.ts';

export interface AgentControlRoutesOptions {
  control: ControlPublisher;
}

/**
 * Revocation and quarantine: each call publishes one ControlRecord to the compacted control topic
 * and answers once Kafka acknowledged it (acks=all). Neither needs ClickHouse, so a compromised
 * agent can be cut off while the analytics store is down; an agent never seen yet can be revoked too.
 */
/** The envelope every control record from this API carries: the caller's tenant and key, now. */
function controlRecord(principal: Principal, agent: string, payload: ControlRecord['payload']): ControlRecord {
  return { tenant_id: principal.tenantId, agent_id: agent, issued_at: Date.now(), issued_by: principal.keyId, payload };
}

export async function agentControlRoutes(app: FastifyInstance, opts: AgentControlRoutesOptions): Promise<void> {
  app.post<{ Params: { id: string }; Body: RevocationRequest }>(
    '/v1/agents/:id/revoke',
    { config: { roles: ['admin'] }, schema: { params: AGENT_ID_PARAMS, body: BODY_SCHEMAS.revocationRequest } },
    async (request) => {
      const principal = principalOf(request);
      const record = controlRecord(principal, request.params.id, {
        'dev.warden.v1.Revocation': {
          credential_id: request.body.credential_id ?? null,
          reason: request.body.reason,
          expires_at: request.body.expires_at ?? null,
        },
      });
      const published = await opts.control.publish(record, 'revocation');
      request.log.info(
        { agent_id: record.agent_id, credential_id: request.body.credential_id ?? '*', by: principal.keyId },
        'credentials revoked',
      );
      return published;
    },
  );

  app.post<{ Params: { id: string }; Body: QuarantineRequest }>(
    '/v1/agents/:id/quarantine',
    { config: { roles: ['admin'] }, schema: { params: AGENT_ID_PARAMS, body: BODY_SCHEMAS.quarantineRequest } },
    async (request) => {
      const principal = principalOf(request);
      const record = controlRecord(principal, request.params.id, {
        'dev.warden.v1.Quarantine': { active: request.body.active, reason: request.body.reason },
      });
      const published = await opts.control.publish(record, 'quarantine');
      request.log.info(
        { agent_id: record.agent_id, active: request.body.active, by: principal.keyId },
        'quarantine changed',
      );
      return published;
    },
  );
}
