// AbortSignal: before start the kernel never runs; while running it stops within about a millisecond.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { batch, run } from '../src/index.js';
import { native } from '../src/addon/loader.js';

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

test('a batch aborted mid-run rejects after every task stopped, and the pool is free again', async () => {
  const ac = new AbortController();
  setTimeout(() => ac.abort(), 20);
  await assert.rejects(batch({ kernel: 'spin', params: { cpuUs: 5_000_000 }, tasks: 4, signal: ac.signal }), {
    name: 'AbortError',
  });
  const r = await run('primes', { n: 1000 });
  assert.equal(r.result, 168);
});
