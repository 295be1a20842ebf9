/**
 * Experiment 6: what one empty task costs, from a plain JS call to a child process. Synchronous
 * calls are timed by benchmark.js; asynchronous runners by a flood of empty tasks submitted at once
 * (cost = wall / tasks), against the same run's bare napi_async_work and piscina.
 */
import { availableParallelism } from 'node:os';

import type { Mode } from '../../src/index.js';
import { dotChart } from '../report/charts.js';
import { fmtDuration, round, sig } from '../report/format.js';
import type { Cell, ConfigResult, ConfigSpec, FloodSpec, MicroSpec } from '../model/results.js';
import { batchSpec, type ExpContext, type Experiment, type Lookup, type WhyUnavailable } from './common.js';
import { dispatchKey, type DispatchRunner } from '../model/keys.js';

interface Runner {
  readonly runner: DispatchRunner;
  readonly what: string;
  readonly spec: (ctx: ExpContext) => ConfigSpec | null;
}

function micro(runner: MicroSpec['mode'], label: string): MicroSpec {
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

function baselineFlood(
  runner: 'bare-async-work' | 'piscina' | 'run-released',
  tasks: number,
  threads: number | null,
): FloodSpec {
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

/** A flood of the empty kernel in gilscope's `mode`, or null when --modes leaves the mode out. */
function modeFlood(
  ctx: ExpContext,
  mode: Mode & DispatchRunner,
  tasks: number,
  threads: number | null,
  runner: DispatchRunner = mode,
): FloodSpec | null {
  if (!ctx.plan.modes.includes(mode)) return null;
  const spec = batchSpec({
    key: dispatchKey(runner),
    label: `${mode} flood of ${tasks}`,
    kernel: 'noop',
    params: {},
    mode,
    tasks,
    plan: ctx.plan,
    ...(threads === null ? {} : { threads }),
  });
  return { ...spec, kind: 'flood' };
}

/** The batch size of the goal "a batch of 10000 empty tasks reaches 1.5x the bare flood". */
export const GOAL_BATCH_TASKS = 10_000;

/** Worker and process pools, and piscina's, get one thread per core unless --threads says otherwise. */
const perCore = (c: ExpContext): number => c.plan.threads ?? availableParallelism();

/** In table order. */
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
    runner: 'raw-readings',
    what: "the raw readings runSync('noop') makes, each timed alone natively (baseline)",
    spec: () => micro('raw-readings', 'raw readings of one task'),
  },
  {
    runner: 'bare-async-work',
    what: 'bare napi_async_work round trip (baseline)',
    spec: (c) => baselineFlood('bare-async-work', c.plan.flood.asyncWork, null),
  },
  {
    runner: 'run-released',
    what: "concurrent run('noop', {}, { mode: 'released' }) calls",
    spec: (c) =>
      c.plan.modes.includes('released') ? baselineFlood('run-released', c.plan.flood.asyncWork, null) : null,
  },
  {
    runner: 'batch-10000',
    what: `batch({ mode: 'released', tasks: ${GOAL_BATCH_TASKS} }) of empty tasks`,
    spec: (c) => modeFlood(c, 'released', GOAL_BATCH_TASKS, null, 'batch-10000'),
  },
  {
    runner: 'released',
    what: "batch({ mode: 'released' }) of empty tasks",
    spec: (c) => modeFlood(c, 'released', c.plan.flood.asyncWork, null),
  },
  {
    runner: 'gil',
    what: "batch({ mode: 'gil' }) of empty tasks",
    spec: (c) => modeFlood(c, 'gil', c.plan.flood.asyncWork, null),
  },
  {
    runner: 'worker',
    what: "batch({ mode: 'worker' }) of empty tasks",
    spec: (c) => modeFlood(c, 'worker', c.plan.flood.worker, perCore(c)),
  },
  {
    runner: 'process',
    what: "batch({ mode: 'process' }) of empty tasks",
    spec: (c) => modeFlood(c, 'process', c.plan.flood.process, perCore(c)),
  },
  {
    runner: 'piscina',
    what: 'piscina running the JS empty kernel (baseline)',
    spec: (c) => baselineFlood('piscina', c.plan.flood.piscina, perCore(c)),
  },
];

const COLUMNS = ['runner', 'what', 'timed by', 'ns per task (median)', '95% CI ns', 'MAD ns', 'tasks/s', 'x raw N-API'];

function tableRow({ runner, what }: Runner, r: ConfigResult, raw: number | undefined): Cell[] {
  const s = r.summary;
  return [
    runner,
    what,
    r.kind === 'micro' ? (r.mode === 'raw-readings' ? 'native loop' : 'benchmark.js') : `flood of ${r.tasks}`,
    round(s.median),
    `${round(s.ci.lo)}–${round(s.ci.hi)}`,
    round(s.mad),
    round(1e9 / s.median),
    raw ? round(s.median / raw) : null,
  ];
}

/** A row for each runner that ran, and for each that could not (saying why); the medians to draw. */
function measuredRows(get: Lookup, unavailable: WhyUnavailable) {
  const rows: Cell[][] = [];
  const dots: Record<string, string | number>[] = [];
  const raw = get(dispatchKey('raw-napi'))?.summary.median;
  for (const runner of RUNNERS) {
    const r = get(dispatchKey(runner.runner));
    const why = unavailable(dispatchKey(runner.runner));
    if (r) {
      rows.push(tableRow(runner, r, raw));
      dots.push({ runner: runner.runner, nsPerTask: r.summary.median });
    } else if (why !== undefined)
      rows.push([runner.runner, runner.what, `not run: ${why}`, null, null, null, null, null]);
  }
  return { rows, dots };
}

function reading(get: Lookup): string {
  const med = (runner: DispatchRunner): number | undefined => get(dispatchKey(runner))?.summary.median;
  const parts: string[] = [];
  for (const { runner } of RUNNERS) {
    const m = med(runner);
    if (m !== undefined) parts.push(`${runner} ${fmtDuration(m)}`);
  }
  const rel = med('released');
  const pis = med('piscina');
  return (
    (parts.length ? `Per empty task: ${parts.join(', ')}.` : 'no runner ran.') +
    (rel && pis ? ` Released tasks cost ${sig(pis / rel)}x less than piscina's.` : '')
  );
}

export const dispatch: Experiment = {
  id: 6,
  slug: 'dispatch',
  title: 'Dispatch cost of an empty task',
  question: 'What does it cost to hand one empty task to each runner?',
  specs(ctx) {
    return RUNNERS.map((r) => r.spec(ctx)).filter((s): s is ConfigSpec => s !== null);
  },
  analyse(_ctx, get, unavailable) {
    const { rows, dots } = measuredRows(get, unavailable);
    return {
      table: { columns: COLUMNS, rows },
      reading: reading(get),
      charts: [
        dotChart({
          file: 'dispatch-cost.svg',
          title: 'Cost of one empty task (ns, log scale)',
          rows: dots,
          x: { field: 'runner', title: 'runner', sort: RUNNERS.map((r) => r.runner) },
          y: { field: 'nsPerTask', title: 'ns per task', log: true },
        }),
      ],
    };
  },
};
