/**
 * Runs one configuration: warm-up runs (discarded), then `repeat` measured runs. Four kinds:
 * `batch` (a gilscope batch, sample = its wall time), `flood` (many empty tasks at once, sample =
 * wall / tasks), `micro` (a synchronous call timed by benchmark.js, sample = ns per call),
 * `startup` (startupCost(), sample = creation time) and `latency` (one awaited run() at a time,
 * sample = ns per round trip).
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';

import Benchmark from 'benchmark';

import { batch, reference, run, runSync, startupCost } from '../src/index.js';
import type { BatchOptions, BatchReport, KernelName, KernelParams, StartupCostReport } from '../src/index.js';
import { dispatchBaselines, readingCosts, throwIfAborted } from '../src/internal.js';
import { traceable } from './model/traceable.js';
import { nodeWorkRuns, resetNodeWork } from './extras/node-work.js';
import { starvationSample } from './extras/starvation.js';
import { roundPlans } from './rounds.js';
import type {
  BatchSpec,
  BenchPlan,
  ConfigSpec,
  FloodSpec,
  KernelSpec,
  LatencySpec,
  Metric,
  MicroSpec,
  NodeWorkSpec,
  StarvationSpec,
  StartupSpec,
} from './model/results.js';

/**
 * A configuration that cannot run on this installation, for a reason that is no failure of it (a
 * baseline that is not installed): the sweep reports it as not run, with `message` as the reason.
 */
export class Unavailable extends Error {
  override readonly name = 'Unavailable';
}

/** Why the piscina baseline cannot run where piscina is missing (it is a devDependency). */
export const PISCINA_MISSING = 'piscina is not installed (a devDependency of gilscope): npm install piscina to compare';

/** What a configuration produced, before analysis. */
export interface Measured {
  readonly spec: ConfigSpec;
  readonly metric: Metric;
  readonly samples: number[];
  /** The batch reports of the measured runs (batch kind only). */
  readonly reports: BatchReport[];
  readonly extra: Record<string, number | null>;
  readonly startup?: StartupCostReport;
  /** One extra run with tracing on, after the measured ones (when asked for; never measured). */
  readonly traced?: BatchReport;
  /** With rounds (plan.rounds >= 2): each round's median, in order; `samples` holds them one after another. */
  readonly rounds?: number[];
}

/** Called once per finished unit of work (one run, one micro-benchmark). */
export type Tick = (label: string) => void;

/** How a configuration runs besides its plan. */
export interface RunOptions {
  /** Stops the configuration: it then rejects with an AbortError (within about one task). */
  readonly signal?: AbortSignal | undefined;
  /** Take one extra traced run after the measured ones (batch and gilscope floods only). */
  readonly trace?: boolean;
}

/**
 * Units of work a configuration counts for the progress bar over all its rounds (the warm-up runs
 * before the first only; one unit a round for start-up and micro-benchmarks; its traced run is one
 * more).
 */
export function unitsOf(spec: ConfigSpec, plan: BenchPlan, trace = false): number {
  const rounds = plan.rounds ?? 1;
  const runs =
    spec.kind === 'startup' || spec.kind === 'micro'
      ? rounds
      : spec.kind === 'node-work' || spec.kind === 'starvation'
        ? roundPlans(plan).reduce((n, p) => n + NODE_WORK_RUNS(p), 0)
        : plan.warmup + plan.repeat;
  return runs + (trace && traceable(spec) ? 1 : 0);
}

/**
 * A kernel and its parameters as batch() and runSync() take them. The one unchecked step from a
 * spec's record of numbers to the kernel's parameter type: batch() and runSync() check the
 * parameters against the kernel's catalog entry, and reject wrong ones naming the parameter.
 */
export function kernelTask(kernel: KernelName, params: Readonly<Record<string, number>>) {
  return { kernel, params: params as KernelParams[KernelName] };
}

/** A flood of a gilscope mode: the same batch as a batch spec, of empty tasks. */
type ModeFlood = Extract<FloodSpec, { kernel: KernelName }>;

function batchOptions(spec: BatchSpec | ModeFlood, signal: AbortSignal | undefined): BatchOptions {
  const o: BatchOptions = { ...kernelTask(spec.kernel, spec.params), mode: spec.mode, tasks: spec.tasks };
  if (spec.threads !== null) o.threads = spec.threads;
  if (spec.switchIntervalUs !== null) o.switchIntervalUs = spec.switchIntervalUs;
  if (spec.forcedSwitching !== null) o.forcedSwitching = spec.forcedSwitching;
  if (signal) o.signal = signal;
  return o;
}

const NS = (t0: bigint): number => Number(process.hrtime.bigint() - t0);

async function runBatch(spec: BatchSpec, plan: BenchPlan, tick: Tick, run: RunOptions): Promise<Measured> {
  const options = batchOptions(spec, run.signal);
  for (let i = 0; i < plan.warmup; i++) {
    await batch(options);
    tick(`${spec.label} (warm-up)`);
  }
  const reports: BatchReport[] = [];
  for (let i = 0; i < plan.repeat; i++) {
    reports.push(await batch(options));
    tick(spec.label);
  }
  let traced: BatchReport | undefined;
  if (run.trace) {
    traced = await batch({ ...options, trace: true });
    tick(`${spec.label} (traced)`);
  }
  return {
    spec,
    metric: { name: 'wallNs', unit: 'ns', lowerIsBetter: true },
    samples: reports.map((r) => r.wallNs),
    reports,
    extra: {},
    ...(traced ? { traced } : {}),
  };
}

/** Where piscina's worker module is: compiled .js next to this file, or the .ts source under tsx. */
function piscinaTaskFile(): string {
  const js = fileURLToPath(new URL('./extras/piscina-task.js', import.meta.url));
  return existsSync(js) ? js : fileURLToPath(new URL('./extras/piscina-task.ts', import.meta.url));
}

/** One flood: `tasks` empty tasks submitted at once; returns ns per task. */
type Flood = () => Promise<number>;

/** piscina, or Unavailable where it is not installed (an installed gilscope lacks its devDependencies). */
async function loadPiscina(): Promise<typeof import('piscina').Piscina> {
  try {
    return (await import('piscina')).Piscina;
  } catch (err) {
    const code = (err as { code?: unknown } | null)?.code;
    if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') throw new Unavailable(PISCINA_MISSING);
    throw err;
  }
}

/** A flood of `n` tasks at once, each started by `start`; returns ns per task. */
async function flood(n: number, start: () => Promise<unknown>): Promise<number> {
  const t0 = process.hrtime.bigint();
  const pending: Promise<unknown>[] = new Array(n);
  for (let i = 0; i < n; i++) pending[i] = start();
  await Promise.all(pending);
  return NS(t0) / n;
}

interface FloodRunner {
  readonly run: Flood;
  readonly close: () => Promise<void>;
  readonly traced?: () => Promise<BatchReport>;
  /** Figures beside the `measured` last samples (the paired baseline's median over them). */
  readonly extra?: (measured: number) => Record<string, number | null>;
}

/**
 * Floods of single run('noop', {}, { mode: 'released' }) calls, each right after a bare
 * napi_async_work flood of the same size: the two see the same load, and extra.pairedBareNs is the
 * bare floods' median (ns per task), the baseline of the run() flood goal.
 */
function pairedRunFlood(tasks: number): FloodRunner {
  const { bareAsyncWork } = dispatchBaselines();
  const one = (): Promise<unknown> => run('noop', {}, { mode: 'released' });
  const bare: number[] = [];
  return {
    run: async () => {
      bare.push(await flood(tasks, bareAsyncWork));
      return flood(tasks, one);
    },
    close: none,
    extra: (measured) => ({ pairedBareNs: median(bare.slice(-measured)) }),
  };
}

const none = async (): Promise<void> => {};

async function floodRunner(spec: FloodSpec): Promise<FloodRunner> {
  if (spec.kernel === null && spec.mode === 'piscina') {
    const Piscina = await loadPiscina();
    const threads = spec.threads ?? availableParallelism();
    const pool = new Piscina({ filename: piscinaTaskFile(), minThreads: threads, maxThreads: threads });
    return { run: () => flood(spec.tasks, () => pool.run(null)), close: () => pool.destroy() };
  }
  if (spec.kernel === null && spec.mode === 'run-released') return pairedRunFlood(spec.tasks);
  if (spec.kernel === null) {
    const { bareAsyncWork } = dispatchBaselines();
    return { run: () => flood(spec.tasks, bareAsyncWork), close: none };
  }
  // No signal: it would add one abort listener per task to what is measured (a flood is short, and
  // an abort is seen between floods).
  const options = batchOptions(spec, undefined);
  return {
    run: async () => (await batch(options)).wallNs / spec.tasks,
    close: none,
    traced: () => batch({ ...options, trace: true }),
  };
}

async function runFlood(spec: FloodSpec, plan: BenchPlan, tick: Tick, opts: RunOptions): Promise<Measured> {
  const { run, close, traced: traceRun, extra } = await floodRunner(spec);
  const samples: number[] = [];
  let traced: BatchReport | undefined;
  try {
    for (let i = 0; i < plan.warmup; i++) {
      throwIfAborted(opts.signal);
      await run();
      tick(`${spec.label} (warm-up)`);
    }
    for (let i = 0; i < plan.repeat; i++) {
      throwIfAborted(opts.signal);
      samples.push(await run());
      tick(spec.label);
    }
    if (opts.trace && traceRun) {
      traced = await traceRun();
      tick(`${spec.label} (traced)`);
    }
  } finally {
    await close();
  }
  return {
    spec,
    metric: { name: 'nsPerTask', unit: 'ns', lowerIsBetter: true },
    samples,
    reports: [],
    extra: extra?.(samples.length) ?? {},
    ...(traced ? { traced } : {}),
  };
}

function microFn(mode: MicroSpec['mode']): () => void {
  const addon = dispatchBaselines();
  switch (mode) {
    case 'js-call':
      return () => void reference.noop({});
    case 'raw-napi':
      return () => addon.rawNoop();
    case 'napi-noop':
      return () => addon.noop();
    case 'run-sync':
      return () => void runSync('noop', {});
    case 'raw-readings':
      throw new Error('raw-readings is timed natively (runReadings)');
  }
}

/** Calls per sample of the raw readings, and samples: enough to smooth a loaded machine's noise. */
const READING_CALLS = 2000;
const READING_SAMPLES = 25;

/**
 * The raw readings a held task makes, timed in a native loop on the JS thread: sample = 2 x one
 * whole reading (monotonic clock, thread CPU clock, getrusage, schedstat, monotonic clock, in the
 * order a task makes them), two readings per task. extra = each call's median ns timed alone in a
 * loop of its own, partsSumNs the median of 2 x (2 x monotonic + thread CPU + getrusage + schedstat)
 * (less than a whole reading's: a loop of one syscall runs hotter than the sequence does), and
 * pairedRunSyncNs: runSync('noop') timed the same way (a loop of as many calls) right after each
 * sample, its median.
 */
function runReadings(spec: MicroSpec, tick: Tick): Measured {
  const samples: number[] = [];
  const parts: Record<string, number[]> = { monotonicNs: [], threadCpuNs: [], rusageNs: [], schedstatNs: [] };
  const held: number[] = [];
  const sums: number[] = [];
  for (let i = 0; i < READING_SAMPLES; i++) {
    const c = readingCosts(READING_CALLS);
    samples.push(2 * c.readingNs);
    sums.push(2 * (2 * c.monotonicNs + c.threadCpuNs + c.rusageNs + c.schedstatNs));
    for (const k of Object.keys(parts)) parts[k]!.push(c[k as keyof typeof c]);
    // runSync('noop') timed the same way right after: the pair sees the same load.
    const t0 = process.hrtime.bigint();
    for (let j = 0; j < READING_CALLS; j++) runSync('noop', {});
    held.push(NS(t0) / READING_CALLS);
  }
  tick(spec.label);
  const extra: Record<string, number | null> = Object.fromEntries(
    Object.entries(parts).map(([k, xs]) => [k, median(xs)]),
  );
  extra['partsSumNs'] = median(sums);
  extra['pairedRunSyncNs'] = median(held);
  return { spec, metric: { name: 'nsPerCall', unit: 'ns', lowerIsBetter: true }, samples, reports: [], extra };
}

/** Awaited round trips per latency sample. */
const LATENCY_TRIPS = 20;

/** One awaited run() at a time (after warm-up, so that worker and process hosts are running). */
async function runLatency(spec: LatencySpec, plan: BenchPlan, tick: Tick, signal?: AbortSignal): Promise<Measured> {
  const { kernel, params } = kernelTask(spec.kernel, spec.params);
  const once = async (): Promise<number> => {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < LATENCY_TRIPS; i++) await run(kernel, params, { mode: spec.mode });
    return NS(t0) / LATENCY_TRIPS;
  };
  for (let i = 0; i < plan.warmup; i++) {
    throwIfAborted(signal);
    await once();
    tick(`${spec.label} (warm-up)`);
  }
  const samples: number[] = [];
  for (let i = 0; i < plan.repeat; i++) {
    throwIfAborted(signal);
    samples.push(await once());
    tick(spec.label);
  }
  return { spec, metric: { name: 'nsPerTask', unit: 'ns', lowerIsBetter: true }, samples, reports: [], extra: {} };
}

/** benchmark.js: its per-cycle samples (s per call) become ns per call. */
function runMicro(spec: MicroSpec, plan: BenchPlan, tick: Tick): Measured {
  if (spec.mode === 'raw-readings') return runReadings(spec, tick);
  const fn = microFn(spec.mode);
  const bench = new Benchmark(spec.label, fn, { maxTime: plan.microMaxTimeS, minSamples: 5 });
  bench.run({ async: false });
  const error = (bench as Benchmark & { error?: unknown }).error;
  if (error) throw error instanceof Error ? error : new Error(String(error));
  tick(spec.label);
  return {
    spec,
    metric: { name: 'nsPerCall', unit: 'ns', lowerIsBetter: true },
    samples: bench.stats.sample.map((s) => s * 1e9),
    reports: [],
    extra: { opsPerSecond: bench.hz, relativeMarginOfErrorPct: bench.stats.rme },
  };
}

let startupCache: Promise<StartupCostReport> | undefined;

async function runStartup(
  spec: StartupSpec,
  plan: BenchPlan,
  tick: Tick,
  signal: AbortSignal | undefined,
): Promise<Measured> {
  startupCache ??= startupCost({ samples: Math.min(50, Math.max(3, plan.repeat)), ...(signal ? { signal } : {}) });
  let report: StartupCostReport;
  try {
    report = await startupCache;
  } catch (err) {
    startupCache = undefined; // an aborted measurement is not reused
    throw err;
  }
  const unit = report[spec.mode];
  tick(spec.label);
  return {
    spec,
    metric: { name: 'createNs', unit: 'ns', lowerIsBetter: true },
    samples: [...unit.createNs],
    reports: [],
    extra: { rssBytesMedian: unit.rssBytesMedian },
    startup: report,
  };
}

/** A kernel run held (native) or as its TypeScript reference, on the JS thread: sample = wall ns. */
async function runKernel(
  spec: KernelSpec,
  plan: BenchPlan,
  tick: Tick,
  signal: AbortSignal | undefined,
): Promise<Measured> {
  const { kernel, params } = kernelTask(spec.kernel, spec.params);
  const ts = reference[kernel] as (p: typeof params) => number;
  const once =
    spec.mode === 'native-held'
      ? () => runSync(kernel, params).wallNs
      : () => {
          const t0 = process.hrtime.bigint();
          ts(params);
          return NS(t0);
        };
  for (let i = 0; i < plan.warmup; i++) {
    throwIfAborted(signal);
    once();
    tick(`${spec.label} (warm-up)`);
  }
  const samples: number[] = [];
  for (let i = 0; i < plan.repeat; i++) {
    throwIfAborted(signal);
    samples.push(once());
    tick(spec.label);
    await new Promise<void>((resolve) => setImmediate(resolve)); // let the progress bar draw
  }
  return { spec, metric: { name: 'wallNs', unit: 'ns', lowerIsBetter: true }, samples, reports: [], extra: {} };
}

/** Runs of experiments 8 and 9: fewer than the plan's repeat, to keep them within their time budget. */
export const NODE_WORK_RUNS = (plan: BenchPlan): number => Math.max(1, Math.min(plan.repeat, 3));

/** The median of a list (null when empty). */
function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/**
 * Experiment 8: Node's own call under measure(); sample = wall ns; the CPU per role in extra. With
 * another pool size, one child process runs the task counts that experiment 8 plans at other pool
 * sizes, 1 and the largest (see bench/experiments/node-work.ts), and serves both configurations.
 */
async function runNodeWork(spec: NodeWorkSpec, plan: BenchPlan, tick: Tick, signal: AbortSignal | undefined) {
  const allTasks = [...new Set([1, spec.tasks, Math.max(...plan.tasks)])].sort((a, b) => a - b);
  const runs = await nodeWorkRuns(
    {
      call: spec.mode,
      size: Object.values(spec.params)[0]!,
      tasks: spec.tasks,
      runs: NODE_WORK_RUNS(plan),
      warmup: Math.min(plan.warmup, 1),
      threads: spec.threads ?? 0,
    },
    allTasks,
    signal,
  );
  for (let i = 0; i < runs.length; i++) tick(spec.label);
  return {
    spec,
    metric: { name: 'wallNs', unit: 'ns', lowerIsBetter: true },
    samples: runs.map((r) => r.wallNs),
    reports: [],
    extra: {
      jsCpuNs: median(runs.map((r) => r.jsCpuNs)),
      poolCpuNs: median(runs.map((r) => r.poolCpuNs)),
      otherCpuNs: median(runs.map((r) => r.otherCpuNs)),
      cpuPerWall: median(runs.map((r) => r.processCpuNs / r.wallNs)),
    },
  } satisfies Measured;
}

/** p99 of a few samples: the largest but one from 100 on, else the largest. */
function p99(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(0.99 * s.length) - 1)]!;
}

/** Experiment 9: sample = the tiny task's latency; each small operation's p50 and p99 in extra. */
async function runStarvation(spec: StarvationSpec, plan: BenchPlan, tick: Tick, signal: AbortSignal | undefined) {
  const size = Object.values(spec.params)[0]!;
  await starvationSample(spec.mode, size, 0); // warm: the file in the page cache, dns and the pool started
  const samples = [];
  for (let i = 0; i < NODE_WORK_RUNS(plan); i++) {
    throwIfAborted(signal);
    samples.push(await starvationSample(spec.mode, size, spec.tasks));
    tick(spec.label);
  }
  const extra: Record<string, number | null> = {};
  for (const op of ['fs', 'dns', 'tiny'] as const) {
    const list = samples.map((x) => x[`${op}Ns`]);
    extra[`${op}P50Ns`] = median(list);
    extra[`${op}P99Ns`] = p99(list);
  }
  return {
    spec,
    metric: { name: 'latencyNs', unit: 'ns', lowerIsBetter: true },
    samples: samples.map((x) => x.tinyNs),
    reports: [],
    extra,
  } satisfies Measured;
}

/**
 * Measures one configuration. With `signal`, an abort stops it between runs (a running batch within
 * about one task; a micro-benchmark once its benchmark.js budget is spent) with an AbortError. A
 * configuration this installation cannot run (see Unavailable) rejects with an Unavailable.
 */
export async function runConfig(
  spec: ConfigSpec,
  plan: BenchPlan,
  tick: Tick,
  opts: RunOptions = {},
): Promise<Measured> {
  throwIfAborted(opts.signal);
  const trace = opts.trace === true && traceable(spec);
  switch (spec.kind) {
    case 'batch':
      return runBatch(spec, plan, tick, { ...opts, trace });
    case 'flood':
      return runFlood(spec, plan, tick, { ...opts, trace });
    case 'micro':
      return runMicro(spec, plan, tick);
    case 'startup':
      return runStartup(spec, plan, tick, opts.signal);
    case 'kernel':
      return runKernel(spec, plan, tick, opts.signal);
    case 'node-work':
      return runNodeWork(spec, plan, tick, opts.signal);
    case 'starvation':
      return runStarvation(spec, plan, tick, opts.signal);
    case 'latency':
      return runLatency(spec, plan, tick, opts.signal);
  }
}

/** Forgets the cached start-up report (each sweep measures its own). */
export function resetRunner(): void {
  startupCache = undefined;
  resetNodeWork();
}
