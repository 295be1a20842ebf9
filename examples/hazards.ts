// Runs each concurrency hazard next to its remedy and prints what happened.
// Usage: node --import tsx examples/hazards.ts   (after `npm install`)
import { availableParallelism, loadavg } from 'node:os';

import { hazards } from '../src/index.js';
import type { DeadlockReport } from '../src/types.js';

const n = (x: number): string => x.toLocaleString('en-US');
const ms = (ns: number): string => `${(ns / 1e6).toFixed(2)} ms`;

console.log(`${availableParallelism()} cores, load average ${loadavg()[0]?.toFixed(2)}, Node ${process.version}\n`);

const threads = 2;
const increments = 10_000_000;
console.log(`race: ${threads} threads x ${n(increments)} increments of one counter`);
// racy three times: whether and how much it loses depends on how the threads overlap this time.
for (const strategy of ['racy', 'racy', 'racy', 'mutex', 'atomic', 'sharded'] as const) {
  const r = await hazards.race({ threads, increments, strategy });
  console.log(
    `  ${strategy.padEnd(8)} expected ${n(r.expected)}  actual ${n(r.actual).padStart(10)}` +
      `  lost ${n(r.lostUpdates).padStart(10)}` +
      `  ${r.nsPerIncrement.toFixed(2)} ns/increment  wall ${ms(r.wallNs)}`,
  );
}

function describeDeadlock(r: DeadlockReport): string {
  if (!r.deadlocked) {
    const waits = r.threads.map((t) => `${t.thread} longest wait ${ms(t.longestWaitNs)}`).join(', ');
    return `no deadlock; completed: ${r.threads.every((t) => t.completed)}; ${waits}; wall ${ms(r.wallNs)}`;
  }
  const graph = r.cycle.map((e) => `${e.thread} holds ${e.holds.join('+')}, waits for ${e.waitsFor}`).join('; ');
  return (
    `deadlocked, detected after ${ms(r.detectedAfterNs ?? 0)}: ${graph}; ${r.victim} backed out; ` +
    `recovered: ${r.recovered}; wall ${ms(r.wallNs)}`
  );
}

console.log('\ndeadlock: 2 threads, 2 locks, timeoutMs 1000');
for (const ordering of ['opposite', 'global'] as const) {
  console.log(`  ${ordering.padEnd(8)} ${describeDeadlock(await hazards.deadlock({ timeoutMs: 1000, ordering }))}`);
}

console.log('\nstarvation: 8 threads, 200 ms, each acquisition holds the lock ~20 us');
for (const lock of ['unfair', 'fair'] as const) {
  const r = await hazards.starvation({ threads: 8, durationMs: 200, lock });
  console.log(
    `  ${lock.padEnd(8)} Jain ${r.fairnessIndex?.toFixed(3)}  longest wait ${ms(r.longestWaitNs)}` +
      `  acquisitions per thread [${r.acquisitionsPerThread.join(', ')}]`,
  );
}

console.log('\nlivelock: 2 polite threads, 200 ms, 1 ms retry slots');
for (const backoff of ['lockstep', 'random'] as const) {
  const r = await hazards.livelock({ durationMs: 200, backoff });
  console.log(
    `  ${backoff.padEnd(8)} ${r.attempts} attempts, ${r.progress} got through, ${r.backoffs} backed off` +
      ` (progress per attempt ${(r.progressPerAttempt ?? 0).toFixed(2)})`,
  );
}
