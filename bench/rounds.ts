/**
 * Interleaved rounds: a configuration's `repeat` runs are split over `plan.rounds` rounds of the sweep
 * (round 1 of every configuration, then round 2 of every one, ...), each round after its own warm-up.
 * Rounds of one configuration are minutes apart and see the machine in different states, so the
 * spread of their medians is the noise between runs that `compare` judges a change against; the
 * repeats inside one round share one state of the machine and understate it.
 */
import { median } from 'simple-statistics';

import type { Measured } from './runner.js';
import type { BenchPlan } from './model/results.js';

/**
 * The plan of each round: the repeats split as evenly as they go (the first rounds take one more),
 * the micro-benchmarks' time budget split alike; the same warm-up before each round.
 */
export function roundPlans(plan: BenchPlan): BenchPlan[] {
  const rounds = Math.max(1, Math.min(plan.rounds ?? 1, plan.repeat));
  if (rounds === 1) return [plan];
  const base = Math.floor(plan.repeat / rounds);
  const extra = plan.repeat % rounds;
  return Array.from({ length: rounds }, (_, r) => ({
    ...plan,
    repeat: base + (r < extra ? 1 : 0),
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

/**
 * One configuration's rounds as one Measured: the samples and reports one round after another, each
 * round's median in `rounds` (when there are two or more), the traced run of the last round.
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
    ...(parts[0]!.startup ? { startup: parts[0]!.startup } : {}),
    ...(last.traced ? { traced: last.traced } : {}),
    rounds: parts.map((p) => median([...p.samples])),
  };
}
