/**
 * Experiment 9: pool starvation. k = 0 .. pool size + 2 long released tasks hold libuv's pool
 * (gilscope's `spin`, and once more with crypto.pbkdf2) while a small fs read, a
 * dns.lookup('localhost') and a tiny gilscope released task are issued: their latency against k.
 * Every one of them needs a pool thread, so from k = pool size on they wait for a long task to end.
 */
import { poolSize } from '../../src/index.js';
import { nodeSizes, nodeTaskMs } from '../extras/node-work.js';
import type { Occupier } from '../extras/starvation.js';
import { lineChart } from '../report/charts.js';
import { fmtDuration, ms, round } from '../report/format.js';
import type { Cell, StarvationSpec } from '../model/results.js';
import type { ExpContext, Experiment, Lookup } from './common.js';
import { starvationKey as key } from '../model/keys.js';

export const OCCUPIERS: readonly Occupier[] = ['spin', 'pbkdf2'];
const OPS = [
  ['fs', 'fs read 4 KiB'],
  ['dns', "dns.lookup('localhost')"],
  ['tiny', 'tiny gilscope task'],
] as const;

/** Each long task is experiment 8's task length of CPU (see nodeTaskMs). */
function occupierParams(ctx: ExpContext, occupier: Occupier): Record<string, number> {
  const ms = nodeTaskMs(ctx.plan.taskMs);
  return occupier === 'spin' ? { cpuUs: Math.round(ms * 1000) } : { iterations: nodeSizes(ms).pbkdf2 };
}

const ks = (): number[] => Array.from({ length: poolSize() + 3 }, (_, k) => k);

function specs(ctx: ExpContext): StarvationSpec[] {
  return OCCUPIERS.flatMap((occupier) =>
    ks().map((k): StarvationSpec => ({
      key: key(occupier, k),
      label: `starvation: ${k} ${occupier} on the pool`,
      kind: 'starvation',
      kernel: null,
      params: occupierParams(ctx, occupier),
      mode: occupier,
      tasks: k,
      threads: poolSize(),
      switchIntervalUs: null,
      forcedSwitching: null,
    })),
  );
}

const COLUMNS = ['long tasks', 'k', 'pool', ...OPS.flatMap(([, name]) => [`${name} p50 ms`, `p99 ms`])];

function rows(get: Lookup): Cell[][] {
  const out: Cell[][] = [];
  for (const occupier of OCCUPIERS) {
    for (const k of ks()) {
      const r = get(key(occupier, k));
      if (!r) continue;
      const cells = OPS.flatMap(([op]) => [ms(r.extra[`${op}P50Ns`]), ms(r.extra[`${op}P99Ns`])]);
      out.push([occupier, k, r.threads, ...cells]);
    }
  }
  return out;
}

function chartRows(get: Lookup, stat: 'P50' | 'P99'): Record<string, string | number>[] {
  const out: Record<string, string | number>[] = [];
  for (const occupier of OCCUPIERS) {
    for (const k of ks()) {
      const r = get(key(occupier, k));
      for (const [op, name] of OPS) {
        const v = r?.extra[`${op}${stat}Ns`];
        if (v !== undefined && v !== null && v > 0) out.push({ series: `${name} (${occupier})`, k, ms: v / 1e6 });
      }
    }
  }
  return out;
}

/** The jump counts as clear when the tiny task's median at k = pool size is this many times k = 0's. */
export const CLEAR_JUMP = 2;

function reading(get: Lookup): string {
  const size = poolSize();
  const p50 = (occupier: Occupier, k: number, op: string): number | null =>
    get(key(occupier, k))?.extra[`${op}P50Ns`] ?? null;
  const parts = OPS.map(([op, name]) => {
    const below = p50('spin', size - 1, op);
    const at = p50('spin', size, op);
    const ratio = below && at ? ` (${round(at / below, 2)}x)` : '';
    return `${name} ${fmtDuration(below)} at k = ${size - 1}, ${fmtDuration(at)} at k = ${size}${ratio}`;
  });
  const pb = p50('pbkdf2', size, 'tiny');
  const idle = p50('spin', 0, 'tiny');
  const at = p50('spin', size, 'tiny');
  const clear = idle !== null && at !== null && at >= CLEAR_JUMP * Math.max(idle, p50('spin', size - 1, 'tiny') ?? 0);
  const finding = clear
    ? `From k = ${size} long tasks on, every small operation that needs the pool (fs, dns.lookup, crypto, zlib, ` +
      'any addon) waits in its queue for a long task to end'
    : `In this run the latency did not jump clearly at k = ${size}: below the pool size the small operations ` +
      'already waited for a core (run-queue wait from the long tasks and other load on the machine), which hides ' +
      'the queue wait; with the pool full they still must wait for a long task to end';
  return (
    `The pool has ${size} threads. Median latency: ${parts.join('; ')}. ${finding}; with crypto.pbkdf2 as the ` +
    `long work the tiny task took ${fmtDuration(pb)} at k = ${size}. Below the pool size the small operations get ` +
    'a thread at once and wait only for a core. What moves the jump: a bigger pool (UV_THREADPOOL_SIZE before the ' +
    'pool starts) moves it to a larger k; the long work in a worker or a process (its own threads) takes it off ' +
    'the pool.'
  );
}

export const poolStarvation: Experiment = {
  id: 9,
  slug: 'pool-starvation',
  title: 'Pool starvation',
  question: "How long do fs, dns.lookup and a tiny addon task wait while long tasks hold libuv's pool?",
  specs,
  analyse(_ctx, get) {
    return {
      table: { columns: COLUMNS, rows: rows(get) },
      reading: reading(get),
      charts: [
        lineChart({
          file: 'pool-starvation-p50.svg',
          title: 'Median latency of small pool operations vs long tasks on the pool (ms, log scale)',
          rows: chartRows(get, 'P50'),
          x: { field: 'k', title: 'long tasks holding the pool (k)', integer: true },
          y: { field: 'ms', title: 'latency ms', log: true },
          series: 'series',
          seriesTitle: 'operation (long work)',
        }),
        lineChart({
          file: 'pool-starvation-p99.svg',
          title: 'p99 latency of small pool operations vs long tasks on the pool (ms, log scale)',
          rows: chartRows(get, 'P99'),
          x: { field: 'k', title: 'long tasks holding the pool (k)', integer: true },
          y: { field: 'ms', title: 'latency ms', log: true },
          series: 'series',
          seriesTitle: 'operation (long work)',
        }),
      ],
    };
  },
};
