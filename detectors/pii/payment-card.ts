import { codeAt, digitsOnly, isAsciiWord, isDigit } from '../chars.ts';
import type { DetectorFactory } from '../detector.ts';
import { maskCard } from '../mask.ts';
import { createPatternDetector, type PatternRule } from '../pattern-detector.ts';

// 1.1.0: a card number that ends a sentence ("… 1111.") is found; decimals and versions still are not.
const VERSION = '1.1.0';

export function luhnValid(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return false;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

/** Brand by IIN prefix and length; null when no major scheme issues such a number. */
export function cardBrand(d: string): string | null {
  const n = d.length;
  const p2 = Number(d.slice(0, 2));
  const p4 = Number(d.slice(0, 4));
  const p6 = Number(d.slice(0, 6));
  if (d[0] === '4' && (n === 13 || n === 16 || n === 19)) return 'visa';
  if (((p2 >= 51 && p2 <= 55) || (p4 >= 2221 && p4 <= 2720)) && n === 16) return 'mastercard';
  if ((p2 === 34 || p2 === 37) && n === 15) return 'amex';
  if ((p4 === 6011 || p2 === 65 || (p6 >= 644000 && p6 <= 649999)) && n >= 16 && n <= 19) return 'discover';
  if (p4 >= 3528 && p4 <= 3589 && n >= 16 && n <= 19) return 'jcb';
  if ((p2 === 36 || p2 === 38 || p2 === 39 || (p4 >= 3000 && p4 <= 3059)) && n >= 14 && n <= 19) return 'diners';
  if (p2 === 62 && n >= 16 && n <= 19) return 'unionpay';
  if ((p2 === 50 || (p2 >= 56 && p2 <= 69)) && n >= 16 && n <= 19) return 'maestro';
  return null;
}

export const paymentCardRules: readonly PatternRule[] = [
  {
    id: 'pii.payment_card',
    version: VERSION,
    type: 'pii.payment_card',
    severity: 'high',
    score: 0.95,
    priority: 20,
    // 12–19 digits, optionally grouped by single spaces or dashes.
    pattern: '(?P<v>[0-9](?:[ -]?[0-9]){11,18})',
    validate: (m) => {
      const before = codeAt(m.text, m.start - 1);
      const after = codeAt(m.text, m.end);
      if (isAsciiWord(before) || isAsciiWord(after)) return false;
      // A dot joined to digits makes a decimal or a version (1.4111…, …1111.25); a full stop ends a sentence.
      if (before === 46 && isDigit(codeAt(m.text, m.start - 2))) return false;
      if (after === 46 && isDigit(codeAt(m.text, m.end + 1))) return false;
      // A number glued to more digits via a separator belongs to a longer token (phone, id list).
      if ((before === 45 || before === 32) && isDigit(codeAt(m.text, m.start - 2))) return false;
      const v = m.value;
      // Separators, when present, must be consistent (all spaces or all dashes).
      if (v.includes(' ') && v.includes('-')) return false;
      const d = digitsOnly(v);
      if (d.length < 12 || d.length > 19 || !luhnValid(d)) return false;
      const brand = cardBrand(d);
      if (brand === null) return false;
      // All-same digits pass Luhn for some lengths (0000…) and are never real.
      if (d.split('').every((ch) => ch === d[0])) return false;
      return { attributes: { brand } };
    },
    mask: maskCard,
  },
];

export const createPaymentCardDetector: DetectorFactory = (cfg) =>
  createPatternDetector('pii.payment_card', VERSION, paymentCardRules, cfg);
