/**
 * One bench sweep from plan to results: calibrate the kernels, collect every experiment's
 * configurations (one measurement per distinct configuration, shared between experiments), run them
 * in order, then analyse, fit, check the goals and render the charts.
 */
import { availableParallelism } from 'node:os';

import { shutdownPools } from '../index.js';
import type { KernelName, StartupCostReport } from '../types.js';
import { analyse } from './analyse.js';
import { calibrate } from './calibrate.js';
import { renderSvg, type ChartSpec } from './charts.js';
import { collectContext } from './context.js';
import { EXPERIMENTS, type ExpContext } from './experiments/index.js';
import { checkGoals, goalSpecs, REFERENCE_KERNELS } from './goals.js';
import { resetRunner, runConfig, unitsOf, type Measured } from './runner.js';
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
} from './types.js';

export interface RenderedChart {
  readonly file: string;
  readonly title: string;
  readonly marks: number;
  readonly svg: string;
  readonly experiment: ExperimentId;
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

export async function runSweep(plan: BenchPlan, hooks: SweepHooks = {}): Promise<SweepOutput> {
  const started = process.hrtime.bigint();
  const cores = availableParallelism();
  const context = collectContext();
  resetRunner();
  const notes: string[] = [];
  const loadAtStart = context.loadAverage[0] ?? 0;
  if (loadAtStart >= 0.5) {
    notes.push(`The machine was not idle when the bench started (1-minute load average ${loadAtStart.toFixed(2)} on ${cores} cores): other processes competed for the cores, which shows as run-queue wait and lowers speed-ups.`);
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
      if (JSON.stringify(seen.spec) !== JSON.stringify(spec)) throw new Error(`bench: two different configurations share the key ${spec.key}`);
      if (experiment !== null && !seen.experiments.includes(experiment)) seen.experiments.push(experiment);
    } else {
      specs.set(spec.key, { spec, experiments: experiment === null ? [] : [experiment] });
    }
  };
  const chosen = EXPERIMENTS.filter((e) => plan.experiments.includes(e.id));
  for (const e of chosen) for (const s of e.specs(ctx)) add(s, e.id);
  if (plan.experiments.includes(6)) for (const s of goalSpecs((k) => params(k))) add(s, null);
  else notes.push(`The native-vs-TypeScript goal runs with experiment 6; kernels ${REFERENCE_KERNELS.join(', ')} were not compared.`);

  const total = [...specs.values()].reduce((s, { spec }) => s + unitsOf(spec, plan), 0);
  hooks.onStart?.(total);
  const measured = new Map<string, Measured>();
  try {
    for (const { spec } of specs.values()) {
      try {
        measured.set(spec.key, await runConfig(spec, plan, (label) => hooks.onTick?.(label)));
      } catch (err) {
        const e = err instanceof Error ? err : new Error(String(err));
        notes.push(`${spec.label} (${spec.key}) did not run: ${e.message.split('\n')[0]}`);
        hooks.onError?.(spec, e);
      }
    }
  } finally {
    shutdownPools(); // worker and process hosts: the sweep is their only user
  }

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
    charts.push({ file: chart.file, title: chart.title, marks: chart.marks, experiment, svg: await renderSvg(chart) });
  }

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
  };
  return { results: results_, charts };
}
