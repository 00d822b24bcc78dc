import { describe, expect, it } from 'vitest';
import type { DestinationConfig } from '../../../services/siem/config.ts';
import { compileFilter } from '../../../services/siem/filter.ts';
import type { SiemRecord } from '../../../services/siem/record.ts';
import { testFinding } from '../../helpers/siem-findings.ts';

const dest = (filter: DestinationConfig['filter']) => ({ name: 'x', type: 'syslog', filter }) as DestinationConfig;
const finding = (over: Parameters<typeof testFinding>[2]): SiemRecord => ({
  kind: 'finding',
  finding: testFinding(1, 't', over),
});

describe('destination filters', () => {
  it('passes everything without a filter', () => {
    expect(compileFilter(dest(undefined))(finding({}))).toBe(true);
  });

  it('keeps findings at or above the minimum severity', () => {
    const f = compileFilter(dest({ minSeverity: 'high' }));
    expect(f(finding({ severity: 'medium' }))).toBe(false);
    expect(f(finding({ severity: 'high' }))).toBe(true);
    expect(f(finding({ severity: 'critical' }))).toBe(true);
  });

  it('matches finding types exactly or by family prefix, and verdicts by their reasons', () => {
    const f = compileFilter(dest({ findingTypes: ['pii.', 'secret.aws_access_key'] }));
    expect(f(finding({ type: 'pii.iban' }))).toBe(true);
    expect(f(finding({ type: 'secret.aws_access_key' }))).toBe(true);
    expect(f(finding({ type: 'secret.github_token' }))).toBe(false);
    const verdict = (reasons: string[]): SiemRecord => ({
      kind: 'verdict',
      verdict: {
        verdict_id: 'v1',
        event_id: 'e1',
        tenant_id: 'acme',
        agent_id: 'a',
        session_id: null,
        credential_id: null,
        action: 'block',
        scope: 'event',
        reasons,
        policy_id: 'p',
        policy_version: 1,
        issued_at: 0,
        expires_at: null,
        latency_ms: 1,
        shadow_action: null,
        redacted_text: null,
        redacted_arguments: null,
      },
    });
    expect(f(verdict(['pii.email']))).toBe(true);
    expect(f(verdict(['injection.override_instructions']))).toBe(false);
  });

  it('filters by tenant and record kind', () => {
    const f = compileFilter(dest({ tenants: ['globex'], kinds: ['finding'] }));
    expect(f(finding({ tenant_id: 'acme' }))).toBe(false);
    expect(f(finding({ tenant_id: 'globex' }))).toBe(true);
    const checkpoint: SiemRecord = {
      kind: 'audit_checkpoint',
      checkpoint: {
        tenant_id: 'globex',
        stream: 's',
        seq: 1,
        hash: 'h',
        ts: '2026-01-01T00:00:00Z',
        key_id: 'k',
        signature: 's',
      },
    };
    expect(f(checkpoint)).toBe(false);
  });
});
