import { codeAt, contextBefore } from '../chars.ts';
import type { DetectorFactory } from '../detector.ts';
import type { Severity } from '../finding.ts';
import { maskInitials } from '../mask.ts';
import type { Accepted, PatternRule, RuleMatch } from '../pattern-detector.ts';
import { createPatternDetector } from '../pattern-detector.ts';

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
const PARTICLE = '(?:van|von|de|der|den|da|di|du|del|della|la|le|ten|ter|zu|bin|ibn|al)';
/** `min`–`max` capitalised tokens on one line, with particles and one middle initial allowed. */
function name(min: number, max: number): string {
  return `${TOKEN}(?:[ \\t]+${UPPER}\\.)?(?:[ \\t]+(?:${PARTICLE}[ \\t]+){0,2}${TOKEN}){${min - 1},${max - 1}}`;
}

/**
 * Capitalised words that are not names: roles, teams, documents, products, step names, greetings.
 * A name stops at the first of them (`Anna Schmidt Team` -> `Anna Schmidt`); one at the start rejects.
 */
// biome-ignore format: compact list
const NOT_A_NAME = new Set([
  // function words, pronouns, greetings
  'the', 'a', 'an', 'and', 'or', 'of', 'to', 'in', 'on', 'at', 'for', 'with', 'by', 'from', 'is', 'are',
  'was', 'be', 'not', 'no', 'yes', 'my', 'your', 'our', 'his', 'her', 'their', 'its', 'this', 'that',
  'these', 'those', 'all', 'any', 'each', 'every', 'some', 'here', 'there', 'it', 'we', 'you', 'they',
  'sir', 'madam', 'madame', 'everyone', 'everybody', 'all', 'friend', 'friends', 'colleague', 'colleagues',
  'folks', 'guys', 'world', 'valued', 'dear', 'hello', 'hi', 'thanks', 'thank', 'regards', 'best', 'kind',
  'warm', 'cheers', 'sincerely', 'please', 'unknown', 'none', 'null', 'undefined', 'anonymous', 'redacted',
  // roles, teams, organisations
  'team', 'staff', 'support', 'service', 'services', 'customer', 'customers', 'client', 'clients', 'user',
  'users', 'admin', 'administrator', 'manager', 'management', 'hiring', 'recruiting', 'director', 'officer',
  'department', 'dept', 'group', 'office', 'desk', 'help', 'helpdesk', 'sales', 'marketing', 'finance',
  'legal', 'operations', 'engineering', 'security', 'hr', 'it', 'board', 'committee', 'council', 'company',
  'corp', 'corporation', 'inc', 'ltd', 'llc', 'gmbh', 'ag', 'bank', 'university', 'school', 'hospital',
  'clinic', 'store', 'shop', 'partner', 'partners', 'owner', 'member', 'members', 'agent', 'assistant',
  'bot', 'system', 'platform', 'applicant', 'candidate', 'patient', 'employee', 'tenant', 'guest',
  // documents, records, commerce
  'order', 'orders', 'summary', 'total', 'subtotal', 'invoice', 'receipt', 'report', 'product', 'products',
  'project', 'projects', 'plan', 'premium', 'basic', 'pro', 'enterprise', 'standard', 'free', 'trial',
  'account', 'accounts', 'profile', 'details', 'information', 'info', 'data', 'file', 'files', 'document',
  'documents', 'table', 'field', 'value', 'type', 'status', 'item', 'items', 'list', 'page', 'section',
  'chapter', 'version', 'release', 'update', 'updates', 'notes', 'note', 'description', 'title', 'name',
  'subject', 'message', 'new', 'old', 'test', 'tests', 'demo', 'example', 'sample', 'default', 'custom',
  'main', 'master', 'production', 'staging', 'development', 'dev', 'prod', 'server', 'cluster', 'database',
  'api', 'app', 'application', 'service', 'dashboard', 'settings', 'config', 'configuration', 'widget',
  'wireless', 'mouse', 'keyboard', 'monitor', 'cable', 'card', 'gift', 'coupon', 'shipping', 'delivery',
  'payment', 'billing', 'address', 'street', 'road', 'avenue', 'city', 'country', 'region', 'north',
  'south', 'east', 'west', 'central', 'global', 'international', 'national', 'general', 'public', 'private',
  // verbs of CI steps and task titles
  'setup', 'set', 'run', 'install', 'build', 'deploy', 'checkout', 'lint', 'publish', 'upload', 'download',
  'create', 'delete', 'get', 'configure', 'cache', 'start', 'stop', 'restart', 'check', 'verify', 'review',
  'fix', 'add', 'remove', 'use', 'open', 'close', 'send', 'read', 'write', 'generate', 'migrate', 'sync',
  // time
  'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday', 'january', 'february',
  'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december',
  'today', 'tomorrow', 'yesterday', 'morning', 'evening', 'weekend', 'week', 'month', 'year', 'quarter',
  // German
  'damen', 'herren', 'kunde', 'kundin', 'kunden', 'kollegen', 'kolleginnen', 'kollege', 'kollegin', 'liebe',
  'lieber', 'sehr', 'geehrte', 'geehrter', 'rechnung', 'bestellung', 'übersicht', 'zusammenfassung', 'firma',
  'abteilung', 'vertrieb', 'kundenservice', 'kundendienst', 'geschäftsführung', 'personalabteilung',
  'frau', 'herr', 'herrn', 'grüße', 'gruß', 'vielen', 'dank', 'ihr', 'ihre', 'euer', 'eure', 'unser',
  'unsere', 'mein', 'meine', 'der', 'die', 'das', 'und', 'oder', 'mit', 'für', 'von', 'bitte', 'danke',
  'sie', 'ihnen', 'euch', 'dich', 'du', 'alle', 'willkommen',
  'projekt', 'bericht', 'vertrag', 'angebot', 'auftrag', 'datei', 'neue', 'neuer', 'alte', 'alter',
]);

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

const INTRO = "(?i:\\b(?:my name is|my name's|mein name ist|ich hei(?:ß|ss)e|i am called|je m'appelle|me llamo))";
const HONORIFIC = '\\b(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Herrn?|Frau)\\.?';
const SPECIFIC_KEYS =
  '(?:full|customer|client|patient|employee|contact|passenger|guest|applicant|recipient|sender|' +
  'account[ _-]?holder|card[ _-]?holder|beneficiary|insured|student|candidate|legal)[ _-]?name|' +
  'nachname|vorname|vor- und nachname|kundenname|ansprechpartner(?:in)?|kontoinhaber(?:in)?|' +
  'karteninhaber(?:in)?|empfänger(?:in)?|patient(?:in)?';
const KEY = `(?i:\\b(?P<k>${SPECIFIC_KEYS}|name))"?[ \\t]*[:=][ \\t]*"?`;
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
    pattern: `${HONORIFIC}[ \\t]+(?P<v>${name(1, 3)})`,
    validate: (m) => validateName(m, { minNames: 1, score: 0.7 }),
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
