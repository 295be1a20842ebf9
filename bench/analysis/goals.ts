/**
 * The goals gilscope holds itself to, each checked against a baseline measured in the same run. A
 * goal whose figures did not run is reported as not measured (met: null), never guessed.
 */
import type { KernelName } from '../../src/types.js';
import { dispatchKey } from '../experiments/dispatch.js';
import { cpuKey } from '../experiments/cpu-modes.js';
import { fmtDuration, pct, sig, times } from '../report/format.js';
import { ratioOfMediansCi } from './stats.js';
import type { BenchPlan, ConfigResult, ConfigSpec, GoalResult } from '../model/types.js';

/** Kernels checked against their TypeScript reference (the time-based ones have nothing to compare). */
export const REFERENCE_KERNELS: readonly KernelName[] = ['primes', 'mandelbrot', 'hash', 'stream'];

export const referenceKey = (kernel: KernelName, side: 'native' | 'reference'): string => `kernel/${kernel}/${side}`;

/** The extra configurations the goals need beyond the experiments: each kernel native vs TS. */
export function goalSpecs(params: (k: KernelName) => Record<string, number>): ConfigSpec[] {
  return REFERENCE_KERNELS.flatMap((kernel) =>
    (['native', 'reference'] as const).map((side): ConfigSpec => ({
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

function missing(id: string, goal: string, target: string, what: string): GoalResult {
  return { id, goal, target, ratio: null, met: null, detail: `not measured in this run: ${what}` };
}

export function checkGoals(
  plan: BenchPlan,
  cores: number,
  get: (key: string) => ConfigResult | undefined,
): GoalResult[] {
  const med = (key: string): number | undefined => get(key)?.summary.median;
  const goals: GoalResult[] = [];

  {
    const id = 'held-overhead';
    const goal = 'A held call costs at most 1.5x a raw N-API no-op';
    const target = 'ratio <= 1.5';
    const held = med(dispatchKey('napi-noop'));
    const raw = med(dispatchKey('raw-napi'));
    if (held === undefined || raw === undefined)
      goals.push(missing(id, goal, target, 'experiment 6 (dispatch) did not run'));
    else {
      const ratio = held / raw;
      goals.push({
        id,
        goal,
        target,
        ratio,
        met: ratio <= 1.5,
        detail: `held call through node-addon-api ${fmtDuration(held)} vs raw N-API ${fmtDuration(raw)}: ${times(ratio)}`,
      });
    }
  }
  {
    const id = 'released-vs-async-work';
    const goal = 'Released empty tasks reach at least 0.8x the throughput of a bare napi_async_work';
    const target = 'ratio >= 0.8';
    const rel = med(dispatchKey('released'));
    const bare = med(dispatchKey('bare-async-work'));
    if (rel === undefined || bare === undefined)
      goals.push(missing(id, goal, target, "experiment 6 with mode 'released' did not run"));
    else {
      const ratio = bare / rel;
      goals.push({
        id,
        goal,
        target,
        ratio,
        met: ratio >= 0.8,
        detail: `released ${fmtDuration(rel)} per task vs bare napi_async_work ${fmtDuration(bare)}: ${times(ratio)} the throughput`,
      });
    }
  }
  {
    const id = 'released-vs-piscina';
    const goal = "Released empty tasks reach at least 5x piscina's throughput";
    const target = 'ratio >= 5';
    const rel = med(dispatchKey('released'));
    const pis = med(dispatchKey('piscina'));
    if (rel === undefined || pis === undefined)
      goals.push(
        missing(id, goal, target, 'experiment 6 with released and piscina did not run (piscina is a dev dependency)'),
      );
    else {
      const ratio = pis / rel;
      goals.push({
        id,
        goal,
        target,
        ratio,
        met: ratio >= 5,
        detail: `released ${fmtDuration(rel)} per task vs piscina ${fmtDuration(pis)}: ${times(ratio)} the throughput`,
      });
    }
  }
  {
    const id = 'released-vs-native-speedup';
    const kernel = plan.kernels[0]!;
    const goal = `Released speed-up of ${kernel} at tasks = cores is at least 0.95x native mode's`;
    const target = 'ratio >= 0.95';
    const rel = get(cpuKey(kernel, 'released', cores))?.speedup?.value;
    const nat = get(cpuKey(kernel, 'native', cores))?.speedup?.value;
    if (rel === undefined || nat === undefined)
      goals.push(missing(id, goal, target, `experiment 1 with released and native at tasks = ${cores} did not run`));
    else {
      const ratio = rel / nat;
      goals.push({
        id,
        goal,
        target,
        ratio,
        met: ratio >= 0.95,
        detail: `at tasks = ${cores}: released ${times(rel)}, native ${times(nat)}`,
      });
    }
  }
  {
    const id = 'native-vs-reference';
    const goal = 'Each native kernel is at least as fast as its TypeScript reference';
    const target = 'native / TS <= 1 (or not significantly above)';
    const parts: string[] = [];
    let worst: number | null = null;
    let allMet = true;
    let any = false;
    for (const kernel of REFERENCE_KERNELS) {
      const nat = get(referenceKey(kernel, 'native'));
      const ts = get(referenceKey(kernel, 'reference'));
      if (!nat || !ts) continue;
      any = true;
      const { ratio, ci } = ratioOfMediansCi(ts.samples, nat.samples);
      const tie = ci.lo <= 1 && 1 <= ci.hi;
      const met = ratio <= 1 || tie;
      allMet &&= met;
      worst = worst === null ? ratio : Math.max(worst, ratio);
      parts.push(
        `${kernel} ${times(ratio)} [${sig(ci.lo)}–${sig(ci.hi)}]${met ? (ratio > 1 ? ' (within noise)' : '') : ' SLOWER'}`,
      );
    }
    if (!any) goals.push(missing(id, goal, target, 'the kernel-vs-reference runs did not run'));
    else
      goals.push({
        id,
        goal,
        target,
        ratio: worst,
        met: allMet,
        detail: `native time / TS time, 95% CI: ${parts.join(', ')}`,
      });
  }
  {
    const id = 'accounting-overhead';
    const goal = 'Accounting costs at most 1% of a 1 ms task';
    const target = 'share <= 1%';
    const accounted = med(dispatchKey('run-sync'));
    const bare = med(dispatchKey('napi-noop'));
    if (accounted === undefined || bare === undefined)
      goals.push(missing(id, goal, target, 'experiment 6 (dispatch) did not run'));
    else {
      const share = Math.max(0, accounted - bare) / ACCOUNTING_TASK_NS;
      goals.push({
        id,
        goal,
        target,
        ratio: share,
        met: share <= 0.01,
        detail: `runSync('noop') ${fmtDuration(accounted)} vs the same call without accounting ${fmtDuration(bare)}: ${fmtDuration(accounted - bare)} per task = ${pct(share)} of 1 ms (${sig(share * 100)}%)`,
      });
    }
  }
  return goals;
}
