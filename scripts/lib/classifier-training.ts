/** Pieces shared by the scripts that train warden's logistic-regression classifiers. */

export function sigmoid(z: number): number {
  return 1 / (1 + Math.exp(-z));
}

/** int16 weights and their scale, exactly as the model files store them (weight = q * scale). */
export function quantise(w: Float64Array): { q: Int16Array; scale: number } {
  let maxAbs = 0;
  for (const v of w) maxAbs = Math.max(maxAbs, Math.abs(v));
  const scale = maxAbs > 0 ? maxAbs / 32767 : 1;
  const q = new Int16Array(w.length);
  for (let i = 0; i < w.length; i++) q[i] = Math.round(w[i]! / scale);
  return { q, scale };
}

export interface ThresholdChoice {
  threshold: number;
  f1: number;
  fpr: number;
  precision: number;
  recall: number;
  n: number;
}

/**
 * Max F1 with FPR <= maxFpr on a 0.01 grid. When several thresholds tie (separable training folds),
 * the middle of the tied range is taken rather than its lowest end, for margin on both sides.
 */
export function chooseThreshold(scores: readonly { p: number; y: number }[], maxFpr: number): ThresholdChoice {
  const negatives = scores.filter((s) => s.y === 0).length;
  const grid: ThresholdChoice[] = [];
  for (let k = 5; k <= 99; k++) {
    const th = k / 100;
    let tp = 0;
    let fp = 0;
    let fn = 0;
    for (const s of scores) {
      if (s.p >= th) {
        if (s.y === 1) tp++;
        else fp++;
      } else if (s.y === 1) fn++;
    }
    const fpr = fp / Math.max(1, negatives);
    const f1 = (2 * tp) / Math.max(1, 2 * tp + fp + fn);
    const precision = tp + fp === 0 ? 1 : tp / (tp + fp);
    if (fpr <= maxFpr)
      grid.push({ threshold: th, f1, fpr, precision, recall: tp / Math.max(1, tp + fn), n: scores.length });
  }
  if (grid.length === 0) return { threshold: 0.99, f1: 0, fpr: 1, precision: 0, recall: 0, n: scores.length };
  const bestF1 = Math.max(...grid.map((g) => g.f1));
  const tied = grid.filter((g) => g.f1 >= bestF1 - 1e-9);
  return tied[Math.floor(tied.length / 2)]!;
}
