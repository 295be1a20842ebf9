/** What every experiment module shares: its shape, spec builders and table helpers. */
import type { KernelName, Mode } from '../../src/index.js';
import type { ChartSpec } from '../report/charts.js';
import { ms, round } from '../report/format.js';
import type {
  BatchSpec,
  Crossover,
  BenchPlan,
  Cell,
  ConfigResult,
  ConfigSpec,
  ExperimentId,
  FitResult,
  Table,
} from '../model/results.js';

export interface ExpContext {
  readonly plan: BenchPlan;
  readonly cores: number;
  /** Kernel parameters calibrated to plan.taskMs. */
  readonly params: (kernel: KernelName) => Record<string, number>;
}

export interface Analysis {
  readonly table: Table;
  readonly reading: string;
  readonly charts: readonly ChartSpec[];
  readonly fits?: readonly FitResult[];
  /** Crossover sizes the experiment names (experiment 10). */
  readonly crossovers?: readonly Crossover[];
}

export type { Lookup, WhyUnavailable } from '../model/keys.js';
import type { Lookup, WhyUnavailable } from '../model/keys.js';

export interface Experiment {
  readonly id: ExperimentId;
  readonly slug: string;
  readonly title: string;
  readonly question: string;
  specs(ctx: ExpContext): ConfigSpec[];
  analyse(ctx: ExpContext, get: Lookup, unavailable: WhyUnavailable): Analysis;
}

/** What an experiment that needs mode 'gil' reports when it is not among --modes. */
export const NEEDS_GIL: Analysis = {
  table: { columns: [], rows: [] },
  reading: "skipped: mode 'gil' is not among --modes.",
  charts: [],
};

/** Modes whose pool size the `threads` option sets. */
const POOLED: readonly string[] = ['released', 'gil', 'worker', 'process'];

export function batchSpec(o: {
  key: string;
  label: string;
  kernel: KernelName;
  params: Record<string, number>;
  mode: Mode;
  tasks: number;
  plan: BenchPlan;
  switchIntervalUs?: number;
  forcedSwitching?: boolean;
  threads?: number;
}): BatchSpec {
  const gil = o.mode === 'gil';
  return {
    key: o.key,
    label: o.label,
    kind: 'batch',
    kernel: o.kernel,
    params: o.params,
    mode: o.mode,
    tasks: o.tasks,
    threads: POOLED.includes(o.mode) ? (o.threads ?? o.plan.threads ?? null) : null,
    switchIntervalUs: gil ? (o.switchIntervalUs ?? o.plan.switchIntervalUs) : null,
    forcedSwitching: gil ? (o.forcedSwitching ?? true) : null,
  };
}

/** The tasks list with 1 in it (speed-up needs tasks = 1 of the same mode). */
export function withOne(tasks: readonly number[]): number[] {
  return [...new Set([1, ...tasks])].sort((a, b) => a - b);
}

/** Columns every batch table shares: where the wall time of the average task went. */
export const BREAKDOWN_COLUMNS = ['cpu ms', 'run-queue ms', 'lock wait ms', 'blocked ms', 'queue ms', 'parts = wall'];

export function breakdownCells(r: ConfigResult | undefined): Cell[] {
  const b = r?.breakdown;
  if (!b) return [null, null, null, null, null, null];
  return [
    ms(b.cpuNs),
    ms(b.runQueueNs),
    ms(b.lockWaitNs),
    ms(b.blockedNs),
    ms(b.queueNs),
    b.check.ok ? 'yes' : `NO (${b.check.tasksOver}/${b.check.tasks} over)`,
  ];
}

/** Wall-time cells: median, its 95% interval, MAD (all ms). */
export function wallCells(r: ConfigResult | undefined): Cell[] {
  if (!r) return [null, null, null];
  const s = r.summary;
  return [ms(s.median), `${ms(s.ci.lo)}–${ms(s.ci.hi)}`, ms(s.mad)];
}

export const WALL_COLUMNS = ['wall ms (median)', '95% CI ms', 'MAD ms'];

/** Rows for a stacked wall-time breakdown chart: one bar per configuration, one part per segment. */
export const PARTS = ['CPU', 'run-queue wait', 'lock wait', 'blocked', 'queue wait'] as const;

export function breakdownRows(
  bar: string,
  r: ConfigResult | undefined,
  extra: Record<string, string | number> = {},
): Record<string, string | number>[] {
  const b = r?.breakdown;
  if (!b) return [];
  const values = [b.cpuNs, b.runQueueNs, b.lockWaitNs, Math.max(0, b.blockedNs), b.queueNs];
  return PARTS.map((part, i) => ({ bar, part, ms: round(values[i]! / 1e6, 4) ?? 0, ...extra }));
}

/** "held 1.00x, released 1.97x" from (name, value) pairs. */
export function listing(pairs: readonly [string, string][]): string {
  return pairs.map(([a, b]) => `${a} ${b}`).join(', ');
}
