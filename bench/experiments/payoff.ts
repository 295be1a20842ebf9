/**
 * Experiment 10: when does releasing pay off? Tasks of 1 us to 10 ms (spin, and primes sized to
 * the same durations), 4x cores of them at once, in every mode (worker and process hosts already
 * running: their start-up is experiment 7's); and one awaited empty task at a time per mode (the
 * latency of a single round trip). The reading names the crossover sizes: from what task size a
 * mode beats held by 1.5x.
 */
import type { KernelName, Mode } from '../../src/index.js';
import { calibrate } from '../calibrate.js';
import { lineChart } from '../report/charts.js';
import { fmtDuration, pct, round, times } from '../report/format.js';
import type { BenchPlan, Cell, ConfigResult, ConfigSpec, Crossover, LatencySpec } from '../model/results.js';
import { batchSpec, type ExpContext, type Experiment, type Lookup } from './common.js';
import { latencyKey, payoffKey } from '../model/keys.js';

/** Task sizes, us: spin at each; the real kernel at the middle ones (above 1 ms it reads as spin). */
export const SPIN_SIZES_US: readonly number[] = [1, 10, 100, 1000, 10_000];
export const REAL_SIZES_US: readonly number[] = [10, 100, 1000];
const REAL_KERNEL: KernelName = 'primes';

/** How much faster than held a mode must be to count as paying off. */
export const PAYOFF_FACTOR = 1.5;

/** The modes compared with held, in the reading's order. */
const CHALLENGERS: readonly Mode[] = ['released', 'gil', 'native', 'worker', 'process'];

const tasksOf = (ctx: ExpContext): number => 4 * ctx.cores;

/** The kernel's parameters for a task of about `us` microseconds (two significant digits). */
function paramsFor(kernel: KernelName, us: number): Record<string, number> {
  if (kernel === 'spin') return { cpuUs: us };
  const p = calibrate(kernel, us / 1000);
  return Object.fromEntries(Object.entries(p).map(([k, v]) => [k, Number(v.toPrecision(2))]));
}

function latencySpec(mode: Mode, plan: BenchPlan): LatencySpec {
  const base = batchSpec({
    key: latencyKey(mode),
    label: `one awaited noop, ${mode}`,
    kernel: 'noop',
    params: {},
    mode,
    tasks: 1,
    plan,
  });
  return { ...base, kind: 'latency' };
}

function specs(ctx: ExpContext): ConfigSpec[] {
  const out: ConfigSpec[] = [];
  const sized: [KernelName, readonly number[]][] = [
    ['spin', SPIN_SIZES_US],
    [REAL_KERNEL, REAL_SIZES_US],
  ];
  for (const [kernel, sizes] of sized) {
    for (const us of sizes) {
      const params = paramsFor(kernel, us);
      for (const mode of ctx.plan.modes) {
        out.push(
          batchSpec({
            key: payoffKey(kernel, mode, us),
            label: `${kernel} ${fmtDuration(us * 1000)} ${mode} x${tasksOf(ctx)}`,
            kernel,
            params,
            mode,
            tasks: tasksOf(ctx),
            plan: ctx.plan,
          }),
        );
      }
    }
  }
  for (const mode of ctx.plan.modes) out.push(latencySpec(mode, ctx.plan));
  return out;
}

/** Throughput, efficiency and overhead share of one batch of `tasks` tasks of `us` each. */
function figuresOf(r: ConfigResult, us: number, cores: number) {
  const wallNs = r.summary.median;
  const workNs = r.tasks * us * 1000;
  const cpuNs = r.cpuPerWall !== null ? r.cpuPerWall * wallNs : null;
  return {
    wallNs,
    perS: (r.tasks * 1e9) / wallNs,
    efficiency: workNs / (wallNs * cores),
    overhead: cpuNs !== null && cpuNs > 0 ? Math.max(0, 1 - workNs / cpuNs) : null,
  };
}

/** The smallest size from which `mode` beats held by PAYOFF_FACTOR at every larger size too; null: none. */
function crossover(get: Lookup, kernel: KernelName, mode: Mode, sizes: readonly number[]): number | null {
  let from: number | null = null;
  for (const us of sizes) {
    const held = get(payoffKey(kernel, 'held', us))?.summary.median;
    const other = get(payoffKey(kernel, mode, us))?.summary.median;
    if (held === undefined || other === undefined) return null;
    if (held / other >= PAYOFF_FACTOR) from ??= us;
    else from = null;
  }
  return from;
}

function rows(ctx: ExpContext, get: Lookup) {
  const table: Cell[][] = [];
  const chart: Record<string, string | number>[] = [];
  const sized: [KernelName, readonly number[]][] = [
    ['spin', SPIN_SIZES_US],
    [REAL_KERNEL, REAL_SIZES_US],
  ];
  for (const [kernel, sizes] of sized) {
    for (const us of sizes) {
      const held = get(payoffKey(kernel, 'held', us))?.summary.median;
      for (const mode of ctx.plan.modes) {
        const r = get(payoffKey(kernel, mode, us));
        if (!r) continue;
        const f = figuresOf(r, us, ctx.cores);
        const vsHeld = held !== undefined ? held / f.wallNs : null;
        table.push([
          kernel,
          fmtDuration(us * 1000),
          mode,
          fmtDuration(f.wallNs),
          round(f.perS),
          pct(f.efficiency),
          pct(f.overhead),
          times(vsHeld),
        ]);
        if (vsHeld !== null) chart.push({ kernel, mode, sizeUs: us, vsHeld, perS: f.perS });
      }
    }
  }
  for (const mode of ctx.plan.modes) {
    const r = get(latencyKey(mode));
    if (r)
      table.push([
        'noop, one awaited run()',
        '–',
        mode,
        fmtDuration(r.summary.median),
        round(1e9 / r.summary.median),
        null,
        null,
        null,
      ]);
  }
  return { table, chart };
}

function crossovers(ctx: ExpContext, get: Lookup): Crossover[] {
  const out: Crossover[] = [];
  for (const [kernel, sizes] of [
    ['spin', SPIN_SIZES_US],
    [REAL_KERNEL, REAL_SIZES_US],
  ] as const) {
    for (const mode of CHALLENGERS) {
      if (!ctx.plan.modes.includes(mode) || !ctx.plan.modes.includes('held')) continue;
      out.push({ kernel, mode, over: 'held', factor: PAYOFF_FACTOR, fromUs: crossover(get, kernel, mode, sizes) });
    }
  }
  return out;
}

function sentence(c: readonly Crossover[], kernel: KernelName, sizes: readonly number[]): string {
  const parts = c
    .filter((x) => x.kernel === kernel)
    .map((x) =>
      x.fromUs === null
        ? `${x.mode} never does up to ${fmtDuration(sizes[sizes.length - 1]! * 1000)}`
        : `${x.mode} from ${fmtDuration(x.fromUs * 1000)}`,
    );
  return parts.join(', ');
}

/** The practical answer for someone writing an addon, from released's crossover over held. */
function plainWords(fromUs: number | null, tasks: number): string {
  if (fromUs === null) {
    return (
      ' In plain words: on this machine, at this load, no task size up to 10 ms made an async ' +
      `(released) call worth it for ${tasks} calls at once.`
    );
  }
  const size = fmtDuration(fromUs * 1000);
  return (
    ' In plain words, for someone writing an addon: a call that does less than about ' +
    `${size} of work is better made synchronously (held); from about ${size} on, making it async ` +
    '(released: an AsyncWorker on the libuv pool) pays off, when several calls can run at once.'
  );
}

function reading(ctx: ExpContext, get: Lookup, c: readonly Crossover[]): string {
  if (c.length === 0) return 'held or the other modes did not run.';
  const lat = ctx.plan.modes
    .map((m): [Mode, number | undefined] => [m, get(latencyKey(m))?.summary.median])
    .filter((x): x is [Mode, number] => x[1] !== undefined)
    .map(([m, ns]) => `${m} ${fmtDuration(ns)}`);
  const rel = c.find((x) => x.kernel === 'spin' && x.mode === 'released')?.fromUs;
  const advice = rel === undefined ? '' : plainWords(rel, tasksOf(ctx));
  return (
    `With ${tasksOf(ctx)} tasks at once on ${ctx.cores} cores, a mode beats held by ${PAYOFF_FACTOR}x ` +
    `(and keeps doing so at every larger size) — spin: ${sentence(c, 'spin', SPIN_SIZES_US)}; ` +
    `${REAL_KERNEL}: ${sentence(c, REAL_KERNEL, REAL_SIZES_US)}.` +
    advice +
    (lat.length ? ` One awaited empty task, round trip: ${lat.join(', ')}.` : '')
  );
}

export const payoff: Experiment = {
  id: 10,
  slug: 'payoff',
  title: 'When does releasing pay off?',
  question: 'From what task size does each mode beat running the task held on the JS thread?',
  specs,
  analyse(ctx, get) {
    const { table, chart } = rows(ctx, get);
    const c = crossovers(ctx, get);
    const spin = chart.filter((r) => r['kernel'] === 'spin');
    return {
      table: {
        columns: ['kernel', 'task size', 'mode', 'wall (median)', 'tasks/s', 'efficiency', 'overhead share', 'x held'],
        rows: table,
      },
      reading: reading(ctx, get, c),
      crossovers: c,
      charts: [
        lineChart({
          file: 'payoff-vs-held.svg',
          title: `spin, ${tasksOf(ctx)} tasks at once: speed over held by task size (log axes)`,
          rows: spin,
          x: { field: 'sizeUs', title: 'task size (us, log)', log: true },
          y: { field: 'vsHeld', title: 'x held (log)', log: true },
          series: 'mode',
          seriesTitle: 'mode',
          reference: {
            rows: SPIN_SIZES_US.map((us) => ({ line: `${PAYOFF_FACTOR}x held`, sizeUs: us, vsHeld: PAYOFF_FACTOR })),
            series: 'line',
            title: 'pays off',
          },
        }),
      ],
    };
  },
};
