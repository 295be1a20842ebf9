/** Experiment 7: creation time and resident memory of a pool thread, a worker_thread and a process. */
import { barChart, dotChart } from '../report/charts.js';
import { bytes, fmtDuration, ms } from '../report/format.js';
import type { Cell, StartupSpec } from '../model/results.js';
import { type Experiment } from './common.js';
import { startupKey as key } from '../model/keys.js';

export const UNITS = ['thread', 'worker', 'process'] as const;

export const startup: Experiment = {
  id: 7,
  slug: 'startup',
  title: 'Start-up time and memory',
  question: 'What does one more thread, worker or process cost to start and to keep?',
  specs() {
    return UNITS.map((unit): StartupSpec => ({
      key: key(unit),
      label: `start-up: ${unit}`,
      kind: 'startup',
      kernel: null,
      params: null,
      mode: unit,
      tasks: 1,
      threads: null,
      switchIntervalUs: null,
      forcedSwitching: null,
    }));
  },
  analyse(_ctx, get) {
    const rows: Cell[][] = [];
    const time: Record<string, string | number>[] = [];
    const memory: Record<string, string | number>[] = [];
    for (const unit of UNITS) {
      const r = get(key(unit));
      if (!r) continue;
      const rss = r.extra['rssBytesMedian'] ?? null;
      rows.push([
        unit,
        r.summary.n,
        ms(r.summary.median),
        `${ms(r.summary.min)}–${ms(r.summary.max)}`,
        rss === null ? null : Math.round(rss / 1024),
      ]);
      time.push({ unit, createMs: r.summary.median / 1e6 });
      if (rss !== null && rss > 0) memory.push({ unit, rssMiB: rss / (1024 * 1024) });
    }
    const parts = UNITS.map((u) => get(key(u)))
      .filter((r) => r !== undefined)
      .map((r) => {
        const rss = bytes(r.extra['rssBytesMedian']);
        return `a ${r.mode} starts in ${fmtDuration(r.summary.median)} and adds ${rss} resident`;
      });
    return {
      table: { columns: ['unit', 'samples', 'create ms (median)', 'min–max ms', 'RSS per unit KiB'], rows },
      reading: parts.length ? `${parts.join('; ')}.` : 'startupCost() did not run.',
      charts: [
        dotChart({
          file: 'startup-time.svg',
          title: 'Time to start one unit (ms, log scale)',
          rows: time,
          x: { field: 'unit', title: 'unit', sort: [...UNITS] },
          y: { field: 'createMs', title: 'ms', log: true },
        }),
        barChart({
          file: 'startup-memory.svg',
          title: 'Resident memory per unit (MiB)',
          rows: memory,
          x: { field: 'unit', title: 'unit', sort: [...UNITS] },
          y: { field: 'rssMiB', title: 'MiB' },
        }),
      ],
    };
  },
};
