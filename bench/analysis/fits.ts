/**
 * Scaling laws fitted to measured speed-ups: Amdahl's serial fraction and Gunther's Universal
 * Scalability Law. Inputs are (n, speed-up) points where n is the number of processors the tasks
 * could use (min(tasks, cores)) and speed-up is throughput(n) / throughput(1). The shapes of points,
 * fits and predictions are those of the results document (model/results.ts).
 */
import type { AmdahlFit, Prediction, ScalingPoint, UslFit } from '../model/results.js';

export function amdahlSpeedup(serialFraction: number, n: number): number {
  return 1 / (serialFraction + (1 - serialFraction) / n);
}

export function uslSpeedup(sigma: number, kappa: number, n: number): number {
  return n / (1 + sigma * (n - 1) + kappa * n * (n - 1));
}

function checkPoints(points: readonly ScalingPoint[]): void {
  if (points.length === 0) throw new RangeError('points must hold at least one (n, speedup) point, received none');
  for (const p of points) {
    if (!(Number.isFinite(p.n) && p.n >= 1)) throw new RangeError(`points[].n must be a number >= 1, received ${p.n}`);
    if (!(Number.isFinite(p.speedup) && p.speedup > 0)) {
      throw new RangeError(`points[].speedup must be a positive number, received ${p.speedup}`);
    }
  }
}

function rSquared(points: readonly ScalingPoint[], predict: (n: number) => number): number | null {
  if (new Set(points.map((p) => p.n)).size < 2) return null;
  const mean = points.reduce((s, p) => s + p.speedup, 0) / points.length;
  let ssTot = 0;
  let ssRes = 0;
  for (const p of points) {
    ssTot += (p.speedup - mean) ** 2;
    ssRes += (p.speedup - predict(p.n)) ** 2;
  }
  return ssTot > 0 ? 1 - ssRes / ssTot : ssRes === 0 ? 1 : 0;
}

/**
 * Least-squares serial fraction on the linear form 1/S - 1/n = s (1 - 1/n). Points at n = 1 carry no
 * information and are ignored; with none left, s is 0 (nothing says otherwise). s is clamped below at
 * 0 (a superlinear speed-up is not a negative serial part); above 1 it is kept: slower than serial.
 */
export function fitAmdahl(points: readonly ScalingPoint[]): AmdahlFit {
  checkPoints(points);
  let sxy = 0;
  let sxx = 0;
  for (const p of points) {
    const x = 1 - 1 / p.n;
    const y = 1 / p.speedup - 1 / p.n;
    sxy += x * y;
    sxx += x * x;
  }
  const s = sxx > 0 ? Math.max(0, sxy / sxx) : 0;
  return { serialFraction: s, r2: rSquared(points, (n) => amdahlSpeedup(s, n)) };
}

/**
 * Least squares on Gunther's linear form n/S - 1 = sigma (n-1) + kappa n(n-1), with both
 * coefficients kept >= 0 (the two-variable non-negative least-squares solution).
 */
export function fitUsl(points: readonly ScalingPoint[]): UslFit {
  checkPoints(points);
  const rows = points.filter((p) => p.n > 1).map((p) => ({ x1: p.n - 1, x2: p.n * (p.n - 1), y: p.n / p.speedup - 1 }));
  const distinct = new Set(points.filter((p) => p.n > 1).map((p) => p.n)).size;
  const only = (key: 'x1' | 'x2'): number => {
    let sxy = 0;
    let sxx = 0;
    for (const r of rows) {
      sxy += r[key] * r.y;
      sxx += r[key] * r[key];
    }
    return sxx > 0 ? Math.max(0, sxy / sxx) : 0;
  };
  let sigma = 0;
  let kappa = 0;
  if (distinct >= 2) {
    let a11 = 0, a12 = 0, a22 = 0, b1 = 0, b2 = 0; // prettier-ignore
    for (const r of rows) {
      a11 += r.x1 * r.x1;
      a12 += r.x1 * r.x2;
      a22 += r.x2 * r.x2;
      b1 += r.x1 * r.y;
      b2 += r.x2 * r.y;
    }
    const det = a11 * a22 - a12 * a12;
    sigma = (b1 * a22 - b2 * a12) / det;
    kappa = (a11 * b2 - a12 * b1) / det;
    if (sigma < 0 || kappa < 0) {
      // Best of the two one-variable fits on the boundary.
      const sse = (s: number, k: number) => rows.reduce((acc, r) => acc + (r.y - s * r.x1 - k * r.x2) ** 2, 0);
      const s1 = only('x1');
      const k2 = only('x2');
      if (sse(s1, 0) <= sse(0, k2)) {
        sigma = s1;
        kappa = 0;
      } else {
        sigma = 0;
        kappa = k2;
      }
    }
  } else {
    sigma = only('x1');
  }
  return {
    sigma,
    kappa,
    kappaIdentifiable: distinct >= 2,
    r2: rSquared(points, (n) => uslSpeedup(sigma, kappa, n)),
  };
}

/** Core counts the predictions are made for. */
export const PREDICT_AT = [4, 8, 16, 64] as const;

/**
 * S(cores) by each law at each of `at`, capped at `cap` where the mode cannot pass it on any
 * machine (a pool of that many threads); `cap` null: uncapped.
 */
export function predict(
  amdahl: AmdahlFit,
  usl: UslFit,
  at: readonly number[] = PREDICT_AT,
  cap: number | null = null,
): Prediction[] {
  const limit = (s: number): number => (cap === null ? s : Math.min(s, cap));
  return at.map((cores) => ({
    cores,
    amdahl: limit(amdahlSpeedup(amdahl.serialFraction, cores)),
    usl: limit(uslSpeedup(usl.sigma, usl.kappa, cores)),
    cappedAt: cap,
  }));
}
