/**
 * Experiment 6: what one empty task costs, from a plain JS call to a child process. Synchronous
 * calls are timed by benchmark.js; asynchronous runners by a flood of empty tasks submitted at once
 * (cost = wall / tasks), against the same run's bare napi_async_work and piscina.
 */
import { availableParallelism } from 'node:os';

import { dotChart } from '../report/charts.js';
import { fmtDuration, round, sig } from '../report/format.js';
import type { Cell, ConfigSpec } from '../model/types.js';
import { batchSpec, type ExpContext, type Experiment } from './common.js';

export const dispatchKey = (runner: string): string => `dispatch/${runner}`;

interface Runner {
  readonly runner: string;
  readonly what: string;
  readonly spec: (ctx: ExpContext) => ConfigSpec | null;
}

function micro(runner: string, label: string): ConfigSpec {
  return {
    key: dispatchKey(runner),
    label,
    kind: 'micro',
    kernel: null,
    params: null,
    mode: runner,
    tasks: 1,
    threads: null,
    switchIntervalUs: null,
    forcedSwitching: null,
  };
}

function flood(ctx: ExpContext, runner: string, tasks: number, threads: number | null): ConfigSpec {
  if (runner === 'bare-async-work' || runner === 'piscina') {
    return {
      key: dispatchKey(runner),
      label: `${runner} flood of ${tasks}`,
      kind: 'flood',
      kernel: null,
      params: null,
      mode: runner,
      tasks,
      threads,
      switchIntervalUs: null,
      forcedSwitching: null,
    };
  }
  const spec = batchSpec({
    key: dispatchKey(runner),
    label: `${runner} flood of ${tasks}`,
    kernel: 'noop',
    params: {},
    mode: runner as 'released',
    tasks,
    plan: ctx.plan,
    ...(threads === null ? {} : { threads }),
  });
  return { ...spec, kind: 'flood' };
}

/** In table order. Worker and process pools get one thread per core unless --threads says otherwise. */
export const RUNNERS: readonly Runner[] = [
  { runner: 'js-call', what: 'a pure-JS call of the empty kernel', spec: () => micro('js-call', 'pure-JS call') },
  { runner: 'raw-napi', what: 'raw N-API empty call (baseline)', spec: () => micro('raw-napi', 'raw N-API no-op') },
  {
    runner: 'napi-noop',
    what: 'held call through node-addon-api, no accounting',
    spec: () => micro('napi-noop', 'held call (node-addon-api)'),
  },
  {
    runner: 'run-sync',
    what: "held call with gilscope's accounting (runSync('noop'))",
    spec: () => micro('run-sync', 'runSync noop'),
  },
  {
    runner: 'bare-async-work',
    what: 'bare napi_async_work round trip (baseline)',
    spec: (c) => flood(c, 'bare-async-work', c.plan.flood.asyncWork, null),
  },
  {
    runner: 'released',
    what: "batch({ mode: 'released' }) of empty tasks",
    spec: (c) => (c.plan.modes.includes('released') ? flood(c, 'released', c.plan.flood.asyncWork, null) : null),
  },
  {
    runner: 'gil',
    what: "batch({ mode: 'gil' }) of empty tasks",
    spec: (c) => (c.plan.modes.includes('gil') ? flood(c, 'gil', c.plan.flood.asyncWork, null) : null),
  },
  {
    runner: 'worker',
    what: "batch({ mode: 'worker' }) of empty tasks",
    spec: (c) =>
      c.plan.modes.includes('worker')
        ? flood(c, 'worker', c.plan.flood.worker, c.plan.threads ?? availableParallelism())
        : null,
  },
  {
    runner: 'process',
    what: "batch({ mode: 'process' }) of empty tasks",
    spec: (c) =>
      c.plan.modes.includes('process')
        ? flood(c, 'process', c.plan.flood.process, c.plan.threads ?? availableParallelism())
        : null,
  },
  {
    runner: 'piscina',
    what: 'piscina running the JS empty kernel (baseline)',
    spec: (c) => flood(c, 'piscina', c.plan.flood.piscina, c.plan.threads ?? availableParallelism()),
  },
];

export const dispatch: Experiment = {
  id: 6,
  slug: 'dispatch',
  title: 'Dispatch cost of an empty task',
  question: 'What does it cost to hand one empty task to each runner?',
  specs(ctx) {
    return RUNNERS.map((r) => r.spec(ctx)).filter((s): s is ConfigSpec => s !== null);
  },
  analyse(ctx, get) {
    const rows: Cell[][] = [];
    const bars: Record<string, string | number>[] = [];
    const raw = get(dispatchKey('raw-napi'))?.summary.median;
    for (const { runner, what } of RUNNERS) {
      const r = get(dispatchKey(runner));
      if (!r) continue;
      const s = r.summary;
      rows.push([
        runner,
        what,
        r.kind === 'micro' ? 'benchmark.js' : `flood of ${r.tasks}`,
        round(s.median),
        `${round(s.ci.lo)}–${round(s.ci.hi)}`,
        round(s.mad),
        round(1e9 / s.median),
        raw ? round(s.median / raw) : null,
      ]);
      bars.push({ runner, nsPerTask: s.median });
    }
    const med = (runner: string): number | undefined => get(dispatchKey(runner))?.summary.median;
    const parts: string[] = [];
    for (const runner of [
      'js-call',
      'raw-napi',
      'napi-noop',
      'run-sync',
      'bare-async-work',
      'released',
      'gil',
      'worker',
      'process',
      'piscina',
    ]) {
      const m = med(runner);
      if (m !== undefined) parts.push(`${runner} ${fmtDuration(m)}`);
    }
    const rel = med('released');
    const pis = med('piscina');
    const reading =
      (parts.length ? `Per empty task: ${parts.join(', ')}.` : 'no runner ran.') +
      (rel && pis ? ` Released tasks cost ${sig(pis / rel)}x less than piscina's.` : '');
    return {
      table: {
        columns: [
          'runner',
          'what',
          'timed by',
          'ns per task (median)',
          '95% CI ns',
          'MAD ns',
          'tasks/s',
          'x raw N-API',
        ],
        rows,
      },
      reading,
      charts: [
        dotChart({
          file: 'dispatch-cost.svg',
          title: 'Cost of one empty task (ns, log scale)',
          rows: bars,
          x: { field: 'runner', title: 'runner', sort: RUNNERS.map((r) => r.runner) },
          y: { field: 'nsPerTask', title: 'ns per task', log: true },
        }),
      ],
    };
  },
};
