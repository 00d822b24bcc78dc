import type { DetectorFactory } from '../detector.ts';
import { maskEmail } from '../mask.ts';
import { createPatternDetector, type PatternRule } from '../pattern-detector.ts';

const VERSION = '1.0.0';

/** Documentation-reserved domains (RFC 2606) and obvious placeholders are not personal data. */
const RESERVED = ['example.com', 'example.org', 'example.net', 'example.invalid', 'test.invalid', 'localhost'];

export const emailRules: readonly PatternRule[] = [
  {
    id: 'pii.email',
    version: VERSION,
    type: 'pii.email',
    severity: 'medium',
    score: 0.95,
    // Local part per RFC 5322 dot-atom (ASCII), domain with at least one dot and an alphabetic TLD.
    pattern:
      "(?i)(?P<v>[a-z0-9!#$%&'*+=?^_`{|}~-]{1,64}(?:\\.[a-z0-9!#$%&'*+=?^_`{|}~-]{1,64}){0,8}@(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\\.){1,8}[a-z]{2,24})\\b",
    validate: (m) => {
      const v = m.value;
      const at = v.lastIndexOf('@');
      const domain = v.slice(at + 1).toLowerCase();
      if (at > 64 || v.length > 254) return false;
      // user:password@host and scheme://token@host are URL userinfo, not mailboxes.
      const before = m.text.charCodeAt(m.start - 1);
      if (before === 58 /* : */ || before === 47 /* / */) return false;
      // git@github.com-style SSH remotes and image@2x.png assets.
      if (domain.endsWith('.png') || domain.endsWith('.jpg') || domain.endsWith('.svg') || domain.endsWith('.gif')) {
        return false;
      }
      const reserved = RESERVED.some((d) => domain === d || domain.endsWith(`.${d}`));
      return reserved ? { score: 0.6, severity: 'low', attributes: { reserved_domain: 'true' } } : true;
    },
    mask: maskEmail,
  },
];

export const createEmailDetector: DetectorFactory = (cfg) =>
  createPatternDetector('pii.email', VERSION, emailRules, cfg);
