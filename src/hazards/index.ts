/**
 * Concurrency hazards made visible: a race condition, deadlock, starvation and livelock, each run
 * on native threads (off the JS thread, on one libuv pool thread that starts its own threads),
 * bounded in time, and returned as a report of what happened.
 */
import { availableParallelism } from 'node:os';

import { HAZARD_TABLE } from '../generated/layout.js';
import { native } from '../addon/loader.js';
import type {
  Backoff,
  DeadlockOptions,
  DeadlockReport,
  HazardLockName,
  HazardSuiteOptions,
  HazardSuiteReport,
  HazardThreadName,
  LivelockOptions,
  LivelockReport,
  LockOrdering,
  RaceOptions,
  RaceReport,
  RaceStrategy,
  StarvationLock,
  StarvationOptions,
  StarvationReport,
  WaitForEdge,
} from '../types.js';
import { expectInteger, expectKnownKeys, expectObject, expectOneOf } from '../validate.js';

// The choices and limits are the addon's own (native/hazards/experiments.h, via layout.ts).
export const raceStrategies: readonly RaceStrategy[] = Object.freeze([...HAZARD_TABLE.raceStrategies]);
export const lockOrderings: readonly LockOrdering[] = Object.freeze([...HAZARD_TABLE.lockOrderings]);
export const starvationLocks: readonly StarvationLock[] = Object.freeze([...HAZARD_TABLE.starvationLocks]);
export const backoffs: readonly Backoff[] = Object.freeze([...HAZARD_TABLE.backoffs]);

/** Accepted ranges, the same as the addon's. */
export const HAZARD_LIMITS = Object.freeze({
  maxThreads: HAZARD_TABLE.maxThreads,
  maxIncrements: HAZARD_TABLE.maxIncrements,
  maxMs: HAZARD_TABLE.maxMs,
});

function defaultRaceThreads(): number {
  return Math.min(HAZARD_LIMITS.maxThreads, Math.max(2, availableParallelism()));
}

/** `options` must be undefined or an object with only `allowed` keys. */
function optionsObject(options: unknown, allowed: readonly string[]): Record<string, unknown> {
  const o = options === undefined ? {} : expectObject(options, 'options');
  expectKnownKeys(o, 'options', allowed);
  return o;
}

function intOption(o: Record<string, unknown>, key: string, min: number, max: number, fallback: number): number {
  return o[key] === undefined ? fallback : expectInteger(o[key], `options.${key}`, min, max);
}

function choiceOption<T extends string>(
  o: Record<string, unknown>,
  key: string,
  accepted: readonly T[],
  fallback: T,
): T {
  return o[key] === undefined ? fallback : expectOneOf(o[key], `options.${key}`, accepted);
}

const threadNames: readonly HazardThreadName[] = ['T1', 'T2'];
const lockNames: readonly HazardLockName[] = ['L1', 'L2'];

function threadName(i: number): HazardThreadName {
  return threadNames[i] ?? 'T1';
}

function lockName(i: number): HazardLockName {
  return lockNames[i] ?? 'L1';
}

/**
 * Each of `threads` threads adds 1 to one shared counter `increments` times, all started together.
 * With `racy` updates can be lost (actual < expected): when the threads overlap on 2 or more cores, or
 * one is preempted mid-increment. The other strategies never lose one.
 */
export async function race(options: RaceOptions = {}): Promise<RaceReport> {
  const o = optionsObject(options, ['threads', 'increments', 'strategy', 'timeLimitMs']);
  const threads = intOption(o, 'threads', 1, HAZARD_LIMITS.maxThreads, defaultRaceThreads());
  const increments = intOption(o, 'increments', 1, HAZARD_LIMITS.maxIncrements, 10_000_000);
  const strategy = choiceOption(o, 'strategy', raceStrategies, 'racy');
  const timeLimitMs = intOption(o, 'timeLimitMs', 1, HAZARD_LIMITS.maxMs, HAZARD_LIMITS.maxMs);
  const r = await native().hazardRace(threads, increments, strategy, timeLimitMs);
  return {
    strategy,
    threads: r.threads,
    incrementsPerThread: r.incrementsPerThread,
    timeLimitMs,
    expected: r.expected,
    actual: r.actual,
    lostUpdates: r.lostUpdates,
    nsPerIncrement: r.nsPerIncrement,
    wallNs: r.wallNs,
    stoppedEarly: r.stoppedEarly,
  };
}

/**
 * Two threads take two locks, in opposite order (the deadlock happens every time) or in one global
 * order (it never can). A deadlock is detected in the wait-for graph; one thread backs out so both
 * finish. Everything ends within `timeoutMs`.
 */
export async function deadlock(options: DeadlockOptions = {}): Promise<DeadlockReport> {
  const o = optionsObject(options, ['timeoutMs', 'ordering']);
  const timeoutMs = intOption(o, 'timeoutMs', 1, HAZARD_LIMITS.maxMs, 1000);
  const ordering = choiceOption(o, 'ordering', lockOrderings, 'opposite');
  const r = await native().hazardDeadlock(timeoutMs, ordering);
  const cycle: WaitForEdge[] = r.cycle.map((e) => ({
    thread: threadName(e.thread),
    holds: lockNames.filter((_, l) => (e.holdsMask & (1 << l)) !== 0),
    waitsFor: e.waitsFor < 0 ? null : lockName(e.waitsFor),
  }));
  const threads = r.threads.map((t, i) => ({
    thread: threadName(i),
    osThreadId: t.osThreadId,
    lockOrder: ordering === 'opposite' && i === 1 ? (['L2', 'L1'] as const) : (['L1', 'L2'] as const),
    completed: t.completed,
    backedOut: t.backedOut,
    longestWaitNs: t.longestWaitNs,
  }));
  return {
    ordering,
    timeoutMs,
    deadlocked: r.deadlocked,
    detectedAfterNs: r.deadlocked ? r.detectedAfterNs : null,
    cycle,
    victim: r.victim < 0 ? null : threadName(r.victim),
    recovered: r.deadlocked && threads.every((t) => t.completed),
    timedOut: r.timedOut,
    threads,
    wallNs: r.wallNs,
  };
}

/**
 * `threads` threads take one lock over and over for `durationMs`, each holding it about 20 us: a
 * plain mutex lets some threads starve, a FIFO ticket lock shares it out evenly (Jain's fairness
 * index near 1).
 */
export async function starvation(options: StarvationOptions = {}): Promise<StarvationReport> {
  const o = optionsObject(options, ['threads', 'durationMs', 'lock']);
  const threads = intOption(o, 'threads', 1, HAZARD_LIMITS.maxThreads, 8);
  const durationMs = intOption(o, 'durationMs', 1, HAZARD_LIMITS.maxMs, 200);
  const lock = choiceOption(o, 'lock', starvationLocks, 'unfair');
  const r = await native().hazardStarvation(threads, durationMs, lock);
  const perThread = r.threads.map((t) => ({
    acquisitions: t.acquisitions,
    longestWaitNs: t.longestWaitNs,
    meanWaitNs: t.acquisitions > 0 ? t.totalWaitNs / t.acquisitions : null,
  }));
  return {
    lock,
    threads,
    durationMs,
    totalAcquisitions: r.guardedCount,
    uncontendedAcquisitions: r.uncontendedAcquisitions,
    acquisitionsPerThread: perThread.map((t) => t.acquisitions),
    perThread,
    longestWaitNs: r.longestWaitNs,
    fairnessIndex: r.fairnessIndex,
    wallNs: r.wallNs,
  };
}

/**
 * Two polite threads step into one corridor on a shared slot clock and step back when they see each
 * other. Retrying in lockstep they keep meeting (attempts, no progress); random backoff lets them through.
 */
export async function livelock(options: LivelockOptions = {}): Promise<LivelockReport> {
  const o = optionsObject(options, ['durationMs', 'backoff']);
  const durationMs = intOption(o, 'durationMs', 1, HAZARD_LIMITS.maxMs, 200);
  const backoff = choiceOption(o, 'backoff', backoffs, 'lockstep');
  const r = await native().hazardLivelock(durationMs, backoff);
  return {
    backoff,
    durationMs,
    attempts: r.attempts,
    progress: r.progress,
    backoffs: r.backoffs,
    progressPerAttempt: r.attempts > 0 ? r.progress / r.attempts : null,
    threads: r.threads.map((t) => ({ attempts: t.attempts, progress: t.progress, backoffs: t.backoffs })),
    exclusionViolations: r.exclusionViolations,
    slotNs: r.slotNs,
    windowNs: r.windowNs,
    wallNs: r.wallNs,
  };
}

/** The four experiments: `hazards.race`, `hazards.deadlock`, `hazards.starvation`, `hazards.livelock`. */
export const hazards = Object.freeze({ race, deadlock, starvation, livelock });

/** The suite's bound on each race run, so that large `threads` x `increments` stay quick. */
export const SUITE_RACE_LIMIT_MS = 2000;

/**
 * Runs every hazard next to its remedy, one after another, with small defaults (about a second in
 * all on 2 cores): the hook for the bench.
 */
export async function runHazardSuite(options: HazardSuiteOptions = {}): Promise<HazardSuiteReport> {
  const o = optionsObject(options, ['threads', 'increments', 'durationMs', 'timeoutMs']);
  const threads =
    o['threads'] === undefined
      ? undefined
      : expectInteger(o['threads'], 'options.threads', 1, HAZARD_LIMITS.maxThreads);
  const increments = intOption(o, 'increments', 1, HAZARD_LIMITS.maxIncrements, 10_000_000);
  const durationMs = intOption(o, 'durationMs', 1, HAZARD_LIMITS.maxMs, 100);
  const timeoutMs = intOption(o, 'timeoutMs', 1, HAZARD_LIMITS.maxMs, 1000);
  const raceThreads = threads ?? 2;
  const starvationThreads = threads ?? 8;
  const raceReports = {} as Record<RaceStrategy, RaceReport>;
  for (const strategy of raceStrategies) {
    raceReports[strategy] = await race({
      threads: raceThreads,
      increments,
      strategy,
      timeLimitMs: SUITE_RACE_LIMIT_MS,
    });
  }
  return {
    race: raceReports,
    deadlock: {
      opposite: await deadlock({ timeoutMs, ordering: 'opposite' }),
      global: await deadlock({ timeoutMs, ordering: 'global' }),
    },
    starvation: {
      unfair: await starvation({ threads: starvationThreads, durationMs, lock: 'unfair' }),
      fair: await starvation({ threads: starvationThreads, durationMs, lock: 'fair' }),
    },
    livelock: {
      lockstep: await livelock({ durationMs, backoff: 'lockstep' }),
      random: await livelock({ durationMs, backoff: 'random' }),
    },
  };
}
