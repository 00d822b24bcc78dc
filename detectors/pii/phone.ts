import { codeAt, isAsciiWord, isDigit } from '../chars.ts';
import type { DetectorConfig, DetectorFactory } from '../detector.ts';
import { maskPhone } from '../mask.ts';
import { type Accepted, createPatternDetector, type PatternRule, type RuleMatch } from '../pattern-detector.ts';
import { PhoneNumberValidator, type PhoneResolution } from './phone-regions.ts';

const VERSION = '2.0.0';

interface WordList {
  readonly whole: ReadonlySet<string>;
  readonly prefixes: readonly string[];
}
/** `tel*` matches any word starting with `tel`; `ref` only the whole word `ref`. */
const words = (ws: readonly string[]): WordList => ({
  whole: new Set(ws.filter((w) => !w.endsWith('*'))),
  prefixes: ws.filter((w) => w.endsWith('*')).map((w) => w.slice(0, -1)),
});

/** Words that make a number a phone number; checked in the window before it (lower-cased). */
const CUES = words([
  'phone*',
  'tel*',
  'mobil*',
  'cell*',
  'call*',
  'dial*',
  'ring',
  'fax*',
  'whatsapp',
  'signal',
  'sms',
  'handy',
  'hotline',
  'helpline',
  'rufnummer',
  'anruf*',
  'ruf',
  'téléphone',
  'portable',
  'teléfono',
  'telefono',
  'cellulare',
  'número',
  'numero',
  'contact*',
  'kontakt*',
  'reach*',
  'tlf',
  'puhelin*',
]);
/** Words naming another kind of number; they veto a phone unless a cue stands closer to it. */
const VETOES = words([
  'order*',
  'invoice*',
  'ticket*',
  'ref',
  'reference*',
  'serial*',
  'isbn*',
  'issn',
  'iban',
  'bic',
  'account*',
  'konto*',
  'blz',
  'routing',
  'version*',
  'build*',
  'release*',
  'sku',
  'tracking',
  'bestell*',
  'rechnung*',
  'auftrag*',
  'vorgang*',
  'commande*',
  'facture*',
  'pedido*',
  'factura*',
  'ordine*',
  'fattura*',
  'id',
  'card*',
  'pan',
  'amex',
  'visa',
  'lat',
  'lon',
  'total*',
  'amount*',
  'budget*',
  'revenue*',
  'price*',
  'population*',
  'epoch',
  'timestamp*',
]);
const CONTEXT_CHARS = 32;
/** `+44 (0) 20 7946 0958 ext. 12345` is 31 characters; `+33 1 42 68 53 00` has 6 groups. */
const MAX_CANDIDATE_CHARS = 40;
const MAX_GROUPS = 7;

/** One run of digits in a candidate and the separator text before it. */
interface Group {
  readonly digits: string;
  readonly sep: string;
  /** Offsets into the candidate value. */
  readonly start: number;
  readonly end: number;
}

interface Shape {
  readonly plus: boolean;
  readonly groups: Group[];
  /** Extension digits (`x231`, `ext. 231`), or ''. */
  readonly ext: string;
  /** Candidate length without the extension. */
  readonly baseEnd: number;
  /** `(0)` after the country code: dropped, as libphonenumber does. */
  readonly trunkInBrackets: boolean;
}

function isExtMarker(c: number): boolean {
  return c === 120 || c === 88 || c === 35 || c === 101 || c === 69; // x X # e E
}

/** Splits an RE2 candidate into digit groups, separators and extension. Pure char-code walk. */
export function phoneShape(v: string): Shape {
  const groups: Group[] = [];
  let i = 0;
  let plus = false;
  let sep = '';
  let ext = '';
  let baseEnd = v.length;
  while (i < v.length) {
    const c = v.charCodeAt(i);
    if (isDigit(c)) {
      const s = i;
      while (i < v.length && isDigit(v.charCodeAt(i))) i++;
      groups.push({ digits: v.slice(s, i), sep, start: s, end: i });
      sep = '';
      continue;
    }
    if (c === 43 /* + */) plus = true;
    else if (isExtMarker(c) && groups.length > 0) {
      baseEnd = i;
      let j = i;
      while (j < v.length && !isDigit(v.charCodeAt(j))) j++;
      ext = v.slice(j);
      break;
    } else sep += v[i];
    i++;
  }
  // Trim the separator text at the end of the base number (`… 0187 ext`).
  while (baseEnd > 0 && !isDigit(v.charCodeAt(baseEnd - 1))) baseEnd--;
  // `(0)` after the country code: a trunk prefix shown for national callers.
  let trunkInBrackets = false;
  const kept: Group[] = [];
  for (let g = 0; g < groups.length; g++) {
    const cur = groups[g]!;
    const next = groups[g + 1];
    if (plus && g > 0 && cur.digits === '0' && cur.sep.endsWith('(') && next?.sep.startsWith(')')) {
      trunkInBrackets = true;
      groups[g + 1] = { ...next, sep: `${cur.sep}0${next.sep}` };
      continue;
    }
    kept.push(cur);
  }
  return { plus, groups: kept, ext, baseEnd, trunkInBrackets };
}

function luhn(d: string): boolean {
  let sum = 0;
  for (let i = 0; i < d.length; i++) {
    let v = d.charCodeAt(d.length - 1 - i) - 48;
    if (i % 2 === 1) v = v * 2 > 9 ? v * 2 - 9 : v * 2;
    sum += v;
  }
  return sum % 10 === 0;
}

const num = (s: string) => Number(s);
const isYear = (s: string) => s.length === 4 && num(s) >= 1900 && num(s) <= 2099;
const isMonth = (s: string) => s.length <= 2 && num(s) >= 1 && num(s) <= 12;
const isDay = (s: string) => s.length <= 2 && num(s) >= 1 && num(s) <= 31;

/** Three consecutive groups reading as a date (2024-03-15, 15.03.2024, 03/15/2024). */
function hasDate(gs: readonly Group[]): boolean {
  for (let i = 0; i + 2 < gs.length; i++) {
    const [a, b, c] = [gs[i]!.digits, gs[i + 1]!.digits, gs[i + 2]!.digits];
    if (isYear(a) && isMonth(b) && isDay(c)) return true;
    if (isYear(c) && ((isDay(a) && isMonth(b)) || (isMonth(a) && isDay(b)))) return true;
  }
  return false;
}

function isLetter(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 0xdf && c <= 0x24f);
}

function classify(word: string): 'cue' | 'veto' | null {
  if (CUES.whole.has(word) || CUES.prefixes.some((p) => word.startsWith(p))) return 'cue';
  if (VETOES.whole.has(word) || VETOES.prefixes.some((p) => word.startsWith(p))) return 'veto';
  return null;
}

/**
 * The nearest telling word before the number decides: a cue (`phone`, `Tel.`, `電話`), a veto
 * naming another kind of number (`order`, `IBAN`, `ISBN`, `#`, `No.`), or neither. One backwards
 * walk over a short lower-cased window.
 */
function contextOf(text: string, start: number): 'cue' | 'veto' | 'none' {
  const ctx = text.slice(Math.max(0, start - CONTEXT_CHARS), start).toLowerCase();
  let end = ctx.length;
  for (let i = ctx.length - 1; i >= -1; i--) {
    const c = i >= 0 ? ctx.charCodeAt(i) : -1;
    if (c !== -1 && isLetter(c)) continue;
    if (end > i + 1) {
      const word = ctx.slice(i + 1, end);
      const verdict = classify(word);
      if (verdict) return verdict;
      // `No. 4711`, `Nr. 12`: an abbreviation of "number" with its dot.
      if ((word === 'no' || word === 'nr') && ctx.charCodeAt(end) === 46) return 'veto';
    }
    if (c === 35 /* # */) return 'veto';
    // 電話 (telephone), 携帯 (mobile): CJK has no spaces between words.
    if (c === 0x8a71 && ctx.charCodeAt(i - 1) === 0x96fb) return 'cue';
    if (c === 0x5e2f && ctx.charCodeAt(i - 1) === 0x643a) return 'cue';
    end = i;
  }
  return 'none';
}

function gluedBefore(text: string, at: number): boolean {
  const c = codeAt(text, at - 1);
  if (c === -1) return false;
  if (isAsciiWord(c)) return true;
  // . - / + # $ € £ ¥ @ and a digit before a comma (1,234 567).
  if (c === 46 || c === 45 || c === 47 || c === 43 || c === 35 || c === 36 || c === 64) return true;
  if (c === 0x20ac || c === 0xa3 || c === 0xa5) return true;
  return c === 44 && isDigit(codeAt(text, at - 2));
}

function gluedAfter(text: string, at: number): boolean {
  const c = codeAt(text, at);
  if (c === -1) return false;
  if (isAsciiWord(c) || c === 37 /* % */ || c === 64 /* @ */ || c === 0x20ac) return true;
  // 555-123-4567.89, 10:42, 1.234,56: part of a longer numeric token.
  const c2 = codeAt(text, at + 1);
  return (c === 46 || c === 45 || c === 47 || c === 58 || c === 44) && isDigit(c2);
}

/** Currency or unit right after the number (`1 234 567 EUR`, `612 345 678 €`). */
function amountAfter(text: string, at: number): boolean {
  const tail = text.slice(at, at + 5).toLowerCase();
  return (
    tail.startsWith(' €') ||
    tail.startsWith(' eur') ||
    tail.startsWith(' usd') ||
    tail.startsWith(' gbp') ||
    tail.startsWith(' chf') ||
    tail.startsWith(' $')
  );
}

/** Rejects shapes that are other kinds of numbers; only char-code checks, no library call. */
function plausibleShape(plus: boolean, gs: readonly Group[], cue: () => boolean): boolean {
  const n = gs.length;
  let dots = 0;
  let commas = 0;
  for (const g of gs) {
    if (g.sep.includes('.')) dots++;
    if (g.sep.includes(',')) commas++;
  }
  if (commas > 0) return false;
  // The country code's separator does not count for the consistency checks below.
  const body = plus ? gs.slice(1) : gs;
  if (dots > 0) {
    // Dotted numbers (01.42.68.53.00, 415.555.0132) use dots throughout and no 1-digit group.
    for (let i = 1; i < body.length; i++) if (body[i]!.sep !== '.') return false;
    if (body.some((g) => g.digits.length < 2)) return false;
    // IPv4 and dotted thousands (1.234.567).
    if (n === 4 && gs.every((g) => g.digits.length <= 3)) return false;
    if (n >= 3 && gs.slice(1).every((g) => g.digits.length === 3) && gs[0]!.digits.length <= 3) return false;
  }
  // Single-digit groups: only first, right after the country code (+33 6 …, +46 8 …) or after a
  // trunk prefix written apart from the area code (Budapest's `(06 1) 234 5678`).
  const afterTrunk = !plus && gs[0]!.digits.length === 2 && gs[0]!.digits.charCodeAt(0) === 48;
  for (let i = 1; i < n; i++) {
    if (gs[i]!.digits.length === 1 && !((plus || afterTrunk) && i === 1)) return false;
  }
  if (hasDate(gs)) return false;
  if (!plus) {
    const all = gs.map((g) => g.digits).join('');
    if (all.length >= 13 && luhn(all)) return false;
    // Groups of four, three or more of them: card, IBAN or account fragments.
    if (n >= 3 && gs.every((g) => g.digits.length === 4) && !cue()) return false;
    // 078-05-1120 is written the way US social security numbers are.
    if (n === 3 && gs[0]!.digits.length === 3 && gs[1]!.digits.length === 2 && gs[2]!.digits.length === 4) {
      if (gs[1]!.sep === '-' && gs[2]!.sep === '-' && !cue()) return false;
    }
    // A bare run of digits is a phone number only with a cue (order numbers, epoch times).
    if (n === 1 && !cue()) return false;
  }
  return true;
}

interface Resolved {
  readonly res: PhoneResolution;
  readonly first: number;
  readonly last: number;
}

/** Resolves groups [first, last] of the shape: international with `+`/`00`, else national. */
function resolveGroups(v: PhoneNumberValidator, s: Shape, first: number, last: number): PhoneResolution | null {
  let digits = '';
  const lengths: number[] = [];
  for (let i = first; i <= last; i++) {
    digits += s.groups[i]!.digits;
    lengths.push(s.groups[i]!.digits.length);
  }
  if (s.plus && first === 0) return v.international(digits);
  if (digits.startsWith('00') && first === 0) {
    const intl = v.international(digits.slice(2));
    if (intl?.valid) return intl;
  }
  return v.national(digits, lengths);
}

const isBlank = (sep: string) => sep !== '' && sep.trim() === '';

/** `glued`: the whole candidate runs into the next token, so only windows ending earlier may match. */
function resolve(v: PhoneNumberValidator, s: Shape, cue: () => boolean, glued: boolean): Resolved | null {
  const gs = s.groups;
  const n = gs.length;
  const windows: [number, number][] = [[0, n - 1]];
  // Neighbours glued on by a space (`call 415 555 0132 2 times`, `Tel 030 1234567 2024-03-19`,
  // `room 12 030 1234567`): also try ending at an earlier blank separator (longest first, at most
  // three), then without the first group. Not with an extension or a `+`, which belong to the
  // whole number.
  // Equal groups (`4111 1111 1111 1111`, `0044 0532 0130`) are one chunked number, not a phone
  // number with neighbours.
  const chunked = gs.every((g) => g.digits.length === gs[0]!.digits.length);
  if (n >= 2 && s.ext === '' && !s.plus && !chunked) {
    for (let l = n - 2, tries = 0; l >= 0 && tries < 3; l--) {
      if (isBlank(gs[l + 1]!.sep)) {
        windows.push([0, l]);
        tries++;
      }
    }
    if (n >= 3 && isBlank(gs[1]!.sep) && !glued) windows.push([1, n - 1]);
  }
  let possible: Resolved | null = null;
  for (const [f, l] of windows) {
    if (glued && l === n - 1) continue;
    const plus = s.plus && f === 0;
    if (!plausibleShape(plus, f === 0 && l === n - 1 ? gs : gs.slice(f, l + 1), cue)) continue;
    const r = resolveGroups(v, s, f, l);
    if (r?.valid) return { res: r, first: f, last: l };
    if (r && possible === null && f === 0 && l === n - 1) possible = { res: r, first: f, last: l };
  }
  return possible;
}

function maskE164(r: PhoneResolution): string {
  const keep = r.nsn.slice(-2);
  return `+${r.countryCode} ${'*'.repeat(Math.max(0, r.nsn.length - 2))}${keep}`;
}

/**
 * The phone rule for one validator. RE2 finds candidates (broad but linear: digits with separators,
 * `+` or `(`, `(0)`, brackets, dots and an extension); cheap shape and context checks reject most of
 * them; libphonenumber decides the rest against the configured regions' plans.
 */
export function phoneRule(v: PhoneNumberValidator): PatternRule {
  const validate = (m: RuleMatch): Accepted | false => {
    let start = m.start;
    let value = m.value;
    // An opening bracket with no closing one belongs to the prose: `(call 030 1234567)`.
    if (value[0] === '(' && value.indexOf(')') < 0) {
      start++;
      value = value.slice(1);
    }
    if (gluedBefore(m.text, start)) return false;
    const glued = gluedAfter(m.text, m.end);
    // The candidate repeat is unbounded (see PHONE_CANDIDATE): a run of many digit groups is a
    // table or a list, not one number.
    if (value.length > MAX_CANDIDATE_CHARS) return false;
    const s = phoneShape(value);
    if (s.groups.length === 0 || s.groups.length > MAX_GROUPS) return false;
    let opens = 0;
    let closes = 0;
    for (let i = 0; i < value.length; i++) {
      const c = value.charCodeAt(i);
      if (c === 40) opens++;
      else if (c === 41) closes++;
    }
    if (opens !== closes) return false;
    if (!glued && amountAfter(m.text, m.end)) return false;
    // Before any library call: a veto (order, IBAN, card, ISBN …) costs less than one check.
    const context = contextOf(m.text, start);
    if (context === 'veto') return false;
    const cue = context === 'cue';
    const r = resolve(v, s, () => cue, glued);
    if (!r) return false;
    // Only possible (unallocated or fictional ranges such as 07700 900xxx): with a cue only.
    if (!r.res.valid && !cue) return false;
    // Valid somewhere but written as no region writes it (`1234567 890`): with a cue only.
    if (!r.res.conventional && !cue) return false;
    const spanStart = start + s.groups[r.first]!.start - (r.first === 0 ? s.groups[0]!.start : 0);
    const spanEnd = r.last === s.groups.length - 1 ? m.end : start + s.groups[r.last]!.end;
    const attributes: Record<string, string> = {
      region: r.res.region,
      country_code: String(r.res.countryCode),
      validation: r.res.valid ? 'valid' : 'possible',
    };
    if (s.ext !== '' && spanEnd === m.end) attributes['extension'] = 'yes';
    const score = !r.res.valid ? 0.6 : cue ? 0.95 : s.plus ? 0.9 : 0.8;
    return { start: spanStart, end: spanEnd, score, evidence: maskE164(r.res), attributes };
  };
  return {
    id: 'pii.phone',
    version: VERSION,
    type: 'pii.phone',
    severity: 'medium',
    score: 0.8,
    priority: 5,
    pattern: PHONE_CANDIDATE,
    validate,
    mask: maskPhone,
  };
}

const SP = '[ \\x{00A0}]';
/**
 * Between two digits: nothing, one space/dot, a dash or slash with optional spaces, a bracket, or
 * `(0)`. The closing `\b` keeps digits glued to a letter (`2025-11-26T10:42`, `4bf92f3577`)
 * from being candidates at all: in logs and JSON they were most of them. 7 digits or more (the validator caps the count: an unbounded repeat keeps RE2's DFA small
 * where `{6,16}` of this alternation multiplied its states); an optional extension (`x231`, `#12`, `ext. 231`, `extension 4`).
 */
export const PHONE_CANDIDATE =
  `(?:\\+${SP}?|\\(\\+?)?[0-9]` +
  `(?:(?:${SP}?\\(0\\)${SP}?|${SP}?[\\-/]${SP}?|[ \\x{00A0}.]|\\)[ \\x{00A0}.\\-]?|${SP}?\\()?[0-9]){6,}` +
  `(?:${SP}?(?:[xX#]|[eE][xX][tT](?:[nN]|ension)?\\.?)${SP}?:?${SP}?[0-9]{1,6})?\\b`;

/**
 * One rule per region list, shared by every chain of the thread: the libphonenumber metadata load
 * and the RE2 compile happen when the first chain is built (factory time), never per event. Bounded
 * by the number of distinct region lists a process configures (one in a service).
 */
const rulesByRegions = new Map<string, PatternRule>();

/** The phone rule for `cfg.phoneRegions`. */
export function phoneRuleFor(cfg: Pick<DetectorConfig, 'phoneRegions'>): PatternRule {
  const key = cfg.phoneRegions.join(',');
  let rule = rulesByRegions.get(key);
  if (!rule) {
    rule = phoneRule(new PhoneNumberValidator(cfg.phoneRegions));
    rulesByRegions.set(key, rule);
  }
  return rule;
}

export const createPhoneDetector: DetectorFactory = (cfg) =>
  createPatternDetector('pii.phone', VERSION, [phoneRuleFor(cfg)], cfg);
