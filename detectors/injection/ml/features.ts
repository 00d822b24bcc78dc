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
 * A window is represented by the SET of features it contains (binary, x = 1 / sqrt(distinct
 * features)), so a paragraph, JSON record or mail footer repeated many times weighs no more than
 * once. (Counts / sqrt(total), the v2 representation, grew by sqrt(k) with k repetitions, which
 * made long repetitive benign tool results look like injections.)
 */

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
 * non-decreasing position order. Training uses this; model.ts inlines the identical loop.
 */
export function forEachFeature(norm: Uint16Array, n: number, emit: (pos: number, index: number) => void): void {
  let prevHash = 0;
  let hasPrev = false;
  let inWord = false;
  let wh = 0;
  let wlen = 0;
  let stemHash = 0;
  let wordStart = 0;
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
      for (let k = wordStart + 1; k < i; k++) {
        if (isCjk(norm[k - 1]!) && isCjk(norm[k]!)) emit(i, cjkPair(norm[k - 1]!, norm[k]!));
      }
      prevHash = wh;
      hasPrev = true;
      inWord = false;
    }
  }
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
