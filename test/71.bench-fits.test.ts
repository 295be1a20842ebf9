// Scaling-law fits recover the parameters of synthetic speed-up curves.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { amdahlSpeedup, fitAmdahl, fitUsl, predict, uslSpeedup } from '../bench/analysis/fits.js';
import { near } from './support/assert.js';

const ns = [1, 2, 4, 8, 16, 32];

test('Amdahl: the serial fraction of an exact Amdahl curve is recovered', () => {
  for (const s of [0, 0.05, 0.3, 1]) {
    const fit = fitAmdahl(ns.map((n) => ({ n, speedup: amdahlSpeedup(s, n) })));
    near(fit.serialFraction, s);
    near(fit.r2 ?? Number.NaN, 1);
  }
});

test('Amdahl: a superlinear speed-up is clamped to serial fraction 0', () => {
  const fit = fitAmdahl([
    { n: 1, speedup: 1 },
    { n: 2, speedup: 2.2 },
  ]);
  assert.equal(fit.serialFraction, 0);
});

test('USL: sigma and kappa of an exact USL curve are recovered', () => {
  const fit = fitUsl(ns.map((n) => ({ n, speedup: uslSpeedup(0.05, 0.002, n) })));
  near(fit.sigma, 0.05, 1e-9);
  near(fit.kappa, 0.002, 1e-9);
  assert.equal(fit.kappaIdentifiable, true);
});

test('USL: with noise the fit stays close, and both coefficients stay >= 0', () => {
  const noise = [1, 1.01, 0.99, 1.02, 0.98, 1.0];
  const fit = fitUsl(ns.map((n, i) => ({ n, speedup: uslSpeedup(0.1, 0.001, n) * noise[i]! })));
  assert.ok(Math.abs(fit.sigma - 0.1) < 0.03, `sigma ${fit.sigma}`);
  assert.ok(fit.kappa >= 0 && fit.kappa < 0.003, `kappa ${fit.kappa}`);
  const linear = fitUsl(ns.map((n) => ({ n, speedup: n })));
  assert.equal(linear.sigma, 0);
  assert.equal(linear.kappa, 0);
});

test('USL on two core counts only: kappa is not identifiable and fixed at 0', () => {
  const fit = fitUsl([
    { n: 1, speedup: 1 },
    { n: 2, speedup: 1.6 },
    { n: 2, speedup: 1.6 },
  ]);
  assert.equal(fit.kappaIdentifiable, false);
  assert.equal(fit.kappa, 0);
  near(fit.sigma, 2 / 1.6 - 1); // n/S - 1 = sigma (n - 1)
});

test('predictions use the fitted laws at 4, 8, 16 and 64 cores', () => {
  const a = fitAmdahl(ns.map((n) => ({ n, speedup: amdahlSpeedup(0.1, n) })));
  const u = fitUsl(ns.map((n) => ({ n, speedup: uslSpeedup(0.1, 0, n) })));
  const p = predict(a, u);
  assert.deepEqual(
    p.map((x) => x.cores),
    [4, 8, 16, 64],
  );
  near(p[3]!.amdahl, 1 / (0.1 + 0.9 / 64));
  near(p[3]!.usl, 64 / (1 + 0.1 * 63));
});

test('bad points are refused', () => {
  assert.throws(() => fitAmdahl([]), RangeError);
  assert.throws(() => fitUsl([{ n: 0, speedup: 1 }]), { name: 'RangeError', message: /n must be/ });
  assert.throws(() => fitAmdahl([{ n: 2, speedup: -1 }]), { name: 'RangeError', message: /speedup/ });
});
