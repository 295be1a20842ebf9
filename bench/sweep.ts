/**
 * One bench sweep from plan to results, in named steps: calibrate the kernels, collect every
 * experiment's configurations (one measurement per distinct configuration, shared between
 * experiments), measure them in order, then the extra runs that are not measurements (the hazard
 * suite, the traced timeline runs, the cost of a trace event), then analyse, fit, check the goals,
 * render the charts and assemble the results document.
 *
 * An abort (Ctrl-C in the CLI) stops the sweep at once: the configuration in flight is dropped,
 * what finished is analysed and returned, marked `partial`, and every pool and child process it
 * started is ended.
 */
import { setMaxListeners } from 'node:events';
import { availableParallelism } from 'node:os';

import { shutdownPools } from '../src/index.js';
import { abortError, killChildren, throwIfAborted } from '../src/internal.js';
import type { BatchReport, KernelName, StartupCostReport } from '../src/index.js';
import { analyse } from './analysis/analyse.js';
import { loadResults } from './analysis/load.js';
import { calibrate } from './calibrate.js';
import { renderSvg, type ChartSpec } from './report/charts.js';
import { collectContext } from './context.js';
import { EXPERIMENTS, type Experiment, type ExpContext } from './experiments/index.js';
import { checkGoals, goalSpecs, REFERENCE_KERNELS } from './analysis/goals.js';
import { runHazards } from './extras/hazards.js';
import { resetRunner, runConfig, unitsOf, Unavailable, type Measured } from './runner.js';
import { mergeRounds, roundPlans } from './rounds.js';
import { drawTimelines, runTimeline, timelineRuns, type TimelineRun } from './extras/timelines.js';
import { measureTraceCost } from './extras/trace-cost.js';
import { TraceWriter } from './extras/traces.js';
import { REAL_GIL_RUNS } from './realgil/cases.js';
import { runRealGil } from './realgil/run.js';
import { REAL_GIL_CHART, realGilChart } from './report/realgil.js';
import {
  SCHEMA_NAME,
  SCHEMA_VERSION,
  type BenchContext,
  type BenchPlan,
  type BenchResults,
  type ConfigResult,
  type ConfigSpec,
  type ExperimentId,
  type ExperimentResult,
  type FitResult,
  type HazardsResult,
  type PartialInfo,
  type PythonInterpreter,
  type RealGilResult,
  type RenderedChart,
  type TimelineResult,
  type TraceCostResult,
} from './model/results.js';

export interface SweepOutput {
  readonly results: BenchResults;
  readonly charts: readonly RenderedChart[];
}

export interface SweepHooks {
  /** Total units of work, once known. */
  onStart?(totalUnits: number): void;
  /** One unit done. */
  onTick?(label: string): void;
  /** A configuration failed; the sweep goes on without it. */
  onError?(spec: ConfigSpec, err: Error): void;
}

export interface SweepOptions {
  /** Interrupts the sweep; its reason names the signal ('SIGINT' unless it is 'SIGTERM'). */
  readonly signal?: AbortSignal;
  /** Write one Chrome trace per traceable configuration here (from an extra traced run). */
  readonly traceDir?: string;
  /**
   * The section "The real GIL beside the emulation": the interpreter to run it in, or why it is
   * skipped (one note). Absent: not part of this sweep, and nothing said.
   */
  readonly realGil?: { readonly interpreter: PythonInterpreter } | { readonly skipped: string };
}

/** After a failure, how long to wait for an interrupt that caused it to be seen (a child killed by Ctrl-C). */
const INTERRUPT_GRACE_MS = 100;

type Skipped = PartialInfo['skipped'][number];

/** What every step shares: the run's settings, and the notes and skipped parts it collects. */
interface Sweep {
  readonly plan: BenchPlan;
  readonly ctx: ExpContext;
  readonly context: BenchContext;
  readonly calibrated: Record<string, Record<string, number>>;
  readonly hooks: SweepHooks;
  readonly signal: AbortSignal | undefined;
  readonly traces: TraceWriter | null;
  /** Things that did not run, and why (results.notes). */
  readonly notes: string[];
  /** Extra runs an abort left out (results.partial.skipped). */
  readonly skipped: Skipped[];
}

/** Every configuration once, with the experiments that use it; each experiment's keys in its order. */
interface Planned {
  readonly experiments: readonly Experiment[];
  readonly specs: ReadonlyMap<string, { readonly spec: ConfigSpec; readonly experiments: ExperimentId[] }>;
  readonly keys: ReadonlyMap<ExperimentId, readonly string[]>;
}

/** What the measuring step produced. */
interface Measurements {
  readonly measured: ReadonlyMap<string, Measured>;
  /** Configurations this installation cannot run (see Unavailable), with the reason. */
  readonly unavailable: ReadonlyMap<string, string>;
  /** The configuration an abort stopped (its runs are dropped); null if none. */
  readonly interrupted: string | null;
}

/** The runs that are not measurements. */
interface Extras {
  readonly hazards: HazardsResult | null;
  readonly traced: readonly { run: TimelineRun; report: BatchReport }[];
  readonly traceCost: TraceCostResult | null;
}

/** The first line of an error's message. */
const firstLine = (err: unknown): string => (err instanceof Error ? err.message : String(err)).split('\n')[0]!;

/** Resolves with `p`, or rejects as soon as `signal` aborts (p then goes on, unobserved). */
function orAbort<T>(p: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return p;
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(abortError(signal));
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/** Two significant digits: calibrated sizes then repeat from run to run on one machine (see compare). */
function roundKnob(params: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(params)) out[k] = v >= 100 ? Number(v.toPrecision(2)) : v;
  return out;
}

/**
 * The kernel sizes of an earlier results file (--sizes-from), so that this run does the same work
 * per task and every configuration compares with that file's. A kernel the file has no size for is
 * calibrated (and noted when it is used).
 */
function sizesFrom(path: string, notes: string[]): Readonly<Record<string, Readonly<Record<string, number>>>> {
  const earlier = loadResults(path);
  notes.push(
    `Kernel sizes are those of ${path} (--sizes-from, calibrated there to ${earlier.plan.taskMs} ms tasks), ` +
      'not calibrated in this run.',
  );
  return earlier.calibrated;
}

/** The machine, its load, and kernel sizes calibrated on first use (or taken from --sizes-from). */
function prepare(plan: BenchPlan, hooks: SweepHooks, options: SweepOptions): Sweep {
  const cores = availableParallelism();
  const context = collectContext();
  resetRunner();
  const notes: string[] = [];
  const load = context.loadAverage[0] ?? 0;
  if (load >= 0.5) {
    notes.push(
      `The machine was not idle when the bench started (1-minute load average ${load.toFixed(2)} on ${cores} ` +
        'cores): other processes competed for the cores, which shows as run-queue wait and lowers speed-ups.',
    );
  }
  const calibrated: Record<string, Record<string, number>> = {};
  const earlier = plan.sizesFrom === undefined ? null : sizesFrom(plan.sizesFrom, notes);
  const params = (kernel: KernelName): Record<string, number> => {
    if (calibrated[kernel]) return calibrated[kernel];
    const given = earlier?.[kernel];
    if (earlier && !given) notes.push(`${plan.sizesFrom} has no size for kernel ${kernel}: it was calibrated here.`);
    return (calibrated[kernel] = given ? { ...given } : roundKnob(calibrate(kernel, plan.taskMs)));
  };
  const traces = options.traceDir === undefined ? null : new TraceWriter(options.traceDir);
  const ctx: ExpContext = { plan, cores, params };
  return { plan, ctx, context, calibrated, hooks, signal: options.signal, traces, notes, skipped: [] };
}

/** Each chosen experiment's configurations, and those of the goals, every key once. */
function collectSpecs(sweep: Sweep): Planned {
  const { plan, ctx } = sweep;
  const specs = new Map<string, { spec: ConfigSpec; experiments: ExperimentId[] }>();
  const add = (spec: ConfigSpec, experiment: ExperimentId | null): void => {
    const seen = specs.get(spec.key);
    if (!seen) specs.set(spec.key, { spec, experiments: experiment === null ? [] : [experiment] });
    else if (JSON.stringify(seen.spec) !== JSON.stringify(spec))
      throw new Error(`bench: two different configurations share the key ${spec.key}`);
    else if (experiment !== null && !seen.experiments.includes(experiment)) seen.experiments.push(experiment);
  };
  const experiments = EXPERIMENTS.filter((e) => plan.experiments.includes(e.id));
  const keys = new Map<ExperimentId, string[]>();
  for (const e of experiments) {
    const own = e.specs(ctx);
    keys.set(
      e.id,
      own.map((s) => s.key),
    );
    for (const s of own) add(s, e.id);
  }
  if (plan.experiments.includes(6)) for (const s of goalSpecs(ctx.params)) add(s, null);
  else
    sweep.notes.push(
      'The native-vs-TypeScript goal runs with experiment 6; ' +
        `kernels ${REFERENCE_KERNELS.join(', ')} were not compared.`,
    );
  return { experiments, specs, keys };
}

/** Units of work of the whole sweep, for the progress bar: every run, then the extra runs. */
function totalUnits(sweep: Sweep, planned: Planned, timelinePlan: readonly TimelineRun[]): number {
  const { plan, traces } = sweep;
  const extra = (plan.hazards ? 1 : 0) + timelinePlan.length + 1; // + 1: the trace-cost measurement
  return [...planned.specs.values()].reduce((s, { spec }) => s + unitsOf(spec, plan, traces !== null), 0) + extra;
}

function writeTrace(sweep: Sweep, spec: ConfigSpec, slug: string, report: BatchReport): void {
  try {
    sweep.traces!.write(spec, slug, report);
  } catch (err) {
    sweep.notes.push(`The trace of ${spec.key} was not written: ${firstLine(err)}`);
  }
}

/**
 * Measures every configuration in order, round after round (see rounds.ts), until the end or an
 * abort; then ends every pool and child. The traced run is taken in the last round. A configuration
 * that fails in any round is left out whole.
 */
async function measureAll(sweep: Sweep, planned: Planned): Promise<Measurements> {
  const { signal, notes } = sweep;
  const parts = new Map<string, Measured[]>();
  const unavailable = new Map<string, string>();
  const failed = new Set<string>();
  let interrupted: string | null = null;
  const plans = roundPlans(sweep.plan);
  try {
    rounds: for (const [r, plan] of plans.entries()) {
      if (r > 0) resetRunner(); // each round measures start-up afresh
      for (const { spec, experiments } of planned.specs.values()) {
        if (signal?.aborted) break rounds;
        if (unavailable.has(spec.key) || failed.has(spec.key)) continue;
        const m = await measureOne(sweep, planned, spec, experiments, plan, { trace: r === plans.length - 1 });
        if (m instanceof Unavailable) {
          unavailable.set(spec.key, m.message);
          notes.push(`${spec.label} (${spec.key}) was not run: ${m.message}`);
        } else if (m === 'interrupted') {
          interrupted = spec.key;
          break rounds;
        } else if (m === 'failed') {
          failed.add(spec.key);
          parts.delete(spec.key);
        } else parts.set(spec.key, [...(parts.get(spec.key) ?? []), m]);
      }
    }
  } finally {
    shutdownPools(); // worker and process hosts: the sweep is their only user
    if (signal?.aborted) await killChildren(); // and wait until every child process has gone
  }
  const measured = new Map([...parts].map(([key, ms]) => [key, mergeRounds(ms)]));
  return { measured, unavailable, interrupted };
}

/** One round of one configuration: its runs, or why there are none (a failure is noted and reported). */
async function measureOne(
  sweep: Sweep,
  planned: Planned,
  spec: ConfigSpec,
  experiments: readonly ExperimentId[],
  plan: BenchPlan,
  { trace }: { trace: boolean },
): Promise<Measured | Unavailable | 'interrupted' | 'failed'> {
  const { hooks, signal, traces, notes } = sweep;
  try {
    const m = await runConfig(spec, plan, (label) => hooks.onTick?.(label), {
      signal,
      trace: trace && traces !== null,
    });
    const slug = planned.experiments.find((e) => e.id === experiments[0])?.slug ?? 'goals';
    if (traces && m.traced) writeTrace(sweep, spec, slug, m.traced);
    return m;
  } catch (err) {
    if (err instanceof Unavailable) return err;
    // A failure that an interrupt caused (a child process killed by Ctrl-C) is not a failure.
    if (signal && !signal.aborted) await new Promise((r) => setTimeout(r, INTERRUPT_GRACE_MS));
    if (signal?.aborted) return 'interrupted';
    const e = err instanceof Error ? err : new Error(String(err));
    notes.push(`${spec.label} (${spec.key}) did not run: ${firstLine(e)}`);
    hooks.onError?.(spec, e);
    return 'failed';
  }
}

/** Runs one extra part: after an abort it is skipped (and named in `skipped`); a failure leaves a note. */
async function extra<T>(sweep: Sweep, what: Skipped, run: () => Promise<T>, failed: string): Promise<T | null> {
  try {
    throwIfAborted(sweep.signal);
    return await orAbort(run(), sweep.signal);
  } catch (err) {
    if (!sweep.signal?.aborted) sweep.notes.push(`${failed}: ${firstLine(err)}`);
    else if (!sweep.skipped.includes(what)) sweep.skipped.push(what);
    return null;
  }
}

/**
 * The runs that are not measurements, after every measured one: the hazard suite (when asked for),
 * the traced timeline runs, the cost of a trace event.
 */
async function runExtras(sweep: Sweep, timelinePlan: readonly TimelineRun[]): Promise<Extras> {
  const { hooks, signal } = sweep;
  const hazards = sweep.plan.hazards
    ? await extra(sweep, 'hazards', () => runHazards(), 'The hazard suite did not run')
    : null;
  if (hazards) hooks.onTick?.('hazards');
  const traced: { run: TimelineRun; report: BatchReport }[] = [];
  for (const run of timelinePlan) {
    const report = await extra(
      sweep,
      'timelines',
      () => runTimeline(run, signal),
      `The timeline ${run.id} did not run`,
    );
    if (signal?.aborted) break;
    if (report) {
      traced.push({ run, report });
      hooks.onTick?.(`timeline ${run.id}`);
    }
  }
  let traceCost: TraceCostResult | null = null;
  if (signal?.aborted) sweep.skipped.push('traceCost');
  else {
    traceCost = measureTraceCost();
    hooks.onTick?.('trace cost');
  }
  return { hazards, traced, traceCost };
}

/** The real-GIL comparison, after everything else (it is not a measurement of gilscope alone). */
async function realGilPart(sweep: Sweep, choice: SweepOptions['realGil']): Promise<RealGilResult | null> {
  if (choice === undefined) return null;
  if ('skipped' in choice) {
    sweep.notes.push(`The real-GIL comparison was skipped: ${choice.skipped}.`);
    return null;
  }
  const { plan, cores } = sweep.ctx;
  const input = { plan, cores, params: sweep.ctx.params, interpreter: choice.interpreter, signal: sweep.signal };
  const { hooks } = sweep;
  const run = (): Promise<RealGilResult> => runRealGil({ ...input, onTick: (label) => hooks.onTick?.(label) });
  return extra(sweep, 'realGil', run, 'The real-GIL comparison failed');
}

/** The real-GIL chart, added to `rendered` when it has points to draw; the result then names it. */
async function drawRealGil(
  realGil: RealGilResult | null,
  plan: BenchPlan,
  rendered: RenderedChart[],
): Promise<RealGilResult | null> {
  if (!realGil) return null;
  const chart = realGilChart(realGil, plan.switchIntervalUs);
  if (chart.marks === 0) return realGil;
  rendered.push({ ...(await render(chart, 4, 'chart')), kind: 'realGil' });
  return { ...realGil, chart: { file: REAL_GIL_CHART, title: chart.title, marks: chart.marks } };
}

/** Units the real-GIL comparison ticks: two per convoy run, two for threads vs processes. */
const REAL_GIL_UNITS = 2 * REAL_GIL_RUNS + 2;

/** Identity of a configuration apart from its task count: its tasks = 1 twin is the baseline. */
function baselineIdentity(s: ConfigSpec): string {
  return JSON.stringify([s.kind, s.kernel, s.params, s.mode, s.threads, s.switchIntervalUs, s.forcedSwitching]);
}

/** Each configuration's figures, each batch against its tasks = 1 twin. */
function analyseConfigs(sweep: Sweep, planned: Planned, { measured }: Measurements): Map<string, ConfigResult> {
  const ones = new Map<string, Measured>();
  for (const m of measured.values()) if (m.spec.tasks === 1) ones.set(baselineIdentity(m.spec), m);
  const results = new Map<string, ConfigResult>();
  for (const [key, m] of measured) {
    const baseline = m.spec.tasks === 1 ? null : (ones.get(baselineIdentity(m.spec)) ?? null);
    results.set(key, analyse(m, planned.specs.get(key)!.experiments, baseline, sweep.ctx.cores));
  }
  return results;
}

/** Each experiment's table, reading, fits and charts (a chart with nothing to draw is left out). */
function analyseExperiments(
  sweep: Sweep,
  planned: Planned,
  results: ReadonlyMap<string, ConfigResult>,
  unavailable: ReadonlyMap<string, string>,
): { experiments: ExperimentResult[]; fits: FitResult[]; charts: { chart: ChartSpec; experiment: ExperimentId }[] } {
  const experiments: ExperimentResult[] = [];
  const fits: FitResult[] = [];
  const charts: { chart: ChartSpec; experiment: ExperimentId }[] = [];
  for (const e of planned.experiments) {
    const a = e.analyse(
      sweep.ctx,
      (key) => results.get(key),
      (key) => unavailable.get(key),
    );
    const drawn = a.charts.filter((c) => c.marks > 0);
    experiments.push({
      id: e.id,
      slug: e.slug,
      title: e.title,
      question: e.question,
      configKeys: planned.keys.get(e.id) ?? [],
      table: a.table,
      reading: a.reading,
      charts: drawn.map((c) => ({ file: c.file, title: c.title, marks: c.marks })),
      ...(a.crossovers ? { crossovers: [...a.crossovers] } : {}),
    });
    fits.push(...(a.fits ?? []));
    for (const chart of drawn) charts.push({ chart, experiment: e.id });
  }
  return { experiments, fits, charts };
}

async function render(chart: ChartSpec, experiment: ExperimentId, kind: RenderedChart['kind']): Promise<RenderedChart> {
  return { file: chart.file, title: chart.title, marks: chart.marks, experiment, kind, svg: await renderSvg(chart) };
}

/** The experiments' charts, then the timelines drawn from the traced runs. */
async function renderCharts(
  charts: readonly { chart: ChartSpec; experiment: ExperimentId }[],
  traced: Extras['traced'],
): Promise<{ rendered: RenderedChart[]; timelines: TimelineResult[] }> {
  const rendered: RenderedChart[] = [];
  for (const { chart, experiment } of charts) rendered.push(await render(chart, experiment, 'chart'));
  const timelines: TimelineResult[] = [];
  for (const { result, chart } of drawTimelines(traced)) {
    timelines.push(result);
    rendered.push(await render(chart, result.experiment, 'timeline'));
  }
  return { rendered, timelines };
}

/** What an abort left out; null when the sweep ran to the end. */
function partialInfo(sweep: Sweep, planned: Planned, m: Measurements): PartialInfo | null {
  const { signal, skipped } = sweep;
  if (!signal?.aborted) return null;
  if (m.interrupted === null && m.measured.size >= planned.specs.size && skipped.length === 0) return null;
  return {
    reason: 'interrupted',
    signal: signal.reason === 'SIGTERM' ? 'SIGTERM' : 'SIGINT',
    completedConfigurations: m.measured.size,
    plannedConfigurations: planned.specs.size,
    interruptedConfiguration: m.interrupted,
    skipped,
  };
}

export async function runSweep(
  plan: BenchPlan,
  hooks: SweepHooks = {},
  options: SweepOptions = {},
): Promise<SweepOutput> {
  const started = process.hrtime.bigint();
  // Every task of a batch listens to the signal while it runs: many at once is expected, not a leak.
  if (options.signal) setMaxListeners(0, options.signal);
  const sweep = prepare(plan, hooks, options);
  const planned = collectSpecs(sweep);
  const timelinePlan = timelineRuns(sweep.ctx);
  const realGilUnits = options.realGil && 'interpreter' in options.realGil ? REAL_GIL_UNITS : 0;
  hooks.onStart?.(totalUnits(sweep, planned, timelinePlan) + realGilUnits);
  const measurements = await measureAll(sweep, planned);
  const extras = await runExtras(sweep, timelinePlan);
  const realGil = await realGilPart(sweep, options.realGil);
  const configs = analyseConfigs(sweep, planned, measurements);
  const { unavailable } = measurements;
  const analysed = analyseExperiments(sweep, planned, configs, unavailable);
  const { rendered, timelines } = await renderCharts(analysed.charts, extras.traced);
  const realGilDrawn = await drawRealGil(realGil, plan, rendered);
  const startup: StartupCostReport | null = [...measurements.measured.values()].find((m) => m.startup)?.startup ?? null;
  const results: BenchResults = {
    schema: SCHEMA_NAME,
    schemaVersion: SCHEMA_VERSION,
    createdAt: new Date().toISOString(),
    durationS: Number(process.hrtime.bigint() - started) / 1e9,
    context: sweep.context,
    plan,
    calibrated: sweep.calibrated,
    configurations: [...configs.values()],
    experiments: analysed.experiments,
    fits: analysed.fits,
    goals: checkGoals({
      plan,
      cores: sweep.ctx.cores,
      get: (k) => configs.get(k),
      unavailable: (k) => unavailable.get(k),
    }),
    startup,
    notes: sweep.notes,
    partial: partialInfo(sweep, planned, measurements),
    traceCost: extras.traceCost,
    timelines,
    hazards: extras.hazards,
    traces: sweep.traces ? sweep.traces.result() : null,
    ...(options.realGil === undefined ? {} : { realGil: realGilDrawn }),
  };
  return { results, charts: rendered };
}
