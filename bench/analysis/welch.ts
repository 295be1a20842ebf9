/**
 * The between-runs test of `compare`: Welch's t-test on the logarithms of per-run figures (round
 * medians, or one median per results file), the interval on the ratio computed from the same
 * t-distribution, and the Benjamini-Hochberg adjustment of many rows' p-values. Logarithms because
 * the noise of a time is multiplicative, and the ratio of geometric means then has an exact interval.
 */
import { gammaln, mean, sampleVariance } from 'simple-statistics';

import type { Interval } from '../model/results.js';

/** Continued fraction of the regularized incomplete beta function (Lentz; Numerical Recipes betacf). */
function betaFraction(x: number, a: number, b: number): number {
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  d = 1 / (Math.abs(d) < tiny ? tiny : d);
  let h = d;
  for (let m = 1; m <= 300; m++) {
    for (const num of [
      (m * (b - m) * x) / ((a + 2 * m - 1) * (a + 2 * m)),
      -((a + m) * (a + b + m) * x) / ((a + 2 * m) * (a + 2 * m + 1)),
    ]) {
      d = 1 + num * d;
      d = 1 / (Math.abs(d) < tiny ? tiny : d);
      c = 1 + num / c;
      if (Math.abs(c) < tiny) c = tiny;
      h *= d * c;
    }
    if (Math.abs(d * c - 1) < 1e-14) break;
  }
  return h;
}

/** I_x(a, b), the regularized incomplete beta function, for x in [0, 1]. */
function incompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(gammaln(a + b) - gammaln(a) - gammaln(b) + a * Math.log(x) + b * Math.log(1 - x));
  return x < (a + 1) / (a + b + 2) ? (front * betaFraction(x, a, b)) / a : 1 - (front * betaFraction(1 - x, b, a)) / b;
}

/** P(|T| >= |t|) for T ~ Student's t with `df` degrees of freedom (df > 0, not necessarily whole). */
export function studentTwoSidedP(t: number, df: number): number {
  if (!(df > 0)) throw new RangeError(`df must be a number above 0, received ${df}`);
  if (!Number.isFinite(t)) return 0;
  return Math.min(1, incompleteBeta(df / (df + t * t), df / 2, 0.5));
}

/** The t with P(|T| >= t) = `p` (0 < p < 1), by bisection to 1e-10. */
export function studentQuantile(p: number, df: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`p must be a number in (0, 1), received ${p}`);
  let lo = 0;
  let hi = 1;
  while (studentTwoSidedP(hi, df) > p) hi *= 2;
  while (hi - lo > 1e-10 * Math.max(1, hi)) {
    const mid = (lo + hi) / 2;
    if (studentTwoSidedP(mid, df) > p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

export interface WelchRatio {
  /** exp(mean log b - mean log a): the ratio of the geometric means of the per-run figures. */
  readonly ratio: number;
  /** The (1 - alpha) interval on `ratio`, from the same t-distribution as `p`. */
  readonly ci: Interval;
  /** Two-sided p-value of Welch's t-test on the logarithms. */
  readonly p: number;
  /** Welch-Satterthwaite degrees of freedom. */
  readonly df: number;
}

function checkRuns(xs: readonly number[], name: string): number[] {
  if (!Array.isArray(xs) || xs.length < 2)
    throw new RangeError(`${name} must hold at least 2 per-run figures, received ${xs?.length ?? String(xs)}`);
  for (const x of xs) {
    if (typeof x !== 'number' || !(x > 0) || !Number.isFinite(x))
      throw new RangeError(`${name} must hold finite numbers above 0 (times), received ${String(x)}`);
  }
  return xs.map(Math.log);
}

/** Welch's t-test of b against a on the logarithms of per-run figures (at least 2 on each side). */
export function welchLogRatio(a: readonly number[], b: readonly number[], alpha = 0.05): WelchRatio {
  if (!(alpha > 0 && alpha < 1)) throw new RangeError(`alpha must be a number in (0, 1), received ${alpha}`);
  const la = checkRuns(a, 'a');
  const lb = checkRuns(b, 'b');
  const d = mean(lb) - mean(la);
  const wa = sampleVariance(la) / la.length;
  const wb = sampleVariance(lb) / lb.length;
  const se = Math.sqrt(wa + wb);
  const ratio = Math.exp(d);
  if (se === 0 || !Number.isFinite(se)) {
    const df = la.length + lb.length - 2;
    return { ratio, ci: { lo: ratio, hi: ratio, level: 1 - alpha }, p: d === 0 ? 1 : 0, df };
  }
  const df = (wa + wb) ** 2 / (wa ** 2 / (la.length - 1) + wb ** 2 / (lb.length - 1));
  const half = studentQuantile(alpha, df) * se;
  return {
    ratio,
    ci: { lo: Math.exp(d - half), hi: Math.exp(d + half), level: 1 - alpha },
    p: studentTwoSidedP(d / se, df),
    df,
  };
}

/**
 * Benjamini-Hochberg adjusted p-values (q-values), in the order given: q(i) = min over the p-values
 * at or above p(i) of p * m / rank, capped at 1. Rejecting q < alpha keeps the expected share of
 * false discoveries among the flagged rows at most alpha.
 */
export function benjaminiHochberg(ps: readonly number[]): number[] {
  const m = ps.length;
  const order = ps.map((p, i) => ({ p, i })).sort((x, y) => x.p - y.p);
  const q = new Array<number>(m);
  let running = 1;
  for (let k = m - 1; k >= 0; k--) {
    const { p, i } = order[k]!;
    if (!(p >= 0 && p <= 1)) throw new RangeError(`p-values must be numbers in [0, 1], received ${p}`);
    running = Math.min(running, (p * m) / (k + 1));
    q[i] = running;
  }
  return q;
}
