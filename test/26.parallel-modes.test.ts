// worker, process and native modes: results equal in every mode, where each mode runs its tasks,
// pool sizes, start-up costs. (Their faults are in test/86, their aborts in test/40, the validation
// of their options in test/50.)
import assert from 'node:assert/strict';
import { after, test } from 'node:test';

import { batch, modes, reference, shutdownPools, startupCost } from '../src/index.js';
import type { TaskReport } from '../src/types.js';
import { rejectsNamed } from './support/assert.js';
import { assertRanWhereModeRuns } from './support/where.js';

after(() => shutdownPools());

function anyOverlap(ts: readonly TaskReport[]): boolean {
  return ts.some((a, i) => ts.some((b, j) => i !== j && a.startNs < b.endNs && b.startNs < a.endNs));
}

test("a kernel's result is the same in every mode", async () => {
  const expected = reference.primes({ n: 20_000 });
  for (const mode of modes) {
    const r = await batch({ kernel: 'primes', params: { n: 20_000 }, mode, tasks: 2 });
    assert.deepEqual(
      r.taskReports.map((t) => t.result),
      [expected, expected],
      mode,
    );
    await assertRanWhereModeRuns(mode, r.taskReports);
  }
});

for (const mode of ['worker', 'process', 'native'] as const) {
  test(`${mode} tasks overlap and run on threads other than the JS thread`, async () => {
    const r = await batch({ kernel: 'sleep', params: { us: 60_000 }, mode, tasks: 2 });
    assert.ok(anyOverlap(r.taskReports), `${mode} tasks overlap`);
    assert.equal(new Set(r.taskReports.map((t) => t.threadId)).size, 2, 'two threads');
    // Off the JS thread: on workers' threads, on the main threads of host processes, on raw threads.
    await assertRanWhereModeRuns(mode, r.taskReports);
  });
}

test("process mode counts the children's CPU in cpuPerWall", async () => {
  const r = await batch({ kernel: 'spin', params: { cpuUs: 40_000 }, mode: 'process', tasks: 2 });
  const taskCpuNs = r.taskReports.reduce((s, t) => s + t.cpuNs, 0);
  assert.ok((r.processUserUs + r.processSystemUs) * 1000 >= taskCpuNs * 0.95, 'process CPU includes the tasks');
});

test('a batch asking for another libuv pool size runs with that size and reports it', async () => {
  const r = await batch({ kernel: 'sleep', params: { us: 40_000 }, mode: 'released', tasks: 6, threads: 3 });
  assert.equal(r.poolSize, 3);
  assert.equal(new Set(r.taskReports.map((t) => t.threadId)).size, 3, 'six tasks shared three pool threads');
  await assertRanWhereModeRuns('released', r.taskReports, true); // all in one fresh child process
});

test('worker and process pool sizes are reported as in force', async () => {
  const w = await batch({ kernel: 'noop', params: {}, mode: 'worker', tasks: 4, threads: 2 });
  assert.equal(w.poolSize, 2);
  assert.ok(new Set(w.taskReports.map((t) => t.threadId)).size <= 2);
  const n = await batch({ kernel: 'noop', params: {}, mode: 'native', tasks: 3 });
  assert.equal(n.poolSize, 3);
});

test('startupCost() measures a thread, a worker and a process, and refuses bad options', async () => {
  const s = await startupCost({ samples: 2 });
  assert.equal(s.samples, 2);
  for (const k of ['thread', 'worker', 'process'] as const) {
    assert.equal(s[k].createNs.length, 2);
    assert.ok(
      s[k].createNs.every((x) => x > 0),
      `${k} creation took time`,
    );
    assert.ok(s[k].createNsMedian > 0);
  }
  assert.ok(s.process.rssBytesMedian > 0, 'a process has resident memory of its own');
  await rejectsNamed(startupCost({ samples: 0 }), RangeError, /options\.samples must be an integer/);
  await rejectsNamed(startupCost({ samples: 'x' as never }), TypeError, /options\.samples/);
  await rejectsNamed(startupCost({ sample: 1 } as never), TypeError, /options\.sample is not a known option/);
});
