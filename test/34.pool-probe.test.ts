/**
 * The pool census and the pool probe when the pool is busy: the census is bounded and says it is
 * partial; the probe's queue wait rises when long released tasks hold every pool thread, and a
 * sample still queued at the end counts (censored). Latencies are compared with loose bounds only.
 */
import assert from 'node:assert/strict';
import { pbkdf2 } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'node:test';

import { measure, poolSize } from '../src/index.js';

const hash = (iterations: number): Promise<void> =>
  new Promise((resolve, reject) => pbkdf2('x', 'y', iterations, 32, 'sha256', (e) => (e ? reject(e) : resolve())));

const SIZE = poolSize();

test('a busy pool: the census times out in its bound and says it is partial; the probe sees the queue', async () => {
  // Every pool thread busy before this process's first census (crypto.pbkdf2, not batch(): a
  // released batch runs the census itself first).
  const hold = Promise.all(Array.from({ length: SIZE }, () => hash(2_000_000)));
  await sleep(50);
  const t0 = performance.now();
  const m = await measure(() => sleep(300), { censusTimeoutMs: 100 });
  const tookMs = performance.now() - t0;
  await hold;
  assert.equal(m.attribution.pool.complete, false, JSON.stringify(m.attribution.pool));
  assert.ok(m.attribution.pool.known < SIZE);
  assert.ok(tookMs < 300 + 100 + 50 + 5_000, `measure took ${tookMs} ms`); // bounded, loose for a loaded machine
  assert.ok(
    m.reading.findings.some((f) => f.kind === 'pool-partial'),
    m.verdict,
  );
  const d = m.poolQueueDelay!;
  assert.ok(d.samples >= 1 && d.maxNs !== null, JSON.stringify(d));
  assert.equal(d.censored, 1, 'the probe task still queued at the end counts');
  assert.ok(d.maxNs >= 200e6, `the queued probe waited at least most of fn's 300 ms: ${JSON.stringify(d)}`);
});

test('an idle pool: a complete census, and probe samples far below a busy pool wait', async () => {
  const m = await measure(() => sleep(200), { probeIntervalMs: 2 });
  assert.deepEqual(m.attribution.pool, { size: SIZE, known: SIZE, complete: true });
  const d = m.poolQueueDelay!;
  assert.ok(d.samples >= 3, JSON.stringify(d));
  assert.equal(d.intervalMs, 2);
  assert.ok(d.p50Ns! < 100e6, JSON.stringify(d)); // microseconds when quiet; 100 ms is loose for a loaded machine
  assert.ok(d.p50Ns! <= d.p99Ns! && d.p99Ns! <= d.maxNs!);
});

test('poolProbe: false leaves the probe off, and a sync fn still gets its one sample', async () => {
  const off = await measure(() => sleep(20), { poolProbe: false });
  assert.equal(off.poolQueueDelay, null);
  const sync = await measure(() => {
    const t = Date.now();
    while (Date.now() - t < 300);
  });
  assert.ok(sync.poolQueueDelay!.samples >= 1, JSON.stringify(sync.poolQueueDelay));
  assert.equal(sync.poolQueueDelay!.censored, 0, 'the pool was idle: the sample started, only its result waited');
  assert.ok(sync.poolQueueDelay!.maxNs! < 200e6, JSON.stringify(sync.poolQueueDelay));
});
