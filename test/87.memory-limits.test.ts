// Host pools bounded by memory: a worker or process batch whose hosts would not fit in the memory
// available is refused with a RangeError at once, naming the option that sized it, the estimate
// (measured from a first host) and what is available, and starts no host; a batch that fits runs.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';

import { batch, shutdownPools } from '../src/index.js';
import { availableMemory, MEMORY_BUDGET_FRACTION, pssBytes } from '../src/modes/memory-budget.js';
import { MAX_TASKS } from '../src/modes/options.js';
import { childPids } from './support/proc.js';

after(() => shutdownPools());

/** Tasks that need twice the budget at `bytesEach` a host (capped by what batch accepts). */
function tooMany(bytesEach: number): number {
  const budget = availableMemory().bytes * MEMORY_BUDGET_FRACTION;
  return Math.min(MAX_TASKS, Math.ceil((2 * budget) / bytesEach));
}

test('process mode, more tasks than memory holds hosts, no threads: RangeError at once, no host started', async (t) => {
  await batch({ kernel: 'noop', params: {}, mode: 'process', tasks: 1 }); // the first host, measured
  const hosts = childPids('process-host');
  assert.equal(hosts.length, 1, `one host (found ${hosts.join(', ')})`);
  const bytesEach = pssBytes(hosts[0]!);
  assert.ok(bytesEach !== undefined && bytesEach > 2 ** 20, `a host's PSS is read (${bytesEach})`);
  const tasks = tooMany(bytesEach);
  t.diagnostic(`host PSS ${(bytesEach / 2 ** 20).toFixed(1)} MiB, ${tasks} tasks`);
  const t0 = Date.now();
  const err = await batch({ kernel: 'noop', params: {}, mode: 'process', tasks }).then(
    () => assert.fail('the batch ran'),
    (e: unknown) => e,
  );
  const elapsedMs = Date.now() - t0;
  assert.ok(err instanceof RangeError, String(err));
  assert.match(err.message, new RegExp(`^options\\.tasks: ${tasks} process hosts \\(one per task`));
  assert.match(
    err.message,
    /would need an estimated \d+\.\d GiB \(\d+ to start at \d+\.\d MiB each, the PSS of a first host\)/,
  );
  assert.match(err.message, /of the \d+\.\d GiB available \((MemAvailable|the room left under this process's cgroup)/);
  assert.match(
    err.message,
    /nothing was started; pass options\.threads to run the tasks on fewer hosts \(about \d+ fit now\)/,
  );
  // "At once": no host was started, so the refusal takes no start-up time (a loose bound).
  assert.ok(elapsedMs < 5000, `refused after ${elapsedMs} ms`);
  assert.deepEqual(childPids('process-host'), hosts, 'no host was started');
  // The same tasks on few hosts run.
  const ok = await batch({ kernel: 'noop', params: {}, mode: 'process', tasks: 200, threads: 2 });
  assert.equal(ok.taskReports.length, 200);
});

test('process mode with too large options.threads: the RangeError names options.threads', async (t) => {
  await batch({ kernel: 'noop', params: {}, mode: 'process', tasks: 1 });
  const bytesEach = pssBytes(childPids('process-host')[0]!)!;
  const threads = Math.min(1024, tooMany(bytesEach));
  if (threads === 1024 && 1024 * bytesEach <= availableMemory().bytes * MEMORY_BUDGET_FRACTION) {
    t.skip('1024 hosts (the most options.threads accepts) fit in memory here');
    return;
  }
  await assert.rejects(
    batch({ kernel: 'noop', params: {}, mode: 'process', tasks: threads, threads }),
    (e: unknown) =>
      e instanceof RangeError &&
      new RegExp(`^options\\.threads: ${threads} process hosts would need`).test(e.message) &&
      /pass a smaller options\.threads/.test(e.message),
  );
});

test('worker mode, more tasks than memory holds workers: RangeError before the workers start', async () => {
  const small = await batch({ kernel: 'noop', params: {}, mode: 'worker', tasks: 2 });
  assert.equal(small.taskReports.length, 2);
  const t0 = Date.now();
  await assert.rejects(
    batch({ kernel: 'noop', params: {}, mode: 'worker', tasks: MAX_TASKS }),
    (e: unknown) =>
      e instanceof RangeError &&
      /^options\.tasks: 100000 worker hosts \(one per task/.test(e.message) &&
      /MiB each, the PSS of a first host/.test(e.message),
  );
  assert.ok(Date.now() - t0 < 5000, 'refused at once');
});

test('buffers and hosts are one check: a buffer batch that alone is too large is refused by its bytes', async () => {
  await assert.rejects(
    batch({
      kernel: 'stream',
      params: { bytes: 256 * 2 ** 20, passes: 1 },
      mode: 'process',
      tasks: 1024,
      threads: 1024,
    }),
    (e: unknown) =>
      e instanceof RangeError && /^options\.tasks: 1024 stream tasks at once with params\.bytes/.test(e.message),
  );
});
