import { shannonEntropy } from '../chars.ts';
import type { DetectorFactory } from '../detector.ts';
import { maskSecret } from '../mask.ts';
import { createPatternDetector, type PatternRule } from '../pattern-detector.ts';
import { hasLettersAndDigits, isPlaceholder } from './placeholder.ts';

const VERSION = '1.0.0';

const KEY_NAMES =
  '(?:api[_-]?key|apikey|access[_-]?key|secret[_-]?key|client[_-]?secret|auth[_-]?token|access[_-]?token|refresh[_-]?token|bearer|token|secret|private[_-]?key|password|passwd|pwd|credentials?)';

export const genericSecretRules: readonly PatternRule[] = [
  {
    // key-like name, an assignment (=, :, =>, JSON colon, Authorization: Bearer), then a high-entropy value.
    id: 'secret.generic',
    version: VERSION,
    type: 'secret.generic',
    severity: 'high',
    score: 0.8,
    priority: 1,
    pattern: `(?i)(?P<k>${KEY_NAMES})["']?\\s*(?:[:=]|=>|:=)\\s*(?:bearer\\s+)?["']?(?P<v>[A-Za-z0-9_\\-+/=.~!@#$%^&*]{8,256})`,
    validate: (m, cfg) => {
      const v = m.value.endsWith('.') ? m.value.slice(0, -1) : m.value;
      if (isPlaceholder(v)) return false;
      const key = (m.groups['k'] ?? '').toLowerCase();
      const isPassword = key.startsWith('pass') || key === 'pwd';
      const h = shannonEntropy(v);
      if (isPassword) {
        // Human passwords are short and low-entropy; require some variety and not a plain word.
        if (v.length < 8 || h < 2.5 || !hasLettersAndDigits(v)) return false;
        return { end: m.start + v.length, score: 0.75, attributes: { key_name: key } };
      }
      if (v.length < 16 || h < cfg.genericSecretMinEntropyBits || !hasLettersAndDigits(v)) return false;
      return { end: m.start + v.length, score: Math.min(0.95, 0.6 + (h - 3) * 0.15), attributes: { key_name: key } };
    },
    mask: maskSecret,
  },
  {
    // Authorization: Bearer <token> headers.
    id: 'secret.generic',
    version: VERSION,
    type: 'secret.generic',
    severity: 'high',
    score: 0.85,
    priority: 1,
    pattern: '(?i)authorization["\']?\\s*[:=]\\s*["\']?(?:bearer|token|basic)\\s+(?P<v>[A-Za-z0-9_\\-+/=.~]{16,})',
    validate: (m, cfg) => !isPlaceholder(m.value) && shannonEntropy(m.value) >= cfg.genericSecretMinEntropyBits - 0.5,
    mask: maskSecret,
  },
];

export const createGenericSecretDetector: DetectorFactory = (cfg) =>
  createPatternDetector('secret.generic', VERSION, genericSecretRules, cfg);
