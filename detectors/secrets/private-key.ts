import type { DetectorFactory } from '../detector.ts';
import { type Accepted, createPatternDetector, type PatternRule } from '../pattern-detector.ts';

const VERSION = '1.0.0';
const MAX_BODY_CHARS = 16 * 1024;

export const privateKeyRules: readonly PatternRule[] = [
  {
    // PEM / OpenSSH / PGP private key blocks; the END line is optional so a truncated block still counts.
    id: 'secret.private_key',
    version: VERSION,
    type: 'secret.private_key',
    severity: 'critical',
    score: 0.99,
    priority: 35,
    pattern: '(?P<v>-----BEGIN (?:RSA |EC |DSA |OPENSSH |ENCRYPTED |PGP )?PRIVATE KEY(?: BLOCK)?-----)',
    validate: (m): Accepted => {
      // The optional word between `BEGIN ` and `PRIVATE KEY`; none means PKCS#8.
      const kind = (m.value.slice('-----BEGIN '.length, m.value.indexOf('PRIVATE KEY')) || 'PKCS8')
        .trim()
        .toLowerCase();
      // Extend the span over the body to the END line (plain search, bounded), so redaction hides it all.
      const endAt = m.text.indexOf('-----END ', m.end);
      if (endAt !== -1 && endAt - m.end <= MAX_BODY_CHARS) {
        const close = m.text.indexOf('-----', endAt + 9);
        if (close !== -1 && close - endAt <= 40) return { end: close + 5, attributes: { key_kind: kind } };
      }
      return { attributes: { key_kind: kind, end_line: 'missing' } };
    },
    mask: (v) => {
      const end = v.indexOf('-----', 5);
      return `${v.slice(0, end + 5)}…`;
    },
  },
];

export const createPrivateKeyDetector: DetectorFactory = (cfg) =>
  createPatternDetector('secret.private_key', VERSION, privateKeyRules, cfg);
