import { describe, expect, it } from 'vitest';
import { DecisionCache, standingKindOf } from '../../../sdk/decision-cache.ts';
import { AGENT, TENANT, verdict } from './events.ts';

const cache = (maxEntries = 100, defaultTtlMs = 60_000) => new DecisionCache({ maxEntries, defaultTtlMs });

describe('decision cache', () => {
  it('blocks a session until the verdict expires', () => {
    const c = cache();
    c.applyVerdict(verdict({ session_id: 's1', issued_at: 1000, expires_at: 5000 }), 1000);
    expect(c.blockedSession(TENANT, 's1', 4999)?.action).toBe('block');
    expect(c.blockedSession(TENANT, 's1', 5000)).toBeNull();
    expect(c.stats.expired).toBe(1);
  });

  it('gives a verdict without expires_at the default lifetime', () => {
    const c = cache(100, 10_000);
    c.applyVerdict(verdict({ session_id: 's1', issued_at: 1000 }), 1000);
    expect(c.blockedSession(TENANT, 's1', 10_999)).not.toBeNull();
    expect(c.blockedSession(TENANT, 's1', 11_000)).toBeNull();
  });

  it('ignores verdicts that expired before they arrived and event-scoped ones', () => {
    const c = cache();
    expect(c.applyVerdict(verdict({ session_id: 's1', issued_at: 1, expires_at: 2 }), 1000)).toBeNull();
    expect(c.applyVerdict(verdict({ scope: 'event', session_id: 's1' }), 1000)).toBeNull();
    expect(c.stats.size).toBe(0);
  });

  it('keeps sessions of other tenants apart', () => {
    const c = cache();
    c.applyVerdict(verdict({ session_id: 's1' }), 1000);
    expect(c.blockedSession('other-tenant', 's1', 1000)).toBeNull();
  });

  it('quarantines an agent on quarantine_agent whatever the scope, answering block', () => {
    const c = cache();
    expect(c.applyVerdict(verdict({ action: 'quarantine_agent', scope: 'event', reasons: ['anomaly.x'] }), 1000)).toBe(
      'agent',
    );
    expect(c.quarantinedAgent(TENANT, AGENT, 1000)).toMatchObject({ action: 'block', reasons: ['anomaly.x'] });
  });

  it('revokes one credential, or every credential of the agent when credential_id is null', () => {
    const c = cache();
    c.applyVerdict(verdict({ action: 'revoke_credential', scope: 'credential', credential_id: 'k1' }), 1000);
    expect(c.revokedCredential(TENANT, AGENT, 'k1', 1000)?.action).toBe('revoke_credential');
    expect(c.revokedCredential(TENANT, AGENT, 'k2', 1000)).toBeNull();
    c.applyVerdict(verdict({ action: 'revoke_credential', scope: 'credential', agent_id: 'a2' }), 1000);
    expect(c.revokedCredential(TENANT, 'a2', 'anything', 1000)).not.toBeNull();
    expect(c.revokedCredential(TENANT, 'a2', null, 1000)).not.toBeNull();
  });

  it('lifts a block with a newer allow verdict, never with an older one', () => {
    const c = cache();
    c.applyVerdict(verdict({ session_id: 's1', issued_at: 2000 }), 2000);
    c.applyVerdict(verdict({ session_id: 's1', action: 'allow', issued_at: 1500 }), 2000);
    expect(c.blockedSession(TENANT, 's1', 2000)).not.toBeNull();
    c.applyVerdict(verdict({ session_id: 's1', action: 'allow', issued_at: 2500 }), 2500);
    expect(c.blockedSession(TENANT, 's1', 2500)).toBeNull();
  });

  it('stays within maxEntries, evicting the least recently used decision', () => {
    const c = cache(3);
    for (const s of ['s1', 's2', 's3']) c.applyVerdict(verdict({ session_id: s }), 1000);
    expect(c.blockedSession(TENANT, 's1', 1000)).not.toBeNull(); // s1 is now the most recently used
    c.applyVerdict(verdict({ session_id: 's4' }), 1000);
    expect(c.stats).toMatchObject({ size: 3, evictions: 1 });
    expect(c.blockedSession(TENANT, 's2', 1000)).toBeNull();
    expect(c.blockedSession(TENANT, 's1', 1000)).not.toBeNull();
  });

  it('sweeps expired entries before evicting live ones', () => {
    const c = cache(2);
    c.applyVerdict(verdict({ session_id: 's1', expires_at: 1500 }), 1000);
    c.applyVerdict(verdict({ session_id: 's2' }), 1000);
    c.applyVerdict(verdict({ session_id: 's3', issued_at: 2000 }), 2000);
    expect(c.stats.evictions).toBe(0);
    expect(c.blockedSession(TENANT, 's2', 2000)).not.toBeNull();
  });

  it('maps verdicts to the standing decision they state', () => {
    expect(standingKindOf(verdict({ scope: 'session', session_id: 's' }))).toBe('session');
    expect(standingKindOf(verdict({ scope: 'session', session_id: null }))).toBeNull();
    expect(standingKindOf(verdict({ scope: 'agent' }))).toBe('agent');
    expect(standingKindOf(verdict({ scope: 'credential' }))).toBe('credential');
    expect(standingKindOf(verdict({ scope: 'event', action: 'block' }))).toBeNull();
  });
});
