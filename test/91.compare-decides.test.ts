// How `gilscope compare` decides: Welch's t-test on per-run figures (and its interval), the
// Benjamini-Hochberg adjustment, the interleaved rounds a results file carries, which noise each
// row is judged against, pooling several files a side, and the recorded A/A pairs (real runs of one
// build, test/fixtures/compare/) that must flag nothing.
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

import { compareResults, loadResults, noiseLabel } from '../bench/analysis/compare.js';
import { benjaminiHochberg, studentQuantile, studentTwoSidedP, welchLogRatio } from '../bench/analysis/welch.js';
import { splitSides } from '../bench/cli/compare.js';
import { resolvePlan, presetPlan } from '../bench/plan.js';
import { mergeRounds, roundPlans } from '../bench/rounds.js';
import type { Measured } from '../bench/runner.js';
import type { BenchResults } from '../bench/model/results.js';

const FIXTURES = join(import.meta.dirname, 'fixtures', 'compare');

/** The recorded A/A pairs: [a, b] of each, b run with --sizes-from a. */
function pairs(): [BenchResults, BenchResults][] {
  const names = readdirSync(FIXTURES).filter((f) => /^aa-\d+-a\.json$/.test(f));
  return names.map((f) => [loadResults(join(FIXTURES, f)), loadResults(join(FIXTURES, f.replace('-a.', '-b.')))]);
}

type Mutable = { configurations: { key: string; samples: number[]; rounds?: number[]; summary: { median: number } }[] };

/** A copy of `doc` with every figure of configuration `key` times `factor`. */
function scaled(doc: BenchResults, key: string, factor: number): BenchResults {
  const copy = structuredClone(doc) as unknown as Mutable;
  const c = copy.configurations.find((x) => x.key === key)!;
  c.samples = c.samples.map((x) => x * factor);
  if (c.rounds) c.rounds = c.rounds.map((x) => x * factor);
  c.summary.median *= factor;
  return copy as unknown as BenchResults;
}

function withoutRounds(doc: BenchResults): BenchResults {
  const copy = structuredClone(doc) as unknown as Mutable;
  for (const c of copy.configurations) delete c.rounds;
  return copy as unknown as BenchResults;
}

test("Student's t: two-sided p-values and quantiles match the tables", () => {
  // Table values of t(0.975): df 1 12.706, df 4 2.776, df 10 2.228, df 30 2.042; the normal's 1.960.
  for (const [df, t] of [
    [1, 12.706],
    [4, 2.776],
    [10, 2.228],
    [30, 2.042],
    [1e7, 1.96],
  ] as const) {
    assert.ok(Math.abs(studentTwoSidedP(t, df) - 0.05) < 2e-4, `df ${df}: p(${t}) = ${studentTwoSidedP(t, df)}`);
    assert.ok(Math.abs(studentQuantile(0.05, df) - t) < 2e-3 * t, `df ${df}: quantile ${studentQuantile(0.05, df)}`);
  }
  assert.equal(studentTwoSidedP(0, 3), 1);
  assert.ok(Math.abs(studentTwoSidedP(1, 2.5) - studentTwoSidedP(-1, 2.5)) < 1e-15, 'symmetric');
  assert.throws(() => studentTwoSidedP(1, 0), { name: 'RangeError', message: /df must be a number above 0/ });
  assert.throws(() => studentQuantile(1, 3), { name: 'RangeError', message: /p must be a number in \(0, 1\)/ });
});

test("Welch's test on logarithms: the interval and the p-value agree, swap and scale do what they must", () => {
  const a = [100, 104, 98, 101];
  const b = [120, 126, 119, 123, 121];
  const w = welchLogRatio(a, b);
  assert.ok(w.ratio > 1.15 && w.ratio < 1.25, `ratio ${w.ratio}`);
  assert.ok(w.ci.lo < w.ratio && w.ratio < w.ci.hi && w.ci.lo > 1, 'a clear change: the interval excludes 1');
  assert.ok(w.p < 0.001 && w.df > 2 && w.df < 7, `p ${w.p}, df ${w.df}`);
  const swapped = welchLogRatio(b, a);
  assert.ok(Math.abs(swapped.ratio * w.ratio - 1) < 1e-12 && Math.abs(swapped.p - w.p) < 1e-12);
  const scaledBoth = welchLogRatio(
    a.map((x) => x * 1e6),
    b.map((x) => x * 1e6),
  );
  assert.ok(Math.abs(scaledBoth.p - w.p) < 1e-9, 'a change of unit changes nothing');
  // The interval is the test's: at the alpha where the interval just touches 1, p is that alpha.
  const noisy = welchLogRatio([100, 130, 90], [115, 150, 105]);
  for (const alpha of [0.01, 0.05, 0.2, 0.5]) {
    const x = welchLogRatio([100, 130, 90], [115, 150, 105], alpha);
    assert.equal(x.ci.lo > 1 || x.ci.hi < 1, noisy.p < alpha, `alpha ${alpha}: p ${noisy.p}, ci ${x.ci.lo}-${x.ci.hi}`);
  }
  assert.throws(() => welchLogRatio([1], [1, 2]), { name: 'RangeError', message: /at least 2 per-run figures/ });
  assert.throws(() => welchLogRatio([1, 0], [1, 2]), { name: 'RangeError', message: /above 0/ });
  assert.throws(() => welchLogRatio([1, 2], [1, 2], 1), { name: 'RangeError', message: /alpha/ });
});

test('Benjamini-Hochberg: adjusted p-values in the order given, monotone, capped at 1', () => {
  const q = benjaminiHochberg([0.01, 0.04, 0.03, 0.005]);
  const want = [0.02, 0.04, 0.04, 0.02];
  q.forEach((x, i) => assert.ok(Math.abs(x - want[i]!) < 1e-12, `q[${i}] = ${x}`));
  assert.deepEqual(benjaminiHochberg([0.9, 0.8]), [0.9, 0.9]);
  assert.deepEqual(benjaminiHochberg([]), []);
  assert.throws(() => benjaminiHochberg([0.1, 2]), { name: 'RangeError', message: /\[0, 1\]/ });
});

test('rounds: repeats split evenly over interleaved rounds, merged back with one median per round', () => {
  const plan = { ...presetPlan('quick', 2), repeat: 10, rounds: 3 };
  const plans = roundPlans(plan);
  assert.deepEqual(
    plans.map((p) => p.repeat),
    [4, 3, 3],
  );
  assert.deepEqual(
    plans.map((p) => p.warmup),
    [plan.warmup, 0, 0],
    'one warm-up, before the first round',
  );
  assert.ok(plans.every((p) => Math.abs(p.microMaxTimeS * 3 - plan.microMaxTimeS) < 1e-12));
  assert.deepEqual(roundPlans({ ...plan, rounds: 1 }), [{ ...plan, rounds: 1 }]);
  const part = (samples: number[]): Measured =>
    ({ spec: {}, metric: {}, samples, reports: [], extra: { rme: samples[0]! } }) as unknown as Measured;
  const m = mergeRounds([part([1, 2, 3]), part([10, 20]), part([5])]);
  assert.deepEqual(m.samples, [1, 2, 3, 10, 20, 5]);
  assert.deepEqual(m.rounds, [2, 15, 5]);
  assert.equal(m.extra['rme'], 5, 'extra figures: the median over the rounds');
  assert.equal(mergeRounds([part([4])]).rounds, undefined, 'one round carries no rounds');
  // Start-up: each round's report, merged into one with every sample.
  const unit = (createNs: number[], rssBytesMedian: number) => ({ createNsMedian: 0, createNs, rssBytesMedian });
  const report = (ns: number[], rss: number) => ({
    samples: ns.length,
    thread: unit(ns, rss),
    worker: unit(ns, rss),
    process: unit(ns, rss),
  });
  const started = mergeRounds([
    { ...part([3, 1]), startup: report([3, 1], 10) },
    { ...part([2, 8]), startup: report([2, 8], 30) },
  ]);
  assert.deepEqual(started.startup?.worker, { createNsMedian: 2.5, createNs: [3, 1, 2, 8], rssBytesMedian: 20 });
  assert.equal(started.startup?.samples, 4);
  assert.throws(() => mergeRounds([]), RangeError);
});

test('--rounds and --sizes-from are checked where the plan is resolved', () => {
  assert.equal(resolvePlan({}, 2).rounds, 3, 'three rounds by default');
  assert.equal(resolvePlan({ repeat: '2' }, 2).rounds, 2, 'no more rounds than repeats by default');
  assert.equal(resolvePlan({ rounds: '5', repeat: '10' }, 2).rounds, 5);
  assert.throws(() => resolvePlan({ rounds: '0' }, 2), { name: 'RangeError', message: /--rounds must be an integer/ });
  assert.throws(() => resolvePlan({ rounds: '4', repeat: '3' }, 2), {
    name: 'RangeError',
    message: /--rounds must not exceed --repeat \(3\).*received 4/,
  });
  assert.match(resolvePlan({ sizesFrom: 'x/results.json' }, 2).sizesFrom!, /^\/.*x\/results\.json$/);
  assert.throws(() => resolvePlan({ sizesFrom: ' ' }, 2), { name: 'TypeError', message: /--sizes-from/ });
});

test('compare a1 a2 -- b1 b2: the files on each side of --, or exactly two without it', () => {
  const argv = (...rest: string[]): string[] => ['node', 'main.js', 'compare', ...rest];
  assert.deepEqual(splitSides(['a', 'b'], argv('a', 'b')), { a: ['a'], b: ['b'] });
  assert.deepEqual(
    splitSides(['a1', 'a2', 'b1', 'b2', 'b3'], argv('--threshold', '10', 'a1', 'a2', '--', 'b1', 'b2', 'b3')),
    {
      a: ['a1', 'a2'],
      b: ['b1', 'b2', 'b3'],
    },
  );
  assert.throws(() => splitSides(['a', 'b', 'c'], argv('a', 'b', 'c')), { name: 'RangeError', message: /without --/ });
  assert.throws(() => splitSides(['a', 'b'], argv('a', 'b', '--')), { name: 'RangeError', message: /each side of --/ });
  assert.throws(() => splitSides(['a', 'b', '--json'], argv('a', '--', 'b', '--json')), {
    name: 'RangeError',
    message: /options go before --, received --json/,
  });
});

test('recorded A/A pairs (one build, b with the sizes of a) flag nothing and pair every row', () => {
  const recorded = pairs();
  assert.ok(recorded.length >= 3, `at least three recorded pairs, found ${recorded.length}`);
  for (const [a, b] of recorded) {
    assert.equal(b.plan.sizesFrom !== undefined, true, 'b was run with --sizes-from');
    const c = compareResults(a, b);
    assert.equal(c.rows.length, a.configurations.length);
    assert.deepEqual(
      c.rows.filter((r) => r.verdict === 'not comparable').map((r) => r.key),
      [],
    );
    const unrounded = c.rows.filter((r) => r.noise !== 'between rounds').map((r) => r.key);
    assert.deepEqual(unrounded, [], 'every configuration of experiments 1 and 6 carries rounds');
    assert.deepEqual(
      c.rows.filter((r) => r.verdict === 'slower' || r.verdict === 'faster').map((r) => `${r.key} ${r.ratio}`),
      [],
      `${a.createdAt} vs ${b.createdAt}`,
    );
  }
});

/** A copy of `doc` with every configuration's figures times `factor` (a whole run slower). */
function allScaled(doc: BenchResults, factor: number): BenchResults {
  return doc.configurations.reduce((d, c) => scaled(d, c.key, factor), doc);
}

/** A copy of `doc` holding only configuration `key`. */
function only(doc: BenchResults, key: string): BenchResults {
  return { ...doc, configurations: doc.configurations.filter((c) => c.key === key) };
}

/** A copy of `doc` whose configuration `key` has these round medians (and matching samples). */
function withRounds(doc: BenchResults, key: string, rounds: number[]): BenchResults {
  const copy = structuredClone(doc) as unknown as Mutable;
  const c = copy.configurations.find((x) => x.key === key)!;
  c.rounds = rounds;
  c.samples = rounds;
  c.summary.median = [...rounds].sort((x, y) => x - y)[Math.floor(rounds.length / 2)]!;
  return copy as unknown as BenchResults;
}

test('a change on the recorded A/A pairs: flagged only if significant after adjustment and past the threshold', () => {
  for (const [a, b] of pairs()) {
    // A whole run twice as slow: rows are flagged slower where the noise between rounds allows, none
    // faster; a larger change is flagged in at least as many rows (these runs were noisy: load 6-10).
    const slow = compareResults(a, allScaled(b, 2));
    const counts = [1.5, 2, 3, 4].map((f) => compareResults(a, allScaled(b, f)).flagged);
    assert.deepEqual(
      counts,
      [...counts].sort((x, y) => x - y),
      `flagged at 1.5x, 2x, 3x, 4x: ${counts.join(', ')}`,
    );
    assert.ok(counts[3]! > 0, `4x slower: ${counts[3]} of ${slow.rows.length} flagged`);
    for (const r of slow.rows) {
      assert.notEqual(r.verdict, 'faster', r.key);
      assert.equal(r.verdict === 'slower', r.q < slow.alpha && r.ci.lo > 1, `${r.key}: q ${r.q}`);
      assert.ok(r.q >= r.p, 'the adjusted p is never below the test p');
    }
    assert.equal(compareResults(allScaled(b, 2), a).rows.filter((r) => r.verdict === 'slower').length, 0);
    // Against a threshold of 150%, only rows whose ratio passes it, of those flagged at 5%.
    const strict = compareResults(a, allScaled(b, 2), { threshold: 1.5 });
    for (const r of strict.rows) {
      const at5 = slow.rows.find((x) => x.key === r.key)!.verdict === 'slower';
      assert.equal(r.verdict === 'slower', r.ratio > 2.5 && at5, r.key);
    }
    assert.equal(compareResults(b, allScaled(b, 1.02)).flagged, 0, 'within the threshold: never flagged');
  }
});

test('one configuration twice as slow among unchanged ones is flagged; p < 0.05 alone is not enough among many', () => {
  const [a, b] = pairs()[0]!;
  const key = 'cpu/primes/held/t2';
  const quietA = withRounds(a, key, [100, 103, 98]);
  const row = (doc: BenchResults) => compareResults(quietA, doc).rows.find((r) => r.key === key)!;
  const slow = row(withRounds(b, key, [205, 198, 201]));
  assert.equal(slow.verdict, 'slower', JSON.stringify(slow));
  assert.match(noiseLabel(slow), /^between rounds \(3\/3 rounds\)$/);
  // The same configuration alone: nothing to adjust for, q = p.
  const alone = compareResults(only(quietA, key), only(withRounds(b, key, [205, 198, 201]), key)).rows[0]!;
  assert.equal(alone.q, alone.p);
  // A change with p just under 0.05 on its own is not flagged among 42 rows once adjusted.
  const marginal = row(withRounds(b, key, [113, 107, 111]));
  assert.ok(marginal.p < 0.05 && marginal.q >= 0.05, `p ${marginal.p}, q ${marginal.q}`);
  assert.equal(marginal.verdict, 'no significant change');
});

test('which noise a row is judged against: between files, between rounds, or within-run only', () => {
  const [[a1, b1], [a2, b2]] = pairs() as [[BenchResults, BenchResults], [BenchResults, BenchResults]];
  const pooled = compareResults([a1, a2], [b1, b2]);
  assert.ok(pooled.rows.every((r) => r.noise === 'between files' && r.n.a === 2 && r.n.b === 2));
  assert.equal(pooled.files.a.length, 2);
  const old = compareResults(withoutRounds(a1), withoutRounds(b1));
  assert.ok(old.rows.every((r) => r.noise === 'within run'));
  assert.match(noiseLabel(old.rows[0]!), /^within-run test only \(\d+\/\d+ samples\)$/);
  // The same file twice has no spread between its runs: no noise measured, the within-run test.
  const twice = compareResults([a1, a1], [a1, a1]);
  assert.ok(twice.rows.every((r) => r.noise === 'within run'));
  assert.equal(twice.flagged, 0);
  assert.throws(() => compareResults([], [a1]), { name: 'RangeError', message: /at least one results file/ });
});

test('different kernel sizes are not comparable, and the row says how to make them so', () => {
  const [a, b] = pairs()[0]!;
  const copy = structuredClone(b) as unknown as { configurations: { key: string; params: Record<string, number> }[] };
  const c = copy.configurations.find((x) => x.key === 'cpu/primes/held/t1')!;
  c.params = { ...c.params, n: c.params['n']! + 1000 };
  const row = compareResults(a, copy as unknown as BenchResults).rows.find((r) => r.key === 'cpu/primes/held/t1')!;
  assert.equal(row.verdict, 'not comparable');
  assert.match(row.note, /--sizes-from/);
});
