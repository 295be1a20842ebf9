/**
 * From measured runs to a configuration's figures: summary statistics, throughput, speed-up over
 * tasks = 1, efficiency, CPU-s per s, and where the wall time of a task went.
 */
import type { BatchReport } from '../../src/types.js';
import type { Measured } from '../runner.js';
import { ratioOfMediansCi, summarize } from './stats.js';
import type { Breakdown, ConfigResult, ExperimentId } from '../model/types.js';

/** A task's measured parts may exceed its wall time by this share before the check fails ... */
export const OVERSHOOT_TOLERANCE = 0.02;
/** ... or by this many ns (clock reads at slightly different instants). */
export const OVERSHOOT_TOLERANCE_NS = 100_000;

function medianOf(values: readonly (number | null)[]): number | null {
  const xs = values.filter((v): v is number => typeof v === 'number' && Number.isFinite(v)).sort((a, b) => a - b);
  if (xs.length === 0) return null;
  const mid = xs.length >> 1;
  return xs.length % 2 ? xs[mid]! : (xs[mid - 1]! + xs[mid]!) / 2;
}

/**
 * The mean task's wall time split into CPU, run-queue wait, lock wait and blocked, plus its queue wait
 * before it started; over every task of every measured run. CPU and run-queue wait come from the OS
 * (a thread is running, runnable or asleep), so the time asleep is wall - cpu - runQueue. Lock wait
 * is the part of that sleep spent waiting for the lock: a woken waiter's wait for a CPU is already
 * run-queue time, so it is not counted twice (it is reported apart as `lockWakeNs`). Blocked is the
 * rest of the sleep (sleep, I/O). The check: cpu + runQueue never exceeds the wall time (beyond a
 * tolerance), so the five parts are disjoint and add up to queue + wall.
 */
export function breakdown(reports: readonly BatchReport[]): Breakdown | null {
  const tasks = reports.flatMap((r) => r.taskReports);
  if (tasks.length === 0) return null;
  let cpu = 0, runQueue = 0, lockAsleep = 0, lockWake = 0, blocked = 0, queue = 0, wall = 0, worst = 0, over = 0; // prettier-ignore
  let runQueueMeasured = true;
  for (const t of tasks) {
    const rq = t.runQueueNs ?? 0;
    if (t.runQueueNs === null) runQueueMeasured = false;
    const overshootNs = t.cpuNs + rq - t.wallNs;
    if (t.wallNs > 0) worst = Math.max(worst, overshootNs / t.wallNs);
    if (overshootNs > Math.max(OVERSHOOT_TOLERANCE * t.wallNs, OVERSHOOT_TOLERANCE_NS)) over++;
    const asleep = Math.max(0, t.wallNs - t.cpuNs - rq);
    const lock = Math.min(t.lockWaitNs, asleep);
    cpu += t.cpuNs;
    runQueue += rq;
    lockAsleep += lock;
    lockWake += t.lockWaitNs - lock;
    blocked += asleep - lock;
    queue += t.queueNs;
    // A task whose cpu + runQueue overshoot its wall (within tolerance) is booked as measured; the
    // overshoot shows in sumOverTotal.
    wall += t.wallNs;
  }
  const n = tasks.length;
  const total = queue + wall;
  const sum = cpu + runQueue + lockAsleep + blocked + queue;
  return {
    cpuNs: cpu / n,
    runQueueNs: runQueue / n,
    lockWaitNs: lockAsleep / n,
    lockWakeNs: lockWake / n,
    blockedNs: blocked / n,
    queueNs: queue / n,
    taskWallNs: wall / n,
    totalNs: total / n,
    check: {
      ok: over === 0,
      sumOverTotal: total > 0 ? sum / total : 1,
      worstOvershoot: Math.max(0, worst),
      tasksOver: over,
      tasks: n,
      runQueueMeasured,
    },
  };
}

/**
 * Figures of one configuration. `baseline` is the same configuration at tasks = 1 (null for
 * tasks = 1 itself or where none was run); `cores` caps the efficiency's ideal.
 */
export function analyse(
  m: Measured,
  experiments: readonly ExperimentId[],
  baseline: Measured | null,
  cores: number,
): ConfigResult {
  const summary = summarize(m.samples);
  const { spec } = m;
  const isBatch = spec.kind === 'batch';
  const throughputPerS =
    spec.kind === 'batch' ? (spec.tasks * 1e9) / summary.median : spec.kind === 'flood' ? 1e9 / summary.median : null;
  let speedup: ConfigResult['speedup'] = null;
  let efficiency: number | null = null;
  if (isBatch) {
    const self = spec.tasks === 1 ? m : baseline;
    if (self) {
      // throughput(n) / throughput(1) = wall(1) / (wall(n) / n): a ratio of medians.
      const perTask = m.samples.map((w) => w / spec.tasks);
      const r = self === m ? { ratio: 1, ci: { lo: 1, hi: 1, level: 0.95 } } : ratioOfMediansCi(perTask, self.samples);
      speedup = { value: r.ratio, ci: r.ci };
      efficiency = r.ratio / Math.min(spec.tasks, cores);
    }
  }
  const reports = m.reports;
  return {
    ...spec,
    experiments: [...experiments],
    metric: m.metric,
    samples: m.samples,
    summary,
    throughputPerS,
    speedup,
    efficiency,
    cpuPerWall: isBatch ? medianOf(reports.map((r) => r.cpuPerWall)) : null,
    parallelism: isBatch ? medianOf(reports.map((r) => r.parallelism)) : null,
    poolSize: isBatch ? (reports[0]?.poolSize ?? null) : null,
    breakdown: isBatch ? breakdown(reports) : null,
    eventLoop: isBatch
      ? {
          utilization: medianOf(reports.map((r) => r.eventLoop.utilization)) ?? 0,
          delayP50Ns: medianOf(reports.map((r) => r.eventLoop.delayP50Ns)),
          delayP99Ns: medianOf(reports.map((r) => r.eventLoop.delayP99Ns)),
          delayMaxNs: medianOf(reports.map((r) => r.eventLoop.delayMaxNs)),
        }
      : null,
    probe: isBatch
      ? {
          timerP99Ns: medianOf(reports.map((r) => r.probe?.timer.p99Ns ?? null)),
          timerMaxNs: medianOf(reports.map((r) => r.probe?.timer.maxNs ?? null)),
          convoyP50Ns: medianOf(reports.map((r) => r.probe?.convoy?.p50Ns ?? null)),
          convoyP99Ns: medianOf(reports.map((r) => r.probe?.convoy?.p99Ns ?? null)),
          convoyMaxNs: medianOf(reports.map((r) => r.probe?.convoy?.maxNs ?? null)),
        }
      : null,
    lock:
      isBatch && reports.every((r) => r.lock)
        ? {
            handoffs: medianOf(reports.map((r) => r.lock!.handoffs)) ?? 0,
            handoffsPerSecond: medianOf(reports.map((r) => r.lock!.handoffsPerSecond)) ?? 0,
            heldFraction: medianOf(reports.map((r) => r.lock!.heldFraction)) ?? 0,
            dropRequests: medianOf(reports.map((r) => r.lock!.dropRequests)) ?? 0,
          }
        : null,
    extra: m.extra,
  };
}
