/**
 * measure() attributes the CPU to every thread of the process by role: exactly (each thread's own
 * CPU clock), consistently with RUSAGE_SELF, with the pool learned by a census and worker threads
 * by the registry. Shares and sums, never speed: loose bounds that hold on a loaded machine.
 */
import assert from 'node:assert/strict';
import { pbkdf2, pbkdf2Sync } from 'node:crypto';
import { join } from 'node:path';
import { test } from 'node:test';
import { Worker } from 'node:worker_threads';

import { addonPath, batch, measure, type MeasureReport, type ObservedRole } from '../src/index.js';
import { attribute } from '../src/measure/threads.js';
import { rejectsNamed } from './support/assert.js';
import { ROOT } from './support/cli.js';
import { spawnCollecting } from './support/spawn.js';

const hash = (iterations: number): Promise<void> =>
  new Promise((resolve, reject) => pbkdf2('x', 'y', iterations, 32, 'sha256', (e) => (e ? reject(e) : resolve())));

function share(m: MeasureReport<unknown>, role: ObservedRole): number {
  const total = m.attribution.threads.reduce((s, t) => s + t.cpuNs, 0);
  const mine = m.attribution.byRole.find((r) => r.role === role)?.cpuNs ?? 0;
  return total > 0 ? mine / total : 0;
}

const show = (m: MeasureReport<unknown>): string => `${m.verdict}\n${JSON.stringify(m.attribution.byRole)}`;

test('crypto.pbkdf2Sync puts at least 90% of its CPU on the js role, and the reading says held', async () => {
  const m = await measure(() => pbkdf2Sync('x', 'y', 200_000, 32, 'sha256'));
  assert.ok(share(m, 'js') >= 0.9, show(m));
  assert.match(m.verdict, /held: the JS thread did \d+% of the CPU/);
  const js = m.attribution.threads.filter((t) => t.role === 'js');
  assert.equal(js.length, 1);
  assert.ok(Math.abs(js[0]!.cpuNs - m.jsThreadCpuNs) <= 0.02 * m.jsThreadCpuNs + 1e6, show(m));
});

test('four concurrent crypto.pbkdf2 put at least 90% of the CPU on pool, and the reading says released', async (t) => {
  // Warm first (the call's JS path compiled, the census taken), and enough work that what stays fixed
  // (measure()'s own JS, V8's own threads: ~95 ms on Node 22 under load) is a small share of it.
  // Without the pool probe: its samples run on the JS thread and the pool (test/34 measures it).
  // The JS thread's share is mostly measure()'s 1 ms loop probe (its CPU grows with the wall time).
  const four = (iterations: number) => () => Promise.all([0, 1, 2, 3].map(() => hash(iterations)));
  for (let i = 0; i < 3; i++) await measure(four(20_000), { poolProbe: false });
  const m = await measure(four(1_600_000), { poolProbe: false });
  assert.ok(m.attribution.pool.complete, JSON.stringify(m.attribution.pool));
  t.diagnostic(`pool share ${(100 * share(m, 'pool')).toFixed(1)}%: ${JSON.stringify(m.attribution.byRole)}`);
  assert.ok(share(m, 'pool') >= 0.9, show(m));
  assert.match(m.verdict, /released: \d+% of the CPU ran on 4 libuv pool threads/);
  assert.match(m.verdict, /the JS thread was busy \d+% of the time/);
});

test('the pool role holds exactly the threads by which /proc/self/task grew when the pool started', async () => {
  const child = spawnCollecting(process.execPath, [join(ROOT, 'test', 'fixtures', 'pool-census.cjs')], {
    env: { ...process.env, UV_THREADPOOL_SIZE: '3' },
    limitMs: 60_000,
  });
  const ran = await child.done;
  assert.equal(ran.code, 0, ran.stderr);
  const out = JSON.parse(ran.stdout.trim().split('\n').pop()!) as { grew: number[]; pool: number[]; roll: unknown };
  assert.equal(out.grew.length, 3, ran.stdout);
  assert.deepEqual([...out.pool].sort(), [...out.grew].sort(), ran.stdout);
  assert.deepEqual(out.roll, { size: 3, known: 3, complete: true });
});

test("a worker_thread's CPU lands on the worker role", async () => {
  const code =
    "const { parentPort } = require('node:worker_threads'); require(process.argv[2] ?? '');" +
    "const t = Date.now(); while (Date.now() - t < 300); parentPort.postMessage('done');" +
    "parentPort.once('message', () => parentPort.close());";
  const w = new Worker(code, { eval: true, argv: [addonPath()] });
  try {
    const m = await measure(() => new Promise((resolve) => w.once('message', resolve)));
    const workers = m.attribution.threads.filter((t) => t.role === 'worker');
    assert.equal(workers.length, 1, show(m));
    assert.ok(workers[0]!.cpuNs >= 100e6, show(m)); // it spun 300 ms of wall time
    assert.ok(share(m, 'worker') >= 0.5, show(m));
  } finally {
    await w.terminate();
  }
});

test('with no thread ending, the per-thread sum is within 2% of an outside process.cpuUsage()', async () => {
  await measure(() => undefined); // the census, once
  const outside0 = process.cpuUsage();
  const m = await measure(async () => {
    const pooled = Promise.all([hash(450_000), hash(450_000)]);
    pbkdf2Sync('x', 'y', 450_000, 32, 'sha256');
    await pooled;
  });
  const outside = process.cpuUsage(outside0);
  const outsideNs = (outside.user + outside.system) * 1000;
  const sumNs = m.attribution.threads.reduce((s, t) => s + t.cpuNs, 0);
  assert.equal(m.attribution.endedThreads, 0);
  assert.ok(Math.abs(sumNs - outsideNs) <= 0.02 * outsideNs, `sum ${sumNs} vs outside ${outsideNs}`);
  const processNs = (m.processUserUs + m.processSystemUs) * 1000;
  // The remainder and the clamp agree with the sum: sum + unaccounted - excess = RUSAGE_SELF.
  assert.ok(
    Math.abs(sumNs + m.attribution.unaccountedCpuNs - m.attribution.excessCpuNs - processNs) < 1e3,
    JSON.stringify(m.attribution),
  );
});

test('a thread that ends inside fn: its CPU is in unaccountedCpuNs (within 2%)', async () => {
  let taskCpuNs = 0;
  const m = await measure(async () => {
    const r = await batch({ kernel: 'spin', params: { cpuUs: 400_000 }, mode: 'native', tasks: 1 });
    taskCpuNs = r.taskReports[0]!.cpuNs;
  });
  assert.ok(taskCpuNs >= 400e6);
  assert.equal(m.attribution.threads.filter((t) => t.role === 'native').length, 0, 'the native thread has ended');
  const got = m.attribution.unaccountedCpuNs;
  assert.ok(Math.abs(got - taskCpuNs) <= 0.02 * taskCpuNs, `unaccounted ${got} vs the ended thread's ${taskCpuNs}`);
});

test('a native thread alive at the end counts on the native role', async () => {
  let done = false;
  const running = batch({ kernel: 'spin', params: { cpuUs: 600_000 }, mode: 'native', tasks: 1 }).then(() => {
    done = true;
  });
  const m = await measure(() => new Promise((resolve) => setTimeout(resolve, 150)));
  await running;
  if (done) return; // it ended first on a very slow machine: nothing to check
  assert.equal(m.attribution.threads.filter((t) => t.role === 'native').length, 1, show(m));
});

test('measure options: a TypeError or RangeError naming the option', async () => {
  const fn = (): number => 1;
  await rejectsNamed(measure(fn, { poolProbe: 1 } as never), TypeError, /options\.poolProbe must be a boolean/);
  await rejectsNamed(measure(fn, { probeIntervalMs: 0 }), RangeError, /options\.probeIntervalMs .*\[1, 10000\].*0/);
  await rejectsNamed(measure(fn, { censusTimeoutMs: 1.5 }), RangeError, /options\.censusTimeoutMs .*\[1, 60000\]/);
  await rejectsNamed(measure(fn, { probeIntervalMs: '5' } as never), TypeError, /options\.probeIntervalMs/);
  await rejectsNamed(measure(fn, { poolprobe: true } as never), TypeError, /options\.poolprobe is not a known option/);
  await rejectsNamed(measure(fn, 5 as never), TypeError, /options must be an object/);
});

test("a released batch's attribution: the pool's CPU beside the tasks' sum, the rest of the process", async () => {
  const r = await batch({ kernel: 'spin', params: { cpuUs: 150_000 }, mode: 'released', tasks: 2 });
  const a = r.attribution!;
  assert.ok(a, 'a batch in this process has an attribution');
  assert.ok(a.pool.complete, JSON.stringify(a.pool));
  const pool = a.byRole.find((x) => x.role === 'pool')!.cpuNs;
  const taskSum = r.taskReports.reduce((s, t) => s + t.cpuNs, 0);
  // The pool threads ran the tasks (and nothing else of note): their CPU holds the tasks' sum.
  assert.ok(pool >= 0.98 * taskSum, `pool ${pool} vs tasks ${taskSum}`);
  for (const t of r.taskReports) assert.equal(a.threads.find((x) => x.tid === t.threadId)?.role, 'pool');
  assert.ok(
    a.byRole.some((x) => x.role === 'other'),
    'the rest of the process is listed apart',
  );
});

test('odd threads: ended, a reused tid, no schedstat, RUSAGE_SELF behind: never negative, never a throw', () => {
  // Fake tids far above any real one: their comm cannot be read (name ''), their role is other.
  const [ended, reused, plain, fresh] = [3_999_001, 3_999_002, 3_999_003, 3_999_004];
  const start = {
    cpuNs: new Map([
      [ended, 5e6],
      [reused, 9e6],
      [plain, 1e6],
    ]),
    runQueueNs: new Map<number, number | null>([
      [ended, 0],
      [reused, 100],
      [plain, null],
    ]),
  };
  const end = {
    cpuNs: new Map([
      [reused, 2e6], // went back: a new thread under an old tid, all of its 2 ms counts
      [plain, 4e6],
      [fresh, 1e6],
    ]),
    runQueueNs: new Map<number, number | null>([
      [reused, 50],
      [plain, 10],
      [fresh, 20],
    ]),
  };
  const a = attribute(start, end, 5e6); // RUSAGE_SELF behind the exact sum (2 + 3 + 1 = 6 ms)
  assert.equal(a.endedThreads, 1);
  assert.deepEqual(
    a.threads.map((t) => [t.tid, t.cpuNs, t.runQueueNs, t.startedInside, t.role, t.name]),
    [
      [plain, 3e6, null, false, 'other', ''],
      [reused, 2e6, 50, true, 'other', ''],
      [fresh, 1e6, 20, true, 'other', ''],
    ],
  );
  assert.deepEqual(a.byRole, [{ role: 'other', threads: 3, cpuNs: 6e6, runQueueNs: null }]);
  assert.equal(a.unaccountedCpuNs, 0);
  assert.equal(a.unaccountedClamped, true);
  assert.equal(a.excessCpuNs, 1e6);
  const b = attribute(start, end, 9e6);
  assert.equal(b.unaccountedCpuNs, 3e6);
  assert.equal(b.unaccountedClamped, false);
});
