/**
 * Types of the bench (`gilscope bench`, `gilscope compare`): the plan it runs and the results file it
 * writes. `results.json` is exactly a `BenchResults`; its JSON schema is in schema.ts.
 */
import type { HazardSuiteReport, KernelName, Mode, StartupCostReport } from '../../src/types.js';
import type { AmdahlFit, Prediction, ScalingPoint, UslFit } from '../analysis/fits.js';
import type { Interval, Summary } from '../analysis/stats.js';

/**
 * Bump when a field is added, changes meaning or goes away. `compare` reads the versions in
 * READABLE_SCHEMA_VERSIONS and refuses others. v2 added `partial`, `traceCost`, `timelines`,
 * `hazards`, `traces` and `plan.hazards`, all optional: every v1 file is a valid v2 file.
 */
export const SCHEMA_NAME = 'gilscope-bench-results';
export const SCHEMA_VERSION = 2;
export const READABLE_SCHEMA_VERSIONS: readonly number[] = [1, 2];

export type ExperimentId = 1 | 2 | 3 | 4 | 5 | 6 | 7;
export const EXPERIMENT_IDS: readonly ExperimentId[] = [1, 2, 3, 4, 5, 6, 7];

/** Everything a sweep needs, resolved from a preset and the command-line options. */
export interface BenchPlan {
  readonly preset: 'quick' | 'full';
  readonly experiments: readonly ExperimentId[];
  /** CPU-bound kernels of experiment 1 (and the fits); the first also drives experiment 5. */
  readonly kernels: readonly KernelName[];
  readonly modes: readonly Mode[];
  readonly tasks: readonly number[];
  /** Passed to batch() as `threads` (the pool size); undefined: batch's default. */
  readonly threads: number | undefined;
  readonly repeat: number;
  readonly warmup: number;
  /** Switch interval of the gil mode outside experiment 4's sweep. */
  readonly switchIntervalUs: number;
  /** Target duration of one task (kernel parameters are calibrated to it). */
  readonly taskMs: number;
  /** Experiment 3: shares of each task spent waiting. */
  readonly waitFractions: readonly number[];
  /** Experiment 4: switch intervals swept. */
  readonly intervalsUs: readonly number[];
  /** Experiment 6: empty tasks per flood, by runner. */
  readonly flood: Readonly<Record<'asyncWork' | 'worker' | 'process' | 'piscina', number>>;
  /** Experiment 6: benchmark.js time budget per synchronous micro-benchmark (s). */
  readonly microMaxTimeS: number;
  /** Run the concurrency-hazard suite (`runHazardSuite()`) too (v2). @default false */
  readonly hazards?: boolean;
}

/** How one configuration runs: enough to run it again, and its identity (`key`). */
export interface ConfigSpec {
  /** Stable identity across runs, used by `compare` (e.g. `cpu/primes/released/t2`). */
  readonly key: string;
  readonly label: string;
  readonly kind: 'batch' | 'micro' | 'flood' | 'startup' | 'kernel';
  readonly kernel: KernelName | null;
  readonly params: Readonly<Record<string, number>> | null;
  /**
   * A gilscope mode, or a baseline: js-call, raw-napi, napi-noop, run-sync, bare-async-work, piscina;
   * thread/worker/process for start-up; native-held/ts-reference for a kernel against its TS twin.
   */
  readonly mode: string;
  readonly tasks: number;
  readonly threads: number | null;
  readonly switchIntervalUs: number | null;
  readonly forcedSwitching: boolean | null;
}

export interface Metric {
  readonly name: 'wallNs' | 'nsPerTask' | 'nsPerCall' | 'createNs';
  readonly unit: 'ns';
  /** Always true here: every metric is a time. */
  readonly lowerIsBetter: boolean;
}

/**
 * Where the wall time of the average task went (ns), in disjoint parts: cpu and runQueue from the OS,
 * lockWait the time asleep waiting for the lock, blocked the rest of the time asleep (sleep, I/O);
 * queue is before the task started. cpu + runQueue + lockWait + blocked = taskWall.
 */
export interface Breakdown {
  readonly cpuNs: number;
  readonly runQueueNs: number;
  readonly lockWaitNs: number;
  /** Lock wait spent runnable after the wake-up (already in runQueueNs; not a part of the sum). */
  readonly lockWakeNs: number;
  readonly blockedNs: number;
  readonly queueNs: number;
  /** Mean task wall time (end - start). */
  readonly taskWallNs: number;
  /** queue + task wall: the time from submission to completion. */
  readonly totalNs: number;
  readonly check: BreakdownCheck;
}

/** The OS's own parts (cpu + runQueue) fit within each task's wall time, within tolerance. */
export interface BreakdownCheck {
  readonly ok: boolean;
  /** Sum of the five parts over queue + wall (1 when they add up). */
  readonly sumOverTotal: number;
  /** Largest share of a task's wall time by which cpu + runQueue exceeded it (0 when none did). */
  readonly worstOvershoot: number;
  /** Tasks whose cpu + runQueue exceeded their wall time by more than the tolerance. */
  readonly tasksOver: number;
  readonly tasks: number;
  /** False where the OS gave no run-queue figure (counted as 0). */
  readonly runQueueMeasured: boolean;
}

export interface ConfigResult extends ConfigSpec {
  readonly experiments: readonly ExperimentId[];
  readonly metric: Metric;
  readonly samples: readonly number[];
  readonly summary: Summary;
  /** Tasks per second at the median (batch and flood configurations). */
  readonly throughputPerS: number | null;
  /** Median throughput over the same mode's at tasks = 1, with a bootstrap 95% interval. */
  readonly speedup: { readonly value: number; readonly ci: Interval } | null;
  /** speedup / min(tasks, cores). */
  readonly efficiency: number | null;
  readonly cpuPerWall: number | null;
  readonly parallelism: number | null;
  readonly poolSize: number | null;
  readonly breakdown: Breakdown | null;
  /** Medians over the repeats. */
  readonly eventLoop: {
    readonly utilization: number;
    readonly delayP50Ns: number | null;
    readonly delayP99Ns: number | null;
    readonly delayMaxNs: number | null;
  } | null;
  readonly probe: {
    readonly timerP99Ns: number | null;
    readonly timerMaxNs: number | null;
    readonly convoyP50Ns: number | null;
    readonly convoyP99Ns: number | null;
    readonly convoyMaxNs: number | null;
  } | null;
  readonly lock: {
    readonly handoffs: number;
    readonly handoffsPerSecond: number;
    readonly heldFraction: number;
    readonly dropRequests: number;
  } | null;
  /** Extra figures of one configuration (resident memory for start-up, benchmark.js's rme...). */
  readonly extra: Readonly<Record<string, number | null>>;
}

export type Cell = string | number | null;

export interface Table {
  readonly columns: readonly string[];
  readonly rows: readonly (readonly Cell[])[];
}

export interface ChartRef {
  readonly file: string;
  readonly title: string;
  /** Marks drawn (points or bars): what a viewer must find in the rendered SVG. */
  readonly marks: number;
}

export interface ExperimentResult {
  readonly id: ExperimentId;
  readonly slug: string;
  readonly title: string;
  readonly question: string;
  readonly configKeys: readonly string[];
  readonly table: Table;
  readonly reading: string;
  readonly charts: readonly ChartRef[];
}

export interface FitResult {
  readonly experiment: ExperimentId;
  readonly kernel: KernelName;
  readonly mode: Mode;
  readonly points: readonly ScalingPoint[];
  readonly amdahl: AmdahlFit;
  readonly usl: UslFit;
  readonly predictions: readonly Prediction[];
  readonly label: string;
}

export interface GoalResult {
  readonly id: string;
  readonly goal: string;
  /** The comparison, e.g. "ratio <= 1.5". */
  readonly target: string;
  readonly ratio: number | null;
  /** null: not measured in this run (the reason is in `detail`). */
  readonly met: boolean | null;
  readonly detail: string;
}

export interface BenchContext {
  readonly cpuModel: string;
  readonly cores: number;
  readonly availableParallelism: number;
  readonly memoryBytes: number;
  readonly os: { readonly platform: string; readonly release: string; readonly arch: string };
  readonly versions: {
    readonly node: string;
    readonly v8: string;
    readonly uv: string;
    readonly napi: string | null;
    readonly gilscope: string;
  };
  readonly poolSize: number;
  readonly clocks: Readonly<Record<string, string>>;
  readonly loadAverage: readonly number[];
  readonly gitCommit: string | null;
  readonly gitDirty: boolean | null;
  readonly addonPath: string;
  readonly hostname: string;
}

/** Why a results file holds only part of the planned run. */
export interface PartialInfo {
  readonly reason: 'interrupted';
  /** The signal that interrupted the run (Ctrl-C is SIGINT). */
  readonly signal: 'SIGINT' | 'SIGTERM';
  /** Configurations measured to the end (those in `configurations`), of those planned. */
  readonly completedConfigurations: number;
  readonly plannedConfigurations: number;
  /** The configuration that was running when the signal came (its runs were discarded); null if none. */
  readonly interruptedConfiguration: string | null;
  /** Parts of the run that did not run: hazards, timelines, traceCost. */
  readonly skipped: readonly string[];
}

/** What recording one trace event costs (`native().traceCost`), measured in this run. */
export interface TraceCostResult {
  /** Events recorded per measurement; `nsPerEvent.n` measurements were taken. */
  readonly eventsPerSample: number;
  /** With recording on: one event into a task's buffer (a CLOCK_MONOTONIC read and a store). */
  readonly nsPerEvent: Summary;
  /** With recording off: the check a disabled buffer makes. */
  readonly nsPerEventOff: Summary;
}

/** The states a timeline draws; each span's innermost state wins. */
export type TimelineState = 'running' | 'holding the lock' | 'waiting for the lock' | 'blocked (I/O)' | 'timer late';

/** One traced run drawn as a timeline in report.html (a separate run, not one of the measured ones). */
export interface TimelineResult {
  /** e.g. `cpu-gil`, `switching-unforced`. */
  readonly id: string;
  /** Runs of one group share their time axis. */
  readonly group: 'cpu' | 'switching';
  readonly experiment: ExperimentId;
  readonly title: string;
  readonly file: string;
  /** Bars drawn (one per state segment of a thread). */
  readonly marks: number;
  readonly kernel: KernelName;
  readonly params: Readonly<Record<string, number>>;
  readonly mode: Mode;
  readonly tasks: number;
  readonly switchIntervalUs: number | null;
  readonly forcedSwitching: boolean | null;
  readonly wallNs: number;
  /** Rows: the JS thread, the threads that ran tasks, the convoy probe. */
  readonly threads: number;
  /** Time spent in each state, all threads together. */
  readonly stateNs: Readonly<Record<TimelineState, number>>;
  readonly handoffs: number;
  /** Events the tasks recorded, and those dropped by any thread (a full buffer). */
  readonly events: number;
  readonly droppedEvents: number;
  /** The convoy probe's round latency in this run (gil only). */
  readonly convoyP99Ns: number | null;
  readonly convoyMaxNs: number | null;
}

export type HazardName = 'race' | 'deadlock' | 'starvation' | 'livelock';

/** One hazard next to its remedies. */
export interface HazardTable {
  readonly hazard: HazardName;
  readonly title: string;
  readonly table: Table;
  readonly reading: string;
}

export interface HazardsResult {
  readonly report: HazardSuiteReport;
  readonly tables: readonly HazardTable[];
}

/** The Chrome traces written by `--trace DIR`: one per configuration that runs gilscope batches. */
export interface TracesResult {
  readonly dir: string;
  readonly files: readonly {
    readonly key: string;
    readonly file: string;
    readonly events: number;
    readonly droppedEvents: number;
  }[];
}

export interface BenchResults {
  readonly schema: typeof SCHEMA_NAME;
  /** SCHEMA_VERSION when written by this gilscope; a file read back may be an older readable one. */
  readonly schemaVersion: number;
  readonly createdAt: string;
  readonly durationS: number;
  readonly context: BenchContext;
  readonly plan: BenchPlan;
  /** Kernel parameters calibrated to `plan.taskMs` on this machine. */
  readonly calibrated: Readonly<Record<string, Readonly<Record<string, number>>>>;
  readonly configurations: readonly ConfigResult[];
  readonly experiments: readonly ExperimentResult[];
  readonly fits: readonly FitResult[];
  readonly goals: readonly GoalResult[];
  readonly startup: StartupCostReport | null;
  /** Things that did not run, and why. */
  readonly notes: readonly string[];
  /** v2: set when the run was interrupted; absent or null when it ran to the end. */
  readonly partial?: PartialInfo | null;
  /** v2: the measured cost of recording one trace event; null when it did not run. */
  readonly traceCost?: TraceCostResult | null;
  /** v2: the traced runs drawn as timelines in report.html. */
  readonly timelines?: readonly TimelineResult[];
  /** v2: the concurrency-hazard suite (`--hazards`); null when not asked for. */
  readonly hazards?: HazardsResult | null;
  /** v2: the Chrome traces written (`--trace DIR`); null when not asked for. */
  readonly traces?: TracesResult | null;
}
