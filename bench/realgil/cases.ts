/**
 * What the comparison runs, on both sides alike: the convoy (an I/O thread that sleeps 1 ms, then
 * does 20 us of work needing the lock) beside 0, 1, 2 and 2x cores CPU-bound threads at the plan's
 * switch interval, and beside two CPU-bound threads at each of experiment 4's intervals; the
 * hand-off rate of two CPU-bound threads alone (no I/O thread, no probe) at each of those
 * intervals, over at least MIN_INTERVALS intervals; and the threads-vs-processes task list, 1..2x
 * cores tasks of the plan's task duration.
 */
import type { BenchPlan } from '../model/results.js';

/**
 * Runs of each case on each side; the compared figure is their median. The threads-vs-processes
 * task list runs in rounds (each round runs 1..N tasks one after another): a speed-up is taken
 * within a round, and the median is over rounds, since a 20 ms task's wall time drifts by up to
 * 25% between rounds on a shared VM.
 */
export const REAL_GIL_RUNS = 3;
/** The hand-off rate is counted over at least this many switch intervals. */
export const MIN_INTERVALS = 100;

export interface ConvoyCaseSpec {
  readonly cpuThreads: number;
  readonly intervalUs: number;
  /** How long the case runs (s). */
  readonly seconds: number;
  /** Whether the I/O thread (gilscope: the convoy probe) runs beside the CPU-bound threads. */
  readonly io: boolean;
  /** Whether this case's hand-off rate is compared (only without the I/O thread). */
  readonly handoffs: boolean;
}

/**
 * Long enough for over a hundred rounds alone, about fifty beside CPU-bound threads at 5 ms, and a
 * shorter look at the other intervals (the quick preset's budget for the section is 30 s).
 */
const CONVOY_SECONDS = { alone: 0.15, beside: 0.25, otherInterval: 0.15 } as const;

/** The key of a case: CPU-bound threads, interval, whether the I/O thread runs. */
export const caseKey = (cpu: number, us: number, io: boolean): string => `${cpu}/${us}/${io ? 'io' : 'cpu'}`;

/** Every case once: the convoy beside 0..2x cores CPU threads and at each interval, the hand-off rates. */
export function convoyCases(plan: BenchPlan, cores: number): ConvoyCaseSpec[] {
  const out = new Map<string, ConvoyCaseSpec>();
  const add = (c: ConvoyCaseSpec): void => {
    const k = caseKey(c.cpuThreads, c.intervalUs, c.io);
    const seen = out.get(k);
    out.set(k, seen ? { ...seen, seconds: Math.max(seen.seconds, c.seconds) } : c);
  };
  const convoy = { io: true, handoffs: false };
  for (const cpu of [...new Set([0, 1, 2, 2 * cores])].sort((a, b) => a - b)) {
    const seconds = cpu === 0 ? CONVOY_SECONDS.alone : CONVOY_SECONDS.beside;
    add({ cpuThreads: cpu, intervalUs: plan.switchIntervalUs, seconds, ...convoy });
  }
  for (const us of plan.intervalsUs) {
    add({ cpuThreads: 2, intervalUs: us, seconds: CONVOY_SECONDS.otherInterval, ...convoy });
  }
  for (const us of plan.intervalsUs) {
    const seconds = Math.max(0.1, (MIN_INTERVALS * us) / 1e6);
    add({ cpuThreads: 2, intervalUs: us, seconds, io: false, handoffs: true });
  }
  return [...out.values()];
}

/** The task counts of the threads-vs-processes experiment. */
export function taskCounts(plan: BenchPlan, cores: number): number[] {
  return [...new Set([1, ...plan.tasks.filter((n) => n <= 2 * cores)])].sort((a, b) => a - b);
}

/** The --cases argument of convoy.py. */
export const casesArg = (cases: readonly ConvoyCaseSpec[]): string =>
  cases.map((c) => `${c.cpuThreads}:${c.intervalUs}:${c.seconds}:${c.io ? 1 : 0}`).join(',');
