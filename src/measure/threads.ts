/**
 * Per-thread attribution: every thread of this process read when a measurement starts and when it
 * ends, each from its own CPU clock (exact: the kernel brings it up to date on the read), with its
 * run-queue wait (schedstat field 2) and its name (comm), and each given a role (see ObservedRole).
 *
 * The order of the reads keeps the per-thread sum and RUSAGE_SELF comparable: at the start
 * schedstat first, then RUSAGE_SELF, then the CPU clocks; at the end the CPU clocks, then
 * RUSAGE_SELF, then schedstat and comm. Reading a thread's CPU clock also brings the kernel's
 * figure for it up to date, which RUSAGE_SELF then sums.
 */
import { native } from '../addon/loader.js';
import { listThreads, readComm, readSchedstat } from '../time/procfs.js';
import type { ObservedRole, PoolRoll, RoleCpu, ThreadAttribution, ThreadCpu } from '../types.js';
import { knownPoolTids, poolRoll } from './pool-census.js';

/** The order of byRole. */
export const OBSERVED_ROLES: readonly ObservedRole[] = ['js', 'pool', 'worker', 'native', 'other'];

/** Every live thread's CPU clock and run-queue wait at one moment. */
export interface ThreadSnapshot {
  readonly cpuNs: ReadonlyMap<number, number>;
  readonly runQueueNs: ReadonlyMap<number, number | null>;
}

function readCpu(tids: readonly number[]): Map<number, number> {
  const values = native().threadCpuNsOf([...tids]);
  const out = new Map<number, number>();
  tids.forEach((tid, i) => {
    const v = values[i]!;
    if (v >= 0) out.set(tid, v); // -1: ended between listing and reading
  });
  return out;
}

function readRunQueue(tids: Iterable<number>): Map<number, number | null> {
  const out = new Map<number, number | null>();
  for (const tid of tids) out.set(tid, readSchedstat(process.pid, tid)?.runQueueNs ?? null);
  return out;
}

/** The start: schedstat, then `between` (RUSAGE_SELF), then the CPU clocks. */
export function snapshotStart(between: () => void): ThreadSnapshot {
  const tids = listThreads(process.pid);
  const runQueueNs = readRunQueue(tids);
  between();
  return { cpuNs: readCpu(tids), runQueueNs };
}

/** The end: the CPU clocks, then `between` (RUSAGE_SELF), then schedstat. */
export function snapshotEnd(between: () => void): ThreadSnapshot {
  const cpuNs = readCpu(listThreads(process.pid));
  between();
  return { cpuNs, runQueueNs: readRunQueue(cpuNs.keys()) };
}

/** Each thread's role, by what is known of it now. */
export function roleResolver(): (tid: number) => ObservedRole {
  const js = native().osThreadId();
  const pool = knownPoolTids();
  const registered = new Map(
    native()
      .registeredThreads()
      .map((t) => [t.tid, t.role] as const),
  );
  return (tid) => (tid === js ? 'js' : pool.has(tid) ? 'pool' : (registered.get(tid) ?? 'other'));
}

function threadsOver(a: ThreadSnapshot, b: ThreadSnapshot, roleOf: (tid: number) => ObservedRole): ThreadCpu[] {
  const out: ThreadCpu[] = [];
  for (const [tid, cpu1] of b.cpuNs) {
    const cpu0 = a.cpuNs.get(tid);
    // A clock that went back is a new thread that reuses an ended one's tid.
    const startedInside = cpu0 === undefined || cpu1 < cpu0;
    const rq1 = b.runQueueNs.get(tid) ?? null;
    const rq0 = startedInside ? 0 : (a.runQueueNs.get(tid) ?? null);
    out.push({
      tid,
      role: roleOf(tid),
      name: readComm(process.pid, tid) ?? '',
      cpuNs: startedInside ? cpu1 : cpu1 - cpu0,
      runQueueNs: rq1 === null || rq0 === null ? null : Math.max(0, rq1 - rq0),
      startedInside,
    });
  }
  return out.sort((x, y) => y.cpuNs - x.cpuNs);
}

export function totalsByRole(threads: readonly ThreadCpu[]): RoleCpu[] {
  return OBSERVED_ROLES.map((role) => {
    const mine = threads.filter((t) => t.role === role);
    const rq = mine.every((t) => t.runQueueNs !== null) ? mine.reduce((s, t) => s + t.runQueueNs!, 0) : null;
    return { role, threads: mine.length, cpuNs: mine.reduce((s, t) => s + t.cpuNs, 0), runQueueNs: rq };
  }).filter((r) => r.threads > 0);
}

/** The attribution from two snapshots and the process's RUSAGE_SELF delta over the same time. */
export function attribute(a: ThreadSnapshot, b: ThreadSnapshot, processCpuNs: number): ThreadAttribution {
  const threads = threadsOver(a, b, roleResolver());
  const sumNs = threads.reduce((s, t) => s + t.cpuNs, 0);
  const remainder = processCpuNs - sumNs;
  const pool: PoolRoll = poolRoll();
  return {
    threads,
    byRole: totalsByRole(threads),
    unaccountedCpuNs: Math.max(0, remainder),
    unaccountedClamped: remainder < 0,
    excessCpuNs: Math.max(0, -remainder),
    endedThreads: [...a.cpuNs.keys()].filter((tid) => !b.cpuNs.has(tid)).length,
    pool,
  };
}
