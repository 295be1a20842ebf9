/**
 * The goals gilscope holds itself to, each checked against a baseline measured in the same run: a
 * table with one entry per goal (its text, its target, how it is measured and how it is judged). A
 * goal whose figures did not run is reported as not measured (met: null) with the reason, never
 * guessed.
 */
import type { KernelName } from '../../src/index.js';
import {
  cpuKey,
  dispatchKey,
  referenceKey,
  type DispatchRunner,
  type Lookup,
  type WhyUnavailable,
} from '../model/keys.js';
import { fmtDuration, pct, sig, times } from '../report/format.js';
import { ratioOfMediansCi } from './stats.js';
import type { BenchPlan, ConfigSpec, GoalResult, KernelSpec } from '../model/results.js';

/** Kernels checked against their TypeScript reference (the time-based ones have nothing to compare). */
export const REFERENCE_KERNELS: readonly KernelName[] = ['primes', 'mandelbrot', 'hash', 'stream'];

/** The extra configurations the goals need beyond the experiments: each kernel native vs TS. */
export function goalSpecs(params: (k: KernelName) => Record<string, number>): ConfigSpec[] {
  return REFERENCE_KERNELS.flatMap((kernel) =>
    (['native', 'reference'] as const).map((side): KernelSpec => ({
      key: referenceKey(kernel, side),
      label: `${kernel} ${side === 'native' ? 'native (held)' : 'TypeScript reference'}`,
      kind: 'kernel',
      kernel,
      params: params(kernel),
      mode: side === 'native' ? 'native-held' : 'ts-reference',
      tasks: 1,
      threads: null,
      switchIntervalUs: null,
      forcedSwitching: null,
    })),
  );
}

/** A task of this long is the yardstick of the accounting-overhead goal. */
export const ACCOUNTING_TASK_NS = 1_000_000;

/** What the goals read: the run's plan and results. */
export interface GoalInputs {
  readonly plan: BenchPlan;
  readonly cores: number;
  readonly get: Lookup;
  readonly unavailable: WhyUnavailable;
}

/** A goal's figure from this run, and how it came about. */
export interface Measurement {
  readonly ratio: number;
  readonly detail: string;
  /** Where a goal holds part by part (each kernel), whether each part does. */
  readonly parts?: readonly boolean[];
}

export interface Goal {
  readonly id: string;
  readonly goal: (inputs: GoalInputs) => string;
  readonly target: string;
  /** The figure, or why it could not be measured in this run. */
  readonly measure: (inputs: GoalInputs) => Measurement | { readonly missing: string };
  readonly judge: (m: Measurement) => boolean;
  /** How the figure reads in the report's "measured" column. @default 'times' (e.g. "1.2x") */
  readonly shownAs?: GoalResult['shownAs'];
}

/** The medians of these dispatch runners, or why one of them has none. */
function medians<const R extends readonly DispatchRunner[]>(
  { get, unavailable }: GoalInputs,
  runners: R,
  missing: string,
): { -readonly [K in keyof R]: number } | { missing: string } {
  const out: number[] = [];
  for (const runner of runners) {
    const m = get(dispatchKey(runner))?.summary.median;
    if (m === undefined) return { missing: unavailable(dispatchKey(runner)) ?? missing };
    out.push(m);
  }
  return out as { -readonly [K in keyof R]: number };
}

/** Each kernel's native time over its TypeScript reference's, tied where the 95% CI holds 1. */
function nativeVsReference({ get }: GoalInputs): Measurement | { missing: string } {
  const parts: string[] = [];
  const met: boolean[] = [];
  let worst = -Infinity;
  for (const kernel of REFERENCE_KERNELS) {
    const nat = get(referenceKey(kernel, 'native'));
    const ts = get(referenceKey(kernel, 'reference'));
    if (!nat || !ts) continue;
    const { ratio, ci } = ratioOfMediansCi(ts.samples, nat.samples);
    const ok = ratio <= 1 || (ci.lo <= 1 && 1 <= ci.hi);
    met.push(ok);
    worst = Math.max(worst, ratio);
    const verdict = ok ? (ratio > 1 ? ' (within noise)' : '') : ' SLOWER';
    parts.push(`${kernel} ${times(ratio)} [${sig(ci.lo)}–${sig(ci.hi)}]${verdict}`);
  }
  if (met.length === 0) return { missing: 'the kernel-vs-reference runs did not run' };
  return { ratio: worst, detail: `native time / TS time, 95% CI: ${parts.join(', ')}`, parts: met };
}

/** Why each raw reading is needed: what of a TaskReport it gives. */
export const READINGS_WHY: readonly (readonly [string, string])[] = [
  ['monotonicNs', 'CLOCK_MONOTONIC: startNs, endNs, wallNs (two per reading, so that the wall contains the CPU)'],
  ['threadCpuNs', 'thread CPU clock: cpuNs (and it brings getrusage up to date)'],
  ['rusageNs', 'getrusage(RUSAGE_THREAD): userUs, systemUs, voluntary and involuntary switches'],
  ['schedstatNs', '/proc/thread-self/schedstat: runQueueNs (time runnable but waiting for a core)'],
];

/** A goal comparing two runners' ns per task: ratio = over(a, b), met when judge(ratio). */
function pair(
  id: string,
  goal: string,
  target: string,
  runners: readonly [DispatchRunner, DispatchRunner],
  missing: string,
  describe: (a: number, b: number) => { ratio: number; detail: string },
  judge: (ratio: number) => boolean,
): Goal {
  return {
    id,
    goal: () => goal,
    target,
    measure: (inputs) => {
      const m = medians(inputs, runners, missing);
      if ('missing' in m) return m;
      return describe(m[0], m[1]);
    },
    judge: (m) => judge(m.ratio),
  };
}

const throughput = (what: string, a: number, base: string, b: number) => ({
  ratio: b / a,
  detail: `${what} ${fmtDuration(a)} per task vs ${base} ${fmtDuration(b)}: ${times(b / a)} the throughput`,
});

/**
 * runSync('noop') against the raw readings it makes, with each reading's part. runSync is the one
 * timed in the same loops as the readings, interleaved with them (pairedRunSyncNs), where the run
 * has it; else benchmark.js's run-sync row.
 */
function heldVsReadings(inputs: GoalInputs): Measurement | { missing: string } {
  const m = medians(inputs, ['run-sync', 'raw-readings'], 'experiment 6 (dispatch) did not run');
  if ('missing' in m) return m;
  const extra = inputs.get(dispatchKey('raw-readings'))?.extra ?? {};
  const raw = m[1];
  const held = extra['pairedRunSyncNs'] ?? m[0];
  const parts = READINGS_WHY.map(([k, why]) => `${fmtDuration(extra[k] ?? Number.NaN)} ${why}`);
  const sum = extra['partsSumNs'];
  const againstSum =
    sum === undefined || sum === null
      ? ''
      : `; against the sum of each call timed alone in a loop of its own, ${fmtDuration(sum)}: ${times(held / sum)}`;
  return {
    ratio: held / raw,
    detail:
      `runSync('noop') ${fmtDuration(held)}` +
      (extra['pairedRunSyncNs'] !== undefined && extra['pairedRunSyncNs'] !== null ? ' (timed beside them)' : '') +
      ` vs its raw readings ${fmtDuration(raw)} (two whole readings timed natively, their calls in a task's ` +
      `order; each call: ${parts.join('; ')}): ${times(held / raw)}${againstSum}`,
  };
}

/**
 * The run() flood against the bare floods run right before each of its samples (pairedBareNs: the
 * same load for both), or the bare-async-work row where the run has no paired figure.
 */
function runFloodVsBare(inputs: GoalInputs): Measurement | { missing: string } {
  const m = medians(inputs, ['run-released', 'bare-async-work'], "experiment 6 with mode 'released' did not run");
  if ('missing' in m) return m;
  const paired = inputs.get(dispatchKey('run-released'))?.extra['pairedBareNs'];
  const bare = paired ?? m[1];
  const base =
    paired !== undefined && paired !== null
      ? 'the bare napi_async_work floods run beside it'
      : 'bare napi_async_work flood';
  return throughput('run() flood', m[0], base, bare);
}

export const GOALS: readonly Goal[] = [
  {
    id: 'run-flood-vs-async-work',
    goal: () =>
      "A flood of single run('noop', {}, { mode: 'released' }) calls reaches at least 1.0x the throughput " +
      'of a flood of bare napi_async_works',
    target: 'ratio >= 1.0',
    measure: runFloodVsBare,
    judge: (m) => m.ratio >= 1.0,
  },
  pair(
    'batch-vs-async-work',
    "batch({ mode: 'released', kernel: 'noop', tasks: 10000 }) reaches at least 1.5x the bare napi_async_work flood",
    'ratio >= 1.5',
    ['batch-10000', 'bare-async-work'],
    "experiment 6 with mode 'released' did not run",
    (a, b) => throughput('batch of 10000', a, 'bare napi_async_work flood', b),
    (r) => r >= 1.5,
  ),
  {
    id: 'held-vs-readings',
    goal: () => "runSync('noop') costs at most 1.2x the raw readings it must make",
    target: 'ratio <= 1.2',
    measure: heldVsReadings,
    judge: (m) => m.ratio <= 1.2,
  },
  pair(
    'gil-vs-released',
    'An empty gil task costs at most 1.5x a released one',
    'ratio <= 1.5',
    ['gil', 'released'],
    "experiment 6 with modes 'gil' and 'released' did not run",
    (g, r) => ({
      ratio: g / r,
      detail: `gil ${fmtDuration(g)} per task vs released ${fmtDuration(r)}: ${times(g / r)}`,
    }),
    (r) => r <= 1.5,
  ),
  pair(
    'released-vs-piscina',
    "Released empty tasks reach at least 8x piscina's throughput",
    'ratio >= 8',
    ['released', 'piscina'],
    'experiment 6 with released and piscina did not run (piscina is a dev dependency)',
    (a, b) => throughput('released', a, 'piscina', b),
    (r) => r >= 8,
  ),
  {
    id: 'released-vs-native-speedup',
    goal: ({ plan }) => `Released speed-up of ${plan.kernels[0]!} at tasks = cores is at least 0.95x native mode's`,
    target: 'ratio >= 0.95',
    measure: ({ plan, cores, get }) => {
      const kernel = plan.kernels[0]!;
      const rel = get(cpuKey(kernel, 'released', cores))?.speedup?.value;
      const nat = get(cpuKey(kernel, 'native', cores))?.speedup?.value;
      if (rel === undefined || nat === undefined)
        return { missing: `experiment 1 with released and native at tasks = ${cores} did not run` };
      return { ratio: rel / nat, detail: `at tasks = ${cores}: released ${times(rel)}, native ${times(nat)}` };
    },
    judge: (m) => m.ratio >= 0.95,
  },
  {
    id: 'native-vs-reference',
    goal: () => 'Each native kernel is at least as fast as its TypeScript reference',
    target: 'native / TS <= 1 (or not significantly above)',
    measure: nativeVsReference,
    judge: (m) => (m.parts ?? []).every(Boolean),
  },
  {
    id: 'accounting-overhead',
    goal: () => 'Accounting costs at most 1% of a 1 ms task',
    target: 'share <= 1%',
    measure: (inputs) => {
      const m = medians(inputs, ['run-sync', 'napi-noop'], 'experiment 6 (dispatch) did not run');
      if ('missing' in m) return m;
      const [accounted, bare] = m;
      const share = Math.max(0, accounted - bare) / ACCOUNTING_TASK_NS;
      return {
        ratio: share,
        detail:
          `runSync('noop') ${fmtDuration(accounted)} vs the same call without accounting ${fmtDuration(bare)}: ` +
          `${fmtDuration(accounted - bare)} per task = ${pct(share, 'sig')} of 1 ms`,
      };
    },
    judge: (m) => m.ratio <= 0.01,
    shownAs: 'percent',
  },
];

/** Every goal of GOALS, measured and judged on this run's results. */
export function checkGoals(inputs: GoalInputs): GoalResult[] {
  return GOALS.map((g): GoalResult => {
    const base = { id: g.id, goal: g.goal(inputs), target: g.target, shownAs: g.shownAs ?? 'times' };
    const m = g.measure(inputs);
    if ('missing' in m) return { ...base, ratio: null, met: null, detail: `not measured in this run: ${m.missing}` };
    return { ...base, ratio: m.ratio, met: g.judge(m), detail: m.detail };
  });
}
