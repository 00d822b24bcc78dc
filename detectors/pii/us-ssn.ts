import { codeAt, contextBefore, digitsOnly, isAsciiWord, isDigit } from '../chars.ts';
import type { DetectorFactory } from '../detector.ts';
import { maskSsn } from '../mask.ts';
import { createPatternDetector, type PatternRule, type RuleMatch } from '../pattern-detector.ts';

const VERSION = '1.0.0';

/** SSA rules: area not 000, 666 or 900–999; group not 00; serial not 0000. */
export function ssnValid(area: number, group: number, serial: number): boolean {
  if (area === 0 || area === 666 || area >= 900) return false;
  return group !== 0 && serial !== 0;
}

function validate(m: RuleMatch, needKeyword: boolean) {
  const before = codeAt(m.text, m.start - 1);
  const after = codeAt(m.text, m.end);
  if (isAsciiWord(before) || isAsciiWord(after) || before === 45 || after === 45) return false;
  if ((before === 46 || after === 46) && (isDigit(codeAt(m.text, m.start - 2)) || isDigit(codeAt(m.text, m.end + 1)))) {
    return false;
  }
  // Area, group and serial from the nine digits (separators are dashes or single spaces).
  const d = digitsOnly(m.value);
  const area = Number(d.slice(0, 3));
  const group = Number(d.slice(3, 5));
  const serial = Number(d.slice(5, 9));
  if (!ssnValid(area, group, serial)) return false;
  const ctx = contextBefore(m.text, m.start, 40);
  const keyword = ctx.includes('ssn') || ctx.includes('social security') || ctx.includes('soc sec');
  if (needKeyword && !keyword) return false;
  return { score: keyword ? 0.98 : 0.85 };
}

export const usSsnRules: readonly PatternRule[] = [
  {
    id: 'pii.us_ssn',
    version: VERSION,
    type: 'pii.us_ssn',
    severity: 'high',
    score: 0.9,
    priority: 15,
    pattern: '(?P<v>[0-9]{3}-[0-9]{2}-[0-9]{4})',
    validate: (m) => validate(m, false),
    mask: maskSsn,
  },
  {
    // Unformatted or space-separated nine digits only next to an SSN keyword.
    id: 'pii.us_ssn',
    version: VERSION,
    type: 'pii.us_ssn',
    severity: 'high',
    score: 0.9,
    priority: 15,
    pattern: '(?i)(?:ssn|social security)[^0-9\\n]{0,30}(?P<v>[0-9]{3} ?[0-9]{2} ?[0-9]{4})',
    validate: (m) => validate(m, true),
    mask: maskSsn,
  },
];

export const createUsSsnDetector: DetectorFactory = (cfg) =>
  createPatternDetector('pii.us_ssn', VERSION, usSsnRules, cfg);
