/**
 * One bench sweep from plan to results: calibrate the kernels, collect every experiment's
 * configurations (one measurement per distinct configuration, shared between experiments), run them
 * in order, then the extra runs that are not measurements (the hazard suite, the traced timeline
 * runs, the cost of a trace event), then analyse, fit, check the goals and render the charts.
 *
 * An abort (Ctrl-C in the CLI) stops the sweep at once: the configuration in flight is dropped,
 * what finished is analysed and returned, marked `partial`, and every pool and child process it
 * started is ended.
 */
import { setMaxListeners } from 'node:events';
import { availableParallelism } from 'node:os';

import { shutdownPools } from '../src/index.js';
import { killChildren } from '../src/modes/children.js';
import type { BatchReport, KernelName, StartupCostReport } from '../src/types.js';
import { analyse } from './analysis/analyse.js';
import { calibrate } from './calibrate.js';
import { renderSvg, type ChartSpec } from './report/charts.js';
import { collectContext } from './context.js';
import { EXPERIMENTS, type ExpContext } from './experiments/index.js';
import { checkGoals, goalSpecs, REFERENCE_KERNELS } from './analysis/goals.js';
import { runHazards } from './extras/hazards.js';
import { resetRunner, runConfig, unitsOf, type Measured } from './runner.js';
import { drawTimelines, runTimeline, timelineRuns, type TimelineRun } from './extras/timelines.js';
import { measureTraceCost } from './extras/trace-cost.js';
import { TraceWriter } from './extras/traces.js';
import {
  SCHEMA_NAME,
  SCHEMA_VERSION,
  type BenchPlan,
  type BenchResults,
  type ConfigResult,
  type ConfigSpec,
  type ExperimentId,
  type ExperimentResult,
  type FitResult,
  type HazardsResult,
  type PartialInfo,
  type TimelineResult,
  type TraceCostResult,
} from './model/types.js';

export interface RenderedChart {
  readonly file: string;
  readonly title: string;
  readonly marks: number;
  readonly svg: string;
  readonly experiment: ExperimentId;
  /** `timeline`: drawn in the report's Timelines section, not with its experiment's charts. */
  readonly kind: 'chart' | 'timeline';
}

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
}

/** After a failure, how long to wait for an interrupt that caused it to be seen (a child killed by Ctrl-C). */
const INTERRUPT_GRACE_MS = 100;

function interruptSignal(signal: AbortSignal): PartialInfo['signal'] {
  return signal.reason === 'SIGTERM' ? 'SIGTERM' : 'SIGINT';
}

/** Resolves with `p`, or rejects as soon as `signal` aborts (p then goes on, unobserved). */
function orAbort<T>(p: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return p;
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(new DOMException('The operation was aborted', 'AbortError'));
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/** Identity of a configuration apart from its task count: its tasks = 1 twin is the baseline. */
function baselineIdentity(s: ConfigSpec): string {
  return JSON.stringify([s.kind, s.kernel, s.params, s.mode, s.threads, s.switchIntervalUs, s.forcedSwitching]);
}

/** Two significant digits: calibrated sizes then repeat from run to run on one machine (see compare). */
function roundKnob(params: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(params)) out[k] = v >= 100 ? Number(v.toPrecision(2)) : v;
  return out;
}

function writeTrace(traces: TraceWriter, spec: ConfigSpec, slug: string, report: BatchReport, notes: string[]): void {
  try {
    traces.write(spec, slug, report);
  } catch (err) {
    notes.push(`The trace of ${spec.key} was not written: ${(err as Error).message.split('\n')[0]}`);
  }
}

/**
 * The runs that are not measurements, after every measured one: the hazard suite (when asked for),
 * the traced timeline runs, the cost of a trace event. After an abort each is skipped (and named
 * in `skipped`); one that fails leaves a note.
 */
async function runExtras(
  plan: BenchPlan,
  timelinePlan: readonly TimelineRun[],
  signal: AbortSignal | undefined,
  hooks: SweepHooks,
  notes: string[],
  skipped: string[],
): Promise<{
  hazards: HazardsResult | null;
  traced: { run: TimelineRun; report: BatchReport }[];
  traceCost: TraceCostResult | null;
}> {
  const skip = (what: string): void => {
    if (!skipped.includes(what)) skipped.push(what);
  };
  let hazards: HazardsResult | null = null;
  if (plan.hazards) {
    try {
      if (signal?.aborted) throw new DOMException('The operation was aborted', 'AbortError');
      hazards = await orAbort(runHazards(), signal);
      hooks.onTick?.('hazards');
    } catch (err) {
      if (signal?.aborted) skip('hazards');
      else notes.push(`The hazard suite did not run: ${(err as Error).message.split('\n')[0]}`);
    }
  }
  const traced: { run: TimelineRun; report: BatchReport }[] = [];
  for (const run of timelinePlan) {
    try {
      if (signal?.aborted) throw new DOMException('The operation was aborted', 'AbortError');
      traced.push({ run, report: await runTimeline(run, signal) });
      hooks.onTick?.(`timeline ${run.id}`);
    } catch (err) {
      if (signal?.aborted) {
        skip('timelines');
        break;
      }
      notes.push(`The timeline ${run.id} did not run: ${(err as Error).message.split('\n')[0]}`);
    }
  }
  let traceCost: TraceCostResult | null = null;
  if (signal?.aborted) skip('traceCost');
  else {
    traceCost = measureTraceCost();
    hooks.onTick?.('trace cost');
  }
  return { hazards, traced, traceCost };
}

export async function runSweep(
  plan: BenchPlan,
  hooks: SweepHooks = {},
  options: SweepOptions = {},
): Promise<SweepOutput> {
  const { signal } = options;
  // Every task of a batch listens to the signal while it runs: many at once is expected, not a leak.
  if (signal) setMaxListeners(0, signal);
  const started = process.hrtime.bigint();
  const cores = availableParallelism();
  const context = collectContext();
  resetRunner();
  const notes: string[] = [];
  const loadAtStart = context.loadAverage[0] ?? 0;
  if (loadAtStart >= 0.5) {
    notes.push(
      `The machine was not idle when the bench started (1-minute load average ${loadAtStart.toFixed(2)} on ${cores} cores): other processes competed for the cores, which shows as run-queue wait and lowers speed-ups.`,
    );
  }

  const calibrated: Record<string, Record<string, number>> = {};
  const params = (kernel: KernelName): Record<string, number> => {
    calibrated[kernel] ??= roundKnob(calibrate(kernel, plan.taskMs));
    return calibrated[kernel]!;
  };
  const ctx: ExpContext = { plan, cores, params };

  // Every configuration once, with the experiments that use it.
  const specs = new Map<string, { spec: ConfigSpec; experiments: ExperimentId[] }>();
  const add = (spec: ConfigSpec, experiment: ExperimentId | null): void => {
    const seen = specs.get(spec.key);
    if (seen) {
      if (JSON.stringify(seen.spec) !== JSON.stringify(spec))
        throw new Error(`bench: two different configurations share the key ${spec.key}`);
      if (experiment !== null && !seen.experiments.includes(experiment)) seen.experiments.push(experiment);
    } else {
      specs.set(spec.key, { spec, experiments: experiment === null ? [] : [experiment] });
    }
  };
  const chosen = EXPERIMENTS.filter((e) => plan.experiments.includes(e.id));
  for (const e of chosen) for (const s of e.specs(ctx)) add(s, e.id);
  if (plan.experiments.includes(6)) for (const s of goalSpecs((k) => params(k))) add(s, null);
  else
    notes.push(
      `The native-vs-TypeScript goal runs with experiment 6; kernels ${REFERENCE_KERNELS.join(', ')} were not compared.`,
    );

  const traces = options.traceDir === undefined ? null : new TraceWriter(options.traceDir);
  const timelinePlan: TimelineRun[] = timelineRuns(ctx);
  const extraUnits = (plan.hazards ? 1 : 0) + timelinePlan.length + 1; // + 1: the trace-cost measurement
  const total = [...specs.values()].reduce((s, { spec }) => s + unitsOf(spec, plan, traces !== null), 0) + extraUnits;
  hooks.onStart?.(total);
  const measured = new Map<string, Measured>();
  let interrupted: string | null = null;
  const skipped: string[] = [];
  try {
    for (const { spec, experiments } of specs.values()) {
      if (signal?.aborted) break;
      try {
        const m = await runConfig(spec, plan, (label) => hooks.onTick?.(label), { signal, trace: traces !== null });
        measured.set(spec.key, m);
        if (traces && m.traced)
          writeTrace(traces, spec, chosen.find((e) => e.id === experiments[0])?.slug ?? 'goals', m.traced, notes);
      } catch (err) {
        // A failure that an interrupt caused (a child process killed by Ctrl-C) is not a failure.
        if (signal && !signal.aborted) await new Promise((r) => setTimeout(r, INTERRUPT_GRACE_MS));
        if (signal?.aborted) {
          interrupted = spec.key;
          break;
        }
        const e = err instanceof Error ? err : new Error(String(err));
        notes.push(`${spec.label} (${spec.key}) did not run: ${e.message.split('\n')[0]}`);
        hooks.onError?.(spec, e);
      }
    }
  } finally {
    shutdownPools(); // worker and process hosts: the sweep is their only user
    if (signal?.aborted) await killChildren(); // and wait until every child process has gone
  }

  const { hazards, traced, traceCost } = await runExtras(plan, timelinePlan, signal, hooks, notes, skipped);

  // Analysis: each batch against its tasks = 1 twin.
  const ones = new Map<string, Measured>();
  for (const m of measured.values()) if (m.spec.tasks === 1) ones.set(baselineIdentity(m.spec), m);
  const results = new Map<string, ConfigResult>();
  for (const [key, m] of measured) {
    const baseline = m.spec.tasks === 1 ? null : (ones.get(baselineIdentity(m.spec)) ?? null);
    results.set(key, analyse(m, specs.get(key)!.experiments, baseline, cores));
  }
  const get = (key: string): ConfigResult | undefined => results.get(key);

  const experiments: ExperimentResult[] = [];
  const fits: FitResult[] = [];
  const chartSpecs: { chart: ChartSpec; experiment: ExperimentId }[] = [];
  for (const e of chosen) {
    const analysed = e.analyse(ctx, get);
    const a = { ...analysed, charts: analysed.charts.filter((c) => c.marks > 0) }; // nothing to draw: no chart
    experiments.push({
      id: e.id,
      slug: e.slug,
      title: e.title,
      question: e.question,
      configKeys: e.specs(ctx).map((s) => s.key),
      table: a.table,
      reading: a.reading,
      charts: a.charts.map((c) => ({ file: c.file, title: c.title, marks: c.marks })),
    });
    fits.push(...(a.fits ?? []));
    for (const chart of a.charts) chartSpecs.push({ chart, experiment: e.id });
  }
  const charts: RenderedChart[] = [];
  for (const { chart, experiment } of chartSpecs) {
    charts.push({
      file: chart.file,
      title: chart.title,
      marks: chart.marks,
      experiment,
      kind: 'chart',
      svg: await renderSvg(chart),
    });
  }
  const timelines: TimelineResult[] = [];
  for (const { result, chart } of drawTimelines(traced)) {
    timelines.push(result);
    charts.push({
      file: chart.file,
      title: chart.title,
      marks: chart.marks,
      experiment: result.experiment,
      kind: 'timeline',
      svg: await renderSvg(chart),
    });
  }
  const partial: PartialInfo | null =
    signal?.aborted && (interrupted !== null || measured.size < specs.size || skipped.length > 0)
      ? {
          reason: 'interrupted',
          signal: interruptSignal(signal),
          completedConfigurations: measured.size,
          plannedConfigurations: specs.size,
          interruptedConfiguration: interrupted,
          skipped,
        }
      : null;

  const startup: StartupCostReport | null = [...measured.values()].find((m) => m.startup)?.startup ?? null;
  const results_: BenchResults = {
    schema: SCHEMA_NAME,
    schemaVersion: SCHEMA_VERSION,
    createdAt: new Date().toISOString(),
    durationS: Number(process.hrtime.bigint() - started) / 1e9,
    context,
    plan,
    calibrated,
    configurations: [...results.values()],
    experiments,
    fits,
    goals: checkGoals(plan, cores, get),
    startup,
    notes,
    partial,
    traceCost,
    timelines,
    hazards,
    traces: traces ? traces.result() : null,
  };
  return { results: results_, charts };
}
