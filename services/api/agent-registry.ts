import type { ClickHouseClient } from '../lib/clickhouse/client.ts';
import { WardenError } from '../lib/errors.ts';
import type { AgentRegistration, RiskTier } from './bodies.ts';

export interface RegisteredAgent {
  tenant_id: string;
  agent_id: string;
  owner: string;
  purpose: string;
  risk_tier: RiskTier;
  registered_by: string;
  registered_at: string;
  updated_at: string;
}

/**
 * Writes registrations to `agent_registry` (migration 002). Re-registering an agent replaces its
 * owner, purpose and risk tier and keeps the first registration time.
 */
export class AgentRegistry {
  constructor(
    private readonly ch: ClickHouseClient,
    private readonly now: () => number = Date.now,
  ) {}

  async register(tenant: string, body: AgentRegistration, registeredBy: string): Promise<RegisteredAgent> {
    try {
      const prior = await (
        await this.ch.query({
          query: `SELECT toUnixTimestamp64Milli(registered_at) AS ms FROM agent_registry FINAL
                  WHERE tenant_id = {tenant:String} AND agent_id = {agent:String}`,
          query_params: { tenant, agent: body.agent_id },
          format: 'JSONEachRow',
        })
      ).json<{ ms: number }>();
      const now = new Date(this.now()).toISOString();
      const row: RegisteredAgent = {
        tenant_id: tenant,
        agent_id: body.agent_id,
        owner: body.owner,
        purpose: body.purpose,
        risk_tier: body.risk_tier,
        registered_by: registeredBy,
        registered_at: prior[0] ? new Date(prior[0].ms).toISOString() : now,
        updated_at: now,
      };
      await this.ch.insert({ table: 'agent_registry', values: [row], format: 'JSONEachRow' });
      return row;
    } catch (err) {
      throw new WardenError('API_STORE_UNAVAILABLE', (err as Error).message, { cause: err });
    }
  }
}
