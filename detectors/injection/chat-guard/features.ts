/**
 * Features of the chat-guard classifier: the SET of hashed character 1–4-grams of each word padded
 * with one space on both sides (" vergiss " -> " v", "ve", … "ss "), over the same normalised text
 * as the injection classifier (lower case, accents folded, every run of non-alphanumerics one
 * space; ml/features.ts). Plain character loops, no RegExp on untrusted text.
 *
 * Why character n-grams here and word features in injection.ml: the chat guard judges short,
 * typed user messages in English, German and other languages, where inflections ("vergiss",
 * "vergessen"), typos and run-together words carry the signal and a handful of words is all there
 * is. In training cross-validation on deepset-train, 1–4-grams scored best among 1–4, 2–5 and 3–5.
 * They are too generic for long fetched content, which is why this model never sees tool results.
 * Also compared by the same cross-validation, no better (out-of-fold F1 0.917–0.920 against 0.920):
 * 2^18 buckets, 1–5-grams, and keeping punctuation inside words ("stop:").
 */

import { FNV_PRIME } from '../ml/features.ts';

export const CHAT_FEATURE_BITS = 17;
export const CHAT_FEATURE_DIM = 1 << CHAT_FEATURE_BITS;
export const CHAT_FEATURE_MASK = CHAT_FEATURE_DIM - 1;
export const CHAT_NGRAM_MAX = 4;
export const CHAT_SEED = 0x3c6ef372;
const SPACE = 32;

/**
 * Calls `emit(index)` for every character 1..CHAT_NGRAM_MAX-gram of every space-padded word of the
 * normalised text `norm[0, n)` (which starts and ends with a space and has one space between
 * words). Repeats are emitted; the caller keeps the set. Training and scoring both use this loop.
 */
export function forEachChatFeature(norm: Uint16Array, n: number, emit: (index: number) => void): void {
  let wordStart = 0;
  for (let i = 1; i < n; i++) {
    if (norm[i] !== SPACE) continue;
    // norm[wordStart] and norm[i] are the spaces around one word: n-grams of norm[wordStart..i].
    for (let a = wordStart; a < i; a++) {
      let h = CHAT_SEED;
      const last = Math.min(i, a + CHAT_NGRAM_MAX - 1);
      for (let b = a; b <= last; b++) {
        h = Math.imul(h ^ norm[b]!, FNV_PRIME);
        // The opening space alone is the same feature for every word: skip it.
        if (b === a && norm[a] === SPACE) continue;
        emit(h & CHAT_FEATURE_MASK);
      }
    }
    wordStart = i;
  }
}
