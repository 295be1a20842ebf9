/**
 * Experiment 3: `mixed` under the GIL, sweeping the share of each task spent waiting. The compute
 * part is serialized by the lock, the waiting part overlaps: Amdahl's law with the serial fraction
 * set by the code itself.
 */
import { lineChart } from '../report/charts.js';
import { pct, round, times } from '../report/format.js';
import type { Cell } from '../model/results.js';
import {
  NEEDS_GIL,
  WALL_COLUMNS,
  batchSpec,
  wallCells,
  withOne,
  type ExpContext,
  type Experiment,
  type Lookup,
} from './common.js';
import { mixedKey as key } from '../model/keys.js';

/** One compute + wait round lasts this long. */
export const PERIOD_US = 2000;

function mixedParams(ctx: ExpContext, fraction: number): { computeUs: number; waitUs: number; repeats: number } {
  const waitUs = Math.round(fraction * PERIOD_US);
  return {
    computeUs: PERIOD_US - waitUs,
    waitUs,
    repeats: Math.max(1, Math.round((ctx.plan.taskMs * 1000) / PERIOD_US)),
  };
}

/** Amdahl: the compute share (1 - f) is serial, the wait share f spreads over n tasks. */
export function amdahlMixed(fraction: number, tasks: number): number {
  return 1 / (1 - fraction + fraction / tasks);
}

/** The lock's own bound: n tasks need n (1 - f) of lock time per task time: n / max(n (1 - f), 1). */
export function lockBoundMixed(fraction: number, tasks: number): number {
  return tasks / Math.max(tasks * (1 - fraction), 1);
}

const COLUMNS = [
  'wait',
  'tasks',
  ...WALL_COLUMNS,
  'speed-up',
  'Amdahl',
  'lock bound',
  'CPU-s/s',
  'lock wait ms',
  'hand-offs',
];

type Row = Record<string, string | number>;

/** The table's rows and the measured speed-ups to draw, for every wait share and task count. */
function measuredRows(ctx: ExpContext, get: Lookup): { rows: Cell[][]; points: Row[] } {
  const rows: Cell[][] = [];
  const points: Row[] = [];
  for (const f of ctx.plan.waitFractions) {
    for (const t of withOne(ctx.plan.tasks)) {
      const r = get(key(f, t));
      rows.push([
        pct(f),
        t,
        ...wallCells(r),
        round(r?.speedup?.value),
        round(amdahlMixed(f, t)),
        round(lockBoundMixed(f, t)),
        round(r?.cpuPerWall),
        round(r?.breakdown ? r.breakdown.lockWaitNs / 1e6 : null),
        r?.lock?.handoffs ?? null,
      ]);
      if (t > 1 && r?.speedup)
        points.push({ tasks: `${t} tasks`, waitPct: Math.round(f * 100), speedup: r.speedup.value });
    }
  }
  return { rows, points };
}

/** Amdahl's curve for each task count above 1, every 5% of waiting. */
function amdahlCurves(tasks: readonly number[]): Row[] {
  const model: Row[] = [];
  for (const t of tasks.filter((x) => x > 1)) {
    for (let p = 0; p <= 90; p += 5) model.push({ curve: `Amdahl ${t}`, waitPct: p, speedup: amdahlMixed(p / 100, t) });
  }
  return model;
}

/** The least and the most waiting at the largest task count, against Amdahl and the lock bound. */
function reading(ctx: ExpContext, get: Lookup): string {
  const top = Math.max(...withOne(ctx.plan.tasks));
  const lo = Math.min(...ctx.plan.waitFractions);
  const hi = Math.max(...ctx.plan.waitFractions);
  const sLo = get(key(lo, top))?.speedup?.value;
  const sHi = get(key(hi, top))?.speedup?.value;
  if (sLo === undefined || sHi === undefined || top <= 1) return 'not enough configurations ran to read a speed-up.';
  return (
    `With ${top} tasks under the GIL: ${pct(lo)} waiting gives ${times(sLo)} ` +
    `(Amdahl ${times(amdahlMixed(lo, top))}), ${pct(hi)} waiting gives ${times(sHi)} ` +
    `(Amdahl ${times(amdahlMixed(hi, top))}, lock bound ${times(lockBoundMixed(hi, top))}): ` +
    'only the waiting share overlaps.' +
    (sHi > amdahlMixed(hi, top) * 1.05
      ? ' Measured beats Amdahl because one task computes while the others wait, ' +
        "which Amdahl's serial part does not allow."
      : '')
  );
}

export const mixedWait: Experiment = {
  id: 3,
  slug: 'mixed-wait',
  title: 'Wait fraction under the GIL (Amdahl in action)',
  question: 'Under one lock, how much speed-up does a growing share of waiting buy?',
  specs(ctx) {
    if (!ctx.plan.modes.includes('gil')) return [];
    return ctx.plan.waitFractions.flatMap((f) =>
      withOne(ctx.plan.tasks).map((tasks) =>
        batchSpec({
          key: key(f, tasks),
          label: `mixed ${pct(f)} wait gil x${tasks}`,
          kernel: 'mixed',
          params: mixedParams(ctx, f),
          mode: 'gil',
          tasks,
          plan: ctx.plan,
        }),
      ),
    );
  },
  analyse(ctx, get) {
    if (!ctx.plan.modes.includes('gil')) return NEEDS_GIL;
    const { rows, points } = measuredRows(ctx, get);
    return {
      table: { columns: COLUMNS, rows },
      reading: reading(ctx, get),
      charts: [
        lineChart({
          file: 'mixed-wait-speedup.svg',
          title: 'mixed under the GIL: speed-up vs wait share (dashed: Amdahl)',
          rows: points,
          x: { field: 'waitPct', title: 'share of each task spent waiting (%)' },
          y: { field: 'speedup', title: 'speed-up (x)' },
          series: 'tasks',
          seriesTitle: 'tasks',
          reference: { rows: amdahlCurves(withOne(ctx.plan.tasks)), series: 'curve', title: 'Amdahl' },
        }),
      ],
    };
  },
};
