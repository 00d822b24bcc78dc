import type { DetectorFactory } from '../detector.ts';
import { maskShape } from '../mask.ts';
import { createPatternDetector, type PatternRule } from '../pattern-detector.ts';

const VERSION = '1.0.0';

/** First three letters of an English, German or French month name -> month number. */
// biome-ignore format: compact table
const MONTHS: Readonly<Record<string, number>> = {
  jan: 1, feb: 2, mar: 3, mär: 3, mae: 3, apr: 4, may: 5, mai: 5, jun: 6, jul: 7, aug: 8, sep: 9, oct: 10,
  okt: 10, nov: 11, dec: 12, dez: 12,
};
const MONTH_ALT = '(?:jan|feb|mar|m(?:ä|ae)r|apr|may|mai|jun|jul|aug|sep|oct|okt|nov|dec|dez)[a-z]*\\.?';
const YEAR = '(?:19|20)[0-9]{2}';
const DATE =
  `(?:[0-9]{1,2}[./-][0-9]{1,2}[./-]${YEAR}|${YEAR}-[0-9]{1,2}-[0-9]{1,2}|` +
  `[0-9]{1,2}\\.? ${MONTH_ALT},? ${YEAR}|${MONTH_ALT} [0-9]{1,2}(?:st|nd|rd|th)?,? ${YEAR})`;
const KEYWORDS =
  '(?:\\bdob\\b|d\\.o\\.b\\.?|date of birth|birth ?date|birthday|born(?: on| in)?|geburtsdatum|geboren(?: am)?|geb\\.|date de naissance|n[ée]e? le|fecha de nacimiento|nacido el)';

/**
 * True when the text holds a valid calendar date from 1900 on. No clock is read (detectors are
 * pure), so a future date in this century still passes; the keyword does the real work.
 */
export function plausibleBirthDate(v: string): boolean {
  const nums: number[] = [];
  let cur = '';
  let word = '';
  for (const ch of `${v} `) {
    const c = ch.charCodeAt(0);
    if (c >= 48 && c <= 57) cur += ch;
    else if (cur) {
      nums.push(Number(cur));
      cur = '';
    }
    if (ch.toLowerCase() !== ch.toUpperCase()) word += ch.toLowerCase();
  }
  let y: number | undefined;
  let mo: number | undefined;
  let d: number | undefined;
  if (word.length >= 3) {
    mo = MONTHS[word.slice(0, 3)];
    y = nums.find((n) => n >= 1900);
    d = nums.find((n) => n < 100);
  } else if (nums.length === 3) {
    if (nums[0]! >= 1900) [y, mo, d] = nums;
    else {
      // Day-first (EU) when the second number can be a month, else month-first (US).
      y = nums[2];
      const a = nums[0]!;
      const b = nums[1]!;
      if (b <= 12) [d, mo] = [a, b];
      else [mo, d] = [a, b];
    }
  }
  if (y === undefined || mo === undefined || d === undefined) return false;
  if (mo < 1 || mo > 12 || d < 1 || d > 31) return false;
  const days = new Date(Date.UTC(y, mo, 0)).getUTCDate();
  return y >= 1900 && d <= days;
}

export const dateOfBirthRules: readonly PatternRule[] = [
  {
    id: 'pii.date_of_birth',
    version: VERSION,
    type: 'pii.date_of_birth',
    severity: 'medium',
    score: 0.9,
    priority: 12,
    pattern: `(?i)${KEYWORDS}[^0-9\\n]{0,30}?(?P<v>${DATE})`,
    validate: (m) => plausibleBirthDate(m.value),
    mask: maskShape,
  },
];

export const createDateOfBirthDetector: DetectorFactory = (cfg) =>
  createPatternDetector('pii.date_of_birth', VERSION, dateOfBirthRules, cfg);
