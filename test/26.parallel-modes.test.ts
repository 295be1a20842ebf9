// worker, process and native modes; pool sizes; start-up costs; faults that must leave us healthy.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';

import { batch, modes, reference, run, shutdownPools, startupCost } from '../src/index.js';
import { hostPool } from '../src/modes/hosted/host-pool.js';
import type { TaskReport } from '../src/types.js';

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
    assert.ok(r.taskReports.every((t) => t.mode === mode));
  }
});

for (const mode of ['worker', 'process', 'native'] as const) {
  test(`${mode} tasks overlap and run on threads other than the JS thread`, async () => {
    const r = await batch({ kernel: 'sleep', params: { us: 60_000 }, mode, tasks: 2 });
    assert.ok(anyOverlap(r.taskReports), `${mode} tasks overlap`);
    assert.equal(new Set(r.taskReports.map((t) => t.threadId)).size, 2, 'two threads');
    if (mode === 'process') {
      assert.ok(
        r.taskReports.every((t) => t.pid !== process.pid),
        'tasks ran in child processes',
      );
    } else {
      assert.ok(r.taskReports.every((t) => t.pid === process.pid));
    }
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
  assert.ok(
    r.taskReports.every((t) => t.pid !== process.pid),
    'in a fresh child process',
  );
});

test('worker and process pool sizes are reported as in force', async () => {
  const w = await batch({ kernel: 'noop', params: {}, mode: 'worker', tasks: 4, threads: 2 });
  assert.equal(w.poolSize, 2);
  assert.ok(new Set(w.taskReports.map((t) => t.threadId)).size <= 2);
  const n = await batch({ kernel: 'noop', params: {}, mode: 'native', tasks: 3 });
  assert.equal(n.poolSize, 3);
});

test('a worker terminated mid-task fails that task with a clear error; the process stays healthy', async () => {
  const pool = hostPool('worker', 1);
  await pool.ready();
  const p = run('spin', { cpuUs: 3_000_000 }, { mode: 'worker' });
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(pool.killBusyHost(), true);
  await assert.rejects(p, /worker task \d+ \(spin\) failed: its worker exited/);
  const again = await run('primes', { n: 1000 }, { mode: 'worker' });
  assert.equal(again.result, 168);
});

test('a child process killed mid-task fails that task with a clear error; the pool recovers', async () => {
  const pool = hostPool('process', 1);
  await pool.ready();
  const p = run('spin', { cpuUs: 3_000_000 }, { mode: 'process' });
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(pool.killBusyHost(), true);
  await assert.rejects(p, /process task \d+ \(spin\) failed: its process was killed by SIGKILL/);
  const again = await run('primes', { n: 1000 }, { mode: 'process' });
  assert.equal(again.result, 168);
});

for (const mode of ['worker', 'process', 'native'] as const) {
  test(`abort while running in ${mode} mode rejects with AbortError`, async () => {
    const ac = new AbortController();
    const t0 = Date.now();
    const p = run('spin', { cpuUs: 5_000_000 }, { mode, signal: ac.signal });
    setTimeout(() => ac.abort(), 100);
    await assert.rejects(p, { name: 'AbortError' });
    assert.ok(Date.now() - t0 < 3_000, 'stopped well before the 5 s task would have ended');
  });
}

test('startupCost() measures a thread, a worker and a process', async () => {
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
  await assert.rejects(startupCost({ samples: 0 }), RangeError);
  await assert.rejects(startupCost({ samples: 'x' as never }), TypeError);
  await assert.rejects(startupCost({ sample: 1 } as never), /options\.sample is not a known option/);
});

test('bad threads, convoyProbe and trace options', async () => {
  for (const threads of [0, 1025, 1.5, Number.NaN]) {
    await assert.rejects(batch({ kernel: 'noop', params: {}, threads }), {
      name: 'RangeError',
      message: /options\.threads must be an integer in \[1, 1024\]/,
    });
  }
  await assert.rejects(batch({ kernel: 'noop', params: {}, threads: '2' as never }), {
    name: 'TypeError',
    message: /options\.threads/,
  });
  await assert.rejects(batch({ kernel: 'noop', params: {}, mode: 'native', tasks: 2000 }), {
    name: 'RangeError',
    message: /options\.tasks must be an integer in \[1, 1024\]/,
  });
  await assert.rejects(batch({ kernel: 'noop', params: {}, convoyProbe: 1 as never }), {
    name: 'TypeError',
    message: /convoyProbe/,
  });
  await assert.rejects(batch({ kernel: 'noop', params: {}, trace: 'yes' as never }), {
    name: 'TypeError',
    message: /options\.trace must be a boolean/,
  });
  await assert.rejects(batch({ kernel: 'noop', params: {}, trace: true, traceCapacity: 3 }), {
    name: 'RangeError',
    message: /traceCapacity/,
  });
});
