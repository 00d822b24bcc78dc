import { describe, expect, it } from 'vitest';
import type { ControlRecord } from '../../../schemas/generated/index.ts';
import { ControlState, controlKey } from '../../../services/lib/control/control-state.ts';

const revoke = (credential: string | null, expires: number | null = null): ControlRecord => ({
  tenant_id: 'acme',
  agent_id: 'bot',
  issued_at: 1,
  issued_by: 'admin',
  payload: { 'dev.warden.v1.Revocation': { credential_id: credential, reason: 'leak', expires_at: expires } },
});

describe('control state', () => {
  it('keeps every revoked credential of an agent, not only the latest', () => {
    const state = new ControlState();
    state.apply(revoke('cred-a'));
    state.apply(revoke('cred-b'));
    expect(state.revocation('acme', 'bot', 'cred-a', 10)).not.toBeNull();
    expect(state.revocation('acme', 'bot', 'cred-b', 10)).not.toBeNull();
    expect(state.revocation('acme', 'bot', 'cred-c', 10)).toBeNull();
    expect(controlKey(revoke('cred-a'), 'revocation')).not.toBe(controlKey(revoke('cred-b'), 'revocation'));
  });

  it('applies an agent-wide revocation to every credential until it expires', () => {
    const state = new ControlState();
    state.apply(revoke(null, 100));
    expect(state.revocation('acme', 'bot', 'anything', 50)).not.toBeNull();
    expect(state.revocation('acme', 'bot', null, 50)).not.toBeNull();
    expect(state.revocation('acme', 'bot', 'anything', 150)).toBeNull();
  });

  it('lets an agent policy override the tenant default', () => {
    const state = new ControlState();
    const policy = (agent: string, id: string): ControlRecord => ({
      tenant_id: 'acme',
      agent_id: agent,
      issued_at: 1,
      issued_by: 'admin',
      payload: {
        'dev.warden.v1.Policy': {
          policy_id: id,
          version: 1,
          enforcement: 'enforce',
          fail_mode: 'closed',
          allowed_models: null,
          allowed_tools: null,
          allowed_destinations: null,
          allowed_data_classes: null,
          budgets: { max_calls_per_session: null, max_tokens_per_session: null, max_cost_usd_per_day: null },
          actions: {},
          thresholds: {},
        },
      },
    });
    state.apply(policy('*', 'tenant-default'));
    expect(state.policyFor('acme', 'bot')?.policy_id).toBe('tenant-default');
    state.apply(policy('bot', 'bot-policy'));
    expect(state.policyFor('acme', 'bot')?.policy_id).toBe('bot-policy');
  });
});
