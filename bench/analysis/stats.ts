/**
 * Statistics of repeated measurements: robust summaries, a distribution-free confidence interval for
 * the median, a bootstrap interval for a ratio of medians and the Mann-Whitney U test. Built on
 * simple-statistics; only what it lacks is written here.
 */
import {
  cumulativeStdNormalProbability,
  max,
  median,
  medianAbsoluteDeviation,
  min,
  quantileSorted,
  wilcoxonRankSum,
} from 'simple-statistics';

import type { Interval, Summary } from '../model/results.js';

function checkSamples(samples: readonly number[], name: string): void {
  if (samples.length === 0) throw new RangeError(`${name} must hold at least one sample, received none`);
  for (const x of samples) {
    if (typeof x !== 'number' || !Number.isFinite(x))
      throw new TypeError(`${name} must hold finite numbers, received ${String(x)}`);
  }
}

/** P(X <= k) for X ~ Binomial(n, 1/2), computed exactly in log space. */
function binomialHalfCdf(n: number, k: number): number {
  if (k < 0) return 0;
  if (k >= n) return 1;
  let logC = 0; // log C(n, 0)
  let total = 0;
  for (let i = 0; i <= k; i++) {
    if (i > 0) logC += Math.log(n - i + 1) - Math.log(i);
    total += Math.exp(logC - n * Math.LN2);
  }
  return Math.min(1, total);
}

/**
 * Distribution-free confidence interval for the median from order statistics: the widest-needed pair
 * (x(k), x(n+1-k)) whose coverage 1 - 2 P(Bin(n, 1/2) <= k-1) reaches `level`. With too few samples to
 * reach it (fewer than 6 for 95%) the interval is the full range and `level` says what it covers.
 */
export function medianCi(samples: readonly number[], level = 0.95): Interval {
  checkSamples(samples, 'samples');
  const sorted = [...samples].sort((a, b) => a - b);
  const n = sorted.length;
  // Largest k (1-based, k <= n/2) whose interval still covers at least `level`.
  let best = 1;
  for (let k = 1; k <= Math.floor((n + 1) / 2); k++) {
    const coverage = 1 - 2 * binomialHalfCdf(n, k - 1);
    if (coverage >= level) best = k;
    else break;
  }
  const coverage = n === 1 ? 0 : 1 - 2 * binomialHalfCdf(n, best - 1);
  return { lo: sorted[best - 1]!, hi: sorted[n - best]!, level: coverage };
}

/** Median, range, MAD and the median's confidence interval. */
export function summarize(samples: readonly number[]): Summary {
  checkSamples(samples, 'samples');
  const xs = [...samples];
  return {
    n: xs.length,
    median: median(xs),
    min: min(xs),
    max: max(xs),
    mad: medianAbsoluteDeviation(xs),
    ci: medianCi(xs),
  };
}

/**
 * The median of the figures a run gave: null and NaN (a figure a run did not give, such as a
 * run-queue wait where the OS has none) and infinities are dropped first; null when none is left.
 */
export function medianOf(values: readonly (number | null)[]): number | null {
  const xs = values.filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
  return xs.length === 0 ? null : median(xs);
}

/** A small, seeded PRNG (mulberry32) so bootstrap intervals are reproducible. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function resampleMedian(xs: readonly number[], rand: () => number, buf: number[]): number {
  for (let i = 0; i < xs.length; i++) buf[i] = xs[Math.floor(rand() * xs.length)]!;
  return median(buf);
}

/**
 * Percentile-bootstrap confidence interval for median(b) / median(a), resampling each group
 * independently (`rounds` times, seeded: the same inputs give the same interval).
 */
export function ratioOfMediansCi(
  a: readonly number[],
  b: readonly number[],
  { level = 0.95, rounds = 2000, seed = 1 }: { level?: number; rounds?: number; seed?: number } = {},
): { ratio: number; ci: Interval } {
  checkSamples(a, 'a');
  checkSamples(b, 'b');
  const ma = median([...a]);
  const mb = median([...b]);
  const ratio = mb / ma;
  const rand = seededRandom(seed);
  const bufA = new Array<number>(a.length);
  const bufB = new Array<number>(b.length);
  const ratios: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const x = resampleMedian(a, rand, bufA);
    const y = resampleMedian(b, rand, bufB);
    if (x !== 0) ratios.push(y / x);
  }
  if (ratios.length === 0) return { ratio, ci: { lo: ratio, hi: ratio, level: 0 } };
  ratios.sort((p, q) => p - q);
  const tail = (1 - level) / 2;
  return { ratio, ci: { lo: quantileSorted(ratios, tail), hi: quantileSorted(ratios, 1 - tail), level } };
}

export interface MannWhitney {
  /** U of sample a: the number of pairs (x in a, y in b) with x > y, ties counting one half. */
  readonly u: number;
  /** Two-sided p-value: exact when there are no ties and n1 * n2 <= 2500, else the normal approximation. */
  readonly p: number;
  readonly exact: boolean;
}

/** Number of ways to get each U for sizes (m, n), no ties: counts[u] for u in 0..m*n. */
function exactUCounts(m: number, n: number): Float64Array {
  // f(m, n, u) = f(m-1, n, u-n) + f(m, n-1, u): dynamic programming over (i, j).
  let prev: Float64Array[] = [];
  for (let i = 0; i <= m; i++) {
    const row: Float64Array[] = [];
    for (let j = 0; j <= n; j++) {
      const counts = new Float64Array(i * j + 1);
      if (i === 0 || j === 0) counts[0] = 1;
      else {
        const left = prev[j]!; // (i-1, j): adding the largest value to a: +j
        const up = row[j - 1]!; // (i, j-1): adding the largest value to b: +0
        for (let u = 0; u < left.length; u++) counts[u + j]! += left[u]!;
        for (let u = 0; u < up.length; u++) counts[u]! += up[u]!;
      }
      row.push(counts);
    }
    prev = row;
  }
  return prev[n]!;
}

/** Two-sided Mann-Whitney U test of whether a and b come from the same distribution. */
export function mannWhitney(a: readonly number[], b: readonly number[]): MannWhitney {
  checkSamples(a, 'a');
  checkSamples(b, 'b');
  const n1 = a.length;
  const n2 = b.length;
  const u = wilcoxonRankSum([...a], [...b]) - (n1 * (n1 + 1)) / 2;
  const all = [...a, ...b].sort((x, y) => x - y);
  let tieTerm = 0;
  for (let i = 0; i < all.length;) {
    let j = i;
    while (j < all.length && all[j] === all[i]) j++;
    const t = j - i;
    tieTerm += t * t * t - t;
    i = j;
  }
  const meanU = (n1 * n2) / 2;
  if (tieTerm === 0 && n1 * n2 <= 2500) {
    const counts = exactUCounts(n1, n2);
    let total = 0;
    for (const c of counts) total += c;
    const d = Math.abs(u - meanU);
    let tail = 0;
    for (let k = 0; k < counts.length; k++) if (Math.abs(k - meanU) >= d - 1e-9) tail += counts[k]!;
    return { u, p: Math.min(1, tail / total), exact: true };
  }
  const n = n1 + n2;
  const variance = ((n1 * n2) / 12) * (n + 1 - tieTerm / (n * (n - 1)));
  if (variance <= 0) return { u, p: 1, exact: false };
  const z = (Math.abs(u - meanU) - 0.5) / Math.sqrt(variance); // continuity correction
  return { u, p: Math.min(1, 2 * (1 - cumulativeStdNormalProbability(Math.max(0, z)))), exact: false };
}
