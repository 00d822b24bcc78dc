import type { DevWardenV1 } from '../../schemas/generated/control-record.ts';

export type Policy = DevWardenV1.Policy;

/**
 * Applies when neither the agent nor its tenant has a policy: allow-listing off (every list null),
 * no budgets, no action overrides, enforced, fail-closed (the schema default: an event no detector
 * could clear is not waved through).
 */
export const BUILTIN_POLICY: Policy = Object.freeze({
  policy_id: 'builtin.default',
  version: 0,
  enforcement: 'enforce',
  fail_mode: 'closed',
  allowed_models: null,
  allowed_tools: null,
  allowed_destinations: null,
  allowed_data_classes: null,
  budgets: Object.freeze({ max_calls_per_session: null, max_tokens_per_session: null, max_cost_usd_per_day: null }),
  actions: Object.freeze({}),
  thresholds: Object.freeze({}),
}) as Policy;

export type PolicySource = 'agent' | 'tenant' | 'builtin';

export interface SelectedPolicy {
  readonly policy: Policy;
  readonly source: PolicySource;
}

/**
 * Lookup precedence: the agent's own policy, then the tenant default (the record with
 * `agent_id = '*'`), then BUILTIN_POLICY. The caller fetches both candidates from its control
 * state (e.g. the compacted control topic, newest record per key).
 */
export function selectPolicy(agentPolicy: Policy | null, tenantDefault: Policy | null): SelectedPolicy {
  if (agentPolicy !== null) return { policy: agentPolicy, source: 'agent' };
  if (tenantDefault !== null) return { policy: tenantDefault, source: 'tenant' };
  return { policy: BUILTIN_POLICY, source: 'builtin' };
}
