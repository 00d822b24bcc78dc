import { codeAt, isAsciiWord } from '../chars.ts';
import type { DetectorFactory } from '../detector.ts';
import { maskNino } from '../mask.ts';
import { createPatternDetector, type PatternRule } from '../pattern-detector.ts';

const VERSION = '1.0.0';

/** Prefixes HMRC never allocates. */
const INVALID_PREFIXES = new Set(['BG', 'GB', 'KN', 'NK', 'NT', 'TN', 'ZZ']);

export const ukNinoRules: readonly PatternRule[] = [
  {
    id: 'pii.uk_nino',
    version: VERSION,
    type: 'pii.uk_nino',
    severity: 'high',
    score: 0.93,
    priority: 15,
    // First letter not D, F, I, Q, U, V; second not D, F, I, O, Q, U, V; suffix A–D.
    pattern: '(?P<v>[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z] ?[0-9]{2} ?[0-9]{2} ?[0-9]{2} ?[A-D])',
    validate: (m) => {
      if (isAsciiWord(codeAt(m.text, m.start - 1)) || isAsciiWord(codeAt(m.text, m.end))) return false;
      if (INVALID_PREFIXES.has(m.value.slice(0, 2))) return false;
      const v = m.value;
      // Either compact or fully spaced (AB 12 34 56 C), not a random mix.
      const spaces = v.split(' ').length - 1;
      return spaces === 0 || spaces === 4;
    },
    mask: maskNino,
  },
];

export const createUkNinoDetector: DetectorFactory = (cfg) =>
  createPatternDetector('pii.uk_nino', VERSION, ukNinoRules, cfg);
