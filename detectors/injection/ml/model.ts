import {
  BIGRAM_SALT,
  CHAR_MAX,
  CHAR_MIN,
  FEATURE_DIM,
  FEATURE_MASK,
  FNV_OFFSET,
  FNV_PRIME,
  normaliseInto,
  WORD_SEED,
} from './features.ts';

/** The JSON written by scripts/train-injection-model.ts. */
export interface InjectionModelFile {
  readonly format: 'warden.injection-lr.v2';
  readonly version: string;
  readonly featureBits: number;
  readonly bias: number;
  /** Texts up to this many normalised chars are one window; longer ones are scored window by window. */
  readonly windowChars: number;
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

function sigmoid(z: number): number {
  return 1 / (1 + Math.exp(-z));
}

/** Decodes the quantised weights into a dense Float32Array. */
export function decodeWeights(file: InjectionModelFile): Float32Array {
  const raw = Buffer.from(file.weightsInt16, 'base64');
  if (raw.length !== FEATURE_DIM * 2) throw new Error('injection model weights have the wrong size');
  const w = new Float32Array(FEATURE_DIM);
  for (let i = 0; i < FEATURE_DIM; i++) w[i] = raw.readInt16LE(i * 2) * file.weightScale;
  return w;
}

/**
 * Logistic regression over hashed features, x = counts / sqrt(total occurrences in the window).
 * Weights load into a dense Float32Array once; scoring is one pass over the text with the feature
 * loop inlined (no per-feature callback), then O(1) per window from prefix sums. Scratch arrays
 * belong to this model instance and grow to the largest text seen.
 *
 * (Binary, de-duplicated features were tried: they did worse in training cross-validation.)
 */
export function loadInjectionModel(file: InjectionModelFile): InjectionModel {
  if (file.format !== 'warden.injection-lr.v2') throw new Error(`unknown injection model format ${file.format}`);
  if (1 << file.featureBits !== FEATURE_DIM) throw new Error('injection model feature size does not match features.ts');
  return createInjectionModel(decodeWeights(file), file);
}

export function createInjectionModel(
  w: Float32Array,
  params: Pick<
    InjectionModelFile,
    'bias' | 'windowChars' | 'strideChars' | 'thresholdDirect' | 'thresholdIndirect' | 'version'
  >,
): InjectionModel {
  const { bias, windowChars, strideChars } = params;
  let norm = new Uint16Array(4096);
  let sums = new Float64Array(4097);
  let counts = new Int32Array(4097);

  function score(text: string, maxChars: number): InjectionScore {
    const cap = Math.min(text.length, maxChars) + 2;
    if (norm.length < cap) {
      norm = new Uint16Array(cap);
      sums = new Float64Array(cap + 1);
      counts = new Int32Array(cap + 1);
    }
    const n = normaliseInto(text, maxChars, norm);
    // sums[p + 1] / counts[p + 1]: weight and occurrences of features attributed to position p.
    sums.fill(0, 0, n + 1);
    counts.fill(0, 0, n + 1);
    for (let i = 0; i + CHAR_MIN <= n; i++) {
      let h = FNV_OFFSET;
      const lim = Math.min(CHAR_MAX, n - i);
      let s = 0;
      let c = 0;
      for (let k = 0; k < lim; k++) {
        h = Math.imul(h ^ norm[i + k]!, FNV_PRIME);
        if (k + 1 >= CHAR_MIN) {
          s += w[(h ^ (k + 1)) & FEATURE_MASK]!;
          c++;
        }
      }
      sums[i + 1] = s;
      counts[i + 1] = c;
    }
    let prevHash = 0;
    let prevStart = -1;
    let start = -1;
    let h = 0;
    for (let i = 0; i < n; i++) {
      const ch = norm[i]!;
      if (ch !== 32) {
        if (start === -1) {
          start = i;
          h = WORD_SEED;
        }
        h = Math.imul(h ^ ch, FNV_PRIME);
        continue;
      }
      if (start !== -1) {
        sums[start + 1]! += w[h & FEATURE_MASK]!;
        counts[start + 1]! += 1;
        if (prevStart !== -1) {
          sums[prevStart + 1]! += w[(Math.imul(prevHash ^ BIGRAM_SALT, FNV_PRIME) ^ h) & FEATURE_MASK]!;
          counts[prevStart + 1]! += 1;
        }
        prevHash = h;
        prevStart = start;
        start = -1;
      }
    }
    for (let i = 1; i <= n; i++) {
      sums[i]! += sums[i - 1]!;
      counts[i]! += counts[i - 1]!;
    }
    if (n <= windowChars) {
      const c = counts[n]!;
      const z = c > 0 ? bias + sums[n]! / Math.sqrt(c) : bias;
      return { probability: sigmoid(z), windowStart: 0, windowEnd: n, windows: 1 };
    }
    let best = Number.NEGATIVE_INFINITY;
    let bestStart = 0;
    let windows = 0;
    for (let a = 0; a < n; a += strideChars) {
      const b = Math.min(n, a + windowChars);
      const c = counts[b]! - counts[a]!;
      const z = c > 0 ? bias + (sums[b]! - sums[a]!) / Math.sqrt(c) : bias;
      windows++;
      if (z > best) {
        best = z;
        bestStart = a;
      }
      if (b === n) break;
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
