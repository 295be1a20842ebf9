/** Experiment 1: a CPU-bound kernel in every mode across task counts, with the scaling-law fits. */
import type { KernelName, Mode } from '../../src/types.js';
import { barChart, lineChart, type ChartSpec } from '../report/charts.js';
import { fitAmdahl, fitUsl, predict, type ScalingPoint } from '../analysis/fits.js';
import { round, times } from '../report/format.js';
import type { Cell, ConfigResult, FitResult } from '../model/types.js';
import {
  BREAKDOWN_COLUMNS,
  PARTS,
  WALL_COLUMNS,
  batchSpec,
  breakdownCells,
  breakdownRows,
  listing,
  wallCells,
  withOne,
  type ExpContext,
  type Experiment,
} from './common.js';

export function cpuKey(kernel: KernelName, mode: Mode, tasks: number): string {
  return `cpu/${kernel}/${mode}/t${tasks}`;
}

export function cpuSpec(ctx: ExpContext, kernel: KernelName, mode: Mode, tasks: number) {
  return batchSpec({
    key: cpuKey(kernel, mode, tasks),
    label: `${kernel} ${mode} x${tasks}`,
    kernel,
    params: ctx.params(kernel),
    mode,
    tasks,
    plan: ctx.plan,
  });
}

/** Speed-up points of one kernel and mode, n = processors the tasks could use. */
export function scalingPoints(
  ctx: ExpContext,
  get: (key: string) => ConfigResult | undefined,
  kernel: KernelName,
  mode: Mode,
): ScalingPoint[] {
  const points: ScalingPoint[] = [];
  for (const t of withOne(ctx.plan.tasks)) {
    const s = get(cpuKey(kernel, mode, t))?.speedup?.value;
    if (s !== undefined && Number.isFinite(s) && s > 0) points.push({ n: Math.min(t, ctx.cores), speedup: s });
  }
  return points;
}

export const cpuModes: Experiment = {
  id: 1,
  slug: 'cpu-modes',
  title: 'CPU-bound kernel in every mode',
  question: 'How far does each mode scale a CPU-bound kernel as tasks grow from 1 to 2x cores?',
  specs(ctx) {
    return ctx.plan.kernels.flatMap((k) =>
      ctx.plan.modes.flatMap((m) => withOne(ctx.plan.tasks).map((t) => cpuSpec(ctx, k, m, t))),
    );
  },
  analyse(ctx, get) {
    const { plan, cores } = ctx;
    const tasks = withOne(plan.tasks);
    const rows: Cell[][] = [];
    const charts: ChartSpec[] = [];
    const fits: FitResult[] = [];
    const readings: string[] = [];
    for (const kernel of plan.kernels) {
      const speedRows: Record<string, string | number>[] = [];
      const cpuRows: Record<string, string | number>[] = [];
      const barRows: Record<string, string | number>[] = [];
      for (const mode of plan.modes) {
        for (const t of tasks) {
          const r = get(cpuKey(kernel, mode, t));
          rows.push([
            kernel,
            mode,
            t,
            ...wallCells(r),
            round(r?.throughputPerS),
            round(r?.speedup?.value),
            r?.speedup ? `${round(r.speedup.ci.lo)}–${round(r.speedup.ci.hi)}` : null,
            round(r?.efficiency),
            round(r?.cpuPerWall),
            ...breakdownCells(r),
          ]);
          if (r?.speedup) speedRows.push({ mode, tasks: t, speedup: r.speedup.value });
          if (r?.cpuPerWall !== null && r?.cpuPerWall !== undefined)
            cpuRows.push({ mode, tasks: t, cpuPerWall: r.cpuPerWall });
          barRows.push(...breakdownRows(`${mode} x${t}`, r));
        }
        const points = scalingPoints(ctx, get, kernel, mode);
        if (points.length >= 2) {
          const amdahl = fitAmdahl(points);
          const usl = fitUsl(points);
          fits.push({
            experiment: 1,
            kernel,
            mode,
            points,
            amdahl,
            usl,
            predictions: predict(amdahl, usl),
            label: `prediction from this machine's measurements (${cores} cores, tasks ${tasks[0]}..${tasks[tasks.length - 1]}), not a measurement`,
          });
        }
      }
      const ideal = tasks.map((t) => ({ line: 'ideal', tasks: t, speedup: Math.min(t, cores) }));
      charts.push(
        lineChart({
          file: `cpu-${kernel}-speedup.svg`,
          title: `${kernel}: speed-up over tasks = 1 (dashed: ideal, ${cores} cores)`,
          rows: speedRows,
          x: { field: 'tasks', title: 'tasks', integer: true },
          y: { field: 'speedup', title: 'speed-up (x)' },
          series: 'mode',
          seriesTitle: 'mode',
          reference: { rows: ideal, series: 'line', title: 'ideal' },
        }),
        lineChart({
          file: `cpu-${kernel}-cpu-per-wall.svg`,
          title: `${kernel}: CPU-seconds per second`,
          rows: cpuRows,
          x: { field: 'tasks', title: 'tasks', integer: true },
          y: { field: 'cpuPerWall', title: 'CPU-s per s' },
          series: 'mode',
          seriesTitle: 'mode',
          reference: {
            rows: tasks.map((t) => ({ line: 'cores', tasks: t, cpuPerWall: cores })),
            series: 'line',
            title: 'cores',
          },
        }),
        barChart({
          file: `cpu-${kernel}-breakdown.svg`,
          title: `${kernel}: where a task's time went (ms, mean task)`,
          rows: barRows,
          x: { field: 'bar', title: 'mode x tasks' },
          y: { field: 'ms', title: 'ms per task' },
          stack: { field: 'part', title: 'part', order: [...PARTS] },
        }),
      );
      const at = Math.min(cores, Math.max(...tasks));
      const pairs: [string, number][] = plan.modes
        .map((m): [string, number] => [m, get(cpuKey(kernel, m, at))?.speedup?.value ?? Number.NaN])
        .filter(([, v]) => Number.isFinite(v))
        .sort((a, b) => b[1] - a[1]);
      if (pairs.length > 0) {
        const serial = pairs.filter(([, v]) => v < 1 + 0.25 * (at - 1)).map(([m]) => m);
        readings.push(
          `${kernel} at tasks = ${at} (ideal ${at}x): ${listing(pairs.map(([m, v]) => [m, times(v)]))}` +
            (serial.length && at > 1
              ? `; below ${times(1 + 0.25 * (at - 1))}, one task's CPU at a time: ${serial.join(', ')}.`
              : '.'),
        );
      }
    }
    return {
      table: {
        columns: [
          'kernel',
          'mode',
          'tasks',
          ...WALL_COLUMNS,
          'tasks/s',
          'speed-up',
          'speed-up 95% CI',
          'efficiency',
          'CPU-s/s',
          ...BREAKDOWN_COLUMNS,
        ],
        rows,
      },
      reading: readings.join(' ') || 'no configuration ran.',
      charts,
      fits,
    };
  },
};
