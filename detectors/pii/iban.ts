import { codeAt, isAsciiWord } from '../chars.ts';
import type { DetectorFactory } from '../detector.ts';
import { maskIban } from '../mask.ts';
import { createPatternDetector, type PatternRule } from '../pattern-detector.ts';

const VERSION = '1.0.0';

/** IBAN length per country (SWIFT IBAN registry). */
// biome-ignore format: a compact table reads better than one entry per line
export const IBAN_LENGTHS: Readonly<Record<string, number>> = {
  AD: 24, AE: 23, AL: 28, AT: 20, AZ: 28, BA: 20, BE: 16, BG: 22, BH: 22, BI: 27, BR: 29, BY: 28, CH: 21, CR: 22,
  CY: 28, CZ: 24, DE: 22, DJ: 27, DK: 18, DO: 28, EE: 20, EG: 29, ES: 24, FI: 18, FK: 18, FO: 18, FR: 27, GB: 22,
  GE: 22, GI: 23, GL: 18, GR: 27, GT: 28, HR: 21, HU: 28, IE: 22, IL: 23, IQ: 23, IS: 26, IT: 27, JO: 30, KW: 30,
  KZ: 20, LB: 28, LC: 32, LI: 21, LT: 20, LU: 20, LV: 21, LY: 25, MC: 27, MD: 24, ME: 22, MK: 19, MN: 20, MR: 27,
  MT: 31, MU: 30, NI: 28, NL: 18, NO: 15, OM: 23, PK: 24, PL: 28, PS: 29, PT: 25, QA: 29, RO: 24, RS: 22, RU: 33,
  SA: 24, SC: 31, SD: 18, SE: 24, SI: 19, SK: 24, SM: 27, SO: 23, ST: 25, SV: 28, TL: 23, TN: 24, TR: 26, UA: 29,
  VA: 22, VG: 24, XK: 20, YE: 30,
};

/** ISO 13616 check: move the first four characters to the end, letters to numbers, mod 97 == 1. */
export function ibanChecksumValid(compact: string): boolean {
  const rearranged = compact.slice(4) + compact.slice(0, 4);
  let rem = 0;
  for (let i = 0; i < rearranged.length; i++) {
    const c = rearranged.charCodeAt(i);
    if (c >= 48 && c <= 57) rem = (rem * 10 + (c - 48)) % 97;
    else if (c >= 65 && c <= 90) rem = (rem * 100 + (c - 55)) % 97;
    else return false;
  }
  return rem === 1;
}

export const ibanRules: readonly PatternRule[] = [
  {
    id: 'pii.iban',
    version: VERSION,
    type: 'pii.iban',
    severity: 'high',
    score: 0.98,
    priority: 20,
    // Country, check digits, then BBAN either compact or in groups of four separated by single spaces.
    pattern: '(?P<v>[A-Z]{2}[0-9]{2}(?:[A-Z0-9]{11,30}|(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?))',
    validate: (m) => {
      if (isAsciiWord(codeAt(m.text, m.start - 1))) return false;
      const country = m.value.slice(0, 2);
      const want = IBAN_LENGTHS[country];
      if (want === undefined) return false;
      // Check digits are 02–98 by construction.
      const check = Number(m.value.slice(2, 4));
      if (check < 2 || check > 98) return false;
      // Walk the match until `want` alphanumerics are consumed; grouped IBANs may have swallowed a
      // following word ("DE89 3704 0044 0532 0130 00 THEN").
      let n = 0;
      let end = m.start;
      let compact = '';
      for (let i = 0; i < m.value.length && n < want; i++) {
        const ch = m.value[i]!;
        end = m.start + i + 1;
        if (ch === ' ') continue;
        compact += ch;
        n++;
      }
      if (n !== want) return false;
      if (isAsciiWord(codeAt(m.text, end))) return false;
      if (!ibanChecksumValid(compact)) return false;
      return { end, attributes: { country } };
    },
    mask: maskIban,
  },
];

export const createIbanDetector: DetectorFactory = (cfg) => createPatternDetector('pii.iban', VERSION, ibanRules, cfg);
