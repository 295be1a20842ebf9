// Statistics of the bench on synthetic data with known answers.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { mannWhitney, medianCi, medianOf, ratioOfMediansCi, summarize } from '../bench/analysis/stats.js';
import { near } from './support/assert.js';

test('summarize gives median, range and MAD of known data', () => {
  const s = summarize([5, 1, 4, 2, 3, 100]);
  assert.equal(s.n, 6);
  assert.equal(s.median, 3.5);
  assert.equal(s.min, 1);
  assert.equal(s.max, 100);
  // |x - 3.5| = 1.5 2.5 0.5 1.5 0.5 96.5 -> median 1.5
  assert.equal(s.mad, 1.5);
});

test('medianOf drops the figures a run did not give (null, NaN, infinities) before taking the median', () => {
  assert.equal(medianOf([3, null, 1, Number.NaN, 2, Number.POSITIVE_INFINITY]), 2);
  assert.equal(medianOf([4, 1, null, 3]), 3, 'an even count: the mean of the middle two');
  assert.equal(medianOf([null, Number.NaN]), null, 'nothing left: no median');
  assert.equal(medianOf([]), null);
});

test('median CI from order statistics: 10 samples give (x2, x9) at 97.9% coverage', () => {
  const xs = [10, 1, 9, 2, 8, 3, 7, 4, 6, 5];
  const ci = medianCi(xs);
  assert.equal(ci.lo, 2);
  assert.equal(ci.hi, 9);
  near(ci.level, 1 - (2 * 11) / 1024); // 1 - 2 P(Bin(10, 1/2) <= 1)
});

test('median CI with too few samples is the full range and says how much it covers', () => {
  const ci = medianCi([3, 1, 2, 5, 4]);
  assert.deepEqual([ci.lo, ci.hi], [1, 5]);
  near(ci.level, 1 - 2 / 32);
  assert.ok(ci.level < 0.95);
});

test('ratio of medians: b = 2a gives 2 with an interval around it, reproducibly', () => {
  const a = [10, 11, 12, 13, 14, 15, 16];
  const b = a.map((x) => 2 * x);
  const r = ratioOfMediansCi(a, b);
  assert.equal(r.ratio, 2);
  assert.ok(r.ci.lo <= 2 && 2 <= r.ci.hi, `${r.ci.lo}..${r.ci.hi} holds 2`);
  assert.ok(r.ci.lo > 1.5 && r.ci.hi < 2.7);
  assert.deepEqual(ratioOfMediansCi(a, b).ci, r.ci, 'seeded: the same inputs give the same interval');
});

test('Mann-Whitney U, exact: fully separated samples of 3 give U = 0 and p = 2/20', () => {
  const r = mannWhitney([1, 2, 3], [4, 5, 6]);
  assert.equal(r.u, 0);
  assert.equal(r.exact, true);
  near(r.p, 0.1);
  assert.equal(mannWhitney([4, 5, 6], [1, 2, 3]).u, 9);
});

test('Mann-Whitney U: interleaved samples are not significant, separated ones are', () => {
  const same = mannWhitney([1, 3, 5, 7, 9, 11], [2, 4, 6, 8, 10, 12]);
  assert.ok(same.p > 0.5, `p = ${same.p}`);
  const apart = mannWhitney([1, 2, 3, 4, 5, 6, 7, 8], [11, 12, 13, 14, 15, 16, 17, 18]);
  near(apart.p, 2 / 12870); // 2 / C(16, 8)
});

test('Mann-Whitney U with ties uses the normal approximation', () => {
  const r = mannWhitney([1, 1, 2, 2, 3, 3, 4, 4], [5, 5, 6, 6, 7, 7, 8, 8]);
  assert.equal(r.exact, false);
  assert.equal(r.u, 0);
  assert.ok(r.p < 0.01, `p = ${r.p}`);
});

test('empty or non-finite samples are refused naming the argument', () => {
  assert.throws(() => summarize([]), { name: 'RangeError', message: /samples/ });
  assert.throws(() => summarize([1, Number.NaN]), { name: 'TypeError', message: /samples/ });
  assert.throws(() => mannWhitney([1], []), { name: 'RangeError', message: /\bb\b/ });
});
