// From measured runs to figures, on synthetic reports: the wall-time breakdown, the speed-up over
// tasks = 1, the goals as a table, and a baseline this installation cannot run.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { analyse, breakdown, type Runs } from '../bench/analysis/analyse.js';
import { checkGoals, GOALS, type GoalInputs } from '../bench/analysis/goals.js';
import { goalFigure } from '../bench/report/goal-figure.js';
import { presetPlan } from '../bench/plan.js';
import { dispatch } from '../bench/experiments/dispatch.js';
import { dispatchKey, type DispatchRunner } from '../bench/model/keys.js';
import { PISCINA_MISSING } from '../bench/runner.js';
import { summarize } from '../bench/analysis/stats.js';
import type { BatchSpec, ConfigResult } from '../bench/model/results.js';
import { near } from './support/assert.js';
import { fakeBatch, fakeTask as task } from './support/reports.js';

test('the breakdown parts add up to queue + wall, lock wait counted once', () => {
  // 10 ms task: 4 ms CPU, 2 ms runnable, 3 ms lock wait of which 1 ms runnable after wake-up, rest asleep.
  const b = breakdown([
    fakeBatch([task({ wallNs: 10e6, cpuNs: 4e6, runQueueNs: 2e6, lockWaitNs: 3e6, queueNs: 1e6 })]),
  ])!;
  assert.equal(b.cpuNs, 4e6);
  assert.equal(b.runQueueNs, 2e6);
  assert.equal(b.lockWaitNs, 3e6);
  assert.equal(b.blockedNs, 1e6);
  assert.equal(b.queueNs, 1e6);
  assert.equal(b.cpuNs + b.runQueueNs + b.lockWaitNs + b.blockedNs + b.queueNs, b.totalNs);
  assert.equal(b.check.ok, true);
  assert.equal(b.check.sumOverTotal, 1);
  // Lock wait longer than the time asleep: the excess was runnable time, shown apart, not added.
  const c = breakdown([fakeBatch([task({ wallNs: 10e6, cpuNs: 5e6, runQueueNs: 4e6, lockWaitNs: 3e6 })])])!;
  assert.equal(c.lockWaitNs, 1e6);
  assert.equal(c.lockWakeNs, 2e6);
  assert.equal(c.blockedNs, 0);
  assert.equal(c.cpuNs + c.runQueueNs + c.lockWaitNs + c.blockedNs, c.taskWallNs);
});

test('the check fails when CPU + run-queue wait exceed the wall time', () => {
  const b = breakdown([
    fakeBatch([task({ wallNs: 10e6, cpuNs: 9e6, runQueueNs: 3e6 }), task({ wallNs: 10e6, cpuNs: 5e6 })]),
  ])!;
  assert.equal(b.check.ok, false);
  assert.equal(b.check.tasksOver, 1);
  near(b.check.worstOvershoot, 0.2);
  assert.ok(b.check.sumOverTotal > 1);
});

const spec = (tasks: number): BatchSpec => ({
  key: `k/t${tasks}`,
  label: 'x',
  kind: 'batch',
  kernel: 'spin',
  params: { cpuUs: 1 },
  mode: 'released',
  tasks,
  threads: null,
  switchIntervalUs: null,
  forcedSwitching: null,
});
const runs = (tasks: number, walls: number[]): Runs => ({
  spec: spec(tasks),
  metric: { name: 'wallNs', unit: 'ns', lowerIsBetter: true },
  samples: walls,
  reports: walls.map((w) => fakeBatch([task({ wallNs: w, cpuNs: w / 2 })])),
  extra: {},
});

test('speed-up is throughput over tasks = 1, efficiency caps the ideal at the cores', () => {
  const one = runs(1, [10e6, 10e6, 11e6]);
  const four = runs(4, [20e6, 21e6, 20e6]); // 4 tasks in 20 ms vs 1 in 10 ms: 2x
  const r = analyse(four, [1], one, 2);
  assert.equal(r.speedup?.value, 2);
  assert.equal(r.efficiency, 1);
  assert.equal(r.throughputPerS, 4e9 / 20e6);
  assert.equal(analyse(one, [1], null, 2).speedup?.value, 1);
  assert.equal(analyse(four, [1], null, 2).speedup, null, 'no baseline, no speed-up');
});

/** A dispatch result with median `ns` (its other figures do not matter to the goals). */
function dispatched(runner: string, ns: number): ConfigResult {
  return {
    key: `dispatch/${runner}`,
    label: runner,
    kind: 'micro',
    kernel: null,
    params: null,
    mode: 'raw-napi',
    tasks: 1,
    threads: null,
    switchIntervalUs: null,
    forcedSwitching: null,
    experiments: [6],
    metric: { name: 'nsPerCall', unit: 'ns', lowerIsBetter: true },
    samples: [ns],
    summary: summarize([ns]),
    throughputPerS: null,
    speedup: null,
    efficiency: null,
    cpuPerWall: null,
    parallelism: null,
    poolSize: null,
    breakdown: null,
    eventLoop: null,
    probe: null,
    lock: null,
    extra: {},
  };
}

function inputs(
  medians: Partial<Record<DispatchRunner, number>>,
  unavailable: Record<string, string> = {},
): GoalInputs {
  const entries = Object.entries(medians) as [DispatchRunner, number][];
  const results = new Map(entries.map(([r, ns]) => [dispatchKey(r), dispatched(r, ns)]));
  return {
    plan: presetPlan('quick', 2),
    cores: 2,
    get: (key) => results.get(key),
    unavailable: (key) => unavailable[key],
  };
}

test('the goals are a table: each is measured, judged against its target, or reported as not measured', () => {
  assert.deepEqual(
    GOALS.map((g) => g.id),
    [
      'run-flood-vs-async-work',
      'batch-vs-async-work',
      'held-vs-readings',
      'gil-vs-released',
      'released-vs-piscina',
      'released-vs-native-speedup',
      'native-vs-reference',
      'accounting-overhead',
    ],
  );
  const medians = {
    'napi-noop': 120,
    'run-sync': 20_120,
    'raw-readings': 20_000,
    'batch-10000': 500,
    'bare-async-work': 1000,
  };
  const goals = checkGoals(inputs(medians));
  const held = goals.find((g) => g.id === 'held-vs-readings')!;
  near(held.ratio!, 1.006);
  assert.equal(held.met, true, '1.006x is within 1.2x');
  assert.match(held.detail, /getrusage\(RUSAGE_THREAD\)/, 'the detail lists the readings and why each is needed');
  const batch = goals.find((g) => g.id === 'batch-vs-async-work')!;
  assert.equal(batch.ratio, 2, 'throughput: the bare flood per task over the batch per task');
  assert.equal(batch.met, true);
  const accounting = goals.find((g) => g.id === 'accounting-overhead')!;
  near(accounting.ratio!, 0.02);
  assert.equal(accounting.met, false, '20 us of a 1 ms task is 2%, over the 1% target');
  assert.equal(goalFigure(accounting), '2%', 'a share reads as a percentage');
  assert.equal(goalFigure(batch), '2x', 'a ratio reads as a factor');
  const flood = goals.find((g) => g.id === 'run-flood-vs-async-work')!;
  assert.equal(flood.met, null);
  assert.equal(flood.ratio, null);
  assert.equal(goalFigure(flood), null);
  assert.match(flood.detail, /^not measured in this run: experiment 6 with mode 'released' did not run$/);
  const slow = checkGoals(inputs({ gil: 1600, released: 1000 })).find((g) => g.id === 'gil-vs-released')!;
  assert.equal(slow.ratio, 1.6);
  assert.equal(slow.met, false, '1.6x is over 1.5x');
});

test('piscina not installed: its row says so, and the goal that needs it is not measured, with that reason', () => {
  const medians = { 'raw-napi': 100, released: 1000, 'bare-async-work': 900 };
  const missing = { [dispatchKey('piscina')]: PISCINA_MISSING };
  const piscina = checkGoals(inputs(medians, missing)).find((g) => g.id === 'released-vs-piscina')!;
  assert.equal(piscina.met, null);
  assert.equal(piscina.detail, `not measured in this run: ${PISCINA_MISSING}`);
  assert.match(PISCINA_MISSING, /piscina is not installed \(a devDependency of gilscope\): npm install piscina/);
  // Without the reason (experiment 6 did not run at all) the goal says that instead.
  const absent = checkGoals(inputs({})).find((g) => g.id === 'released-vs-piscina')!;
  assert.doesNotMatch(absent.detail, /not installed/);

  const { get, unavailable } = inputs(medians, missing);
  const { rows } = dispatch.analyse(
    { plan: presetPlan('quick', 2), cores: 2, params: () => ({}) },
    get,
    unavailable,
  ).table;
  const row = rows.find((r) => r[0] === 'piscina');
  assert.ok(row, 'the piscina row is in the table');
  assert.equal(row[2], `not run: ${PISCINA_MISSING}`);
  assert.deepEqual(row.slice(3), [null, null, null, null, null], 'no figure is made up for it');
  assert.equal(
    rows.find((r) => r[0] === 'js-call'),
    undefined,
    'a runner that did not run for no reason has no row',
  );
});
