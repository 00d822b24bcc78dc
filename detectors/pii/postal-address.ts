import { codeAt, contextBefore, isAsciiWord, isDigit } from '../chars.ts';
import type { DetectorFactory } from '../detector.ts';
import type { Severity } from '../finding.ts';
import { maskAddress } from '../mask.ts';
import type { Accepted, PatternRule, RuleMatch } from '../pattern-detector.ts';
import { createPatternDetector } from '../pattern-detector.ts';

const VERSION = '1.0.0';

/**
 * Street suffixes (US/UK). Words that are just as common in prose (Park, Point, Path, Center,
 * Walk, Hill, Green) are left out: the suffix is what makes "number + capitalised words" credible.
 */
// biome-ignore format: compact table
const US_SUFFIXES = [
  'Street', 'Avenue', 'Road', 'Boulevard', 'Lane', 'Drive', 'Court', 'Place', 'Terrace', 'Way', 'Parkway',
  'Highway', 'Circle', 'Crescent', 'Square', 'Close', 'Grove', 'Gardens', 'Mews', 'Row', 'Plaza', 'Alley',
  'Trail', 'Loop', 'Expressway', 'Turnpike',
];
/** Abbreviations take a dot; after a full word a dot ends the sentence, not the address. */
// biome-ignore format: compact table
const US_SUFFIX_ABBREVIATIONS = [
  'St', 'Ave', 'Rd', 'Blvd', 'Ln', 'Dr', 'Ct', 'Pl', 'Terr', 'Pkwy', 'Hwy', 'Cir', 'Sq',
];
const withUpper = (xs: readonly string[]) => [...xs, ...xs.map((x) => x.toUpperCase())].join('|');
const US_SUFFIX = `(?:(?:${withUpper(US_SUFFIXES)})\\b|(?:${withUpper(US_SUFFIX_ABBREVIATIONS)})\\b\\.?)`;
/** A word of the street name: `N.`, `Main`, `MacArthur`, `O'Neil`, `42nd`. */
const US_WORD = "(?:[A-Z][a-z]{0,2}\\.|[A-Z][A-Za-z'’-]*|[1-9][0-9]{0,2}(?:st|nd|rd|th))";
const UNIT = '(?:,? (?:Apt|Suite|Ste|Unit|Flat|Floor|APT|STE|UNIT)\\.? #?[0-9]{1,5}[A-Z]?)';
const CITY = '[A-Z][a-z]+(?: [A-Z][a-z]+){0,2}';
/** `, Springfield, IL 62704` or `, London SW1A 1AA`, after a comma or a line break. */
const US_UK_LOCALITY =
  `(?:,[ \\t]?|,?[ \\t]?\\r?\\n[ \\t]?)${CITY}` +
  '(?:,? [A-Z]{2} [0-9]{5}(?:-[0-9]{4})?|,? [A-Z]{1,2}[0-9][A-Z0-9]? [0-9][A-Z]{2})';

const DE_UPPER = 'A-ZÄÖÜ';
const DE_LOWER = 'a-zäöüß';
const DE_NOUN = `[${DE_UPPER}][${DE_LOWER}]+`;
const DE_SUFFIX_LOWER = '(?:straße|strasse|str\\.|weg|gasse|platz|allee|ring|damm)';
const DE_SUFFIX_WORD = '(?:Straße|Strasse|Str\\.|Weg|Gasse|Platz|Allee|Ring|Damm)';
/** `Hauptstraße`, `Karl-Marx-Straße`, `Konrad-Adenauer-Allee`, `Berliner Straße`. */
const DE_STREET = `(?:(?:${DE_NOUN}-){0,3}${DE_NOUN}${DE_SUFFIX_LOWER}|(?:${DE_NOUN}-){1,3}${DE_SUFFIX_WORD}|${DE_NOUN} ${DE_SUFFIX_WORD})`;
/** `Am Markt`, `An der Alster`, `Unter den Linden`. */
const DE_PREP_STREET = `(?:Am|Im|Zum|Zur|Beim|An der|An den|Auf dem|Auf der|In der|In den|Unter den|Hinter der|Vor dem) ${DE_NOUN}`;
const DE_NUMBER = '[1-9][0-9]{0,3}[a-zA-Z]?(?:[-/][1-9][0-9]{0,3}[a-zA-Z]?)?';
/** `, 10115 Berlin`, `\n80331 München`, `, D-10115 Berlin`, `, 8001 Zürich`. */
const DE_LOCALITY = `(?:,[ \\t]?|,?[ \\t]?\\r?\\n[ \\t]?)(?:(?:D|A|CH)-)?[0-9]{4,5} ${DE_NOUN}(?:-${DE_NOUN})?`;

/** Latin-1 letters, as in the person-name patterns: `Élysée`, `Génova`, `Düsseldorf`. */
const L1_UPPER = 'A-ZÀ-ÖØ-Þ';
const L1_LOWER = 'a-zß-öø-ÿ';
const L1_WORD = `[${L1_UPPER}][${L1_LOWER}]+`;
/** `, 75001 Paris`, `, 28013 Madrid`, `, 00184 Roma`, `, F-75001 Paris`, `\n13001 Aix-en-Provence`. */
const EU_LOCALITY = `(?:,[ \\t]?|,?[ \\t]?\\r?\\n[ \\t]?)(?:[A-Z]{1,2}-)?[0-9]{4,5} ${L1_WORD}(?:-[${L1_UPPER}${L1_LOWER}]+){0,3}`;

/**
 * French: the house number leads, the street type follows in lower case (`13 rue de Rivoli`,
 * `5 bis avenue Foch`, `2 place de l'Étoile`), optionally `, 75001 Paris`.
 */
// biome-ignore format: compact table
const FR_TYPES = ['rue', 'avenue', 'boulevard', 'bd', 'place', 'allée', 'impasse', 'chemin', 'quai', 'cours', 'route', 'passage', 'square'];
const FR_TYPE = FR_TYPES.join('|');
const FR_TYPE_UPPER = FR_TYPES.map((t) => t[0]!.toUpperCase() + t.slice(1)).join('|');
/** Types that are English words too: they need an article, a postcode or an address keyword. */
const FR_TYPE_ENGLISH = new Set(['avenue', 'boulevard', 'place', 'route', 'passage', 'square']);
const FR_ARTICLE = "(?:de la |des |du |de |la |le |les |de l['’]|d['’]|l['’])";
const FR_STREET = `${FR_ARTICLE}?${L1_WORD}(?:-[${L1_UPPER}${L1_LOWER}]+)*(?: ${FR_ARTICLE}?${L1_WORD}(?:-[${L1_UPPER}${L1_LOWER}]+)*){0,3}`;

/**
 * Spanish, Italian, Portuguese: the street type leads, the number follows (`Calle Mayor 10`,
 * `Via Roma 5`, `Rua Augusta 27`), optionally `, 28013 Madrid`.
 */
// biome-ignore format: compact table
const ROMANCE_TYPES = [
  'Calle', 'Avenida', 'Avda\\.', 'Paseo', 'Plaza', 'Camino', 'Carrer', 'Carretera', 'Ronda', 'Travesía', 'Rua',
  'Praça', 'Travessa', 'Via', 'Viale', 'Piazza', 'Piazzale', 'Corso', 'Largo', 'Vicolo',
];
/** Types that also start English sentences (`Via Slack 2 …`): they need a postcode or a keyword. */
const ROMANCE_TYPE_ENGLISH = new Set(['plaza', 'camino', 'ronda', 'via', 'corso', 'largo']);
const ROMANCE_ARTICLE = '(?:de la |de los |de las |del |de |da |do |dos |das |della |delle |dei |di )';
const ROMANCE_STREET = `(?:${ROMANCE_TYPES.join('|')}) ${ROMANCE_ARTICLE}?${L1_WORD}(?: ${ROMANCE_ARTICLE}?${L1_WORD}){0,3}`;

/** `Straße des 17. Juni 106`, `Platz der Republik 1`: the type word leads, a genitive follows. */
const DE_GENITIVE_STREET = `(?:Straße|Strasse|Platz|Allee|Ufer|Damm|Chaussee) (?:des|der|dem|den) (?:[1-9][0-9]?\\. )?${DE_NOUN}(?: ${DE_NOUN})?`;

/** `PO Box 1234`, `P.O. Box 12`, `Postfach 10 02 30`, `Boîte postale 42`. */
const PO_BOX =
  '(?i:\\b(?:p\\.? ?o\\.? ?box|post office box|postfach|bo[iî]te postale|apartado de correos|casella postale))' +
  ' #?[0-9]{1,6}(?: [0-9]{2,3}){0,2}';

/** US street suffixes in lower case, for addresses typed in a hurry (`ship it to 12 main st`). */
// biome-ignore format: compact table
const US_SUFFIXES_LOWER = [
  'street', 'st', 'avenue', 'ave', 'road', 'rd', 'boulevard', 'blvd', 'lane', 'ln', 'drive', 'dr', 'court',
  'ct', 'place', 'pl', 'terrace', 'way', 'parkway', 'pkwy', 'highway', 'hwy',
];

const KEYWORDS = [
  'address',
  'adresse',
  'anschrift',
  'ship to',
  'shipping',
  'deliver to',
  'delivery',
  'billing',
  'mailing',
  'lives at',
  'living at',
  'located at',
  'resides at',
  'residence',
  'wohnhaft',
  'wohnt in',
  'wohne in',
  'wohnort',
  'lieferung an',
  'ship it to',
  'send to',
  'send it to',
  'sent to',
  'mail to',
  'mail it to',
  'post to',
  'forward to',
  'moved to',
  'return to',
  'c/o',
  'envoyer à',
  'livraison',
  'domicilio',
  'dirección',
  'indirizzo',
  'endereço',
];

/** The word right before the house number that makes it a count or a reference, not an address. */
// biome-ignore format: compact list
const NOT_BEFORE_NUMBER = new Set([
  'version', 'v', 'chapter', 'ch', 'step', 'section', 'sec', 'page', 'p', 'pp', 'figure', 'fig', 'table',
  'item', 'items', 'route', 'rte', 'http', 'status', 'code', 'level', 'part', 'issue', 'pr', 'line', 'lines',
  'article', 'art', 'paragraph', 'para', 'rule', 'exhibit', 'appendix', 'slide', 'episode', 'season',
  'volume', 'vol', 'no', 'nr', 'number', 'phase', 'stage', 'round', 'week', 'day', 'year', 'tier', 'top',
  'kapitel', 'schritt', 'abschnitt', 'seite', 'punkt', 'teil', 'absatz', 'ziffer',
]);

/** Function words and count nouns that never sit inside a street name. */
// biome-ignore format: compact list
const NOT_IN_STREET = new Set([
  'the', 'a', 'an', 'of', 'to', 'in', 'on', 'at', 'for', 'and', 'or', 'with', 'by', 'from', 'is', 'are',
  'be', 'my', 'your', 'our', 'this', 'that', 'it', 'we', 'you', 'items', 'steps', 'things',
  'ways', 'reasons', 'tips', 'times', 'minutes', 'hours', 'days', 'weeks', 'months', 'years', 'users',
  'files', 'pages', 'people', 'more', 'best', 'easy', 'simple', 'quick', 'key', 'top', 'free',
]);

/** German nouns after "Am/Im/Zum …" that start an ordinary sentence, not a street. */
// biome-ignore format: compact list
const NOT_DE_PREP_NOUN = new Set([
  'jahr', 'ende', 'anfang', 'beispiel', 'kapitel', 'schritt', 'abschnitt', 'moment', 'prinzip', 'grunde',
  'rahmen', 'laufe', 'fall', 'vergleich', 'durchschnitt', 'anhang', 'montag', 'dienstag', 'mittwoch',
  'donnerstag', 'freitag', 'samstag', 'sonntag', 'januar', 'februar', 'märz', 'april', 'mai', 'juni',
  'juli', 'august', 'september', 'oktober', 'november', 'dezember', 'quartal', 'monat', 'tag', 'wochenende',
  'abend', 'morgen', 'mittag', 'nachmittag', 'vormittag', 'punkt', 'teil', 'zeitraum', 'wert', 'schluss',
  'allgemeinen', 'wesentlichen', 'einzelnen', 'folgenden', 'übrigen', 'ganzen', 'release',
  'sprint', 'ticket', 'test', 'version', 'zuge', 'bereich', 'system', 'jahre', 'jahren', 'schnitt',
]);

/** English words (and code words) that end like a German street: `String 5`, `Monitoring 2`. */
// biome-ignore format: compact list
const NOT_DE_STREET = new Set([
  'string', 'substring', 'spring', 'bring', 'offspring', 'keyring', 'earring', 'docstring', 'bytestring',
  'querystring', 'instr.', 'constr.',
]);

function isLetter(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 0xc0 && c <= 0x24f && c !== 0xd7 && c !== 0xf7);
}

/** Not glued to a word, a number, a path or a version on either side. */
function standsAlone(m: RuleMatch): boolean {
  const before = codeAt(m.text, m.start - 1);
  const after = codeAt(m.text, m.end);
  if (isAsciiWord(before) || isLetter(before) || isAsciiWord(after) || isLetter(after)) return false;
  // 10:30, 1.2, v-2, a/3, #4, $5, @6: times, decimals, ranges, paths, ordinals, prices, handles.
  if (before === 58 || before === 46 || before === 45 || before === 47 || before === 35 || before === 36) {
    return false;
  }
  // 12 Main St.5 or a trailing version: part of a longer token.
  return before !== 64 && !(after === 46 && isDigit(codeAt(m.text, m.end + 1)));
}

/** The word before `start` (skipping spaces), lower-cased and without a trailing dot. */
function wordBefore(text: string, start: number): string {
  let i = start - 1;
  while (i >= 0 && (text[i] === ' ' || text[i] === '\t')) i--;
  if (text[i] === '.') i--;
  const end = i + 1;
  while (i >= 0 && (isAsciiWord(text.charCodeAt(i)) || isLetter(text.charCodeAt(i)))) i--;
  return text.slice(i + 1, end).toLowerCase();
}

function hasKeyword(m: RuleMatch): boolean {
  const ctx = contextBefore(m.text, m.start, 60);
  return KEYWORDS.some((k) => ctx.includes(k));
}

/** Words of the value up to the first comma or line break (the street part). */
function streetWords(v: string): string[] {
  let end = v.length;
  for (let i = 0; i < v.length; i++) {
    if (v[i] === ',' || v[i] === '\n' || v[i] === '\r') {
      end = i;
      break;
    }
  }
  return v
    .slice(0, end)
    .split(' ')
    .filter((w) => w !== '');
}

function hasLocality(v: string): boolean {
  return v.includes(',') || v.includes('\n');
}

function scored(base: number, m: RuleMatch): Accepted {
  let score = base;
  const locality = hasLocality(m.value);
  if (locality) score += 0.2;
  if (hasKeyword(m)) score += 0.15;
  // A bare `Am Markt 3` or `1600 Amphitheatre Parkway` with nothing around it: worth a low.
  const severity = score >= 0.6 ? 'medium' : 'low';
  return { score: Math.min(score, 0.95), severity, attributes: { locality: locality ? 'yes' : 'no' } };
}

/**
 * A capitalised word right before the house number on the same line (`Apollo 11 Landing Place`,
 * `Windows 10 Drive`): a model or series number, unless a postcode or a keyword says otherwise.
 */
function titleWordBefore(text: string, start: number): boolean {
  let i = start - 1;
  if (text[i] !== ' ' && text[i] !== '\t') return false;
  while (i >= 0 && (text[i] === ' ' || text[i] === '\t')) i--;
  const end = i + 1;
  while (i >= 0 && isLetter(text.charCodeAt(i))) i--;
  if (end - (i + 1) < 2 || isAsciiWord(codeAt(text, i))) return false;
  const first = text[i + 1]!;
  const second = text[i + 2]!;
  if (first !== first.toLowerCase() && second !== second.toUpperCase()) return true;
  // `iPhone 15`, `macOS 14`: a capital after a lower-case letter.
  for (let k = i + 2; k < end; k++) {
    const ch = text[k]!;
    if (ch !== ch.toLowerCase() && text[k - 1] === text[k - 1]!.toLowerCase()) return true;
  }
  return false;
}

/** No postcode, no keyword and a model name before the number. */
function looksLikeModelNumber(m: RuleMatch): boolean {
  return !hasLocality(m.value) && !hasKeyword(m) && titleWordBefore(m.text, m.start);
}

function validateUs(m: RuleMatch): Accepted | false {
  if (!standsAlone(m) || NOT_BEFORE_NUMBER.has(wordBefore(m.text, m.start))) return false;
  if (looksLikeModelNumber(m)) return false;
  const words = streetWords(m.value);
  // words[0] is the house number, the last one the suffix.
  for (let i = 1; i < words.length - 1; i++) {
    if (NOT_IN_STREET.has(words[i]!.toLowerCase())) return false;
  }
  return scored(0.6, m);
}

function validateDe(m: RuleMatch): Accepted | false {
  if (!standsAlone(m)) return false;
  const words = streetWords(m.value);
  const street = words.length >= 3 ? words[words.length - 2]! : words[0]!;
  const name = words[0]!.toLowerCase();
  if (words.length >= 3) {
    // Two-word form: the first word is an adjective (`Berliner`, `Alte`, `Langen`), not any noun.
    if (!(name.endsWith('er') || name.endsWith('e') || name.endsWith('en'))) return false;
  } else {
    const lower = street.toLowerCase();
    if (NOT_DE_STREET.has(lower)) return false;
    // `-ring` after a vowel is an English gerund (Monitoring, Sharing); German ring roads put a
    // consonant there (Kaiserring, Südring). `Ostring` is the one common German `-string`.
    if (lower.endsWith('ring') && lower !== 'ostring') {
      const c = lower[lower.length - 5] ?? 'a';
      if ('aeiouy'.includes(c) || lower.endsWith('string') || lower.endsWith('spring')) return false;
    }
  }
  return scored(0.7, m);
}

function validateDePrep(m: RuleMatch): Accepted | false {
  if (!standsAlone(m)) return false;
  const words = streetWords(m.value);
  const noun = words[words.length - 2]!.toLowerCase();
  if (NOT_DE_PREP_NOUN.has(noun)) return false;
  // `Am Markt 3` reads like a sentence start as often as an address: weaker without context.
  return scored(0.55, m);
}

/** `12 main st` is an address only where the text says one follows (`ship it to`, `address:`). */
function validateUsLower(m: RuleMatch): Accepted | false {
  if (!standsAlone(m) || NOT_BEFORE_NUMBER.has(wordBefore(m.text, m.start)) || !hasKeyword(m)) return false;
  const words = streetWords(m.value);
  for (let i = 1; i < words.length - 1; i++) {
    if (NOT_IN_STREET.has(words[i]!)) return false;
  }
  return scored(0.45, m);
}

function validateFr(m: RuleMatch): Accepted | false {
  if (!standsAlone(m) || NOT_BEFORE_NUMBER.has(wordBefore(m.text, m.start))) return false;
  const words = streetWords(m.value);
  let i = 1;
  // `5 bis`, `12ter`: only French numbers read like that.
  const repeat = words[i] === 'bis' || words[i] === 'ter' || words[0]!.endsWith('bis') || words[0]!.endsWith('ter');
  if (words[i] === 'bis' || words[i] === 'ter') i++;
  const type = (words[i] ?? '').toLowerCase();
  const next = words[i + 1] ?? '';
  const article = next !== '' && next[0] === next[0]!.toLowerCase();
  const french = repeat || article || hasLocality(m.value) || hasKeyword(m);
  if (FR_TYPE_ENGLISH.has(type) && !french) return false;
  return scored(0.55, m);
}

function validateRomance(m: RuleMatch): Accepted | false {
  if (!standsAlone(m)) return false;
  const type = streetWords(m.value)[0]!.toLowerCase();
  if (ROMANCE_TYPE_ENGLISH.has(type) && !hasLocality(m.value) && !hasKeyword(m)) return false;
  return scored(0.55, m);
}

function validatePoBox(m: RuleMatch): Accepted | false {
  return standsAlone(m) ? scored(0.6, m) : false;
}

const rule = {
  id: 'pii.postal_address',
  version: VERSION,
  type: 'pii.postal_address',
  severity: 'medium' as Severity,
  mask: maskAddress,
};

export const postalAddressRules: readonly PatternRule[] = [
  {
    // 1600 Amphitheatre Parkway; 221B Baker Street, London NW1 6XE; 742 Evergreen Terrace, Springfield, IL 62704.
    ...rule,
    score: 0.6,
    pattern: `(?P<v>[1-9][0-9]{0,5}[A-Z]?(?:-[1-9][0-9]{0,4})? (?:${US_WORD} ){1,4}${US_SUFFIX}${UNIT}?(?:${US_UK_LOCALITY})?)`,
    validate: validateUs,
  },
  {
    // Hauptstraße 12, 10115 Berlin; Bahnhofstr. 5a; Karl-Marx-Allee 33; Berliner Straße 7.
    ...rule,
    score: 0.7,
    pattern: `(?P<v>${DE_STREET} ${DE_NUMBER}(?:${DE_LOCALITY})?)`,
    validate: validateDe,
  },
  {
    // Am Markt 3; An der Alster 12, 20099 Hamburg.
    ...rule,
    score: 0.55,
    pattern: `(?P<v>${DE_PREP_STREET} [1-9][0-9]{0,2}[a-z]?(?:${DE_LOCALITY})?)`,
    validate: validateDePrep,
  },
  {
    // Straße des 17. Juni 106; Platz der Republik 1, 11011 Berlin.
    ...rule,
    score: 0.6,
    pattern: `(?P<v>${DE_GENITIVE_STREET} [1-9][0-9]{0,2}[a-zA-Z]?(?:${DE_LOCALITY})?)`,
    validate: (m) => (standsAlone(m) ? scored(0.6, m) : false),
  },
  {
    // 13 rue de Rivoli, 75001 Paris; 5 bis avenue Foch; 2 place de l'Étoile.
    ...rule,
    score: 0.55,
    pattern: `(?P<v>[1-9][0-9]{0,3}(?: ?(?:bis|ter))?,? (?:${FR_TYPE}|${FR_TYPE_UPPER}) ${FR_STREET}(?:${EU_LOCALITY})?)`,
    validate: validateFr,
  },
  {
    // Calle Mayor 10, 28013 Madrid; Via Roma 5, 00184 Roma; Rua Augusta 27.
    ...rule,
    score: 0.55,
    pattern: `(?P<v>${ROMANCE_STREET},? (?:nº ?|n\\. ?)?[1-9][0-9]{0,3}[A-Za-z]?(?:${EU_LOCALITY})?)`,
    validate: validateRomance,
  },
  {
    // PO Box 1234, Austin, TX 78701; Postfach 10 02 30, 10115 Berlin.
    ...rule,
    score: 0.6,
    pattern: `(?P<v>${PO_BOX}(?:${US_UK_LOCALITY}|${DE_LOCALITY})?)`,
    validate: validatePoBox,
  },
  {
    // ship it to 12 main st; address: 350 fifth avenue.
    ...rule,
    score: 0.45,
    pattern: `(?P<v>[1-9][0-9]{0,5} (?:[a-z][a-z'’-]* ){1,3}(?:${US_SUFFIXES_LOWER.join('|')})\\b\\.?)`,
    validate: validateUsLower,
  },
];

export const createPostalAddressDetector: DetectorFactory = (cfg) =>
  createPatternDetector('pii.postal_address', VERSION, postalAddressRules, cfg);
