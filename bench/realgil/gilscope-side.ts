/**
 * gilscope's side of the comparison, through the library's public entry: the convoy probe beside
 * `spin` tasks in mode 'gil' (the probe alone beside a task that only blocks, for no CPU-bound
 * thread), the lock's hand-off rate, and the threads-vs-processes task list (`primes` calibrated
 * once to the task duration, a fixed amount of work as the Python loop is, and `sleep`) in the mode
 * CPython's threads are compared with and in mode 'process'.
 */
import { batch, type BatchReport, type KernelName, type KernelParams, type Mode } from '../../src/index.js';
import { CONVOY_WAIT_US } from '../../src/internal.js';
import type { ConvoyCaseSpec } from './cases.js';

/** One run of one convoy case: the probe's round latency with its wait (ns), the hand-off rate. */
export interface ConvoyRun {
  readonly p50Ns: number | null;
  readonly p99Ns: number | null;
  readonly maxNs: number | null;
  readonly rounds: number;
  readonly handoffsPerSecond: number;
}

/**
 * One run of a case: `cpuThreads` spin tasks sharing the run's duration, the probe beside them when
 * the case has its I/O thread (figures null without it).
 */
export async function gilscopeConvoy(c: ConvoyCaseSpec, signal?: AbortSignal): Promise<ConvoyRun> {
  const durationUs = Math.round(c.seconds * 1e6);
  const common = { mode: 'gil' as const, switchIntervalUs: c.intervalUs, forcedSwitching: true, convoyProbe: c.io };
  const r: BatchReport =
    c.cpuThreads === 0
      ? await batch({ ...common, kernel: 'sleep', params: { us: durationUs }, tasks: 1, ...(signal ? { signal } : {}) })
      : await batch({
          ...common,
          kernel: 'spin',
          params: { cpuUs: Math.round(durationUs / c.cpuThreads) },
          tasks: c.cpuThreads,
          ...(signal ? { signal } : {}),
        });
  const convoy = r.probe.convoy;
  // The Python I/O thread's round includes its sleep; the probe's latency starts after its wait.
  const withWait = (ns: number | null | undefined): number | null => (ns == null ? null : ns + CONVOY_WAIT_US * 1000);
  return {
    p50Ns: withWait(convoy?.p50Ns),
    p99Ns: withWait(convoy?.p99Ns),
    maxNs: withWait(convoy?.maxNs),
    rounds: convoy?.samples ?? 0,
    handoffsPerSecond: c.cpuThreads >= 2 ? overlapRate(r) : 0,
  };
}

/**
 * The lock's hand-offs per second while every task ran: from the last task's start to the first
 * one's end, as CPython's count starts once its threads run and stops before they end (the batch's
 * own lock.handoffsPerSecond divides by its whole wall, start-up and the last task alone included).
 */
function overlapRate(r: BatchReport): number {
  const startNs = Math.max(...r.taskReports.map((t) => Number(t.startNs)));
  const endNs = Math.min(...r.taskReports.map((t) => Number(t.endNs)));
  const handoffs = r.lock?.handoffs ?? 0;
  return endNs > startNs ? handoffs / ((endNs - startNs) / 1e9) : (r.lock?.handoffsPerSecond ?? 0);
}

/** One run of the task list: wall time of `tasks` tasks of `kernel` in `mode` (s). */
export async function gilscopeTasks(
  kernel: KernelName,
  params: Record<string, number>,
  mode: Mode,
  tasks: number,
  signal?: AbortSignal,
): Promise<number> {
  const r = await batch({
    kernel,
    params: params as KernelParams[KernelName],
    mode,
    tasks,
    convoyProbe: false,
    ...(signal ? { signal } : {}),
  });
  return r.wallNs / 1e9;
}
