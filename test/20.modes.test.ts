// Held tasks stop the event loop and never overlap; released tasks run beside JS and each other.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { batch, run, runSync } from '../src/index.js';
import { native } from '../src/addon/loader.js';
import type { TaskReport } from '../src/types.js';
import { isThreadOf } from './support/proc.js';

function overlaps(a: TaskReport, b: TaskReport): boolean {
  return a.startNs < b.endNs && b.startNs < a.endNs;
}

test('held tasks of a batch never overlap and all run on the JS thread', async () => {
  const jsTid = native().threadUsage().threadId;
  const r = await batch({ kernel: 'spin', params: { cpuUs: 20_000 }, mode: 'held', tasks: 3 });
  assert.equal(r.taskReports.length, 3);
  for (const t of r.taskReports) assert.equal(t.threadId, jsTid);
  for (let i = 1; i < r.taskReports.length; i++) {
    assert.ok(r.taskReports[i - 1]!.endNs <= r.taskReports[i]!.startNs, 'tasks run one after another');
  }
});

test('a timer due during a held call fires only after the call returns', async () => {
  let firedAt: bigint | undefined;
  const timerDone = new Promise<void>((resolve) =>
    setTimeout(() => {
      firedAt = process.hrtime.bigint();
      resolve();
    }, 1),
  );
  const report = runSync('spin', { cpuUs: 50_000 });
  assert.equal(firedAt, undefined, 'the timer cannot fire while the JS thread is held');
  await timerDone;
  assert.ok(firedAt! >= report.endNs, 'the timer fired after the held call ended');
});

test('released tasks overlap each other when tasks >= 2', async () => {
  const r = await batch({ kernel: 'sleep', params: { us: 100_000 }, mode: 'released', tasks: 2 });
  const [a, b] = r.taskReports;
  assert.ok(overlaps(a!, b!), 'two released sleep tasks overlap in time');
  assert.notEqual(a!.threadId, b!.threadId, 'they run on two pool threads');
  const jsTid = native().threadUsage().threadId;
  assert.ok(
    r.taskReports.every((t) => t.threadId !== jsTid),
    'none runs on the JS thread',
  );
});

test('a timer fires while released tasks run', async () => {
  const ticks: bigint[] = [];
  const interval = setInterval(() => ticks.push(process.hrtime.bigint()), 5);
  const reports = await Promise.all([run('spin', { cpuUs: 100_000 }), run('spin', { cpuUs: 100_000 })]);
  clearInterval(interval);
  const start = reports.reduce((m, t) => (t.startNs > m ? t.startNs : m), 0n);
  const end = reports.reduce((m, t) => (t.endNs < m ? t.endNs : m), reports[0]!.endNs);
  assert.ok(
    ticks.some((t) => t > start && t < end),
    'at least one timer callback ran while both tasks were running',
  );
});

test('run() with mode held resolves with a held report', async () => {
  const r = await run('primes', { n: 1000 }, { mode: 'held' });
  assert.equal(r.threadId, native().threadUsage().threadId, 'it ran on the JS thread');
  assert.equal(r.result, 168);
  assert.equal(r.queueNs, 0);
});

test('released reports carry queue time and a pool thread id', async () => {
  const jsTid = native().threadUsage().threadId;
  const before = process.hrtime.bigint();
  const r = await run('noop', {});
  const after = process.hrtime.bigint();
  assert.equal(r.mode, 'released', 'the default mode');
  assert.equal(r.pid, process.pid);
  assert.notEqual(r.threadId, jsTid, 'it ran off the JS thread');
  // libuv keeps its pool threads: the one that ran the task is still a thread of this process.
  assert.ok(isThreadOf(process.pid, r.threadId), `thread ${r.threadId} is a thread of this process`);
  // queueNs is submitted-to-started: the submission it implies lies between the call and the start.
  const submittedNs = r.startNs - BigInt(r.queueNs);
  assert.ok(
    before <= submittedNs && submittedNs <= r.startNs && r.endNs <= after,
    `submitted ${submittedNs - before} ns after the call, started ${r.queueNs} ns later, ` +
      `ended ${after - r.endNs} ns before run() resolved`,
  );
});
