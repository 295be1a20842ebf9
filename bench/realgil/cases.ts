/**
 * What the comparison runs, on both sides alike: the convoy (an I/O thread that sleeps 1 ms, then
 * does 20 us of work needing the lock) beside 0, 1, 2 and 2x cores CPU-bound threads at the plan's
 * switch interval, and beside two CPU-bound threads at each of experiment 4's intervals, where the
 * CPU-bound threads' hand-off rate is counted too (over at least MIN_INTERVALS intervals); and the
 * threads-vs-processes task list, 1..2x cores tasks of the plan's task duration.
 */
import type { BenchPlan } from '../model/results.js';

/** Runs of each case on each side; the compared figure is their median. */
export const REAL_GIL_RUNS = 3;
/** The hand-off rate is counted over at least this many switch intervals. */
export const MIN_INTERVALS = 100;

export interface ConvoyCaseSpec {
  readonly cpuThreads: number;
  readonly intervalUs: number;
  /** How long the case runs (s). */
  readonly seconds: number;
  /** Whether this case's hand-off rate is compared. */
  readonly handoffs: boolean;
}

/** Long enough for a few hundred rounds alone, about a hundred beside CPU-bound threads. */
const CONVOY_SECONDS: Readonly<Record<string, number>> = { alone: 0.2, beside: 0.3 };

/** Every convoy case once: cpu threads x interval, hand-off cases with their 100 intervals. */
export function convoyCases(plan: BenchPlan, cores: number): ConvoyCaseSpec[] {
  const out = new Map<string, ConvoyCaseSpec>();
  const add = (c: ConvoyCaseSpec): void => {
    const k = `${c.cpuThreads}/${c.intervalUs}`;
    const seen = out.get(k);
    if (!seen) out.set(k, c);
    else out.set(k, { ...seen, seconds: Math.max(seen.seconds, c.seconds), handoffs: seen.handoffs || c.handoffs });
  };
  for (const cpu of [...new Set([0, 1, 2, 2 * cores])].sort((a, b) => a - b)) {
    add({
      cpuThreads: cpu,
      intervalUs: plan.switchIntervalUs,
      seconds: cpu === 0 ? CONVOY_SECONDS['alone']! : CONVOY_SECONDS['beside']!,
      handoffs: false,
    });
  }
  for (const us of plan.intervalsUs) {
    add({ cpuThreads: 2, intervalUs: us, seconds: Math.max(0.1, (MIN_INTERVALS * us) / 1e6), handoffs: true });
  }
  return [...out.values()];
}

/** The task counts of the threads-vs-processes experiment. */
export function taskCounts(plan: BenchPlan, cores: number): number[] {
  return [...new Set([1, ...plan.tasks.filter((n) => n <= 2 * cores)])].sort((a, b) => a - b);
}

/** The --cases argument of convoy.py. */
export const casesArg = (cases: readonly ConvoyCaseSpec[]): string =>
  cases.map((c) => `${c.cpuThreads}:${c.intervalUs}:${c.seconds}`).join(',');
