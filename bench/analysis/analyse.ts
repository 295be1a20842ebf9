/**
 * From measured runs to a configuration's figures: summary statistics, throughput, speed-up over
 * tasks = 1, efficiency, CPU-s per s, and where the wall time of a task went.
 */
import { readAccount, wallBreakdown, type BatchReport } from '../../src/index.js';
import type { Measured } from '../runner.js';
import { medianOf, ratioOfMediansCi, summarize } from './stats.js';
import type { Breakdown, ConfigResult, ExperimentId } from '../model/results.js';

/** What the analysis reads of each measured batch (every BatchReport is one). */
export type BatchFigures = Pick<
  BatchReport,
  | 'taskReports'
  | 'cpuPerWall'
  | 'parallelism'
  | 'poolSize'
  | 'eventLoop'
  | 'probe'
  | 'lock'
  | 'wallNs'
  | 'cores'
  | 'processUserUs'
  | 'processSystemUs'
  | 'jsThreadCpuNs'
  | 'mode'
>;

/** What the analysis reads of a configuration's runs (every Measured is one). */
export interface Runs extends Pick<Measured, 'spec' | 'metric' | 'samples' | 'extra' | 'rounds'> {
  /** The batch reports of the measured runs (batch kind only). */
  readonly reports: readonly BatchFigures[];
}

/**
 * The mean task's breakdown over every task of every measured run: the library's wallBreakdown
 * (src/measure/breakdown.ts), the same split the readings rest on.
 */
export function breakdown(reports: readonly Pick<BatchReport, 'taskReports'>[]): Breakdown | null {
  return wallBreakdown(reports.flatMap((r) => r.taskReports));
}

/**
 * The reading of the run closest to the median wall time, with the configuration's speed-up (the
 * bench has the tasks = 1 baseline that a single batch lacks).
 */
function medianRunReading(reports: readonly BatchFigures[], speedup: ConfigResult['speedup'], tasks: number) {
  if (reports.length === 0) return null;
  const mid = medianOf(reports.map((r) => r.wallNs)) ?? 0;
  const r = reports.reduce((best, x) => (Math.abs(x.wallNs - mid) < Math.abs(best.wallNs - mid) ? x : best));
  return readAccount({
    wallNs: r.wallNs,
    cores: r.cores,
    processCpuNs: (r.processUserUs + r.processSystemUs) * 1000,
    jsThreadCpuNs: r.jsThreadCpuNs,
    tasks: r.taskReports,
    mode: r.mode,
    poolSize: r.poolSize,
    lockHeldFraction: r.lock?.heldFraction ?? null,
    speedup: speedup && tasks > 1 ? { value: speedup.value, tasks } : null,
  });
}

/** Speed-up over the tasks = 1 twin (`baseline`, or `m` itself at tasks = 1) and efficiency; batches only. */
function speedupOf(
  m: Runs,
  baseline: Runs | null,
  cores: number,
): { speedup: ConfigResult['speedup']; efficiency: number | null } {
  const { spec } = m;
  const self = spec.tasks === 1 ? m : baseline;
  if ((spec.kind !== 'batch' && spec.kind !== 'node-work') || !self) return { speedup: null, efficiency: null };
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
  reading: null,
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
  const gains = speedupOf(m, baseline, cores);
  const throughputPerS =
    spec.kind === 'batch' || spec.kind === 'node-work'
      ? (spec.tasks * 1e9) / summary.median
      : spec.kind === 'flood'
        ? 1e9 / summary.median
        : null;
  return {
    ...spec,
    experiments: [...experiments],
    metric: m.metric,
    samples: m.samples,
    summary,
    throughputPerS,
    ...gains,
    ...(spec.kind === 'batch'
      ? { ...batchFigures(m.reports), reading: medianRunReading(m.reports, gains.speedup, spec.tasks) }
      : NOT_A_BATCH),
    extra: m.extra,
    ...(m.rounds && m.rounds.length >= 2 ? { rounds: [...m.rounds] } : {}),
  };
}
