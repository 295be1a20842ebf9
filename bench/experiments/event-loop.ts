/**
 * Experiment 5: how late the JS thread's timers fire while kernels run held vs released (and in
 * every other mode). Uses the same configurations as experiment 1 (measured once, shared).
 */
import { dotChart } from '../report/charts.js';
import { fmtDuration, ms, round } from '../report/format.js';
import type { Cell } from '../model/results.js';
import { type Experiment } from './common.js';
import { cpuSpec } from './cpu-modes.js';
import { cpuKey } from '../model/keys.js';

function taskCounts(tasks: readonly number[], cores: number): number[] {
  return [...new Set([1, Math.min(cores, Math.max(...tasks))])];
}

export const eventLoop: Experiment = {
  id: 5,
  slug: 'event-loop',
  title: 'Event-loop delay while kernels run',
  question: 'How long does the JS thread stay unresponsive while a kernel runs in each mode?',
  specs(ctx) {
    const kernel = ctx.plan.kernels[0]!;
    return ctx.plan.modes.flatMap((m) => taskCounts(ctx.plan.tasks, ctx.cores).map((t) => cpuSpec(ctx, kernel, m, t)));
  },
  analyse(ctx, get) {
    const kernel = ctx.plan.kernels[0]!;
    const rows: Cell[][] = [];
    const bars: Record<string, string | number>[] = [];
    for (const mode of ctx.plan.modes) {
      for (const t of taskCounts(ctx.plan.tasks, ctx.cores)) {
        const r = get(cpuKey(kernel, mode, t));
        const el = r?.eventLoop;
        rows.push([
          mode,
          t,
          round(el?.utilization),
          ms(el?.delayP50Ns),
          ms(el?.delayP99Ns),
          ms(el?.delayMaxNs),
          ms(r?.summary.median),
        ]);
        if (el?.delayMaxNs != null && el.delayMaxNs > 0)
          bars.push({ mode, tasks: `${t} task${t > 1 ? 's' : ''}`, delayMaxMs: el.delayMaxNs / 1e6 });
      }
    }
    const held = get(cpuKey(kernel, 'held', 1))?.eventLoop;
    const released = get(cpuKey(kernel, 'released', 1))?.eventLoop;
    const reading =
      held && released
        ? `One ${kernel} task held stalls the JS thread: timers fire up to ${fmtDuration(held.delayMaxNs)} late ` +
          `(a whole task); released, the worst delay is ${fmtDuration(released.delayMaxNs)} ` +
          `(p99 ${fmtDuration(released.delayP99Ns)}).`
        : "needs modes 'held' and 'released' to compare.";
    return {
      table: {
        columns: ['mode', 'tasks', 'loop utilization', 'delay p50 ms', 'delay p99 ms', 'delay max ms', 'batch wall ms'],
        rows,
      },
      reading,
      charts: [
        dotChart({
          file: 'event-loop-delay.svg',
          title: `Worst event-loop delay while ${kernel} runs (ms, log scale)`,
          rows: bars,
          x: { field: 'mode', title: 'mode', sort: [...ctx.plan.modes] },
          y: { field: 'delayMaxMs', title: 'worst timer delay (ms)', log: true },
          series: { field: 'tasks', title: 'tasks' },
        }),
      ],
    };
  },
};
