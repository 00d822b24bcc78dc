import { codeAt, contextBefore, digitsOnly, isAsciiWord, isDigit } from '../chars.ts';
import type { DetectorFactory } from '../detector.ts';
import { maskPhone } from '../mask.ts';
import { createPatternDetector, type PatternRule, type RuleMatch } from '../pattern-detector.ts';

const VERSION = '1.0.0';
const KEYWORDS = ['phone', 'tel', 'mobile', 'cell', 'call', 'fax', 'whatsapp', 'handy', 'telefon', 'contact', 'sms'];

/** Not glued to other digits, dots or word characters (order numbers, versions, timestamps). */
function standsAlone(m: RuleMatch): boolean {
  const before = codeAt(m.text, m.start - 1);
  const after = codeAt(m.text, m.end);
  const after2 = codeAt(m.text, m.end + 1);
  if (before !== -1 && (isAsciiWord(before) || before === 46 /* . */ || before === 45 /* - */ || before === 47)) {
    return false;
  }
  if (after !== -1 && isAsciiWord(after)) return false;
  // 555-123-4567.89 or 555-123-4567-12: part of a longer numeric token.
  if ((after === 46 || after === 45 || after === 47) && isDigit(after2)) return false;
  return true;
}

function hasKeyword(m: RuleMatch): boolean {
  const ctx = contextBefore(m.text, m.start, 40);
  return KEYWORDS.some((k) => ctx.includes(k));
}

export const phoneRules: readonly PatternRule[] = [
  {
    // E.164 and international notation: +49 30 1234567, +1 (415) 555-0132, +44 20 7946 0958.
    id: 'pii.phone',
    version: VERSION,
    type: 'pii.phone',
    severity: 'medium',
    score: 0.9,
    priority: 5,
    pattern: '(?P<v>\\+[1-9][0-9]{0,3}(?:[ .-]?\\(?[0-9]{1,5}\\)?){1,5}[ .-]?[0-9]{2,6})',
    validate: (m) => {
      const n = digitsOnly(m.value).length;
      if (n < 8 || n > 15 || !standsAlone(m)) return false;
      return hasKeyword(m) ? { score: 0.97 } : true;
    },
    mask: maskPhone,
  },
  {
    // North American national format with separators: (415) 555-0132, 415-555-0132, 415.555.0132.
    id: 'pii.phone',
    version: VERSION,
    type: 'pii.phone',
    severity: 'medium',
    score: 0.85,
    priority: 5,
    pattern: '(?P<v>(?:\\([2-9][0-9]{2}\\)\\s?|[2-9][0-9]{2}[-. ])[2-9][0-9]{2}[-. ][0-9]{4})',
    validate: (m) => {
      if (!standsAlone(m)) return false;
      // Consistent separators (415-555.0132 is more likely something else) unless parenthesised.
      const v = m.value;
      if (v[0] !== '(' && v[3] !== v[7]) return false;
      return hasKeyword(m) ? { score: 0.95 } : true;
    },
    mask: maskPhone,
  },
  {
    // European national format with a trunk 0 and at least one separator: 030 1234567, 020 7946 0958, 0171/1234567.
    id: 'pii.phone',
    version: VERSION,
    type: 'pii.phone',
    severity: 'medium',
    score: 0.8,
    priority: 5,
    pattern: '(?P<v>\\(?0[1-9][0-9]{1,4}\\)?[ /-][0-9]{3,4}[ -]?[0-9]{3,5})',
    validate: (m) => {
      const n = digitsOnly(m.value).length;
      if (n < 9 || n > 12 || !standsAlone(m)) return false;
      if (hasKeyword(m)) return { score: 0.95 };
      // Dash-only grouping (0772-7468-0761) is as often an invoice or reference number.
      return m.value.includes(' ') || m.value.includes('/') ? { score: 0.75 } : false;
    },
    mask: maskPhone,
  },
];

export const createPhoneDetector: DetectorFactory = (cfg) =>
  createPatternDetector('pii.phone', VERSION, phoneRules, cfg);
