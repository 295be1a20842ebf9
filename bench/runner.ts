/**
 * Runs one configuration: warm-up runs (discarded), then `repeat` measured runs. Four kinds:
 * `batch` (a gilscope batch, sample = its wall time), `flood` (many empty tasks at once, sample =
 * wall / tasks), `micro` (a synchronous call timed by benchmark.js, sample = ns per call) and
 * `startup` (startupCost(), sample = creation time).
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';

import Benchmark from 'benchmark';

import { abortError } from '../src/modes/hosted/host-pool.js';
import { batch, runSync } from '../src/modes/run.js';
import { native } from '../src/addon/loader.js';
import { reference } from '../src/kernels/reference.js';
import { startupCost } from '../src/index.js';
import type { BatchOptions, BatchReport, KernelName, StartupCostReport } from '../src/types.js';
import { traceable } from './extras/traces.js';
import type { BenchPlan, ConfigSpec, Metric } from './model/types.js';

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

/** Units of work a configuration counts for the progress bar (its traced run is one more). */
export function unitsOf(spec: ConfigSpec, plan: BenchPlan, trace = false): number {
  return (
    (spec.kind === 'startup' || spec.kind === 'micro' ? 1 : plan.warmup + plan.repeat) +
    (trace && traceable(spec) ? 1 : 0)
  );
}

function batchOptions(spec: ConfigSpec, signal: AbortSignal | undefined): BatchOptions {
  const o: BatchOptions = {
    kernel: spec.kernel as KernelName,
    params: spec.params as never,
    mode: spec.mode as BatchOptions['mode'],
    tasks: spec.tasks,
  };
  if (spec.threads !== null) o.threads = spec.threads;
  if (spec.switchIntervalUs !== null) o.switchIntervalUs = spec.switchIntervalUs;
  if (spec.forcedSwitching !== null) o.forcedSwitching = spec.forcedSwitching;
  if (signal) o.signal = signal;
  return o;
}

const NS = (t0: bigint): number => Number(process.hrtime.bigint() - t0);

function checkAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw abortError(signal);
}

async function runBatch(spec: ConfigSpec, plan: BenchPlan, tick: Tick, run: RunOptions): Promise<Measured> {
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

async function floodRunner(
  spec: ConfigSpec,
): Promise<{ run: Flood; close: () => Promise<void>; traced?: () => Promise<BatchReport> }> {
  const n = spec.tasks;
  const none = async (): Promise<void> => {};
  if (spec.mode === 'bare-async-work') {
    const addon = native();
    return {
      run: async () => {
        const t0 = process.hrtime.bigint();
        const pending: Promise<void>[] = new Array(n);
        for (let i = 0; i < n; i++) pending[i] = addon.bareAsyncWork();
        await Promise.all(pending);
        return NS(t0) / n;
      },
      close: none,
    };
  }
  if (spec.mode === 'piscina') {
    const { Piscina } = await import('piscina');
    const threads = spec.threads ?? availableParallelism();
    const pool = new Piscina({ filename: piscinaTaskFile(), minThreads: threads, maxThreads: threads });
    return {
      run: async () => {
        const t0 = process.hrtime.bigint();
        const pending: Promise<unknown>[] = new Array(n);
        for (let i = 0; i < n; i++) pending[i] = pool.run(null);
        await Promise.all(pending);
        return NS(t0) / n;
      },
      close: () => pool.destroy(),
    };
  }
  // No signal: it would add one abort listener per task to what is measured (a flood is short, and
  // an abort is seen between floods).
  const options = batchOptions(spec, undefined);
  return {
    run: async () => (await batch(options)).wallNs / n,
    close: none,
    traced: () => batch({ ...options, trace: true }),
  };
}

async function runFlood(spec: ConfigSpec, plan: BenchPlan, tick: Tick, opts: RunOptions): Promise<Measured> {
  const { run, close, traced: traceRun } = await floodRunner(spec);
  const samples: number[] = [];
  let traced: BatchReport | undefined;
  try {
    for (let i = 0; i < plan.warmup; i++) {
      checkAborted(opts.signal);
      await run();
      tick(`${spec.label} (warm-up)`);
    }
    for (let i = 0; i < plan.repeat; i++) {
      checkAborted(opts.signal);
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
    extra: {},
    ...(traced ? { traced } : {}),
  };
}

function microFn(mode: string): () => void {
  const addon = native();
  switch (mode) {
    case 'js-call':
      return () => void reference.noop({});
    case 'raw-napi':
      return () => addon.rawNoop();
    case 'napi-noop':
      return () => addon.noop();
    case 'run-sync':
      return () => void runSync('noop', {});
    default:
      throw new RangeError(`no micro-benchmark for '${mode}'`);
  }
}

/** benchmark.js: its per-cycle samples (s per call) become ns per call. */
function runMicro(spec: ConfigSpec, plan: BenchPlan, tick: Tick): Measured {
  const fn = microFn(spec.mode);
  const bench = new Benchmark(spec.label, fn, { maxTime: plan.microMaxTimeS, minSamples: 5 });
  bench.run({ async: false });
  const error = (bench as unknown as { error?: unknown }).error;
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
  spec: ConfigSpec,
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
  const unit = report[spec.mode as 'thread' | 'worker' | 'process'];
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
  spec: ConfigSpec,
  plan: BenchPlan,
  tick: Tick,
  signal: AbortSignal | undefined,
): Promise<Measured> {
  const kernel = spec.kernel as KernelName;
  const params = spec.params as never;
  const once =
    spec.mode === 'native-held'
      ? () => runSync(kernel, params).wallNs
      : () => {
          const t0 = process.hrtime.bigint();
          (reference[kernel] as (p: unknown) => number)(params);
          return NS(t0);
        };
  for (let i = 0; i < plan.warmup; i++) {
    checkAborted(signal);
    once();
    tick(`${spec.label} (warm-up)`);
  }
  const samples: number[] = [];
  for (let i = 0; i < plan.repeat; i++) {
    checkAborted(signal);
    samples.push(once());
    tick(spec.label);
    await new Promise<void>((resolve) => setImmediate(resolve)); // let the progress bar draw
  }
  return { spec, metric: { name: 'wallNs', unit: 'ns', lowerIsBetter: true }, samples, reports: [], extra: {} };
}

/**
 * Measures one configuration. With `signal`, an abort stops it between runs (a running batch within
 * about one task; a micro-benchmark once its benchmark.js budget is spent) with an AbortError.
 */
export async function runConfig(
  spec: ConfigSpec,
  plan: BenchPlan,
  tick: Tick,
  opts: RunOptions = {},
): Promise<Measured> {
  checkAborted(opts.signal);
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
  }
}

/** Forgets the cached start-up report (each sweep measures its own). */
export function resetRunner(): void {
  startupCache = undefined;
}
