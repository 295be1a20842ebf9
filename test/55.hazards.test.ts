// The four concurrency hazards happen for real, are reported consistently, end within their bounds,
// and leave the addon usable; bad input is refused naming the parameter.
import assert from 'node:assert/strict';
import { availableParallelism } from 'node:os';
import { test } from 'node:test';

import { hazards, reference, run, runHazardSuite, runSync } from '../src/index.js';
import { native } from '../src/addon/loader.js';
import type { RaceStrategy } from '../src/types.js';
import { rejectsNamed, throwsNamed } from './support/assert.js';

const MS = 1_000_000;
/** Scheduling slack allowed past a hard bound (the bound cuts the waits; joining still takes a moment). */
const SLACK_NS = 1000 * MS;

/** The addon still runs kernels, held and on the pool, with the right results. */
async function addonStillWorks(): Promise<void> {
  const expected = reference.primes({ n: 20_000 });
  assert.equal(runSync('primes', { n: 20_000 }).result, expected);
  assert.equal((await run('primes', { n: 20_000 })).result, expected);
}

function elapsedNs(start: bigint): number {
  return Number(process.hrtime.bigint() - start);
}

function jain(xs: readonly number[]): number {
  const sum = xs.reduce((s, x) => s + x, 0);
  const squares = xs.reduce((s, x) => s + x * x, 0);
  return (sum * sum) / (xs.length * squares);
}

test('race: mutex, atomic and sharded totals are exact', async () => {
  for (const strategy of ['mutex', 'atomic', 'sharded'] as RaceStrategy[]) {
    const start = process.hrtime.bigint();
    const r = await hazards.race({ threads: 4, increments: 200_000, strategy });
    const elapsed = elapsedNs(start);
    assert.equal(r.threads, 4, `${strategy}: the addon ran four threads`);
    assert.equal(r.incrementsPerThread, 200_000);
    assert.equal(r.stoppedEarly, false);
    assert.equal(r.expected, 800_000, `${strategy}: every increment performed`);
    assert.equal(r.actual, r.expected, `${strategy}: no update lost`);
    assert.equal(r.lostUpdates, 0);
    assert.ok(r.wallNs > 0 && r.nsPerIncrement > 0);
    assert.ok(r.wallNs <= elapsed, `${strategy}: the threads ran within the call (${r.wallNs} <= ${elapsed} ns)`);
    assert.ok(Math.abs(r.nsPerIncrement - r.wallNs / r.expected) < 1e-6, 'nsPerIncrement is wallNs / expected');
  }
  await addonStillWorks();
});

test('race: racy never exceeds expected, and on 2+ cores loses updates', async (t) => {
  const cores = availableParallelism();
  let lostOnce = false;
  // 10M increments take a few ms per thread: long enough that threads overlap on 2 cores, or that a
  // thread sharing one core is preempted mid-increment.
  for (let attempt = 0; attempt < 20 && !lostOnce; attempt++) {
    const r = await hazards.race({ threads: 2, increments: 10_000_000, strategy: 'racy' });
    assert.equal(r.expected, 20_000_000);
    assert.ok(r.actual <= r.expected, `actual ${r.actual} never above expected ${r.expected}`);
    assert.equal(r.lostUpdates, r.expected - r.actual);
    if (r.lostUpdates > 0) lostOnce = true;
  }
  if (cores < 2) {
    t.diagnostic(`only ${cores} core: lost updates are not guaranteed`);
  } else {
    assert.ok(lostOnce, 'on 2 or more cores, some try lost updates');
  }
  await addonStillWorks();
});

test('race: the time limit stops it early, and the count stays exact', async () => {
  const start = process.hrtime.bigint();
  const r = await hazards.race({ threads: 2, increments: 100_000_000, strategy: 'mutex', timeLimitMs: 20 });
  assert.equal(r.stoppedEarly, true);
  assert.ok(r.expected < 200_000_000);
  assert.equal(r.actual, r.expected, 'whatever was performed was counted');
  assert.ok(r.wallNs < 20 * MS + SLACK_NS, `ended near its 20 ms limit (wallNs ${r.wallNs})`);
  assert.ok(elapsedNs(start) < 20 * MS + SLACK_NS);
});

test('deadlock: opposite order deadlocks every time, is detected, and recovers within its bound', async () => {
  for (let i = 0; i < 5; i++) {
    const start = process.hrtime.bigint();
    const r = await hazards.deadlock({ timeoutMs: 2000, ordering: 'opposite' });
    assert.equal(r.deadlocked, true, 'the rendezvous makes the cycle form every time');
    assert.ok(r.detectedAfterNs !== null && r.detectedAfterNs <= 2000 * MS, 'detected before the bound');
    assert.deepEqual(
      r.cycle.map((e) => [e.thread, e.holds, e.waitsFor]),
      [
        ['T1', ['L1'], 'L2'],
        ['T2', ['L2'], 'L1'],
      ],
      'each holds its first lock and waits for the other',
    );
    assert.ok(r.victim === 'T1' || r.victim === 'T2');
    const victim = r.threads.find((th) => th.thread === r.victim);
    assert.equal(victim?.backedOut, true);
    assert.equal(r.threads.filter((th) => th.backedOut).length, 1, 'exactly one victim');
    assert.ok(
      r.threads.every((th) => th.completed),
      'both finished after the victim backed out',
    );
    assert.equal(r.recovered, true);
    assert.equal(r.timedOut, false);
    assert.ok(r.wallNs < 2000 * MS + SLACK_NS);
    assert.ok(elapsedNs(start) < 2000 * MS + SLACK_NS);
    await addonStillWorks();
  }
});

test('deadlock: global order never deadlocks', async () => {
  for (let i = 0; i < 5; i++) {
    const r = await hazards.deadlock({ timeoutMs: 2000, ordering: 'global' });
    assert.equal(r.deadlocked, false);
    assert.equal(r.detectedAfterNs, null);
    assert.deepEqual(r.cycle, []);
    assert.equal(r.victim, null);
    assert.equal(r.recovered, false, 'nothing to recover from');
    assert.ok(r.threads.every((th) => th.completed && !th.backedOut));
    assert.deepEqual(
      r.threads.map((th) => th.lockOrder),
      [
        ['L1', 'L2'],
        ['L1', 'L2'],
      ],
    );
  }
  await addonStillWorks();
});

test('deadlock: a bound too short to detect in still ends the experiment', async () => {
  const start = process.hrtime.bigint();
  const r = await hazards.deadlock({ timeoutMs: 1, ordering: 'opposite' });
  assert.ok(r.deadlocked || r.timedOut, 'either detected or cut by the bound');
  assert.ok(r.wallNs < 1 * MS + SLACK_NS);
  assert.ok(elapsedNs(start) < 1 * MS + SLACK_NS);
  await addonStillWorks();
});

test('starvation: the ticket lock is fair (Jain >= 0.9); figures add up for both locks', async () => {
  for (const lock of ['unfair', 'fair'] as const) {
    const start = process.hrtime.bigint();
    const r = await hazards.starvation({ threads: 8, durationMs: 150, lock });
    assert.ok(r.wallNs >= 150 * MS, `${lock}: contended for the 150 ms asked (${r.wallNs} ns)`);
    assert.equal(r.acquisitionsPerThread.length, 8);
    const contended = r.acquisitionsPerThread.reduce((s, x) => s + x, 0);
    assert.equal(
      contended + r.uncontendedAcquisitions,
      r.totalAcquisitions,
      'mutual exclusion held: every acquisition counted once',
    );
    assert.ok(contended > 0);
    assert.ok(r.fairnessIndex !== null);
    assert.ok(Math.abs(r.fairnessIndex - jain(r.acquisitionsPerThread)) < 1e-9, "the index is Jain's");
    assert.ok(r.fairnessIndex > 0 && r.fairnessIndex <= 1 + 1e-12);
    assert.equal(r.longestWaitNs, Math.max(...r.perThread.map((p) => p.longestWaitNs)));
    assert.ok(r.wallNs < 150 * MS + SLACK_NS);
    assert.ok(elapsedNs(start) < 150 * MS + SLACK_NS);
    if (lock === 'fair') assert.ok(r.fairnessIndex >= 0.9, `ticket lock fairness ${r.fairnessIndex} >= 0.9`);
    await addonStillWorks();
  }
});

test('livelock: lockstep backoff makes less progress than random backoff', async () => {
  const start = process.hrtime.bigint();
  const lockstep = await hazards.livelock({ durationMs: 150, backoff: 'lockstep' });
  const random = await hazards.livelock({ durationMs: 150, backoff: 'random' });
  for (const r of [lockstep, random]) {
    assert.equal(r.attempts, r.progress + r.backoffs, 'every attempt either got through or backed off');
    assert.equal(r.exclusionViolations, 0, 'never both through at once');
    assert.equal(
      r.threads.reduce((s, th) => s + th.attempts, 0),
      r.attempts,
    );
    assert.ok(r.attempts > 0);
    assert.ok(r.wallNs < 150 * MS + SLACK_NS);
  }
  assert.ok(elapsedNs(start) < 300 * MS + 2 * SLACK_NS);
  assert.ok(
    lockstep.progress < random.progress,
    `lockstep progress ${lockstep.progress} (of ${lockstep.attempts} attempts) < ` +
      `random ${random.progress} (of ${random.attempts})`,
  );
  assert.ok(random.progress > 0, 'with random backoff progress resumes');
  await addonStillWorks();
});

test('runHazardSuite: every hazard next to its remedy', async () => {
  const s = await runHazardSuite({ increments: 20_000, durationMs: 30, timeoutMs: 500 });
  assert.deepEqual(Object.keys(s.race), ['racy', 'mutex', 'atomic', 'sharded']);
  for (const r of Object.values(s.race)) assert.ok(r.actual <= r.expected && r.expected > 0);
  // The remedies never lose an update (racy may).
  for (const remedy of ['mutex', 'atomic', 'sharded'] as const) {
    assert.equal(s.race[remedy].actual, s.race[remedy].expected, `${remedy}: no update lost`);
  }
  assert.equal(s.deadlock.opposite.deadlocked, true);
  assert.equal(s.deadlock.global.deadlocked, false);
  // Both locks were contended for the 30 ms asked (each thread stops at the deadline, then joins);
  // the ticket lock shared them out evenly.
  for (const r of [s.starvation.unfair, s.starvation.fair]) {
    assert.ok(r.wallNs >= 30 * MS && r.wallNs < 30 * MS + SLACK_NS, `${r.lock}: ran ${r.wallNs} ns for 30 ms`);
  }
  const fairness = s.starvation.fair.fairnessIndex;
  assert.ok(fairness !== null && fairness >= 0.9, `ticket lock fairness ${fairness} >= 0.9`);
  // Random backoff gets through where lockstep keeps colliding; neither ever lets both in at once.
  const { lockstep, random } = s.livelock;
  assert.ok(lockstep.progress < random.progress, `lockstep progress ${lockstep.progress} < random ${random.progress}`);
  assert.ok(random.wallNs < 30 * MS + SLACK_NS, `random backoff ended near its 30 ms (${random.wallNs} ns)`);
  assert.equal(lockstep.exclusionViolations + random.exclusionViolations, 0);
  await addonStillWorks();
});

// ---- bad input ---------------------------------------------------------------------------------

/** Every integer option: a wrong type is a TypeError, out of range a RangeError, both naming it. */
async function badIntegers(fn: (o: never) => Promise<unknown>, key: string, min: number, max: number): Promise<void> {
  const name = new RegExp(`options\\.${key} must be an integer in \\[${min}, ${max}\\]`);
  for (const bad of ['1', true, null, 1n, {}]) await rejectsNamed(fn({ [key]: bad } as never), TypeError, name);
  for (const bad of [min - 1, max + 1, 1.5, Number.NaN, Infinity, -Infinity]) {
    await rejectsNamed(fn({ [key]: bad } as never), RangeError, name);
  }
}

async function badChoice(fn: (o: never) => Promise<unknown>, key: string, accepted: string): Promise<void> {
  const name = new RegExp(`options\\.${key} must be one of ${accepted}`);
  await rejectsNamed(fn({ [key]: 'nope' } as never), RangeError, name);
  await rejectsNamed(fn({ [key]: 1 } as never), TypeError, name);
}

test('bad input: every option of every hazard is checked, naming it', async () => {
  await badIntegers(hazards.race, 'threads', 1, 64);
  await badIntegers(hazards.race, 'increments', 1, 100_000_000);
  await badIntegers(hazards.race, 'timeLimitMs', 1, 10_000);
  await badChoice(hazards.race, 'strategy', "'racy', 'mutex', 'atomic', 'sharded'");
  await badIntegers(hazards.deadlock, 'timeoutMs', 1, 10_000);
  await badChoice(hazards.deadlock, 'ordering', "'opposite', 'global'");
  await badIntegers(hazards.starvation, 'threads', 1, 64);
  await badIntegers(hazards.starvation, 'durationMs', 1, 10_000);
  await badChoice(hazards.starvation, 'lock', "'unfair', 'fair'");
  await badIntegers(hazards.livelock, 'durationMs', 1, 10_000);
  await badChoice(hazards.livelock, 'backoff', "'lockstep', 'random'");
  await badIntegers(runHazardSuite, 'threads', 1, 64);
  await badIntegers(runHazardSuite, 'increments', 1, 100_000_000);
  await badIntegers(runHazardSuite, 'durationMs', 1, 10_000);
  await badIntegers(runHazardSuite, 'timeoutMs', 1, 10_000);
  for (const fn of [hazards.race, hazards.deadlock, hazards.starvation, hazards.livelock, runHazardSuite]) {
    await rejectsNamed(fn(null as never), TypeError, /options must be an object/);
    await rejectsNamed(fn([] as never), TypeError, /options must be an object/);
    await rejectsNamed(fn({ durationMS: 5 } as never), TypeError, /options\.durationMS is not a known option/);
  }
  await addonStillWorks();
});

test('bad input reaching the addon directly: TypeError or RangeError naming the parameter', () => {
  const a = native();
  throwsNamed(() => a.hazardRace(0, 1, 'racy', 1), RangeError, /threads must be an integer in \[1, 64\], received 0/);
  throwsNamed(() => a.hazardRace(65, 1, 'racy', 1), RangeError, /threads/);
  throwsNamed(() => a.hazardRace('2' as never, 1, 'racy', 1), TypeError, /threads/);
  throwsNamed(() => a.hazardRace(2, 1e9, 'racy', 1), RangeError, /increments must be an integer in \[1, 100000000\]/);
  throwsNamed(() => a.hazardRace(2, 1.5, 'racy', 1), RangeError, /increments/);
  throwsNamed(
    () => a.hazardRace(2, 1, 'fast', 1),
    RangeError,
    /strategy must be one of 'racy', 'mutex', 'atomic', 'sharded', received 'fast'/,
  );
  throwsNamed(() => a.hazardRace(2, 1, 3 as never, 1), TypeError, /strategy/);
  throwsNamed(() => a.hazardRace(2, 1, 'racy', 0), RangeError, /timeLimitMs/);
  throwsNamed(() => (a.hazardRace as (...args: unknown[]) => unknown)(2, 1, 'racy'), TypeError, /timeLimitMs/);
  throwsNamed(() => a.hazardDeadlock(10_001, 'opposite'), RangeError, /timeoutMs must be an integer in \[1, 10000\]/);
  throwsNamed(() => a.hazardDeadlock(Number.NaN, 'opposite'), RangeError, /timeoutMs/);
  throwsNamed(() => a.hazardDeadlock(10, 'sideways'), RangeError, /ordering/);
  throwsNamed(() => a.hazardDeadlock(10, null as never), TypeError, /ordering/);
  throwsNamed(() => a.hazardStarvation(0, 10, 'fair'), RangeError, /threads/);
  throwsNamed(() => a.hazardStarvation(2, -1, 'fair'), RangeError, /durationMs/);
  throwsNamed(() => a.hazardStarvation(2, 10, 'fifo'), RangeError, /lock/);
  throwsNamed(() => a.hazardLivelock(0, 'random'), RangeError, /durationMs/);
  throwsNamed(() => a.hazardLivelock(10, 'never'), RangeError, /backoff/);
  throwsNamed(() => a.hazardLivelock({} as never, 'random'), TypeError, /durationMs/);
});
