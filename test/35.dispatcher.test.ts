// The dispatcher of released and gil tasks (native/runtime/dispatch.h): a flood of single run()
// calls and a batch settle completely and consistently, completions are coalesced (far fewer
// wake-ups of the JS thread than tasks), consecutive tasks on one drainer share a reading without
// overlapping more than it, aborts reach single tasks of a flood, and a worker_thread terminated
// with tasks in flight leaves this environment's dispatcher working.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Worker } from 'node:worker_threads';

import { batch, run, runSync } from '../src/index.js';
import { native } from '../src/addon/loader.js';
import { dispatchCounters } from '../src/internal.js';
import type { TaskReport } from '../src/types.js';
import { bounded } from './support/poll.js';

/** Every report of a released task is self-consistent. */
function checkReport(r: TaskReport, jsTid: number): void {
  assert.equal(r.mode, 'released');
  assert.notEqual(r.threadId, jsTid, 'it ran off the JS thread');
  assert.ok(r.startNs <= r.endNs);
  assert.equal(r.wallNs, Number(r.endNs - r.startNs));
  assert.ok(r.queueNs >= 0);
  assert.ok(r.cpuNs >= 0 && r.cpuNs <= r.wallNs + 50_000, `cpu ${r.cpuNs} within wall ${r.wallNs}`);
}

test('a flood of single run() calls settles every task, consistently, in far fewer wake-ups than tasks', async () => {
  const jsTid = native().threadUsage().threadId;
  const before = dispatchCounters();
  const n = 2000;
  const reports = await bounded(Promise.all(Array.from({ length: n }, () => run('noop', {}))), 60_000, 'the flood');
  assert.equal(reports.length, n);
  for (const r of reports) checkReport(r, jsTid);
  const after = dispatchCounters();
  assert.equal(after.tasks - before.tasks, n, 'the dispatcher ran each task once');
  assert.equal(after.live, 0, 'nothing is left in flight');
  // The JS thread submits all n before it can take one completion: they are settled together.
  assert.ok(after.wakeups - before.wakeups <= n / 4, `${after.wakeups - before.wakeups} wake-ups for ${n} tasks`);
});

test('a batch is one submission: its tasks share readings on a drainer, overlapping by that reading only', async () => {
  const before = dispatchCounters();
  const r = await batch({ kernel: 'primes', params: { n: 2000 }, mode: 'released', tasks: 400 });
  assert.equal(r.taskReports.length, 400);
  assert.ok(
    r.taskReports.every((t) => t.result === 303),
    'every task computed its kernel',
  );
  const after = dispatchCounters();
  assert.equal(after.tasks - before.tasks, 400);
  assert.ok(after.sharedReadings > before.sharedReadings, 'consecutive tasks on a drainer shared a reading');
  const byThread = new Map<number, TaskReport[]>();
  for (const t of r.taskReports) byThread.set(t.threadId, [...(byThread.get(t.threadId) ?? []), t]);
  for (const tasks of byThread.values()) {
    tasks.sort((a, b) => (a.startNs < b.startNs ? -1 : 1));
    for (let i = 1; i < tasks.length; i++) {
      // A shared reading is the end of one task and the start of the next: they overlap by its duration
      // (microseconds; on a loaded machine the thread may lose its core inside it, hence the loose bound).
      const overlapNs = Number(tasks[i - 1]!.endNs - tasks[i]!.startNs);
      assert.ok(overlapNs < 100_000_000, `tasks on one thread overlap by ${overlapNs} ns`);
    }
  }
});

test('an abort in a flood of run() calls rejects its own task only, within a hard bound', async () => {
  const ac = new AbortController();
  const others = Array.from({ length: 20 }, () => run('sleep', { us: 20_000 }));
  const mine = run('sleep', { us: 5_000_000 }, { signal: ac.signal });
  setTimeout(() => ac.abort(new Error('enough')), 50);
  const t0 = Date.now();
  await bounded(assert.rejects(mine, { name: 'AbortError' }), 4000, 'the aborted task');
  assert.ok(Date.now() - t0 < 4000, 'the 5 s sleep was cut short');
  const done = await bounded(Promise.all(others), 10_000, 'the other tasks');
  assert.ok(done.every((r) => r.result === 20_000 && !('cancelled' in r)));
});

test('held and traced tasks keep their own paths: runSync reuses one row, a traced run() has its events', async () => {
  const a = runSync('primes', { n: 1000 });
  const b = runSync('primes', { n: 100 });
  assert.equal(a.result, 168, 'the first report is not overwritten by the second call');
  assert.equal(b.result, 25);
  assert.equal(a.mode, 'held');
  assert.equal(a.queueNs, 0);
  const traced = await run('spin', { cpuUs: 1000 }, { trace: true });
  assert.ok(traced.trace && traced.trace.events.length >= 2, 'the traced task recorded its start and end');
});

test('a worker terminated with dispatched tasks in flight leaves the process and its dispatcher working', async () => {
  // Loader hooks do not reach workers on Node 20: the worker registers tsx itself (as newHostWorker does).
  const url = new URL('./fixtures/dispatch-worker.ts', import.meta.url).href;
  const tsx = import.meta.resolve('tsx/esm/api');
  const code =
    `import(${JSON.stringify(tsx)})` + `.then((api) => { api.register(); return import(${JSON.stringify(url)}); })`;
  const w = new Worker(code, { eval: true });
  await bounded(
    new Promise<void>((resolve, reject) => {
      w.once('message', () => resolve());
      w.once('error', reject);
    }),
    30_000,
    'the worker submitting its tasks',
  );
  await bounded(w.terminate(), 30_000, 'terminating the worker');
  const r = await bounded(run('primes', { n: 1000 }), 10_000, 'a task after the worker ended');
  assert.equal(r.result, 168);
});

test('runHeld and dispatchRun refuse a row without a new request: a repeated call never runs a stale one', () => {
  runSync('noop', {});
  const addon = native() as unknown as Record<'runHeld' | 'dispatchRun', () => unknown>;
  // After a held run the row holds its record, and the run request written before it is spent.
  assert.throws(() => addon.runHeld(), /runHeld: heldRow holds no request/);
  assert.throws(() => addon.dispatchRun(), /dispatchRun: heldRow holds no request/);
  assert.equal(runSync('primes', { n: 100 }).result, 25, 'and the next call runs as usual');
});
