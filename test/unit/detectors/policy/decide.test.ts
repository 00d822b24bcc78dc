import { describe, expect, it } from 'vitest';
import { buildFinding, type Severity } from '../../../../detectors/finding.ts';
import { BUILTIN_POLICY, selectPolicy } from '../../../../detectors/policy/builtin-policy.ts';
import { DETECTOR_FAILED, decide } from '../../../../detectors/policy/decide.ts';
import { defaultAction, policyAction } from '../../../../detectors/policy/default-actions.ts';
import type { Finding } from '../../../../schemas/generated/finding.ts';
import { ev, T0 } from '../anomaly/simulate.ts';
import { fixturePolicy } from './policy-fixture.ts';

function f(type: string, severity: Severity = 'high', attributes: Record<string, string> = {}): Finding {
  return buildFinding(ev({ ts: T0, session: 's' }), {
    detector: type,
    detectorVersion: '1',
    type,
    severity,
    score: 1,
    spans: [],
    evidence: '****',
    attributes,
  });
}

describe('built-in default actions', () => {
  it.each([
    ['secret.aws_access_key', 'high', 'block'],
    ['pii.email', 'medium', 'redact'],
    ['injection.override_instructions', 'high', 'block'],
    ['injection.ml', 'medium', 'allow'],
    ['injection.ml', 'critical', 'allow'],
    ['injection.indirect', 'critical', 'block'],
    ['anomaly.session_call_rate', 'critical', 'block'],
    ['anomaly.session_call_rate', 'high', 'require_approval'],
    ['anomaly.session_call_rate', 'medium', 'allow'],
    ['anomaly.call_rate_per_minute', 'critical', 'block'],
    ['anomaly.first_seen_tool', 'medium', 'allow'],
    ['policy.tool_not_allowed', 'high', 'block'],
    ['policy.scope_change_requires_approval', 'medium', 'require_approval'],
    ['vendor.unknown', 'critical', 'block'],
    ['vendor.unknown', 'high', 'allow'],
  ] as const)('maps %s at %s to %s', (type, severity, action) => {
    expect(defaultAction({ type, severity })).toBe(action);
  });
});

describe('decision', () => {
  it('allows an event without findings, naming the policy', () => {
    expect(decide([], fixturePolicy())).toEqual({
      action: 'allow',
      scope: 'event',
      reasons: [],
      policy_id: 'pol-support-bot',
      policy_version: 3,
      shadow_action: null,
      shadow_scope: null,
      failed_detectors: [],
      expires_at: null,
    });
  });

  it('lets the most severe action win and lists only the findings behind it', () => {
    const d = decide([f('pii.email'), f('secret.github_token'), f('pii.iban'), f('secret.jwt')], null);
    expect(d).toMatchObject({ action: 'block', scope: 'event', reasons: ['secret.github_token', 'secret.jwt'] });
  });

  it('orders actions allow < redact < require_approval < block < quarantine_agent < revoke_credential', () => {
    const actions = {
      'a.allow': 'allow',
      'a.redact': 'redact',
      'a.approve': 'require_approval',
      'a.block': 'block',
      'a.quarantine': 'quarantine_agent',
      'a.revoke': 'revoke_credential',
    } as const;
    const p = fixturePolicy({ actions });
    const types = Object.keys(actions);
    for (let i = 0; i < types.length; i++) {
      const d = decide(
        types.slice(0, i + 1).map((t) => f(t)),
        p,
      );
      expect(d.action).toBe(actions[types[i] as keyof typeof actions]);
    }
  });

  it('prefers the exact type over family wildcards, and a longer wildcard over a shorter one', () => {
    const actions = { '*': 'block', 'pii.*': 'allow', 'pii.iban': 'require_approval', 'x.y.*': 'redact' } as const;
    expect(policyAction(actions, 'pii.iban')).toBe('require_approval');
    expect(policyAction(actions, 'pii.email')).toBe('allow');
    expect(policyAction(actions, 'x.y.z')).toBe('redact');
    expect(policyAction(actions, 'secret.jwt')).toBe('block');
    expect(policyAction({}, 'secret.jwt')).toBeUndefined();
    expect(policyAction({ 'constructor.*': 'block' }, 'toString')).toBeUndefined();
  });

  it('lets a policy override a default in either direction', () => {
    const p = fixturePolicy({ actions: { 'secret.*': 'revoke_credential', 'pii.*': 'allow' } });
    expect(decide([f('pii.email')], p).action).toBe('allow');
    expect(decide([f('secret.aws_access_key')], p)).toMatchObject({ action: 'revoke_credential', scope: 'credential' });
  });

  it('scopes quarantine to the agent and a runaway session block to the session', () => {
    const p = fixturePolicy({ actions: { 'injection.*': 'quarantine_agent' } });
    expect(decide([f('injection.role_hijack')], p).scope).toBe('agent');
    const runaway = f('anomaly.session_call_rate', 'critical', { scope: 'session' });
    expect(decide([runaway, f('secret.jwt')], null)).toMatchObject({ action: 'block', scope: 'session' });
  });

  it('reports the would-be action in shadow mode and allows', () => {
    const p = fixturePolicy({ enforcement: 'shadow' });
    const d = decide([f('secret.jwt'), f('pii.email')], p);
    expect(d).toMatchObject({ action: 'allow', scope: 'event', shadow_action: 'block', reasons: ['secret.jwt'] });
  });
});

describe('detector failure', () => {
  it('blocks when failing closed', () => {
    const d = decide([], fixturePolicy({ fail_mode: 'closed' }), { failed: ['pii'] });
    expect(d).toMatchObject({ action: 'block', reasons: [DETECTOR_FAILED], failed_detectors: ['pii'] });
  });

  it('allows with a reason when failing open', () => {
    const d = decide([], fixturePolicy({ fail_mode: 'open' }), { failed: ['injection.ml'] });
    expect(d).toMatchObject({ action: 'allow', reasons: [DETECTOR_FAILED], failed_detectors: ['injection.ml'] });
  });

  it('keeps the findings of the detectors that ran when failing open', () => {
    const d = decide([f('secret.jwt')], fixturePolicy({ fail_mode: 'open' }), { failed: ['pii'] });
    expect(d).toMatchObject({ action: 'block', reasons: ['secret.jwt', DETECTOR_FAILED] });
  });

  it('escalates past block when a finding asks for more, even failing closed', () => {
    const p = fixturePolicy({ fail_mode: 'closed', actions: { 'secret.*': 'revoke_credential' } });
    expect(decide([f('secret.jwt')], p, { failed: ['pii'] })).toMatchObject({
      action: 'revoke_credential',
      reasons: ['secret.jwt', DETECTOR_FAILED],
    });
  });

  it('stays allow in shadow mode but reports the fail-closed block', () => {
    const d = decide([], fixturePolicy({ enforcement: 'shadow' }), { failed: ['pii'] });
    expect(d).toMatchObject({ action: 'allow', shadow_action: 'block', reasons: [DETECTOR_FAILED] });
  });

  it('fails closed under the built-in policy', () => {
    expect(decide([], null, { failed: ['pii'] })).toMatchObject({ action: 'block', policy_id: 'builtin.default' });
  });
});

describe('policy lookup', () => {
  const agent = fixturePolicy({ policy_id: 'agent' });
  const tenant = fixturePolicy({ policy_id: 'tenant' });

  it('prefers the agent policy, then the tenant default, then the built-in one', () => {
    expect(selectPolicy(agent, tenant)).toEqual({ policy: agent, source: 'agent' });
    expect(selectPolicy(null, tenant)).toEqual({ policy: tenant, source: 'tenant' });
    expect(selectPolicy(null, null)).toEqual({ policy: BUILTIN_POLICY, source: 'builtin' });
  });
});
