/**
 * Median / MAD over a bounded window of recent samples. The window is a plain array of at most
 * `cap` numbers (oldest first), so memory per signal is `cap` numbers and the state stays JSON.
 * A sliding window rather than a reservoir: it needs no random source (decisions stay
 * deterministic across a snapshot/restore) and it follows legitimate drift.
 */

/** Scales the MAD to a standard deviation for normally distributed data. */
export const MAD_TO_SIGMA = 1.4826;

export interface RobustStats {
  /** Samples behind the numbers. */
  readonly n: number;
  readonly median: number;
  /** Median absolute deviation from the median, unscaled. */
  readonly mad: number;
}

export interface BoundParams {
  /** How many scaled MADs above the median the upper bound sits. */
  readonly madK: number;
  /** Smallest spread used, in the signal's unit: keeps a constant baseline (MAD 0) from flagging +1. */
  readonly floor: number;
  /** Smallest spread as a fraction of the median. */
  readonly floorFraction: number;
}

function medianOfSorted(sorted: Float64Array): number {
  const n = sorted.length;
  const mid = n >> 1;
  return n % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Typed-array sorts (numeric, no comparator callback): ~10x faster than Array#sort here. */
export function robustStats(window: readonly number[]): RobustStats | null {
  if (window.length === 0) return null;
  const sorted = Float64Array.from(window).sort();
  const median = medianOfSorted(sorted);
  const deviations = sorted.map((v) => Math.abs(v - median)).sort();
  return { n: window.length, median, mad: medianOfSorted(deviations) };
}

/** median + k × max(1.4826·MAD, floor, floorFraction·median). */
export function upperBound(s: RobustStats, p: BoundParams): number {
  const spread = Math.max(MAD_TO_SIGMA * s.mad, p.floor, p.floorFraction * Math.abs(s.median));
  return s.median + p.madK * spread;
}

/** Appends `v`, dropping the oldest samples beyond `cap`. Returns a new array. */
export function pushBounded(window: readonly number[], v: number, cap: number): number[] {
  const out = [...window, v];
  return out.length > cap ? out.slice(out.length - cap) : out;
}
