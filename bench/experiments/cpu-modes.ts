/** Experiment 1: a CPU-bound kernel in every mode across task counts, with the scaling-law fits. */
import type { KernelName, Mode } from '../../src/index.js';
import { barChart, lineChart, type ChartSpec } from '../report/charts.js';
import { fitAmdahl, fitUsl, predict } from '../analysis/fits.js';
import { round, times } from '../report/format.js';
import type { BatchSpec, Cell, ConfigResult, FitResult, ScalingPoint } from '../model/results.js';
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
  type Lookup,
} from './common.js';
import { cpuKey } from '../model/keys.js';

export function cpuSpec(ctx: ExpContext, kernel: KernelName, mode: Mode, tasks: number): BatchSpec {
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
export function scalingPoints(ctx: ExpContext, get: Lookup, kernel: KernelName, mode: Mode): ScalingPoint[] {
  const points: ScalingPoint[] = [];
  for (const t of withOne(ctx.plan.tasks)) {
    const s = get(cpuKey(kernel, mode, t))?.speedup?.value;
    if (s !== undefined && Number.isFinite(s) && s > 0) points.push({ n: Math.min(t, ctx.cores), speedup: s });
  }
  return points;
}

const COLUMNS = [
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
  'reading',
];

type Row = Record<string, string | number>;

function tableRow(kernel: KernelName, mode: Mode, t: number, r: ConfigResult | undefined): Cell[] {
  return [
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
    r?.reading?.kind ?? null,
  ];
}

/**
 * What caps a mode's speed-up on any machine, and what its predictions assume: released and gil
 * tasks run on the libuv pool, so they cannot pass the pool's size; held tasks run one at a time;
 * worker, process and native start one host or thread per task (the default), as many as the cores.
 */
function modeLimit(get: Lookup, kernel: KernelName, mode: Mode, tasks: readonly number[]) {
  if (mode === 'held') return { cap: 1, assumes: 'held tasks run one at a time on the JS thread' };
  if (mode === 'released' || mode === 'gil') {
    const pool = tasks.map((t) => get(cpuKey(kernel, mode, t))?.poolSize).find((p) => typeof p === 'number') ?? 4;
    return {
      cap: pool,
      assumes: `the libuv pool's ${pool} threads as in this run: ${mode} cannot pass ${pool}x on any machine`,
    };
  }
  const what = mode === 'native' ? 'one raw thread per task' : `one ${mode} host per task (the default)`;
  return { cap: null, assumes: `${what}, as many as the cores` };
}

/** Amdahl and USL fitted to one kernel and mode's speed-ups (none with fewer than two points). */
function fit(ctx: ExpContext, get: Lookup, kernel: KernelName, mode: Mode): FitResult | null {
  const points = scalingPoints(ctx, get, kernel, mode);
  if (points.length < 2) return null;
  const tasks = withOne(ctx.plan.tasks);
  const amdahl = fitAmdahl(points);
  const usl = fitUsl(points);
  const limit = modeLimit(get, kernel, mode, tasks);
  return {
    experiment: 1,
    kernel,
    mode,
    points,
    amdahl,
    usl,
    predictions: predict(amdahl, usl, undefined, limit.cap),
    assumes: limit.assumes,
    label:
      `prediction from this machine's measurements ` +
      `(${ctx.cores} cores, tasks ${tasks[0]}..${tasks[tasks.length - 1]}), not a measurement`,
  };
}

/** The three charts of one kernel: speed-up, CPU-s per s, and where a task's time went. */
function charts(kernel: KernelName, ctx: ExpContext, data: { speed: Row[]; cpu: Row[]; bars: Row[] }): ChartSpec[] {
  const { cores } = ctx;
  const tasks = withOne(ctx.plan.tasks);
  const byMode = { series: 'mode', seriesTitle: 'mode', x: { field: 'tasks', title: 'tasks', integer: true } };
  return [
    lineChart({
      file: `cpu-${kernel}-speedup.svg`,
      title: `${kernel}: speed-up over tasks = 1 (dashed: ideal, ${cores} cores)`,
      rows: data.speed,
      y: { field: 'speedup', title: 'speed-up (x)' },
      ...byMode,
      reference: {
        rows: tasks.map((t) => ({ line: 'ideal', tasks: t, speedup: Math.min(t, cores) })),
        series: 'line',
        title: 'ideal',
      },
    }),
    lineChart({
      file: `cpu-${kernel}-cpu-per-wall.svg`,
      title: `${kernel}: CPU-seconds per second`,
      rows: data.cpu,
      y: { field: 'cpuPerWall', title: 'CPU-s per s' },
      ...byMode,
      reference: {
        rows: tasks.map((t) => ({ line: 'cores', tasks: t, cpuPerWall: cores })),
        series: 'line',
        title: 'cores',
      },
    }),
    barChart({
      file: `cpu-${kernel}-breakdown.svg`,
      title: `${kernel}: where a task's time went (ms, mean task)`,
      rows: data.bars,
      x: { field: 'bar', title: 'mode x tasks' },
      y: { field: 'ms', title: 'ms per task' },
      stack: { field: 'part', title: 'part', order: [...PARTS] },
    }),
  ];
}

/** Each mode's reading kind at `tasks` (from its median run), e.g. " Read at tasks = 4: held cpu-bound, ...". */
function kindsAt(ctx: ExpContext, get: Lookup, kernel: KernelName, tasks: number): string {
  const kinds = ctx.plan.modes
    .map((m): [string, string | undefined] => [m, get(cpuKey(kernel, m, tasks))?.reading?.kind])
    .filter((x): x is [string, string] => x[1] !== undefined);
  return kinds.length ? ` Read at tasks = ${tasks}: ${listing(kinds)}.` : '';
}

/** The modes' speed-ups at tasks = cores, best first, and which of them ran one task at a time. */
function reading(ctx: ExpContext, get: Lookup, kernel: KernelName): string | null {
  const at = Math.min(ctx.cores, Math.max(...withOne(ctx.plan.tasks)));
  const pairs: [string, number][] = ctx.plan.modes
    .map((m): [string, number] => [m, get(cpuKey(kernel, m, at))?.speedup?.value ?? Number.NaN])
    .filter(([, v]) => Number.isFinite(v))
    .sort((a, b) => b[1] - a[1]);
  if (pairs.length === 0) return null;
  const bar = 1 + 0.25 * (at - 1);
  const serial = pairs.filter(([, v]) => v < bar).map(([m]) => m);
  return (
    `${kernel} at tasks = ${at} (ideal ${at}x): ${listing(pairs.map(([m, v]) => [m, times(v)]))}` +
    (serial.length && at > 1 ? `; below ${times(bar)}, one task's CPU at a time: ${serial.join(', ')}.` : '.') +
    kindsAt(ctx, get, kernel, Math.max(...withOne(ctx.plan.tasks)))
  );
}

/** Table rows, charts and fits of one kernel across the modes and task counts. */
function analyseKernel(ctx: ExpContext, get: Lookup, kernel: KernelName) {
  const rows: Cell[][] = [];
  const fits: FitResult[] = [];
  const data = { speed: [] as Row[], cpu: [] as Row[], bars: [] as Row[] };
  for (const mode of ctx.plan.modes) {
    for (const t of withOne(ctx.plan.tasks)) {
      const r = get(cpuKey(kernel, mode, t));
      rows.push(tableRow(kernel, mode, t, r));
      if (r?.speedup) data.speed.push({ mode, tasks: t, speedup: r.speedup.value });
      if (r?.cpuPerWall !== null && r?.cpuPerWall !== undefined)
        data.cpu.push({ mode, tasks: t, cpuPerWall: r.cpuPerWall });
      data.bars.push(...breakdownRows(`${mode} x${t}`, r));
    }
    const f = fit(ctx, get, kernel, mode);
    if (f) fits.push(f);
  }
  return { rows, fits, charts: charts(kernel, ctx, data), reading: reading(ctx, get, kernel) };
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
    const parts = ctx.plan.kernels.map((kernel) => analyseKernel(ctx, get, kernel));
    const readings = parts.map((p) => p.reading).filter((r) => r !== null);
    return {
      table: { columns: COLUMNS, rows: parts.flatMap((p) => p.rows) },
      reading: readings.join(' ') || 'no configuration ran.',
      charts: parts.flatMap((p) => p.charts),
      fits: parts.flatMap((p) => p.fits),
    };
  },
};
