// AbortSignal, in every mode: fired before the start, the kernel never runs; fired while tasks run,
// they stop soon after (within about a millisecond natively), the batch rejects with an AbortError
// carrying the reason once every task has stopped, no listener is left behind, and the mode still works.
import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import { after, test } from 'node:test';

import { batch, run, shutdownPools } from '../src/index.js';
import { native } from '../src/addon/loader.js';
import type { Mode } from '../src/types.js';

after(() => shutdownPools());

test('aborted before start: rejects with AbortError and the kernel never runs', async () => {
  const ac = new AbortController();
  ac.abort();
  const before = native().processUsage();
  await assert.rejects(run('spin', { cpuUs: 500_000 }, { signal: ac.signal }), { name: 'AbortError' });
  const after = native().processUsage();
  assert.ok(after.userUs + after.systemUs - before.userUs - before.systemUs < 400_000, 'no 500 ms of CPU was spent');
  await assert.rejects(batch({ kernel: 'spin', params: { cpuUs: 500_000 }, tasks: 2, signal: ac.signal }), {
    name: 'AbortError',
  });
});

for (const mode of ['held', 'released', 'gil', 'native', 'worker', 'process'] as const) {
  test(`an AbortSignal already fired: ${mode} rejects at once and runs nothing`, async () => {
    const ac = new AbortController();
    ac.abort();
    const cpu0 = native().processUsage();
    await assert.rejects(batch({ kernel: 'spin', params: { cpuUs: 500_000 }, mode, tasks: 2, signal: ac.signal }), {
      name: 'AbortError',
    });
    await assert.rejects(run('spin', { cpuUs: 500_000 }, { mode, signal: ac.signal }), { name: 'AbortError' });
    const cpu1 = native().processUsage();
    assert.ok(cpu1.userUs + cpu1.systemUs - cpu0.userUs - cpu0.systemUs < 400_000, 'no 500 ms task ran');
  });
}

for (const mode of ['released', 'gil'] as const) {
  test(`aborted while running (${mode}): rejects with AbortError soon after`, async () => {
    for (const [kernel, params] of [
      ['spin', { cpuUs: 5_000_000 }],
      ['sleep', { us: 5_000_000 }],
      ['primes', { n: 100_000_000 }],
    ] as const) {
      const ac = new AbortController();
      const t0 = process.hrtime.bigint();
      const p = run(kernel, params as never, { signal: ac.signal, mode });
      setTimeout(() => ac.abort(), 30);
      await assert.rejects(p, { name: 'AbortError' }, `${kernel}`);
      const elapsedMs = Number(process.hrtime.bigint() - t0) / 1e6;
      // The task would run for seconds; it stopped close to the abort (generous bound for a busy box).
      assert.ok(elapsedMs < 1_000, `${kernel} stopped after ${elapsedMs} ms`);
    }
  });
}

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

test('a batch aborted mid-run rejects after every task stopped, and the pool is free again', async () => {
  const ac = new AbortController();
  setTimeout(() => ac.abort(), 20);
  await assert.rejects(batch({ kernel: 'spin', params: { cpuUs: 5_000_000 }, tasks: 4, signal: ac.signal }), {
    name: 'AbortError',
  });
  const r = await run('primes', { n: 1000 });
  assert.equal(r.result, 168);
});

for (const mode of ['worker', 'process'] as const) {
  test(`a ${mode} batch of 40 tasks on one signal holds one abort listener, gone when it ends`, async () => {
    const ac = new AbortController();
    const warnings: string[] = [];
    const onWarning = (w: Error): void => void warnings.push(`${w.name}: ${w.message}`);
    process.on('warning', onWarning);
    try {
      const p = batch({ kernel: 'sleep', params: { us: 2000 }, mode, tasks: 40, threads: 2, signal: ac.signal });
      await new Promise((r) => setTimeout(r, 5));
      const listening = getEventListeners(ac.signal, 'abort').length;
      const r = await p;
      assert.equal(r.taskReports.length, 40);
      // The batch's own listener and the pool's one.
      assert.ok(listening <= 2, `${listening} abort listeners while 40 tasks were in flight`);
      assert.equal(getEventListeners(ac.signal, 'abort').length, 0, 'no abort listener left on the signal');
      await new Promise((r) => setImmediate(r)); // warnings are emitted on a later tick
      assert.deepEqual(
        warnings.filter((w) => w.startsWith('MaxListenersExceededWarning')),
        [],
      );
    } finally {
      process.off('warning', onWarning);
    }
  });
}

const ABORT_BOUND_MS = 4_000; // the tasks would run for 5 s

for (const mode of ['released', 'gil', 'native', 'worker', 'process'] as const satisfies readonly Mode[]) {
  test(
    `an AbortSignal firing mid-batch in ${mode} mode: AbortError with the reason, listeners gone, ` +
      'the mode still works',
    async () => {
      const ac = new AbortController();
      const reason = new Error(`stop the ${mode} batch`);
      const hosted = mode === 'worker' || mode === 'process' ? { threads: 1 } : {};
      const t0 = Date.now();
      const p = batch({ kernel: 'spin', params: { cpuUs: 5_000_000 }, mode, tasks: 3, ...hosted, signal: ac.signal });
      setTimeout(() => ac.abort(reason), 100);
      await assert.rejects(p, (err: DOMException & { cause?: unknown }) => {
        assert.equal(err.name, 'AbortError');
        assert.equal(err.cause, reason);
        return true;
      });
      assert.ok(Date.now() - t0 < ABORT_BOUND_MS, `settled ${Date.now() - t0} ms after the start`);
      assert.equal(getEventListeners(ac.signal, 'abort').length, 0, 'no abort listener left on the signal');
      const r = await batch({ kernel: 'primes', params: { n: 1000 }, mode, tasks: 2, ...hosted });
      assert.deepEqual(
        r.taskReports.map((x) => x.result),
        [168, 168],
      );
    },
  );
}

test('AbortSignal.timeout() stops a gil batch whose tasks wait for the lock', async () => {
  const signal = AbortSignal.timeout(100);
  await assert.rejects(
    batch({ kernel: 'spin', params: { cpuUs: 5_000_000 }, mode: 'gil', tasks: 4, switchIntervalUs: 1_000_000, signal }),
    {
      name: 'AbortError',
    },
  );
  assert.equal(native().runSync('primes', [100]).result, 25);
});
