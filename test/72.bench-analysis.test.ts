// The wall-time breakdown, speed-up and option parsing of the bench, on synthetic reports.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { analyse, breakdown } from '../bench/analysis/analyse.js';
import { parseTasks, resolvePlan } from '../bench/plan.js';
import type { Measured } from '../bench/runner.js';
import type { ConfigSpec } from '../bench/model/types.js';
import type { BatchReport, TaskReport } from '../src/types.js';

function task(t: Partial<TaskReport>): TaskReport {
  return {
    kernel: 'spin', mode: 'gil', result: 0, threadId: 1, startNs: 0n, endNs: 0n, wallNs: 0, queueNs: 0, cpuNs: 0,
    userUs: 0, systemUs: 0, voluntarySwitches: 0, involuntarySwitches: 0, runQueueNs: 0, lockWaitNs: 0, lockHoldNs: 0,
    lockAcquisitions: 0, dropRequests: 0, ...t,
  } as TaskReport; // prettier-ignore
}

function report(tasks: TaskReport[], wallNs: number): BatchReport {
  return {
    wallNs,
    taskReports: tasks,
    cpuPerWall: 1,
    parallelism: 1,
    poolSize: 4,
    lock: null,
    eventLoop: { utilization: 0.5, delayP50Ns: 1, delayP99Ns: 2, delayMaxNs: 3, samples: 3 },
    probe: { timer: { samples: 0, p50Ns: null, p99Ns: null, maxNs: null }, convoy: null },
  } as unknown as BatchReport;
}

test('the breakdown parts add up to queue + wall, lock wait counted once', () => {
  // 10 ms task: 4 ms CPU, 2 ms runnable, 3 ms lock wait of which 1 ms runnable after wake-up, rest asleep.
  const b = breakdown([
    report([task({ wallNs: 10e6, cpuNs: 4e6, runQueueNs: 2e6, lockWaitNs: 3e6, queueNs: 1e6 })], 11e6),
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
  const c = breakdown([report([task({ wallNs: 10e6, cpuNs: 5e6, runQueueNs: 4e6, lockWaitNs: 3e6 })], 10e6)])!;
  assert.equal(c.lockWaitNs, 1e6);
  assert.equal(c.lockWakeNs, 2e6);
  assert.equal(c.blockedNs, 0);
  assert.equal(c.cpuNs + c.runQueueNs + c.lockWaitNs + c.blockedNs, c.taskWallNs);
});

test('the check fails when CPU + run-queue wait exceed the wall time', () => {
  const b = breakdown([
    report([task({ wallNs: 10e6, cpuNs: 9e6, runQueueNs: 3e6 }), task({ wallNs: 10e6, cpuNs: 5e6 })], 10e6),
  ])!;
  assert.equal(b.check.ok, false);
  assert.equal(b.check.tasksOver, 1);
  near(b.check.worstOvershoot, 0.2);
  assert.ok(b.check.sumOverTotal > 1);
});

function near(a: number, b: number): void {
  assert.ok(Math.abs(a - b) < 1e-9, `${a} vs ${b}`);
}

const spec = (tasks: number): ConfigSpec => ({
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
const measured = (tasks: number, walls: number[]): Measured => ({
  spec: spec(tasks),
  metric: { name: 'wallNs', unit: 'ns', lowerIsBetter: true },
  samples: walls,
  reports: walls.map((w) => report([task({ wallNs: w, cpuNs: w / 2 })], w)),
  extra: {},
});

test('speed-up is throughput over tasks = 1, efficiency caps the ideal at the cores', () => {
  const one = measured(1, [10e6, 10e6, 11e6]);
  const four = measured(4, [20e6, 21e6, 20e6]); // 4 tasks in 20 ms vs 1 in 10 ms: 2x
  const r = analyse(four, [1], one, 2);
  assert.equal(r.speedup?.value, 2);
  assert.equal(r.efficiency, 1);
  assert.equal(r.throughputPerS, 4e9 / 20e6);
  assert.equal(analyse(one, [1], null, 2).speedup?.value, 1);
  assert.equal(analyse(four, [1], null, 2).speedup, null, 'no baseline, no speed-up');
});

test('--tasks accepts lists and ranges, and bad options name themselves', () => {
  assert.deepEqual(parseTasks('1-3,6,2'), [1, 2, 3, 6]);
  assert.throws(() => parseTasks('0'), { name: 'RangeError', message: /--tasks/ });
  assert.throws(() => parseTasks('4-2'), { name: 'RangeError', message: /--tasks/ });
  assert.throws(() => resolvePlan({ modes: 'held,fast' }), { name: 'RangeError', message: /--modes.*"fast"/ });
  assert.throws(() => resolvePlan({ kernel: 'sleep' }), { name: 'RangeError', message: /--kernel/ });
  assert.throws(() => resolvePlan({ repeat: '0' }), { name: 'RangeError', message: /--repeat/ });
  assert.throws(() => resolvePlan({ interval: 'x' }), { name: 'RangeError', message: /--interval/ });
  const p = resolvePlan({ tasks: '1,2', interval: '300', modes: 'gil' }, 2);
  assert.deepEqual(p.tasks, [1, 2]);
  assert.ok(p.intervalsUs.includes(300), 'the chosen interval is part of the sweep');
  assert.equal(resolvePlan({}, 2).preset, 'quick');
  assert.deepEqual(resolvePlan({}, 2).tasks, [1, 2, 3, 4], 'default tasks: 1 to 2x cores');
  assert.equal(resolvePlan({ full: true }, 2).preset, 'full');
});
