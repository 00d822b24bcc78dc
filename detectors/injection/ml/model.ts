import {
  BIGRAM_SALT,
  CJK_CONCEPTS_PER_RUN,
  CONCEPT_LEXICON_FINGERPRINT,
  CONCEPT_RING,
  cjkConcept,
  cjkPair,
  emitConcept,
  FEATURE_DIM,
  FEATURE_MASK,
  FNV_PRIME,
  foldChar,
  isCjk,
  LATIN_FOLD,
  STEM_CHARS,
  STEM_SALT,
  WORD_SEED,
  wordConcept,
} from './features.ts';

/**
 * The JSON written by scripts/train-injection-model.ts. v4: words, stems, bigrams, CJK pairs; v5:
 * also concept features (features.ts), trained with the lexicon named by `conceptLexicon`.
 */
export interface InjectionModelFile {
  readonly format: 'warden.injection-lr.v4' | 'warden.injection-lr.v5';
  readonly version: string;
  readonly featureBits: number;
  /** v5: CONCEPT_LEXICON_FINGERPRINT of the lexicon the weights were trained with. */
  readonly conceptLexicon?: string;
  readonly bias: number;
  /** Texts up to this many normalised chars are one window; longer ones are scored window by window. */
  readonly windowChars: number;
  /** Must be windowChars / 2: each window is the union of two consecutive blocks of this size. */
  readonly strideChars: number;
  /** Decision thresholds chosen by cross-validation on training data, per channel. */
  readonly thresholdDirect: number;
  /** For fetched content (tool results, data access). */
  readonly thresholdIndirect: number;
  /** Dense weights quantised to int16 (little-endian), base64; weight = value * weightScale. */
  readonly weightScale: number;
  readonly weightsInt16: string;
  readonly training: Readonly<Record<string, unknown>>;
}

export interface InjectionScore {
  /** Probability of injection for the most suspicious window. */
  readonly probability: number;
  /** Window in the normalised text that scored highest (start/end in normalised characters). */
  readonly windowStart: number;
  readonly windowEnd: number;
  readonly windows: number;
}

export interface InjectionModel {
  readonly version: string;
  readonly thresholdDirect: number;
  readonly thresholdIndirect: number;
  score(text: string, maxChars: number): InjectionScore;
}

export type InjectionModelParams = Pick<
  InjectionModelFile,
  'bias' | 'windowChars' | 'strideChars' | 'thresholdDirect' | 'thresholdIndirect' | 'version' | 'weightScale'
> & {
  /** Concept features (model format v5); off when absent. */
  readonly concepts?: boolean;
};

function sigmoid(z: number): number {
  return 1 / (1 + Math.exp(-z));
}

/** `length` int16 values, little-endian, from base64 (the committed model files' weight format). */
export function decodeInt16(base64: string, length: number, what: string): Int16Array {
  const raw = Buffer.from(base64, 'base64');
  if (raw.length !== length * 2) throw new Error(`${what} weights have the wrong size`);
  const w = new Int16Array(length);
  for (let i = 0; i < length; i++) w[i] = raw.readInt16LE(i * 2);
  return w;
}

/** Decodes the quantised weights. */
export function decodeWeights(file: InjectionModelFile): Int16Array {
  return decodeInt16(file.weightsInt16, FEATURE_DIM, 'injection model');
}

export function loadInjectionModel(file: InjectionModelFile): InjectionModel {
  if (file.format !== 'warden.injection-lr.v4' && file.format !== 'warden.injection-lr.v5')
    throw new Error(`unknown injection model format ${String(file.format)}`);
  if (1 << file.featureBits !== FEATURE_DIM) throw new Error('injection model feature size does not match features.ts');
  const concepts = file.format === 'warden.injection-lr.v5';
  if (concepts && file.conceptLexicon !== CONCEPT_LEXICON_FINGERPRINT)
    throw new Error(
      `injection model was trained with concept lexicon ${file.conceptLexicon}, this build has ${CONCEPT_LEXICON_FINGERPRINT}: retrain (scripts/train-injection-model.ts)`,
    );
  return createInjectionModel(decodeWeights(file), { ...file, concepts });
}

/**
 * Pass 1 of scoring, the inline form of normaliseInto + forEachFeature: walks `cs[0, end)` once,
 * folding characters and hashing words without materialising the normalised text. Writes the
 * feature indices to `fs` and, for every block of `strideChars` normalised characters, where its
 * features start to `offs` (`offs[b]` to `offs[b + 1]`, for each of the ceil(n / strideChars)
 * blocks, at least one). `p` is the position in the normalised text: a leading space, folded
 * letters and digits, one space per run of separators, a trailing space after a last word.
 * Returns the normalised length n. Words are consumed by tight inner loops (separators, the first
 * STEM_CHARS characters, the rest) rather than one loop with a state flag. A function of its own:
 * the full chain measured faster than with this loop inlined in score(). `ring` is the concept
 * state (features.ts emitConcept), cleared here; null for a model without concept features.
 */
function blockFeatures(
  cs: Uint16Array,
  end: number,
  strideChars: number,
  fs: Int32Array,
  offs: Int32Array,
  ring: Int32Array | null,
): number {
  const fold = LATIN_FOLD;
  ring?.fill(0);
  let words = 0;
  let m = 0;
  let j = 0;
  let blockEnd = strideChars;
  let prevHash = 0;
  let hasPrev = false;
  let p = 1;
  offs[0] = 0;
  let i = 0;
  for (;;) {
    // Skip separators; `f` becomes the first folded character of the next word.
    let f = 0;
    while (i < end) {
      const c = cs[i]!;
      f = c < 0x250 ? fold[c]! : foldChar(c);
      if (f !== 0) break;
      i++;
    }
    if (i >= end) break;
    // The word's first STEM_CHARS characters, then the rest: no stem test per character.
    const start = i;
    const stemEnd = Math.min(end, i + STEM_CHARS);
    let wh = Math.imul(WORD_SEED ^ f, FNV_PRIME);
    // OR of the word's folded characters: at least 0x3040 whenever it holds kana or ideographs.
    let any = f;
    i++;
    while (i < stemEnd) {
      const c = cs[i]!;
      f = c < 0x250 ? fold[c]! : foldChar(c);
      if (f === 0) break;
      wh = Math.imul(wh ^ f, FNV_PRIME);
      any |= f;
      i++;
    }
    let stemHash = 0;
    if (f !== 0 && i < end) {
      stemHash = wh;
      while (i < end) {
        const c = cs[i]!;
        f = c < 0x250 ? fold[c]! : foldChar(c);
        if (f === 0) break;
        wh = Math.imul(wh ^ f, FNV_PRIME);
        any |= f;
        i++;
      }
    }
    const wlen = i - start;
    // The separator (or the end of the text) at position p ends the word; its features belong
    // to p's block.
    p += wlen;
    while (p >= blockEnd) {
      offs[++j] = m;
      blockEnd += strideChars;
    }
    fs[m++] = wh & FEATURE_MASK;
    if (wlen > STEM_CHARS) fs[m++] = (stemHash ^ STEM_SALT) & FEATURE_MASK;
    if (hasPrev) fs[m++] = (Math.imul(prevHash ^ BIGRAM_SALT, FNV_PRIME) ^ wh) & FEATURE_MASK;
    if (ring !== null) {
      const wc = wordConcept(wh, wlen, stemHash);
      if (wc !== 0) m = emitConcept(ring, wc, words, fs, m);
    }
    // CJK characters fold to themselves, so the raw code units are the normalised ones.
    if (wlen > 1 && any >= 0x3040) {
      let hits = 0;
      for (let k = start + 1; k < i; k++) {
        const a = cs[k - 1]!;
        const b = cs[k]!;
        if (!isCjk(a) || !isCjk(b)) continue;
        fs[m++] = cjkPair(a, b);
        if (ring !== null && hits < CJK_CONCEPTS_PER_RUN) {
          const cc = cjkConcept(a, b);
          if (cc !== 0) {
            hits++;
            m = emitConcept(ring, cc, words, fs, m);
          }
        }
      }
    }
    words++;
    prevHash = wh;
    hasPrev = true;
    p++;
    i++;
  }
  const blocks = Math.max(1, Math.ceil(p / strideChars));
  while (j < blocks) offs[++j] = m;
  return p;
}

const STAMP_MASK = 0xffff;
const WEIGHT_MASK = -65536; // 0xffff0000 as int32

/**
 * Logistic regression over the set of hashed features in a window, x = 1 / sqrt(distinct features).
 *
 * Speed: the text's first maxChars code units are copied into a Uint16Array with one native call
 * (a charCodeAt per character cost ~2.5 ns on the sliced and concatenated strings the bench uses).
 * Pass 1 (blockFeatures) walks that copy once, folding characters as normaliseInto does and hashing
 * words as forEachFeature does, without materialising the normalised text; it records feature
 * indices and where each block of `strideChars` normalised characters starts. Pass 2 looks the
 * features up in an Int32Array of 2^FEATURE_BITS entries (512 KB, stays in L2) whose high half holds
 * the int16 weight and whose low half is a per-call "last seen in block" stamp, so de-duplication
 * costs no extra cache line; per block it sums the weights of its distinct features and of those it shares
 * with the previous block, and a window (two consecutive blocks) is then O(1). The stamps and the
 * scratch arrays belong to this model instance (detect() is synchronous).
 */
export function createInjectionModel(weights: Int16Array, params: InjectionModelParams): InjectionModel {
  const { bias, windowChars, strideChars, weightScale } = params;
  if (weights.length !== FEATURE_DIM) throw new Error('injection model weights have the wrong size');
  if (windowChars !== 2 * strideChars || strideChars < 1)
    throw new Error('injection model windowChars must be twice strideChars');
  const table = new Int32Array(FEATURE_DIM);
  for (let i = 0; i < FEATURE_DIM; i++) table[i] = weights[i]! << 16;
  let stampBase = 1;
  let feats = new Int32Array(4096);
  const conceptRing = params.concepts === true ? new Int32Array(2 * CONCEPT_RING) : null;
  // Viewed as bytes for Buffer#write('utf16le'), which matches Uint16Array only on little-endian hosts.
  if (new Uint8Array(Uint16Array.of(1).buffer)[0] !== 1) throw new Error('injection model needs a little-endian host');
  let chars = new Uint16Array(4096);
  let charBytes = Buffer.from(chars.buffer, chars.byteOffset, chars.byteLength);
  let blockOffset = new Int32Array(66);
  let blockSum = new Int32Array(65);
  let blockCount = new Int32Array(65);
  let sharedSum = new Int32Array(65);
  let sharedCount = new Int32Array(65);

  function score(text: string, maxChars: number): InjectionScore {
    const end = Math.min(text.length, maxChars);
    // Features per word of k characters: at most 3, k - 1 CJK pairs and, with concepts, (1 +
    // CONCEPT_RING) for each of at most 1 + min(CJK_CONCEPTS_PER_RUN, k - 1) concept hits; a word and
    // its separator take k + 1 code units: fewer than 2 features per code unit without concepts,
    // 5.4 with them (k = 5).
    const need = (conceptRing === null ? 2 : 6) * end + 40;
    if (feats.length < need) feats = new Int32Array(need);
    // Normalised length is at most end + 2, so at most this many blocks.
    const maxBlocks = Math.ceil((end + 2) / strideChars) + 1;
    if (blockSum.length < maxBlocks + 1) {
      blockOffset = new Int32Array(maxBlocks + 2);
      blockSum = new Int32Array(maxBlocks + 1);
      blockCount = new Int32Array(maxBlocks + 1);
      sharedSum = new Int32Array(maxBlocks + 1);
      sharedCount = new Int32Array(maxBlocks + 1);
    }

    // Pass 1 on a copy of the text (UTF-16 code units as they are, lone surrogates included).
    if (chars.length < end) {
      chars = new Uint16Array(end + 1024);
      charBytes = Buffer.from(chars.buffer, chars.byteOffset, chars.byteLength);
    }
    charBytes.write(text, 0, end * 2, 'utf16le');
    const n = blockFeatures(chars, end, strideChars, feats, blockOffset, conceptRing);
    const blocks = Math.max(1, Math.ceil(n / strideChars));
    const fs = feats;
    const offs = blockOffset;

    // Pass 2: per block, the weight sum and number of its distinct features, and of those it shares
    // with the previous block. Block j has stamp stampBase + 1 + j; stampBase itself is never used,
    // so "seen in the previous block" cannot match a stamp left by an earlier call.
    if (stampBase + blocks + 2 > STAMP_MASK) {
      for (let i = 0; i < FEATURE_DIM; i++) table[i] = table[i]! & WEIGHT_MASK;
      stampBase = 1;
    }
    const tbl = table;
    const bSum = blockSum;
    const bCount = blockCount;
    const sSum = sharedSum;
    const sCount = sharedCount;
    sSum.fill(0, 0, blocks + 1);
    sCount.fill(0, 0, blocks + 1);
    bSum[blocks] = 0;
    bCount[blocks] = 0;
    for (let b = 0; b < blocks; b++) {
      const stamp = stampBase + 1 + b;
      let sum = 0;
      let count = 0;
      let shared = 0;
      let sharedN = 0;
      for (let q = offs[b]!, end = offs[b + 1]!; q < end; q++) {
        const f = fs[q]!;
        const t = tbl[f]!;
        const old = t & STAMP_MASK;
        if (old === stamp) continue;
        tbl[f] = (t & WEIGHT_MASK) | stamp;
        sum += t >> 16;
        count++;
        if (old === stamp - 1) {
          shared += t >> 16;
          sharedN++;
        }
      }
      bSum[b] = sum;
      bCount[b] = count;
      if (b > 0) {
        sSum[b - 1] = shared;
        sCount[b - 1] = sharedN;
      }
    }
    stampBase += blocks + 2;

    // Window k = blocks k and k + 1, minus the features they share.
    let best = Number.NEGATIVE_INFINITY;
    let bestStart = 0;
    let windows = 0;
    for (let k = 0, a = 0; ; k++, a += strideChars) {
      const b = Math.min(n, a + windowChars);
      const cnt = bCount[k]! + bCount[k + 1]! - sCount[k]!;
      const sum = bSum[k]! + bSum[k + 1]! - sSum[k]!;
      const z = cnt > 0 ? bias + (weightScale * sum) / Math.sqrt(cnt) : bias;
      windows++;
      if (z > best) {
        best = z;
        bestStart = a;
      }
      if (b >= n) break;
    }
    return {
      probability: sigmoid(best),
      windowStart: bestStart,
      windowEnd: Math.min(n, bestStart + windowChars),
      windows,
    };
  }

  return {
    version: params.version,
    thresholdDirect: params.thresholdDirect,
    thresholdIndirect: params.thresholdIndirect,
    score,
  };
}
