import { describe, expect, it } from 'vitest';
import { DetectorConfigError, resolveDetectorConfig } from '../../../detectors/config.ts';
import { findingId } from '../../../detectors/finding.ts';
import { maskCard, maskEmail, maskIban, maskSecret } from '../../../detectors/mask.ts';
import { createPiiDetector } from '../../../detectors/pii/index.ts';
import { redact } from '../../../detectors/redaction.ts';
import { buildDetectorChain } from '../../../detectors/registry.ts';
import { makeEvent } from './event.ts';

describe('findings', () => {
  it('derive the same id for a retried event, and different ids for different spans', () => {
    const a = findingId('E1', 'pii.email', 'pii.email', [{ field: 'content.text', start: 1, end: 5 }]);
    const b = findingId('E1', 'pii.email', 'pii.email', [{ field: 'content.text', start: 1, end: 5 }]);
    const c = findingId('E1', 'pii.email', 'pii.email', [{ field: 'content.text', start: 2, end: 5 }]);
    expect(a).toBe(b);
    expect(a).not.toBe(c);
    expect(a).toMatch(/^[0-9a-f]{32}$/);
  });
  it('copy event identity into every finding', () => {
    const [f] = createPiiDetector(resolveDetectorConfig()).detect(makeEvent('mail a.b@corp.io'));
    expect(f).toMatchObject({
      tenant_id: 'tenant-a',
      agent_id: 'agent-1',
      session_id: 'session-1',
      detector: 'pii.email',
    });
  });
});

describe('masking', () => {
  it('shows only the allowed fragments', () => {
    expect(maskEmail('john.doe@example.com')).toBe('j***@example.com');
    expect(maskCard('4111-1111-1111-1111')).toBe('****1111');
    expect(maskIban('DE89 3704 0044 0532 0130 00')).toBe('DE****************3000');
    expect(maskSecret('ghp_A1b2C3d4E5f6G7h8')).toBe('ghp_…');
    expect(maskSecret('short')).toBe('****…');
  });
});

describe('scan cap', () => {
  it('reports truncation on findings from a field longer than the cap', () => {
    const d = createPiiDetector(resolveDetectorConfig({ maxScanChars: 64 }));
    const [f] = d.detect(makeEvent(`mail a.b@corp.io ${'x'.repeat(200)} c.d@corp.io`));
    expect(f!.attributes).toMatchObject({ scan_truncated: 'true', scanned_chars: '64' });
    expect(d.detect(makeEvent(`mail a.b@corp.io ${'x'.repeat(200)} c.d@corp.io`))).toHaveLength(1);
  });
});

describe('config', () => {
  it('reports every invalid option at once', () => {
    try {
      resolveDetectorConfig({ maxScanChars: 0, injectionMlThreshold: 2 });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(DetectorConfigError);
      expect((err as DetectorConfigError).problems).toHaveLength(2);
    }
  });
  it('drops disabled families and rules from the chain', () => {
    const chain = buildDetectorChain({ disabled: ['injection.ml', 'pii.email'] });
    expect(chain.map((d) => d.id)).toEqual(['pii', 'secrets', 'injection.rules']);
    expect(chain[0]!.detect(makeEvent('a.b@corp.io'))).toHaveLength(0);
  });
});

describe('redaction', () => {
  it('replaces spans and merges overlapping ones', () => {
    const text = 'key=ghp_A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8 mail a.b@corp.io';
    const chain = buildDetectorChain({ disabled: ['injection.ml'] });
    const findings = chain.flatMap((d) => d.detect(makeEvent(text)));
    expect(redact(text, findings, 'content.text').text).toBe(
      'key=[REDACTED:secret.github_token] mail [REDACTED:pii.email]',
    );
    const f = findings[0]!;
    const overlapping = [
      { ...f, type: 'a', spans: [{ field: 'content.text', start: 0, end: 5 }] },
      { ...f, type: 'b', spans: [{ field: 'content.text', start: 3, end: 8 }] },
    ];
    expect(redact('0123456789', overlapping, 'content.text')).toEqual({ text: '[REDACTED:a+b]89', redactions: 1 });
  });
});
