/**
 * Readings built from the whole account: a table of real batches, each with the kind its account
 * must read as and the figures that kind rests on. A live case is asserted only when its own
 * run-queue share shows the machine was quiet; otherwise the test says so and checks the account
 * recorded from a real run on a quiet machine instead (test/fixtures/readings/accounts.json).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, test } from 'node:test';

import { readAccount, shutdownPools, type Account } from '../src/index.js';
import { QUIET_RUN_QUEUE_SHARE, READING_CASES, runQueueShare } from './support/reading-cases.js';

after(() => shutdownPools());

const recorded = JSON.parse(readFileSync(new URL('./fixtures/readings/accounts.json', import.meta.url), 'utf8')) as {
  recordedAt: string;
  loadAverage1m: number;
  cases: Record<string, Account>;
};

for (const c of READING_CASES) {
  test(`${c.name} reads as ${c.kind}`, async (t) => {
    const r = await c.run();
    const rq = runQueueShare(r);
    const live = !c.needsQuiet || rq < QUIET_RUN_QUEUE_SHARE;
    t.diagnostic(`live: ${r.verdict}`);
    if (live) {
      assert.equal(r.reading.kind, c.kind, r.verdict);
      assert.equal(r.verdict, r.reading.sentence);
      c.check(r.reading);
      return;
    }
    t.diagnostic(
      `the machine was busy (this run's tasks waited ${(rq * 100).toFixed(0)}% of their time for a core): ` +
        `checking the account recorded on ${recorded.recordedAt} (load ${recorded.loadAverage1m}) instead`,
    );
    const account = recorded.cases[c.name];
    assert.ok(account, `a recorded account for '${c.name}'`);
    const reading = readAccount(account);
    assert.equal(reading.kind, c.kind, reading.sentence);
    c.check(reading);
  });
}

test('every recorded account reads as its case says (the fallbacks themselves hold)', () => {
  for (const c of READING_CASES) {
    const account = recorded.cases[c.name];
    assert.ok(account, `a recorded account for '${c.name}'`);
    const reading = readAccount(account);
    assert.equal(reading.kind, c.kind, `${c.name}: ${reading.sentence}`);
    c.check(reading);
  }
});

test('a batch is read from its own threads: another thread of the process cannot change its kind', () => {
  const base = recorded.cases['gil spin x2']!;
  const busier = { ...base, processCpuNs: base.processCpuNs + 3 * base.wallNs };
  const a = readAccount(base);
  const b = readAccount(busier);
  assert.equal(b.kind, a.kind);
  assert.deepEqual(b.findings[0], a.findings[0], 'the same primary finding, figures included');
  assert.ok(b.findings.some((f) => f.kind === 'rest-of-process' && f.figures['restCpuPerWall']! >= 2.9));
});

test('precedence: a full pool hides the run queue, a saturated lock hides the waiting', () => {
  const task = { mode: 'released' as const, cpuNs: 40, runQueueNs: 30, lockWaitNs: 0, queueNs: 200, wallNs: 100 };
  const both = readAccount({ wallNs: 1000, cores: 2, processCpuNs: 200, tasks: [task, task], poolSize: 1 });
  assert.equal(both.kind, 'pool-bound');
  assert.ok(both.findings.some((f) => f.kind === 'oversubscribed') === false, 'one primary only');
  const gilTask = { ...task, mode: 'gil' as const, runQueueNs: 0, queueNs: 0, lockWaitNs: 30, cpuNs: 10 };
  const lockAndWait = readAccount({
    wallNs: 100,
    cores: 2,
    processCpuNs: 20,
    tasks: [gilTask, gilTask],
    mode: 'gil',
    poolSize: 4,
    lockHeldFraction: 0.95,
  });
  assert.equal(lockAndWait.kind, 'lock-bound');
});

test('one thread without tasks reads by the seed rules (readCpuPerWall) and a zero wall reads as no reading', () => {
  assert.equal(
    readAccount({ wallNs: 1e9, cores: 2, processCpuNs: 0.75e9 }).sentence,
    'waiting: 0.75 CPU-s per s: 25% of the time blocked',
  );
  assert.equal(readAccount({ wallNs: 1e9, cores: 2, processCpuNs: 1e9 }).kind, 'cpu-bound');
  assert.equal(readAccount({ wallNs: 0, cores: 2, processCpuNs: 0 }).kind, 'no-reading');
});

test('the speed-up: cores busy but the speed-up well below them reads as not CPU-limited', () => {
  const task = { mode: 'released' as const, cpuNs: 95, runQueueNs: 0, lockWaitNs: 0, queueNs: 0, wallNs: 100 };
  const a = { wallNs: 100, cores: 2, processCpuNs: 195, jsThreadCpuNs: 5, tasks: [task, task], poolSize: 4 };
  assert.equal(readAccount({ ...a, speedup: { value: 1.9, tasks: 2 } }).kind, 'cpu-bound');
  const r = readAccount({ ...a, speedup: { value: 1.05, tasks: 2 } });
  assert.equal(r.kind, 'not-cpu-limited');
  assert.equal(r.findings[0]!.figures['speedup'], 1.05);
});

test('readAccount names the bad field of a bad account', () => {
  assert.throws(() => readAccount(null as never), /^TypeError: account must be an object/);
  assert.throws(() => readAccount({ wallNs: -1, cores: 2, processCpuNs: 0 }), /^RangeError: account\.wallNs/);
  assert.throws(() => readAccount({ wallNs: 1, cores: 0, processCpuNs: 0 }), /^RangeError: account\.cores/);
  const bad = { wallNs: 1, cores: 2, processCpuNs: 0, tasks: [{ mode: 'held', cpuNs: 'x' }] };
  assert.throws(() => readAccount(bad as never), /^TypeError: account\.tasks\[0\]\.cpuNs/);
  assert.throws(() => readAccount({ wallNs: 1, cores: 2, processCpuNs: 0, mode: 'fast' } as never), /account\.mode/);
});
