/**
 * Hashed text features for the injection classifier, computed with plain character loops (no
 * RegExp on untrusted text): character 3–5-grams and word unigrams and bigrams over a normalised
 * form of the text: lower-cased, accents stripped (ä -> a, é -> e, so "Anweisungen" and
 * "Anweisüngen" share n-grams across spellings and languages), every run of non-alphanumerics
 * collapsed to one space, padded with spaces.
 *
 * Every feature occurrence is attributed to a position in the normalised text, so a caller can sum
 * weights over any window in O(1) after one O(n) pass. The scorer in model.ts inlines the same
 * loop as `forEachFeature` for speed; a unit test keeps the two in step.
 */

export const FEATURE_BITS = 18;
export const FEATURE_DIM = 1 << FEATURE_BITS;
export const FEATURE_MASK = FEATURE_DIM - 1;
export const FNV_OFFSET = 0x811c9dc5;
export const FNV_PRIME = 0x01000193;
export const WORD_SEED = 0x9747b28c;
export const BIGRAM_SALT = 0x5bd1e995;
export const CHAR_MIN = 3;
export const CHAR_MAX = 5;
const SPACE = 32;

/**
 * Code unit -> folded code unit for U+0000–U+024F (Latin): lower case without diacritics, or 0 for
 * a separator. Built once at module load from String.prototype.normalize; read-only afterwards.
 */
const LATIN_FOLD: Uint16Array = (() => {
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
 * Calls `emit(position, featureIndex)` for every feature occurrence in `norm[0, n)`. Word features
 * use a different hash seed from character features so the families do not share buckets by
 * construction. Training uses this; model.ts inlines the identical loop.
 */
export function forEachFeature(norm: Uint16Array, n: number, emit: (pos: number, index: number) => void): void {
  for (let i = 0; i + CHAR_MIN <= n; i++) {
    let h = FNV_OFFSET;
    const lim = Math.min(CHAR_MAX, n - i);
    for (let k = 0; k < lim; k++) {
      h = Math.imul(h ^ norm[i + k]!, FNV_PRIME);
      if (k + 1 >= CHAR_MIN) emit(i, (h ^ (k + 1)) & FEATURE_MASK);
    }
  }
  let prevHash = 0;
  let prevStart = -1;
  let start = -1;
  let h = 0;
  for (let i = 0; i < n; i++) {
    const c = norm[i]!;
    if (c !== SPACE) {
      if (start === -1) {
        start = i;
        h = WORD_SEED;
      }
      h = Math.imul(h ^ c, FNV_PRIME);
      continue;
    }
    if (start !== -1) {
      emit(start, h & FEATURE_MASK);
      if (prevStart !== -1) emit(prevStart, (Math.imul(prevHash ^ BIGRAM_SALT, FNV_PRIME) ^ h) & FEATURE_MASK);
      prevHash = h;
      prevStart = start;
      start = -1;
    }
  }
}

/** Window layout over a normalised text of length `n`: [start, end) pairs, shared by training and scoring. */
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
