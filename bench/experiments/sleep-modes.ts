/** Experiment 2: the sleep kernel in every mode: waiting overlaps even under the GIL. */
import { barChart, lineChart } from '../report/charts.js';
import { round, times } from '../report/format.js';
import type { Cell } from '../model/results.js';
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
  type Experiment,
} from './common.js';
import { sleepKey as key } from '../model/keys.js';

export const sleepModes: Experiment = {
  id: 2,
  slug: 'sleep-modes',
  title: 'Waiting (sleep) in every mode',
  question: 'Do waiting tasks overlap in every mode, the GIL included?',
  specs(ctx) {
    const params = ctx.params('sleep');
    return ctx.plan.modes.flatMap((mode) =>
      withOne(ctx.plan.tasks).map((tasks) =>
        batchSpec({
          key: key(mode, tasks),
          label: `sleep ${mode} x${tasks}`,
          kernel: 'sleep',
          params,
          mode,
          tasks,
          plan: ctx.plan,
        }),
      ),
    );
  },
  analyse(ctx, get) {
    const tasks = withOne(ctx.plan.tasks);
    const rows: Cell[][] = [];
    const speedRows: Record<string, string | number>[] = [];
    const barRows: Record<string, string | number>[] = [];
    for (const mode of ctx.plan.modes) {
      for (const t of tasks) {
        const r = get(key(mode, t));
        rows.push([mode, t, ...wallCells(r), round(r?.speedup?.value), round(r?.cpuPerWall), ...breakdownCells(r)]);
        if (r?.speedup) speedRows.push({ mode, tasks: t, speedup: r.speedup.value });
        barRows.push(...breakdownRows(`${mode} x${t}`, r));
      }
    }
    const top = Math.max(...tasks);
    const pairs = ctx.plan.modes
      .map((m): [string, number] => [m, get(key(m, top))?.speedup?.value ?? Number.NaN])
      .filter(([, v]) => Number.isFinite(v));
    const overlapping = pairs.filter(([, v]) => v >= 0.8 * top).map(([m]) => m);
    const reading = pairs.length
      ? `At tasks = ${top} (ideal ${top}x, more than the ${ctx.cores} cores: waiting needs no core): ` +
        `${listing(pairs.map(([m, v]) => [m, times(v)]))}. ` +
        (overlapping.length ? `Waiting overlapped in ${overlapping.join(', ')}` : 'Waiting overlapped in no mode') +
        (overlapping.includes('gil') ? ', the GIL included: a blocking call releases the lock.' : '.')
      : 'no configuration ran.';
    return {
      table: { columns: ['mode', 'tasks', ...WALL_COLUMNS, 'speed-up', 'CPU-s/s', ...BREAKDOWN_COLUMNS], rows },
      reading,
      charts: [
        lineChart({
          file: 'sleep-speedup.svg',
          title: 'sleep: speed-up over tasks = 1 (dashed: ideal = tasks)',
          rows: speedRows,
          x: { field: 'tasks', title: 'tasks', integer: true },
          y: { field: 'speedup', title: 'speed-up (x)' },
          series: 'mode',
          seriesTitle: 'mode',
          reference: {
            rows: tasks.map((t) => ({ line: 'ideal', tasks: t, speedup: t })),
            series: 'line',
            title: 'ideal',
          },
        }),
        barChart({
          file: 'sleep-breakdown.svg',
          title: "sleep: where a task's time went (ms, mean task)",
          rows: barRows,
          x: { field: 'bar', title: 'mode x tasks' },
          y: { field: 'ms', title: 'ms per task' },
          stack: { field: 'part', title: 'part', order: [...PARTS] },
        }),
      ],
    };
  },
};
