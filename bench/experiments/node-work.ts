/**
 * Experiment 8: Node's own native work, held and released. crypto.pbkdf2Sync, zlib.gzipSync and
 * fs.readFileSync run on the JS thread; crypto.pbkdf2, zlib.gzip and fs.promises.readFile on
 * libuv's pool, which they share with every addon. Each at tasks 1..2x cores, measured by
 * measure() with the CPU of each thread role; the released calls again with pool sizes 1, 2, 4 and
 * 2x cores, each in a fresh child process.
 */
import { poolSize } from '../../src/index.js';
import { HELD_CALLS, NODE_CALLS, nodeSizes, nodeTaskMs, sizeOf } from '../extras/node-work.js';
import { barChart, lineChart } from '../report/charts.js';
import { pct, round, times } from '../report/format.js';
import type { Cell, ConfigResult, NodeCall, NodeWorkSpec } from '../model/results.js';
import { WALL_COLUMNS, wallCells, withOne, type ExpContext, type Experiment, type Lookup } from './common.js';
import { nodeWorkKey as key } from '../model/keys.js';

const RELEASED_CALLS = NODE_CALLS.filter((c) => !HELD_CALLS.includes(c));

/** The pool sizes swept for the released calls: 1, 2, 4 and 2x cores. */
export function poolSizes(cores: number): number[] {
  return [...new Set([1, 2, 4, 2 * cores])].sort((a, b) => a - b);
}

function spec(ctx: ExpContext, call: NodeCall, threads: number, tasks: number): NodeWorkSpec {
  const size = sizeOf(call, nodeSizes(nodeTaskMs(ctx.plan.taskMs)));
  return {
    key: key(call, threads, tasks),
    label: `${call} x${tasks} (pool ${threads})`,
    kind: 'node-work',
    kernel: null,
    params: { [call.startsWith('pbkdf2') ? 'iterations' : 'bytes']: size },
    mode: call,
    tasks,
    threads,
    switchIntervalUs: null,
    forcedSwitching: null,
  };
}

const top = (ctx: ExpContext): number => Math.max(...withOne(ctx.plan.tasks));

/** Every call at every task count with this process's pool; the released ones at each pool size. */
function specs(ctx: ExpContext): NodeWorkSpec[] {
  const here = poolSize();
  const out = NODE_CALLS.flatMap((call) => withOne(ctx.plan.tasks).map((t) => spec(ctx, call, here, t)));
  for (const size of poolSizes(ctx.cores).filter((s) => s !== here)) {
    for (const call of RELEASED_CALLS) for (const t of [1, top(ctx)]) out.push(spec(ctx, call, size, t));
  }
  return out;
}

const COLUMNS = [
  'call',
  'runs on',
  'size',
  'pool',
  'tasks',
  ...WALL_COLUMNS,
  'speed-up',
  'CPU-s/s',
  'JS thread CPU',
  'pool CPU',
  'other CPU',
];

/** A role's share of the CPU of the run's threads (medians from extra). */
function roleShare(r: ConfigResult | undefined, role: 'js' | 'pool' | 'other'): number | null {
  const js = r?.extra['jsCpuNs'] ?? null;
  const pool = r?.extra['poolCpuNs'] ?? null;
  const other = r?.extra['otherCpuNs'] ?? null;
  if (js === null || pool === null || other === null || js + pool + other <= 0) return null;
  return { js, pool, other }[role] / (js + pool + other);
}

function row(r: ConfigResult): Cell[] {
  const size = Object.entries(r.params ?? {})
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
  return [
    r.mode,
    HELD_CALLS.includes(r.mode as NodeCall) ? 'JS thread' : 'libuv pool',
    size,
    r.threads,
    r.tasks,
    ...wallCells(r),
    round(r.speedup?.value),
    round(r.extra['cpuPerWall']),
    pct(roleShare(r, 'js')),
    pct(roleShare(r, 'pool')),
    pct(roleShare(r, 'other')),
  ];
}

type Row = Record<string, string | number>;

function chartRows(ctx: ExpContext, get: Lookup): { speed: Row[]; sweep: Row[]; roles: Row[] } {
  const here = poolSize();
  const speed: Row[] = [];
  const roles: Row[] = [];
  for (const call of NODE_CALLS) {
    for (const t of withOne(ctx.plan.tasks)) {
      const s = get(key(call, here, t))?.speedup?.value;
      if (s !== undefined) speed.push({ call, tasks: t, speedup: s });
    }
    const r = get(key(call, here, top(ctx)));
    for (const [role, field] of [
      ['JS thread', 'jsCpuNs'],
      ['libuv pool', 'poolCpuNs'],
      ['other threads', 'otherCpuNs'],
    ] as const) {
      const v = r?.extra[field];
      if (v !== undefined && v !== null) roles.push({ call, role, cpuMs: v / 1e6 });
    }
  }
  const sweep: Row[] = [];
  for (const call of RELEASED_CALLS) {
    for (const size of poolSizes(ctx.cores)) {
      const s = get(key(call, size, top(ctx)))?.speedup?.value;
      if (s !== undefined) sweep.push({ call, pool: size, speedup: s });
    }
  }
  return { speed, sweep, roles };
}

/** "pbkdf2Sync 98%, gzipSync 97%" of a role at the top task count. */
function shares(ctx: ExpContext, get: Lookup, calls: readonly NodeCall[], role: 'js' | 'pool'): string {
  return calls.map((c) => `${c} ${pct(roleShare(get(key(c, poolSize(), top(ctx))), role))}`).join(', ');
}

function speedups(get: Lookup, calls: readonly NodeCall[], pool: number, tasks: number): string {
  return calls.map((c) => `${c} ${times(get(key(c, pool, tasks))?.speedup?.value)}`).join(', ');
}

/** A note when a speed-up is well above its bound (min(cores, pool)): that is noise, not parallelism. */
function noisy(ctx: ExpContext, get: Lookup): string {
  const over = poolSizes(ctx.cores).flatMap((size) =>
    RELEASED_CALLS.filter((c) => (get(key(c, size, top(ctx)))?.speedup?.value ?? 0) > 1.25 * Math.min(ctx.cores, size)),
  );
  return over.length === 0
    ? ''
    : ` ${over.length} speed-up(s) above their bound by more than 25%: a slow tasks = 1 run on a loaded machine ` +
        '(the table gives each wall time with its 95% interval), not more parallelism than the bound allows.';
}

function reading(ctx: ExpContext, get: Lookup): string {
  const n = top(ctx);
  const here = poolSize();
  const sweep = poolSizes(ctx.cores)
    .map((size) => `pool ${size}: ${speedups(get, RELEASED_CALLS, size, n)} (at most ${Math.min(ctx.cores, size)}x)`)
    .join('; ');
  return (
    `The synchronous calls hold the JS thread: of their CPU the JS thread did ${shares(ctx, get, HELD_CALLS, 'js')}, ` +
    `and ${n} of them, one after another on it, reached ${speedups(get, HELD_CALLS, here, n)} ` +
    '(held calls cannot overlap; what is above 1x is the rest of the process, e.g. GC and page faults). ' +
    `The asynchronous ones release it: the libuv pool did ${shares(ctx, get, RELEASED_CALLS, 'pool')} of their CPU, ` +
    `reaching ${speedups(get, RELEASED_CALLS, here, n)} with ${n} tasks on ${ctx.cores} cores and a pool of ${here}. ` +
    `They top out at min(cores, pool size): ${sweep}. fs.promises.readFile reads in chunks, one pool ` +
    'round trip each, so part of its time is the JS thread issuing them and it need not top out like the others.' +
    noisy(ctx, get)
  );
}

export const nodeWork: Experiment = {
  id: 8,
  slug: 'node-work',
  title: "Node's own native work, held and released",
  question: 'Do crypto, zlib and fs calls hold the JS thread or release it, and where does the released work top out?',
  specs,
  analyse(ctx, get) {
    const rows = specs(ctx)
      .map((s) => get(s.key))
      .filter((r): r is ConfigResult => r !== undefined)
      .map(row);
    const { speed, sweep, roles } = chartRows(ctx, get);
    return {
      table: { columns: COLUMNS, rows },
      reading: reading(ctx, get),
      charts: [
        lineChart({
          file: 'node-work-speedup.svg',
          title: `Node's calls: speed-up vs tasks (pool ${poolSize()})`,
          rows: speed,
          x: { field: 'tasks', title: 'tasks at once', integer: true },
          y: { field: 'speedup', title: 'speed-up (x)' },
          series: 'call',
          seriesTitle: 'call',
        }),
        lineChart({
          file: 'node-work-pool-size.svg',
          title: `Released calls: speed-up at ${top(ctx)} tasks vs the libuv pool size`,
          rows: sweep,
          x: { field: 'pool', title: 'UV_THREADPOOL_SIZE', integer: true },
          y: { field: 'speedup', title: 'speed-up (x)' },
          series: 'call',
          seriesTitle: 'call',
        }),
        barChart({
          file: 'node-work-roles.svg',
          title: `CPU per thread role at ${top(ctx)} tasks (ms, median run)`,
          rows: roles,
          x: { field: 'call', title: 'call', sort: [...NODE_CALLS] },
          y: { field: 'cpuMs', title: 'CPU ms' },
          stack: { field: 'role', title: 'role', order: ['JS thread', 'libuv pool', 'other threads'] },
        }),
      ],
    };
  },
};
