import { readFileSync } from 'node:fs';

/**
 * REST bodies of the governance API. The JSON Schemas in schemas/json/ are the contract: fastify
 * validates every body against them before a handler runs. The interfaces below mirror them for the
 * handlers (no JSON-Schema-to-TS generator is in the toolchain yet); test/unit/api/bodies.test.ts
 * fails when a property is added to one side only.
 */
function load(name: string): Record<string, unknown> {
  const url = new URL(`../../schemas/json/${name}.schema.json`, import.meta.url);
  return JSON.parse(readFileSync(url, 'utf8')) as Record<string, unknown>;
}

export const BODY_SCHEMAS = {
  agentRegistration: load('agent-registration'),
  revocationRequest: load('revocation-request'),
  quarantineRequest: load('quarantine-request'),
} as const;

export type RiskTier = 'high' | 'limited' | 'minimal';

export interface AgentRegistration {
  agent_id: string;
  owner: string;
  purpose: string;
  risk_tier: RiskTier;
}

export interface RevocationRequest {
  credential_id?: string;
  reason: string;
  expires_at?: number;
}

export interface QuarantineRequest {
  reason: string;
  active: boolean;
}

/** Property names per body, as the interfaces declare them (checked against the schemas in a unit test). */
export const BODY_PROPERTIES: Record<keyof typeof BODY_SCHEMAS, readonly string[]> = {
  agentRegistration: ['agent_id', 'owner', 'purpose', 'risk_tier'] satisfies (keyof AgentRegistration)[],
  revocationRequest: ['credential_id', 'reason', 'expires_at'] satisfies (keyof RevocationRequest)[],
  quarantineRequest: ['reason', 'active'] satisfies (keyof QuarantineRequest)[],
};
