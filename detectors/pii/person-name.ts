import RE2 from 're2';
import { codeAt, contextBefore } from '../chars.ts';
import type { DetectorFactory } from '../detector.ts';
import type { Severity } from '../finding.ts';
import { maskInitials } from '../mask.ts';
import type { Accepted, PatternRule, RuleMatch } from '../pattern-detector.ts';
import { createPatternDetector } from '../pattern-detector.ts';
import { HONORIFIC_BRANDS, NOT_A_NAME } from './person-name-words.ts';

const VERSION = '1.0.0';

/**
 * Latin-1 letters only. `\p{Lu}`/`\p{Ll}` compile to large UTF-8 automata and, in the chain's shared
 * RE2.Set, more than halved its throughput (bench: 277 -> 115 MB/s for one such rule); Latin
 * Extended-A (Ł, Š, ř) cost a third. Names in other scripts are not capitalised words anyway.
 */
const UPPER = '[A-ZÀ-ÖØ-Þ]';
const LOWER = '[a-zß-öø-ÿ]';
/** `Anna`, `Anne-Marie`, `O'Brien`, `McDonald`, `Müller`. At least two letters, then lower case. */
const TOKEN = `(?:O['’])?${UPPER}${LOWER}+(?:(?:[-'’]${UPPER}?|${UPPER})${LOWER}+)?`;
// biome-ignore format: compact list
const PARTICLES = new Set(['van', 'von', 'de', 'der', 'den', 'da', 'di', 'du', 'del', 'della', 'la', 'le', 'ten', 'ter', 'zu', 'bin', 'ibn', 'al']);
const PARTICLE = `(?:${[...PARTICLES].join('|')})`;
/** `min`–`max` capitalised tokens on one line, with particles and one middle initial allowed. */
function name(min: number, max: number): string {
  return `${TOKEN}(?:[ \\t]+${UPPER}\\.)?(?:[ \\t]+(?:${PARTICLE}[ \\t]+){0,2}${TOKEN}){${min - 1},${max - 1}}`;
}

/** Words near a bare `name` key that say the record is about a person. */
const PERSON_CONTEXT = [
  '@',
  'email',
  'e-mail',
  'phone',
  'telefon',
  'mobile',
  'address',
  'adresse',
  'anschrift',
  'birth',
  'dob',
  'geboren',
  'geburts',
  'customer',
  'kunde',
  'patient',
  'employee',
  'mitarbeiter',
  'passport',
  'surname',
  'nachname',
  'vorname',
  'contact',
  'kontakt',
];

function isSpace(ch: string | undefined): boolean {
  return ch === ' ' || ch === '\t';
}

/** Token boundaries of the value: `[start, end)` pairs relative to the value. */
function tokens(v: string): [number, number][] {
  const out: [number, number][] = [];
  let i = 0;
  while (i < v.length) {
    while (i < v.length && isSpace(v[i])) i++;
    const s = i;
    while (i < v.length && !isSpace(v[i])) i++;
    if (i > s) out.push([s, i]);
  }
  return out;
}

function isParticle(t: string): boolean {
  const c = t.charCodeAt(0);
  return c >= 97 && c <= 122;
}

interface Trimmed {
  readonly end: number;
  readonly names: number;
}

/**
 * Cuts the value before the first non-name word; counts the capitalised tokens kept (particles and
 * middle initials do not count). A possessive `'s` is left out of the span.
 */
function trimName(v: string): Trimmed {
  let end = 0;
  let names = 0;
  for (const [s, e] of tokens(v)) {
    let t = v.slice(s, e);
    let te = e;
    if (t.endsWith("'s") || t.endsWith('’s')) {
      t = t.slice(0, -2);
      te -= 2;
    }
    // Particles (`van der`) only count when a name token follows them.
    if (isParticle(t)) continue;
    if (NOT_A_NAME.has(t.toLowerCase())) break;
    end = te;
    if (!t.endsWith('.')) names++;
  }
  return { end, names };
}

function hasPersonContext(m: RuleMatch): boolean {
  const around = m.text.slice(Math.max(0, m.start - 200), Math.min(m.text.length, m.end + 200)).toLowerCase();
  return PERSON_CONTEXT.some((k) => around.includes(k));
}

/**
 * True when a bare `name` key is a label of its own (`Name: …` at a line or sentence start, in a
 * form or a letter), not a JSON key or the tail of a longer key (`File name:`, `Product name:`).
 */
function nameIsLabel(m: RuleMatch): boolean {
  const ctx = contextBefore(m.text, m.start, 60);
  const at = ctx.lastIndexOf('name');
  if (at < 0 || ctx[at + 4] === '"' || ctx[at - 1] === '"' || ctx[at - 1] === "'") return false;
  let i = at - 1;
  while (i >= 0 && isSpace(ctx[i])) i--;
  if (i < 0) return m.start <= 60;
  return '\n\r.;:|,-*>('.includes(ctx[i]!);
}

interface Kind {
  /** Fewest capitalised tokens the name needs. */
  readonly minNames: number;
  readonly score: number;
  /** Extra check on the match (keyword kind, punctuation after the name). */
  readonly check?: (m: RuleMatch) => number | false;
}

function isUpperCase(ch: string | undefined): boolean {
  return ch !== undefined && ch !== ch.toLowerCase();
}

/** Any cased letter, outside Latin-1 too: `Dvořák` must not end a name at `Dvo`. */
function isCasedLetter(ch: string | undefined): boolean {
  return ch !== undefined && ch.toLowerCase() !== ch.toUpperCase();
}

function validateName(m: RuleMatch, kind: Kind): Accepted | false {
  let value = m.value;
  // The last token stopped inside a word (a letter outside the pattern's classes): drop it.
  if (isCasedLetter(m.text[m.end])) {
    let cut = value.length;
    while (cut > 0 && !isSpace(value[cut - 1])) cut--;
    value = value.slice(0, cut).trimEnd();
  }
  const { end, names } = trimName(value);
  if (names < kind.minNames) return false;
  const score = kind.check ? kind.check({ ...m, value: m.value.slice(0, end), end: m.start + end }) : kind.score;
  if (score === false) return false;
  const severity: Severity = names >= 2 && score >= 0.65 ? 'medium' : 'low';
  return { end: m.start + end, score: names >= 2 ? score : score - 0.05, severity };
}

const HONORIFICS = new Set(['Mr', 'Mrs', 'Ms', 'Miss', 'Mx', 'Dr', 'Prof', 'Herr', 'Herrn', 'Frau']);

/** The honorific right before `start` (`Dr.`, `Frau`), lower case and without the dot. */
function honorificBefore(text: string, start: number): string {
  let i = start - 1;
  while (i >= 0 && isSpace(text[i])) i--;
  if (text[i] === '.') i--;
  const end = i + 1;
  while (i >= 0 && isCasedLetter(text[i])) i--;
  return text.slice(i + 1, end).toLowerCase();
}

function validateHonorific(m: RuleMatch): Accepted | false {
  const first = tokens(m.value)[0];
  if (!first) return false;
  const key = `${honorificBefore(m.text, m.start)} ${m.value.slice(first[0], first[1]).toLowerCase()}`;
  if (HONORIFIC_BRANDS.has(key)) return false;
  return validateName(m, { minNames: 1, score: 0.7 });
}

/** Auxiliaries and adverbs allowed between the name and the verb: `Jane Roe has just called`. */
const SUBJECT_FILLER = new Set(['has', 'had', 'just', 'also', 'then', 'already', 'finally', 'hat', 'hatte']);
/** Verbs of people in notes and tickets, past tense: `Jane Roe called`, `… agreed to the plan`. */
const PERSON_VERB =
  '(?:called|phoned|rang|e-?mailed|texted|wrote|said|asked|agreed|replied|responded|answered|confirmed|' +
  'complained|mentioned|requested|approved|declined|signed|reported|explained|promised|apologi[sz]ed|' +
  'visited|rief an|hat angerufen|hat geschrieben|schrieb|sagte|fragte|bestätigte)\\b';
/**
 * Two capitalised words, up to two auxiliaries, then the verb (the value). Only a trigger for the
 * shared RE2.Set: the validator reads the name backwards from the verb. Kept to plain letter classes
 * on purpose: particles (`van der Berg`) or wider classes made the shared Set measurably slower, and a
 * single capitalised word (`She said`, `Customer asked`) would send most prose through the validator.
 */
const SUBJECT_VERB =
  `${UPPER}${LOWER}+[ \\t-]+(?:O['’])?${UPPER}${LOWER}+(?:${UPPER}${LOWER}+)?[ \\t]+` +
  `(?:(?:${[...SUBJECT_FILLER].join('|')})[ \\t]+){0,2}(?P<v>${PERSON_VERB})`;
/** Prefixes after which a capital inside a surname is normal: `McDonald`, `MacArthur`, `DeLuca`. */
const INNER_CAPITAL_PREFIXES = new Set(['Mc', 'Mac', 'Fitz', 'De', 'Di', 'Da', 'Du', 'La', 'Le', 'Van', 'Von']);

/** `GitHub`, `PowerShell`, `YouTube`: camel case is a product name, not a surname. */
function isCamelCase(t: string): boolean {
  for (let i = 1; i < t.length; i++) {
    const ch = t[i]!;
    if (ch !== ch.toLowerCase() && isCasedLetter(t[i - 1]) && !INNER_CAPITAL_PREFIXES.has(t.slice(0, i))) return true;
  }
  return false;
}
/** One word of a name, whole: the same shape as in the patterns. */
const NAME_TOKEN = new RE2(`^(?:${TOKEN}|${UPPER}\\.)$`, 'u');
const ARTICLES = new Set(['the', 'a', 'an', 'der', 'die', 'das', 'le', 'la', 'les', 'el', 'il']);
/** Most words a subject may have, particles included (`Jonas van der Berg`). */
const MAX_SUBJECT_WORDS = 5;

/** The word ending at `end` on the same line: `[start, end)`, or null at a line start. */
function wordEndingAt(text: string, end: number): [number, number] | null {
  let e = end;
  while (e > 0 && isSpace(text[e - 1])) e--;
  let s = e;
  while (s > 0 && !isSpace(text[s - 1]) && text[s - 1] !== '\n' && text[s - 1] !== '\r') s--;
  return s < e ? [s, e] : null;
}

/**
 * The subject in front of the person verb at `m.start`: two or three capitalised name words (particles
 * and one initial allowed) that start a clause, i.e. follow punctuation, a line start, a lower-case or a
 * known non-name word. A longer capitalised run is a title or a product line (`IBM Research Labs said`).
 */
function validateSubject(m: RuleMatch): Accepted | false {
  const text = m.text;
  let w = wordEndingAt(text, m.start);
  if (!w || w[1] === m.start) return false;
  for (let k = 0; k < 2 && w && SUBJECT_FILLER.has(text.slice(w[0], w[1])); k++) w = wordEndingAt(text, w[0]);
  if (!w) return false;
  const end = w[1];
  let start = -1;
  let names = 0;
  let words = 0;
  while (w) {
    const t = text.slice(w[0], w[1]);
    if (isParticle(t) && PARTICLES.has(t)) {
      // `van der` only inside a name, never right before the verb.
      if (words === 0) return false;
    } else if (!NOT_A_NAME.has(t.toLowerCase()) && !HONORIFICS.has(t) && !isCamelCase(t) && NAME_TOKEN.test(t)) {
      start = w[0];
      if (!t.endsWith('.')) names++;
    } else break;
    if (++words > MAX_SUBJECT_WORDS) return false;
    w = wordEndingAt(text, w[0]);
  }
  if (start < 0 || names < 2 || names > 3) return false;
  if (w) {
    // What comes before the name must end a clause or be a plain word, not more capitalised text
    // (`IBM Research Labs said`) or an article (`The Rolling Stones said`).
    const before = text.slice(w[0], w[1]);
    const lower = before.toLowerCase();
    if (ARTICLES.has(lower)) return false;
    // `Ms Anna Weber called`: the honorific rule reports it, with its higher score.
    if (HONORIFICS.has(before.endsWith('.') ? before.slice(0, -1) : before)) return false;
    const boundary = '.,;:!?)]}>"\'-–—|*'.includes(before[before.length - 1]!);
    if (!boundary && !NOT_A_NAME.has(lower) && isUpperCase(before[0])) return false;
  }
  // No cue word: the weakest of the name rules.
  return { start, end, score: 0.55, severity: 'low' };
}

const INTRO = "(?i:\\b(?:my name is|my name's|mein name ist|ich hei(?:ß|ss)e|i am called|je m'appelle|me llamo))";
const HONORIFIC = `\\b(?:${[...HONORIFICS].join('|')})\\.?`;
const SPECIFIC_KEYS =
  '(?:full|customer|client|patient|employee|contact|passenger|guest|applicant|recipient|sender|' +
  'account[ _-]?holder|card[ _-]?holder|beneficiary|insured|student|candidate|legal)[ _-]?name|' +
  'nachname|vorname|vor- und nachname|kundenname|ansprechpartner(?:in)?|kontoinhaber(?:in)?|' +
  'karteninhaber(?:in)?|empfänger(?:in)?|patient(?:in)?|' +
  // Workflow and document fields that hold a person: `Assignee: Jane Roe`, `"author": "Jane Roe"`.
  'assignee|reporter|requester|approver|author|owner|contact(?:[ _-]?person)?|attention|signatory|' +
  'verfasser(?:in)?|unterzeichner(?:in)?';
const KEY = `(?i:\\b(?P<k>${SPECIFIC_KEYS}|name))"?[ \\t]*[:=][ \\t]*"?`;
/** Phrases of tickets, reviews and letters that a person follows: `Assigned to Jane Roe`, `c/o Jane Roe`. */
const CUE =
  '(?i:\\b(?:assigned to|reassigned to|escalated to|handed over to|reported by|requested by|approved by|' +
  'reviewed by|signed by|submitted by|prepared by|written by|authored by|on behalf of|care of|attn|c/o|' +
  'zu händen|z\\. ?hd\\.?|im auftrag von))';
const GREETING = '(?i:\\b(?:dear|hello|hi|hallo|liebe|lieber|guten tag))';
const SIGN_OFF =
  '(?i:\\b(?:best regards|kind regards|warm regards|regards|sincerely|yours truly|yours faithfully|cheers|' +
  'signed|mit freundlichen grüßen|mit freundlichen grüssen|freundliche grüße|viele grüße|beste grüße|' +
  'liebe grüße|herzliche grüße))';

const base = {
  id: 'pii.person_name',
  version: VERSION,
  type: 'pii.person_name',
  severity: 'low' as Severity,
  mask: maskInitials,
  // Below addresses and e-mail addresses when spans overlap (`Dr` is also a street suffix).
  priority: 4,
};

export const personNameRules: readonly PatternRule[] = [
  {
    // my name is Jane Roe; Ich heiße Anna.
    ...base,
    score: 0.75,
    pattern: `${INTRO}[ \\t]+(?P<v>${name(1, 3)})`,
    validate: (m) => validateName(m, { minNames: 1, score: 0.75 }),
  },
  {
    // Mr. John Smith; Frau Müller; Dr. Anna Weber.
    ...base,
    score: 0.7,
    pattern: `${HONORIFIC}[ \\t]+(?P<v>(?:${PARTICLE}[ \\t]+){0,2}${name(1, 3)})`,
    validate: validateHonorific,
  },
  {
    // Name: Jane Roe; "customer_name": "Jane Roe"; Ansprechpartner: Anna Weber.
    ...base,
    score: 0.75,
    pattern: `${KEY}(?P<v>${name(2, 3)})`,
    validate: (m) =>
      validateName(m, {
        minNames: 2,
        score: 0.75,
        check: (n) => {
          if ((n.groups['k'] ?? '').toLowerCase() !== 'name') return 0.75;
          // A bare `name` key names products, jobs and clusters as often as people.
          if (hasPersonContext(n)) return 0.7;
          return nameIsLabel(n) ? 0.6 : false;
        },
      }),
  },
  {
    // Assigned to Jane Roe; reviewed by Anna Weber; Attn Lukas McDonald; c/o Anne-Marie Dubois.
    ...base,
    score: 0.65,
    pattern: `${CUE}[ \\t]*[:.]?[ \\t]*(?P<v>${name(2, 3)})`,
    validate: (m) => validateName(m, { minNames: 2, score: 0.65 }),
  },
  {
    // Jane Roe called about the refund; Meeting notes: Anna Weber agreed to the plan.
    ...base,
    score: 0.55,
    pattern: SUBJECT_VERB,
    validate: validateSubject,
  },
  {
    // Dear Jane Roe, / Hallo Anna Weber,
    ...base,
    score: 0.65,
    pattern: `${GREETING}[ \\t]+(?P<v>${name(2, 3)})`,
    validate: (m) =>
      validateName(m, {
        minNames: 2,
        score: 0.65,
        check: (n) => {
          const after = codeAt(n.text, n.end);
          // 44 , 33 ! 10 \n: the salutation line of a letter.
          return after === 44 || after === 33 || after === 10 || after === 13 ? 0.65 : false;
        },
      }),
  },
  {
    // Best regards,\nJane Roe; Mit freundlichen Grüßen\nAnna Weber; Signed, Jane Roe.
    ...base,
    score: 0.7,
    pattern: `${SIGN_OFF}[ \\t]*[,.:!]?[ \\t]*(?:\\r?\\n[ \\t]*)?(?P<v>${name(2, 3)})`,
    validate: (m) => validateName(m, { minNames: 2, score: 0.7 }),
  },
];

export const createPersonNameDetector: DetectorFactory = (cfg) =>
  createPatternDetector('pii.person_name', VERSION, personNameRules, cfg);
