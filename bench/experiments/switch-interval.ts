/**
 * Experiment 4: the GIL's switch interval swept, with and without forced switching: hand-offs, wall
 * time and the latency of a convoy probe (a short task that needs the lock, then waits).
 */
import { lineChart, type ChartSpec } from '../report/charts.js';
import { fmtDuration, ms, round, sig } from '../report/format.js';
import type { Cell, ConfigResult } from '../model/results.js';
import {
  NEEDS_GIL,
  WALL_COLUMNS,
  batchSpec,
  wallCells,
  type ExpContext,
  type Experiment,
  type Lookup,
} from './common.js';
import { intervalKey as key } from '../model/keys.js';

/** Each CPU-bound task burns this much CPU: long enough for a few hand-offs at the longest interval. */
export function spinUs(ctx: ExpContext): number {
  return Math.max(Math.round(2.5 * ctx.plan.taskMs * 1000), 3 * Math.max(...ctx.plan.intervalsUs));
}

const COLUMNS = [
  'interval us',
  'switching',
  ...WALL_COLUMNS,
  'hand-offs',
  'hand-offs/s',
  'wall / interval',
  'drop requests',
  'convoy p50 ms',
  'convoy p99 ms',
  'convoy max ms',
];

type Row = Record<string, string | number>;

function tableRow(us: number, switching: string, r: ConfigResult | undefined): Cell[] {
  return [
    us,
    switching,
    ...wallCells(r),
    r?.lock?.handoffs ?? null,
    round(r?.lock?.handoffsPerSecond),
    round(r ? r.summary.median / (us * 1000) : null),
    r?.lock?.dropRequests ?? null,
    ms(r?.probe?.convoyP50Ns),
    ms(r?.probe?.convoyP99Ns),
    ms(r?.probe?.convoyMaxNs),
  ];
}

/** The table's rows, and the hand-off rates and convoy latencies to draw. */
function measuredRows(ctx: ExpContext, get: Lookup): { rows: Cell[][]; rate: Row[]; convoy: Row[] } {
  const rows: Cell[][] = [];
  const rate: Row[] = [];
  const convoy: Row[] = [];
  for (const us of ctx.plan.intervalsUs) {
    for (const forced of [true, false]) {
      const r = get(key(us, forced));
      const switching = forced ? 'forced' : 'not forced';
      rows.push(tableRow(us, switching, r));
      if (r?.lock && r.lock.handoffsPerSecond > 0)
        rate.push({ switching, intervalUs: us, handoffsPerSecond: r.lock.handoffsPerSecond });
      const p99 = r?.probe?.convoyP99Ns;
      if (p99 !== null && p99 !== undefined && p99 > 0)
        convoy.push({ switching, intervalUs: us, convoyP99Ms: p99 / 1e6 });
    }
  }
  return { rows, rate, convoy };
}

/** Hand-offs and convoy waits at the shortest and the longest interval, with and without forcing. */
function reading(ctx: ExpContext, get: Lookup): string {
  const first = ctx.plan.intervalsUs[0]!;
  const last = ctx.plan.intervalsUs[ctx.plan.intervalsUs.length - 1]!;
  const f0 = get(key(first, true));
  const f1 = get(key(last, true));
  const u1 = get(key(last, false));
  const parts: string[] = [];
  if (f0?.lock && f1?.lock) {
    parts.push(
      `With forced switching, ${ctx.cores} CPU-bound tasks hand the lock over ` +
        `${sig(f0.lock.handoffsPerSecond)} times/s at ${first} us and ${sig(f1.lock.handoffsPerSecond)} times/s ` +
        `at ${last} us (one per interval would be ${sig(1e6 / first)} and ${sig(1e6 / last)})`,
    );
  }
  if (f0?.probe?.convoyP99Ns != null && f1?.probe?.convoyP99Ns != null) {
    parts.push(
      `the convoy probe waits ${fmtDuration(f0.probe.convoyP99Ns)} (p99) at ${first} us and ` +
        `${fmtDuration(f1.probe.convoyP99Ns)} at ${last} us: a longer interval means fewer switches ` +
        'but a longer wait for anyone needing the lock',
    );
  }
  if (u1?.lock && f1?.lock) {
    const battle = u1.lock.handoffs < f1.lock.handoffs ? ' (the releaser grabs the lock back: the GIL battle)' : '';
    parts.push(
      `without forced switching at ${last} us: ${u1.lock.handoffs} hand-offs per run ` +
        `against ${f1.lock.handoffs} with it${battle}`,
    );
  }
  return parts.length ? parts.join('; ') + '.' : 'not enough configurations ran to read the sweep.';
}

function charts(ctx: ExpContext, rate: Row[], convoy: Row[]): ChartSpec[] {
  const x = { field: 'intervalUs', title: 'switch interval (us)', log: true };
  return [
    lineChart({
      file: 'interval-handoffs.svg',
      title: 'GIL hand-offs per second vs switch interval (dashed: one per interval)',
      rows: rate,
      x,
      y: { field: 'handoffsPerSecond', title: 'hand-offs per s', log: true },
      series: 'switching',
      seriesTitle: 'switching',
      reference: {
        rows: ctx.plan.intervalsUs.map((us) => ({
          line: '1 per interval',
          intervalUs: us,
          handoffsPerSecond: 1e6 / us,
        })),
        series: 'line',
        title: 'one per interval',
      },
    }),
    lineChart({
      file: 'interval-convoy.svg',
      title: 'Convoy probe latency (p99) vs switch interval',
      rows: convoy,
      x,
      y: { field: 'convoyP99Ms', title: 'convoy p99 (ms)', log: true },
      series: 'switching',
      seriesTitle: 'switching',
    }),
  ];
}

export const switchInterval: Experiment = {
  id: 4,
  slug: 'switch-interval',
  title: 'Switch interval under the GIL',
  question: 'How do the switch interval and forced switching trade hand-offs against latency?',
  specs(ctx) {
    if (!ctx.plan.modes.includes('gil')) return [];
    const params = { cpuUs: spinUs(ctx) };
    return ctx.plan.intervalsUs.flatMap((us) =>
      [true, false].map((forced) =>
        batchSpec({
          key: key(us, forced),
          label: `spin gil x${ctx.cores} interval ${us} us ${forced ? 'forced' : 'unforced'}`,
          kernel: 'spin',
          params,
          mode: 'gil',
          tasks: ctx.cores,
          plan: ctx.plan,
          switchIntervalUs: us,
          forcedSwitching: forced,
        }),
      ),
    );
  },
  analyse(ctx, get) {
    if (!ctx.plan.modes.includes('gil')) return NEEDS_GIL;
    const { rows, rate, convoy } = measuredRows(ctx, get);
    return { table: { columns: COLUMNS, rows }, reading: reading(ctx, get), charts: charts(ctx, rate, convoy) };
  },
};
