/**
 * Interleaved rounds: a configuration's `repeat` runs are split over `plan.rounds` rounds of the sweep
 * (round 1 of every configuration, then round 2 of every one, ...), after one warm-up.
 * Rounds of one configuration are minutes apart and see the machine in different states, so the
 * spread of their medians is the noise between runs that `compare` judges a change against; the
 * repeats inside one round share one state of the machine and understate it.
 */
import { median } from 'simple-statistics';

import type { StartupCost, StartupCostReport } from '../src/index.js';
import type { Measured } from './runner.js';
import type { BenchPlan } from './model/results.js';

/**
 * The plan of each round: the repeats split as evenly as they go (the first rounds take one more),
 * the micro-benchmarks' time budget split alike. The warm-up runs before the first round only, so
 * that rounds cost no more runs than one round does; a later round's first run may meet a colder
 * machine, which its median (and the same on both sides of a comparison) absorbs.
 */
export function roundPlans(plan: BenchPlan): BenchPlan[] {
  const rounds = Math.max(1, Math.min(plan.rounds ?? 1, plan.repeat));
  if (rounds === 1) return [plan];
  const base = Math.floor(plan.repeat / rounds);
  const extra = plan.repeat % rounds;
  return Array.from({ length: rounds }, (_, r) => ({
    ...plan,
    repeat: base + (r < extra ? 1 : 0),
    warmup: r === 0 ? plan.warmup : 0,
    microMaxTimeS: plan.microMaxTimeS / rounds,
  }));
}

/** The median of each numeric extra figure over the rounds (null where no round gave one). */
function mergeExtra(parts: readonly Measured[]): Record<string, number | null> {
  const out: Record<string, number | null> = {};
  for (const key of Object.keys(parts[0]!.extra)) {
    const xs = parts.map((p) => p.extra[key]).filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
    out[key] = xs.length ? median(xs) : null;
  }
  return out;
}

/** Start-up reports of several rounds as one: every sample, medians over them all. */
function mergeStartup(reports: readonly StartupCostReport[]): StartupCostReport {
  const unit = (kind: 'thread' | 'worker' | 'process'): StartupCost => {
    const createNs = reports.flatMap((r) => [...r[kind].createNs]);
    return {
      createNsMedian: median(createNs),
      createNs,
      rssBytesMedian: median(reports.map((r) => r[kind].rssBytesMedian)),
    };
  };
  return {
    samples: reports.reduce((n, r) => n + r.samples, 0),
    thread: unit('thread'),
    worker: unit('worker'),
    process: unit('process'),
  };
}

/**
 * One configuration's rounds as one Measured: the samples and reports one round after another, each
 * round's median in `rounds` (when there are two or more), the traced run of the last round, the
 * start-up reports of all rounds as one.
 */
export function mergeRounds(parts: readonly Measured[]): Measured {
  if (parts.length === 0) throw new RangeError('mergeRounds needs at least one round, received none');
  if (parts.length === 1) return parts[0]!;
  const last = parts[parts.length - 1]!;
  return {
    spec: parts[0]!.spec,
    metric: parts[0]!.metric,
    samples: parts.flatMap((p) => p.samples),
    reports: parts.flatMap((p) => p.reports),
    extra: mergeExtra(parts),
    ...(parts.every((p) => p.startup) ? { startup: mergeStartup(parts.map((p) => p.startup!)) } : {}),
    ...(last.traced ? { traced: last.traced } : {}),
    rounds: parts.map((p) => median([...p.samples])),
  };
}
