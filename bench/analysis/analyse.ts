/**
 * From measured runs to a configuration's figures: summary statistics, throughput, speed-up over
 * tasks = 1, efficiency, CPU-s per s, and where the wall time of a task went.
 */
import type { BatchReport } from '../../src/index.js';
import type { Measured } from '../runner.js';
import { medianOf, ratioOfMediansCi, summarize } from './stats.js';
import type { Breakdown, ConfigResult, ExperimentId } from '../model/results.js';

/** What the analysis reads of each measured batch (every BatchReport is one). */
export type BatchFigures = Pick<
  BatchReport,
  'taskReports' | 'cpuPerWall' | 'parallelism' | 'poolSize' | 'eventLoop' | 'probe' | 'lock'
>;

/** What the analysis reads of a configuration's runs (every Measured is one). */
export interface Runs extends Pick<Measured, 'spec' | 'metric' | 'samples' | 'extra'> {
  /** The batch reports of the measured runs (batch kind only). */
  readonly reports: readonly BatchFigures[];
}

/** A task's measured parts may exceed its wall time by this share before the check fails ... */
export const OVERSHOOT_TOLERANCE = 0.02;
/** ... or by this many ns (clock reads at slightly different instants). */
export const OVERSHOOT_TOLERANCE_NS = 100_000;

/**
 * The mean task's wall time split into CPU, run-queue wait, lock wait and blocked, plus its queue wait
 * before it started; over every task of every measured run. CPU and run-queue wait come from the OS
 * (a thread is running, runnable or asleep), so the time asleep is wall - cpu - runQueue. Lock wait
 * is the part of that sleep spent waiting for the lock: a woken waiter's wait for a CPU is already
 * run-queue time, so it is not counted twice (it is reported apart as `lockWakeNs`). Blocked is the
 * rest of the sleep (sleep, I/O). The check: cpu + runQueue never exceeds the wall time (beyond a
 * tolerance), so the five parts are disjoint and add up to queue + wall.
 */
export function breakdown(reports: readonly Pick<BatchReport, 'taskReports'>[]): Breakdown | null {
  const tasks = reports.flatMap((r) => r.taskReports);
  if (tasks.length === 0) return null;
  let [cpu, runQueue, lockAsleep, lockWake, blocked, queue, wall] = [0, 0, 0, 0, 0, 0, 0];
  let [worst, over] = [0, 0];
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

/** Speed-up over the tasks = 1 twin (`baseline`, or `m` itself at tasks = 1) and efficiency; batches only. */
function speedupOf(
  m: Runs,
  baseline: Runs | null,
  cores: number,
): { speedup: ConfigResult['speedup']; efficiency: number | null } {
  const { spec } = m;
  const self = spec.tasks === 1 ? m : baseline;
  if (spec.kind !== 'batch' || !self) return { speedup: null, efficiency: null };
  // throughput(n) / throughput(1) = wall(1) / (wall(n) / n): a ratio of medians.
  const perTask = m.samples.map((w) => w / spec.tasks);
  const r = self === m ? { ratio: 1, ci: { lo: 1, hi: 1, level: 0.95 } } : ratioOfMediansCi(perTask, self.samples);
  return { speedup: { value: r.ratio, ci: r.ci }, efficiency: r.ratio / Math.min(spec.tasks, cores) };
}

/** A batch's figures beyond its wall time: medians over the repeats of what each BatchReport gave. */
function batchFigures(reports: readonly BatchFigures[]) {
  const med = (f: (r: BatchFigures) => number | null): number | null => medianOf(reports.map(f));
  return {
    cpuPerWall: med((r) => r.cpuPerWall),
    parallelism: med((r) => r.parallelism),
    poolSize: reports[0]?.poolSize ?? null,
    breakdown: breakdown(reports),
    eventLoop: {
      utilization: med((r) => r.eventLoop.utilization) ?? 0,
      delayP50Ns: med((r) => r.eventLoop.delayP50Ns),
      delayP99Ns: med((r) => r.eventLoop.delayP99Ns),
      delayMaxNs: med((r) => r.eventLoop.delayMaxNs),
    },
    probe: {
      convoyP50Ns: med((r) => r.probe?.convoy?.p50Ns ?? null),
      convoyP99Ns: med((r) => r.probe?.convoy?.p99Ns ?? null),
      convoyMaxNs: med((r) => r.probe?.convoy?.maxNs ?? null),
    },
    lock: reports.every((r) => r.lock)
      ? {
          handoffs: med((r) => r.lock!.handoffs) ?? 0,
          handoffsPerSecond: med((r) => r.lock!.handoffsPerSecond) ?? 0,
          heldFraction: med((r) => r.lock!.heldFraction) ?? 0,
          dropRequests: med((r) => r.lock!.dropRequests) ?? 0,
        }
      : null,
  };
}

/** What a configuration that is not a batch has none of. */
const NOT_A_BATCH = {
  cpuPerWall: null,
  parallelism: null,
  poolSize: null,
  breakdown: null,
  eventLoop: null,
  probe: null,
  lock: null,
} as const;

/**
 * Figures of one configuration. `baseline` is the same configuration at tasks = 1 (null for
 * tasks = 1 itself or where none was run); `cores` caps the efficiency's ideal.
 */
export function analyse(
  m: Runs,
  experiments: readonly ExperimentId[],
  baseline: Runs | null,
  cores: number,
): ConfigResult {
  const summary = summarize(m.samples);
  const { spec } = m;
  const throughputPerS =
    spec.kind === 'batch' ? (spec.tasks * 1e9) / summary.median : spec.kind === 'flood' ? 1e9 / summary.median : null;
  return {
    ...spec,
    experiments: [...experiments],
    metric: m.metric,
    samples: m.samples,
    summary,
    throughputPerS,
    ...speedupOf(m, baseline, cores),
    ...(spec.kind === 'batch' ? batchFigures(m.reports) : NOT_A_BATCH),
    extra: m.extra,
  };
}
