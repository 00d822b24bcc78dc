/**
 * Hashed text features for the injection classifier, computed with plain character loops (no
 * RegExp on untrusted text) over a normalised form of the text: lower-cased, accents stripped
 * (ä -> a, é -> e, so "Anweisungen" and "Anweisüngen" match), every run of non-alphanumerics
 * collapsed to one space, padded with spaces. Features: word unigrams, word bigrams, and the first
 * STEM_CHARS characters of longer words (a crude stem: "ignoriere"/"ignorieren", "instruction(s)",
 * "vorherigen"/"vorherige" share it).
 *
 * Character 3–5-grams were dropped in model v3: in training cross-validation words + stems scored
 * as well on all data and about as well on deepset-train, with 4x fewer lookups per text and far
 * fewer generic features (a long benign window's many generic n-grams with small positive weights
 * summed to false positives, German prose above all). The price: scripts without spaces between
 * words (Chinese, Japanese) get one feature per run of characters.
 *
 * Every feature occurrence is attributed to the position in the normalised text of the separator
 * that ends its (last) word, so features come in non-decreasing position order and the scorer can
 * de-duplicate them block by block as it goes. The scorer in model.ts inlines this loop, fused with
 * normalisation; a unit test keeps the two in step.
 *
 * Model format v5 adds concept features (concept-lexicon.ts; `concepts` below, off for v4 files): a
 * word (or, inside a run of kana and ideographs, a character pair) listed in the lexicon emits its
 * concept, and one feature for each other concept met within the previous CONCEPT_WINDOW_WORDS
 * words (unordered pair), so "skip whatever guidance came earlier" and "ignore all previous
 * instructions" share DISCARD, RULES, PRIOR and their pairs. Lookups are open-addressing tables
 * keyed by the word hash the loop computes anyway: one probe per word, no string is built.
 *
 * A window is represented by the SET of features it contains (binary, x = 1 / sqrt(distinct
 * features)), so a paragraph, JSON record or mail footer repeated many times weighs no more than
 * once. (Counts / sqrt(total), the v2 representation, grew by sqrt(k) with k repetitions, which
 * made long repetitive benign tool results look like injections.)
 */

import { CONCEPT_LEXICON, CONCEPT_NAMES } from './concept-lexicon.ts';

export const FEATURE_BITS = 17;
export const FEATURE_DIM = 1 << FEATURE_BITS;
export const FEATURE_MASK = FEATURE_DIM - 1;
export const FNV_PRIME = 0x01000193;
export const WORD_SEED = 0x9747b28c;
export const BIGRAM_SALT = 0x5bd1e995;
/** Words longer than this also emit their first STEM_CHARS characters as a feature. */
export const STEM_CHARS = 5;
export const STEM_SALT = 0x27d4eb2f;
export const CJK_SEED = 0x165667b1;

/**
 * Kana and CJK ideographs (U+3040–U+9FFF): scripts written without spaces, where a "word" is a
 * whole clause. Such runs also emit every pair of adjacent characters (model v4), so 忽略 / 指令 /
 * 系统提示 count wherever they stand in the run.
 */
export function isCjk(c: number): boolean {
  return c >= 0x3040 && c <= 0x9fff;
}

/** Feature index of the CJK character pair (a, b). */
export function cjkPair(a: number, b: number): number {
  return Math.imul(Math.imul(CJK_SEED ^ a, FNV_PRIME) ^ b, FNV_PRIME) & FEATURE_MASK;
}
const SPACE = 32;

/**
 * Code unit -> folded code unit for U+0000–U+024F (Latin): lower case without diacritics, or 0 for
 * a separator. Built once at module load from String.prototype.normalize; read-only afterwards.
 */
export const LATIN_FOLD: Uint16Array = (() => {
  const t = new Uint16Array(0x250);
  for (let c = 0; c < t.length; c++) {
    const lower = String.fromCharCode(c).toLowerCase();
    const base = lower.normalize('NFD').charCodeAt(0);
    if ((base >= 48 && base <= 57) || (base >= 97 && base <= 122)) t[c] = base;
    else if (c >= 0xc0 && lower !== String.fromCharCode(c).toUpperCase()) t[c] = lower.charCodeAt(0);
    else if (c === 0xdf) t[c] = 0xdf; // ß has no upper-case single code unit but is a letter
  }
  return t;
})();

/** Folded code unit for `c`, or 0 when `c` separates words. */
export function foldChar(c: number): number {
  if (c < 0x250) return LATIN_FOLD[c]!;
  // Greek, Cyrillic, CJK and other scripts: letters stay (lower-cased), symbols separate.
  if ((c >= 0x3040 && c <= 0x9fff) || (c >= 0xac00 && c <= 0xd7af)) return c;
  if (c >= 0xd800 && c <= 0xdfff) return 0; // astral (emoji etc.): separators here
  const s = String.fromCharCode(c);
  const lower = s.toLowerCase();
  return lower !== s.toUpperCase() ? lower.charCodeAt(0) : 0;
}

/**
 * Normalises the first `maxChars` code units of `text` into `out` (which must hold at least
 * min(text.length, maxChars) + 2 entries) and returns the normalised length.
 */
export function normaliseInto(text: string, maxChars: number, out: Uint16Array): number {
  const end = Math.min(text.length, maxChars);
  let n = 0;
  out[n++] = SPACE;
  let space = true;
  for (let i = 0; i < end; i++) {
    const f = foldChar(text.charCodeAt(i));
    if (f !== 0) {
      out[n++] = f;
      space = false;
    } else if (!space) {
      out[n++] = SPACE;
      space = true;
    }
  }
  if (!space) out[n++] = SPACE;
  return n;
}

/** Normalised text as a string (tests, debugging). */
export function normalise(text: string, maxChars: number): string {
  const buf = new Uint16Array(Math.min(text.length, maxChars) + 2);
  const n = normaliseInto(text, maxChars, buf);
  return String.fromCharCode(...buf.subarray(0, n));
}

/**
 * Calls `emit(position, featureIndex)` for every feature occurrence in `norm[0, n)`, in
 * non-decreasing position order, with concept features when `concepts` (model format v5).
 * Training uses this; model.ts inlines the identical loop.
 */
export function forEachFeature(
  norm: Uint16Array,
  n: number,
  emit: (pos: number, index: number) => void,
  concepts = false,
): void {
  let prevHash = 0;
  let hasPrev = false;
  let inWord = false;
  let wh = 0;
  let wlen = 0;
  let stemHash = 0;
  let wordStart = 0;
  let words = 0;
  const ring = new Int32Array(2 * CONCEPT_RING);
  const tmp = new Int32Array(1 + CONCEPT_RING);
  const concept = (pos: number, c: number, word: number) => {
    const k = emitConcept(ring, c, word, tmp, 0);
    for (let q = 0; q < k; q++) emit(pos, tmp[q]!);
  };
  for (let i = 0; i < n; i++) {
    const c = norm[i]!;
    if (c !== SPACE) {
      if (!inWord) {
        inWord = true;
        wh = WORD_SEED;
        wlen = 0;
        wordStart = i;
      }
      wh = Math.imul(wh ^ c, FNV_PRIME);
      if (++wlen === STEM_CHARS) stemHash = wh;
    } else if (inWord) {
      emit(i, wh & FEATURE_MASK);
      if (wlen > STEM_CHARS) emit(i, (stemHash ^ STEM_SALT) & FEATURE_MASK);
      if (hasPrev) emit(i, (Math.imul(prevHash ^ BIGRAM_SALT, FNV_PRIME) ^ wh) & FEATURE_MASK);
      const wc = concepts ? wordConcept(wh, wlen, stemHash) : 0;
      if (wc !== 0) concept(i, wc, words);
      let hits = 0;
      for (let k = wordStart + 1; k < i; k++) {
        if (!isCjk(norm[k - 1]!) || !isCjk(norm[k]!)) continue;
        emit(i, cjkPair(norm[k - 1]!, norm[k]!));
        if (concepts && hits < CJK_CONCEPTS_PER_RUN) {
          const cc = cjkConcept(norm[k - 1]!, norm[k]!);
          if (cc !== 0) {
            hits++;
            concept(i, cc, words);
          }
        }
      }
      prevHash = wh;
      hasPrev = true;
      inWord = false;
      words++;
    }
  }
}

// ---- Concepts (model v5) -------------------------------------------------------------------------

export const CONCEPT_SEED = 0x3c6ef372;
export const CONCEPT_PAIR_SALT = 0x1b873593;
/** A concept pairs with the other concepts seen in this many previous words (and its own word). */
export const CONCEPT_WINDOW_WORDS = 5;
/** Distinct recent concepts remembered for pairing (so at most 1 + CONCEPT_RING features per hit). */
export const CONCEPT_RING = 4;
/** Concept hits per run of CJK text, at most: bounds the features per character (model.ts sizes by it). */
export const CJK_CONCEPTS_PER_RUN = 4;
const CONCEPT_COUNT = CONCEPT_NAMES.length;
const LEET_ALL: Readonly<Record<string, string>> = { a: '4', e: '3', i: '1', o: '0', s: '5', t: '7' };
const LEET_VOWELS: Readonly<Record<string, string>> = { a: '4', e: '3', i: '1', o: '0' };

/** Feature index of concept id `c` (1-based). */
const CONCEPT_FEATURE: Int32Array = (() => {
  const t = new Int32Array(CONCEPT_COUNT + 1);
  for (let c = 1; c <= CONCEPT_COUNT; c++) t[c] = Math.imul(CONCEPT_SEED ^ c, FNV_PRIME) & FEATURE_MASK;
  return t;
})();
/** Feature index of the unordered concept pair {a, b}, at a * (CONCEPT_COUNT + 1) + b. */
const PAIR_FEATURE: Int32Array = (() => {
  const w = CONCEPT_COUNT + 1;
  const t = new Int32Array(w * w);
  for (let a = 1; a <= CONCEPT_COUNT; a++) {
    for (let b = 1; b <= CONCEPT_COUNT; b++) {
      const lo = Math.min(a, b);
      const hi = Math.max(a, b);
      t[a * w + b] = Math.imul(Math.imul(CONCEPT_PAIR_SALT ^ lo, FNV_PRIME) ^ hi, FNV_PRIME) & FEATURE_MASK;
    }
  }
  return t;
})();

/** Open-addressing table from a 32-bit key to a concept id; `ids[slot] === 0` marks an empty slot. */
interface ConceptTable {
  readonly keys: Int32Array;
  readonly ids: Uint8Array;
  readonly mask: number;
}

function buildTable(entries: readonly (readonly [number, number])[]): ConceptTable {
  let size = 64;
  while (size < entries.length * 4) size <<= 1;
  const keys = new Int32Array(size);
  const ids = new Uint8Array(size);
  const mask = size - 1;
  for (const [key, id] of entries) {
    let s = (key ^ (key >>> 13)) & mask;
    while (ids[s] !== 0 && keys[s] !== key) s = (s + 1) & mask;
    if (ids[s] !== 0) continue; // the first listing of a key wins (originals before variants)
    keys[s] = key;
    ids[s] = id;
  }
  return { keys, ids, mask };
}

function lookup(t: ConceptTable, key: number): number {
  let s = (key ^ (key >>> 13)) & t.mask;
  for (;;) {
    const id = t.ids[s]!;
    if (id === 0 || t.keys[s] === key) return id;
    s = (s + 1) & t.mask;
  }
}

/** The hash forEachFeature gives a normalised word. */
function hashWord(w: string): number {
  let h = WORD_SEED;
  for (let i = 0; i < w.length; i++) h = Math.imul(h ^ w.charCodeAt(i), FNV_PRIME);
  return h;
}

/** Normalised form of a lexicon entry; throws unless it is one word (a lexicon bug, found at load). */
export function normaliseEntry(entry: string): string {
  const w = normalise(entry, entry.length).trim();
  if (w === '' || w.includes(' ')) throw new Error(`concept lexicon entry "${entry}" is not one word`);
  return w;
}

function spell(w: string, table: Readonly<Record<string, string>>): string {
  let out = '';
  for (const ch of w) out += table[ch] ?? ch;
  return out;
}

/** [normalised entry, concept id, kind] of every lexicon entry, variants after all originals. */
export function conceptEntries(): { word: string; id: number; kind: 'word' | 'stem' | 'cjk' | 'variant' }[] {
  const out: { word: string; id: number; kind: 'word' | 'stem' | 'cjk' | 'variant' }[] = [];
  const variants: { word: string; id: number; kind: 'variant' }[] = [];
  CONCEPT_NAMES.forEach((name, i) => {
    const e = CONCEPT_LEXICON[name];
    for (const raw of e.words) {
      const w = normaliseEntry(raw);
      out.push({ word: w, id: i + 1, kind: 'word' });
      if (w.length >= 5) variants.push({ word: [...w].reverse().join(''), id: i + 1, kind: 'variant' });
      for (const leet of [spell(w, LEET_ALL), spell(w, LEET_VOWELS)]) {
        if (leet !== w) variants.push({ word: leet, id: i + 1, kind: 'variant' });
      }
    }
    for (const raw of e.stems ?? []) out.push({ word: normaliseEntry(raw), id: i + 1, kind: 'stem' });
    for (const raw of e.cjk ?? []) out.push({ word: raw, id: i + 1, kind: 'cjk' });
  });
  return [...out, ...variants];
}

const ENTRIES = conceptEntries();
const WORD_TABLE = buildTable(
  ENTRIES.filter((e) => e.kind === 'word' || e.kind === 'variant').map((e) => [hashWord(e.word), e.id] as const),
);
const STEM_TABLE = buildTable(
  ENTRIES.filter((e) => e.kind === 'stem').map((e) => {
    if (e.word.length !== STEM_CHARS) throw new Error(`concept stem "${e.word}" must have ${STEM_CHARS} characters`);
    return [hashWord(e.word), e.id] as const;
  }),
);
const CJK_TABLE = buildTable(
  ENTRIES.filter((e) => e.kind === 'cjk').map((e) => {
    if (e.word.length !== 2 || !isCjk(e.word.charCodeAt(0)) || !isCjk(e.word.charCodeAt(1)))
      throw new Error(`concept entry "${e.word}" must be two kana or ideographs`);
    return [(e.word.charCodeAt(0) << 16) | e.word.charCodeAt(1), e.id] as const;
  }),
);

/**
 * Fingerprint of the lexicon as the tables see it (FNV over every entry): the model file records
 * the one it was trained with, and loading refuses a model trained with another lexicon.
 */
export const CONCEPT_LEXICON_FINGERPRINT: string = (() => {
  let h = 0x811c9dc5;
  for (const e of ENTRIES) {
    for (const ch of `${e.kind}:${e.id}:${e.word}\n`) h = Math.imul(h ^ ch.charCodeAt(0), FNV_PRIME);
  }
  h = Math.imul(h ^ CONCEPT_WINDOW_WORDS, FNV_PRIME);
  h = Math.imul(h ^ CONCEPT_RING, FNV_PRIME);
  h = Math.imul(h ^ CJK_CONCEPTS_PER_RUN, FNV_PRIME);
  for (const ch of 'concept+pairs') h = Math.imul(h ^ ch.charCodeAt(0), FNV_PRIME); // feature layout
  return `${CONCEPT_COUNT}-${(h >>> 0).toString(16).padStart(8, '0')}`;
})();

/**
 * Concept id (0: none) of a word with hash `wh` and `wlen` characters whose first STEM_CHARS
 * characters hash to `stemHash` (valid when wlen > STEM_CHARS): the word itself, else its stem.
 */
export function wordConcept(wh: number, wlen: number, stemHash: number): number {
  const c = lookup(WORD_TABLE, wh);
  if (c !== 0 || wlen < STEM_CHARS) return c;
  return lookup(STEM_TABLE, wlen === STEM_CHARS ? wh : stemHash);
}

/** Concept id (0: none) of the adjacent CJK characters a, b. */
export function cjkConcept(a: number, b: number): number {
  return lookup(CJK_TABLE, (a << 16) | b);
}

/**
 * Writes the features of concept `c` met at word index `word` to `fs` from `m` and returns the new
 * end: the concept, and the pair {c, d} for every other concept d in `ring` last seen at most
 * CONCEPT_WINDOW_WORDS words earlier; then records c in `ring` (ids in [0, R), word indices in
 * [R, 2R); c's own slot, else an empty one, else the one seen longest ago). Shared by
 * forEachFeature and the scorer, so both emit the same features.
 */
export function emitConcept(ring: Int32Array, c: number, word: number, fs: Int32Array, m: number): number {
  const w = CONCEPT_COUNT + 1;
  fs[m++] = CONCEPT_FEATURE[c]!;
  let own = -1;
  let free = -1;
  let oldest = 0;
  let oldestWord = 0x7fffffff;
  for (let s = 0; s < CONCEPT_RING; s++) {
    const d = ring[s]!;
    if (d === 0) {
      if (free < 0) free = s;
      continue;
    }
    const at = ring[CONCEPT_RING + s]!;
    if (d === c) {
      own = s;
      continue;
    }
    if (word - at <= CONCEPT_WINDOW_WORDS) fs[m++] = PAIR_FEATURE[d * w + c]!;
    if (at < oldestWord) {
      oldest = s;
      oldestWord = at;
    }
  }
  const slot = own >= 0 ? own : free >= 0 ? free : oldest;
  ring[slot] = c;
  ring[CONCEPT_RING + slot] = word;
  return m;
}

/**
 * Window layout over a normalised text of length `n`: [start, end) pairs, shared by training and
 * scoring. Windows are two strides long (`windowChars` = 2 * `strideChars`), so every window is the
 * union of two consecutive blocks of `strideChars` characters.
 */
export function windowRanges(n: number, windowChars: number, strideChars: number): [number, number][] {
  if (n <= windowChars) return [[0, n]];
  const out: [number, number][] = [];
  for (let a = 0; a < n; a += strideChars) {
    const b = Math.min(n, a + windowChars);
    out.push([a, b]);
    if (b === n) break;
  }
  return out;
}
