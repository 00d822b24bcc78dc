import { describe, expect, it } from 'vitest';
import { buildDetectorChain } from '../../../detectors/registry.ts';
import { makeEvent } from './event.ts';

// 1 MB hostile inputs, scanned in full (cap raised to 1 MiB). RE2 is linear; these must simply finish.
const chain = buildDetectorChain({ maxScanChars: 1 << 20 });
const MB = 1_000_000;
const inputs: Record<string, string> = {
  'a repeated': 'a'.repeat(MB),
  'at signs': '@'.repeat(MB),
  digits: '1'.repeat(MB),
  'digits and spaces': '4111 '.repeat(MB / 5),
  'nested-quantifier bomb': `${'a'.repeat(MB - 1)}!`,
  'base64 soup': 'QUFB'.repeat(MB / 4),
  'ignore without target': 'ignore '.repeat(MB / 7),
  'zero-width run': '\u200b'.repeat(MB),
  'email-like run': 'a.'.repeat(MB / 2),
};

describe('adversarial input', () => {
  for (const [name, text] of Object.entries(inputs)) {
    it(`completes on 1 MB of ${name}`, () => {
      const findings = chain.flatMap((d) => d.detect(makeEvent(text, 'tool_result', text)));
      expect(Array.isArray(findings)).toBe(true);
      expect(findings.length).toBeLessThan(2000);
    });
  }
});
