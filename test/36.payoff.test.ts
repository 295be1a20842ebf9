// Experiment 10 (when does releasing pay off?) on synthetic results: the configurations it plans
// (every mode at every size, tasks = 4x cores, one latency run per mode), the crossover sizes it
// names (the smallest size from which a mode beats held by 1.5x at every larger size), the plain
// words of its reading, and its chart's log axes.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import type { Mode } from '../src/types.js';
import { presetPlan } from '../bench/plan.js';
import { summarize } from '../bench/analysis/stats.js';
import { payoff, PAYOFF_FACTOR, REAL_SIZES_US, SPIN_SIZES_US } from '../bench/experiments/payoff.js';
import { latencyKey, payoffKey } from '../bench/model/keys.js';
import type { ConfigResult } from '../bench/model/results.js';

const plan = presetPlan('quick', 2);
const ctx = { plan, cores: 2, params: () => ({}) };

function result(key: string, kernel: string, mode: Mode, wallNs: number, cpuPerWall: number | null): ConfigResult {
  return {
    key,
    label: key,
    kind: 'batch',
    kernel: kernel as ConfigResult['kernel'] & string,
    params: {},
    mode,
    tasks: 8,
    threads: null,
    switchIntervalUs: null,
    forcedSwitching: null,
    experiments: [10],
    metric: { name: 'wallNs', unit: 'ns', lowerIsBetter: true },
    samples: [wallNs],
    summary: summarize([wallNs]),
    throughputPerS: (8 * 1e9) / wallNs,
    speedup: null,
    efficiency: null,
    cpuPerWall,
    parallelism: null,
    poolSize: null,
    breakdown: null,
    eventLoop: null,
    probe: null,
    lock: null,
    extra: {},
  } as ConfigResult;
}

/** Held takes 8 x size plus 2 us a task; released 4 x size plus 20 us a task (2 cores, more overhead). */
function synthetic(): Map<string, ConfigResult> {
  const out = new Map<string, ConfigResult>();
  for (const [kernel, sizes] of [
    ['spin', SPIN_SIZES_US],
    ['primes', REAL_SIZES_US],
  ] as const) {
    for (const us of sizes) {
      const held = 8 * (us * 1000 + 2000);
      const released = 4 * us * 1000 + 8 * 20_000;
      out.set(payoffKey(kernel, 'held', us), result(payoffKey(kernel, 'held', us), kernel, 'held', held, 1));
      out.set(
        payoffKey(kernel, 'released', us),
        result(payoffKey(kernel, 'released', us), kernel, 'released', released, 1.9),
      );
    }
  }
  out.set(latencyKey('released'), {
    ...result(latencyKey('released'), 'noop', 'released', 30_000, null),
    kind: 'latency',
  } as ConfigResult);
  return out;
}

test('experiment 10 plans every mode at every size with 4x cores tasks, and one latency run per mode', () => {
  const specs = payoff.specs(ctx);
  const batches = specs.filter((s) => s.kind === 'batch');
  assert.equal(batches.length, plan.modes.length * (SPIN_SIZES_US.length + REAL_SIZES_US.length));
  assert.ok(
    batches.every((s) => s.tasks === 8),
    'tasks = 4 x 2 cores',
  );
  assert.deepEqual(
    specs.filter((s) => s.kind === 'latency').map((s) => s.mode),
    [...plan.modes],
  );
  assert.equal(new Set(specs.map((s) => s.key)).size, specs.length, 'keys are unique');
  const spin = batches.find((s) => s.key === payoffKey('spin', 'held', 100))!;
  assert.deepEqual(spin.params, { cpuUs: 100 }, 'spin is sized exactly');
  assert.ok(SPIN_SIZES_US[0] === 1 && SPIN_SIZES_US.at(-1) === 10_000, 'from 1 us to 10 ms');
});

test('the crossover is the smallest size from which a mode beats held by 1.5x at every larger size', () => {
  const results = synthetic();
  const a = payoff.analyse(
    ctx,
    (k) => results.get(k),
    () => undefined,
  );
  const spin = a.crossovers!.find((c) => c.kernel === 'spin' && c.mode === 'released')!;
  // held / released = 8 (us + 2) / (4 us + 160): at 100 us 816 / 560 = 1.46 (under 1.5), at 1 ms
  // 8016 / 4160 = 1.93, at 10 ms 1.99: the crossover is the 1 ms size.
  assert.equal(spin.fromUs, 1000);
  assert.equal(spin.factor, PAYOFF_FACTOR);
  assert.equal(spin.over, 'held');
  const gil = a.crossovers!.find((c) => c.kernel === 'spin' && c.mode === 'gil');
  assert.equal(gil?.fromUs ?? null, null, 'a mode with no results has no crossover');
  assert.match(a.reading, /released from 1 ms/);
  assert.match(a.reading, /better made synchronously \(held\); from about 1 ms on, making it async/);
  assert.match(a.reading, /One awaited empty task, round trip: released 30 us/);
  const row = a.table.rows.find((r) => r[0] === 'spin' && r[1] === '1 ms' && r[2] === 'released')!;
  assert.equal(row[7], '1.93x', 'x held');
  assert.equal(row[5], `${Math.round(((8 * 1e6) / (4_160_000 * 2)) * 100)}%`, 'efficiency: work over wall x cores');
  const chart = a.charts[0]!;
  assert.equal(chart.file, 'payoff-vs-held.svg');
  assert.match(JSON.stringify(chart), /"scale":\{"type":"log"\}/, 'task size on a log axis');
});

test('a mode that stops beating held at a larger size has no crossover below it', () => {
  const results = synthetic();
  // At 10 ms released falls back to 1x: the 1 ms crossover no longer holds "at every larger size".
  const heldWall = results.get(payoffKey('spin', 'held', 10_000))!.summary.median;
  results.set(
    payoffKey('spin', 'released', 10_000),
    result(payoffKey('spin', 'released', 10_000), 'spin', 'released', heldWall, 1),
  );
  const a = payoff.analyse(
    ctx,
    (k) => results.get(k),
    () => undefined,
  );
  assert.equal(a.crossovers!.find((c) => c.kernel === 'spin' && c.mode === 'released')!.fromUs, null);
  assert.match(a.reading, /released never does up to 10 ms/);
});
