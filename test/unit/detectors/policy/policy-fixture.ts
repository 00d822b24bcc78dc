import { BUILTIN_POLICY, type Policy } from '../../../../detectors/policy/builtin-policy.ts';

/** A least-privilege policy used across the policy tests. */
export function fixturePolicy(overrides: Partial<Policy> = {}): Policy {
  return {
    ...BUILTIN_POLICY,
    policy_id: 'pol-support-bot',
    version: 3,
    allowed_models: ['openai/gpt-4o', 'claude-sonnet-*'],
    allowed_tools: [
      { name: 'search', mode: 'read' },
      { name: 'crm.update', mode: 'write' },
      { name: 'github.*', mode: 'read' },
    ],
    allowed_destinations: ['*.example.com', 'api.github.com'],
    allowed_data_classes: ['internal', 'personal'],
    budgets: { max_calls_per_session: null, max_tokens_per_session: null, max_cost_usd_per_day: null },
    actions: {},
    thresholds: {},
    ...overrides,
  };
}
