import type { Finding } from '../../schemas/generated/index.ts';

/** A finding as detect writes it, with masked evidence; n makes ids unique and orderable. */
export function testFinding(n: number, run: string, over: Partial<Finding> = {}): Finding {
  return {
    finding_id: `${run}-f${String(n).padStart(5, '0')}`,
    event_id: `${run}-e${String(n).padStart(5, '0')}`,
    ts: Date.UTC(2026, 11, 1, 12, 0, 0, n),
    tenant_id: 'acme',
    agent_id: 'support-bot',
    session_id: `sess-${n % 3}`,
    detector: 'pii.email',
    detector_version: '1.0.0',
    type: 'pii.email',
    severity: 'high',
    score: 0.97,
    spans: [{ field: 'content.text', start: 3, end: 23 }],
    evidence: 'j***@example.com',
    attributes: {},
    ...over,
  };
}
