/**
 * The timelines of report.html: one extra traced run of each headline configuration (never one of
 * the measured runs, so that recording cannot distort them), each drawn as one row per thread with
 * its time split into states.
 * - `cpu` (with experiment 1): the CPU-bound kernel at tasks = cores held, released and under the
 *   GIL: one task at a time on the JS thread, side by side on the pool, taking turns for the lock.
 * - `switching` (with experiment 4): `mixed` (compute twice the switch interval, then wait) under the
 *   GIL with and without forced switching, beside the convoy probe: hand-offs at each drop request
 *   against the releaser taking the lock straight back (the GIL battle), and the probe's waits
 *   behind CPU-bound holders (the convoy effect).
 */
import { batch } from '../../src/index.js';
import type { BatchReport, KernelName, Mode, Timeline, TimelineSpan, TimelineThread } from '../../src/index.js';
import { timelineChart, type ChartSpec } from '../report/charts.js';
import type { ExpContext } from '../experiments/index.js';
import { kernelTask } from '../runner.js';
import type { ExperimentId, TimelineResult, TimelineState } from '../model/results.js';
import { TIMELINE_STATES } from '../report/timeline-states.js';

const STATE_OF: Readonly<Record<TimelineSpan['kind'], TimelineState>> = {
  task: 'running',
  'lock-held': 'holding the lock',
  'lock-wait': 'waiting for the lock',
  blocked: 'blocked (I/O)',
  'timer-delay': 'timer late',
};

/** One traced run to draw. */
export interface TimelineRun {
  readonly id: string;
  readonly group: TimelineResult['group'];
  readonly experiment: ExperimentId;
  readonly title: string;
  /** The batch to trace. */
  readonly batch: {
    readonly kernel: KernelName;
    readonly params: Readonly<Record<string, number>>;
    readonly mode: Mode;
    readonly tasks: number;
    readonly switchIntervalUs?: number;
    readonly forcedSwitching?: boolean;
    readonly convoyProbe?: boolean;
  };
}

/** The longest switch interval the switching timelines use: longer ones would make a run long. */
export const SWITCHING_MAX_INTERVAL_US = 5000;

/** Parameters of the `mixed` tasks of the switching timelines for switch interval `us`. */
export function switchingParams(ctx: ExpContext, us: number): { computeUs: number; waitUs: number; repeats: number } {
  const computeUs = 2 * us;
  const waitUs = Math.max(1, Math.round(us / 2));
  return { computeUs, waitUs, repeats: Math.max(2, Math.round((ctx.plan.taskMs * 1000) / (computeUs + waitUs))) };
}

/** The runs the plan's experiments and modes call for, in report order. */
export function timelineRuns(ctx: ExpContext): TimelineRun[] {
  const { plan, cores } = ctx;
  const runs: TimelineRun[] = [];
  if (plan.experiments.includes(1)) {
    const kernel = plan.kernels[0]!;
    for (const mode of ['held', 'released', 'gil'] as const) {
      if (!plan.modes.includes(mode)) continue;
      const gil = mode === 'gil' ? { switchIntervalUs: plan.switchIntervalUs, forcedSwitching: true } : {};
      runs.push({
        id: `cpu-${mode}`,
        group: 'cpu',
        experiment: 1,
        title: `${kernel} x${cores}, ${mode}${mode === 'gil' ? ` (switch interval ${plan.switchIntervalUs} us)` : ''}`,
        batch: { kernel, params: ctx.params(kernel), mode, tasks: cores, ...gil },
      });
    }
  }
  if (plan.experiments.includes(4) && plan.modes.includes('gil')) {
    const us = Math.min(plan.switchIntervalUs, SWITCHING_MAX_INTERVAL_US);
    const params = switchingParams(ctx, us);
    for (const forced of [true, false]) {
      runs.push({
        id: `switching-${forced ? 'forced' : 'unforced'}`,
        group: 'switching',
        experiment: 4,
        title:
          `mixed (${params.computeUs} us compute, ${params.waitUs} us wait) x${cores} under the GIL, ` +
          `interval ${us} us, ${forced ? 'forced switching' : 'no forced switching'}, with the convoy probe`,
        batch: {
          kernel: 'mixed',
          params,
          mode: 'gil',
          tasks: cores,
          switchIntervalUs: us,
          forcedSwitching: forced,
          convoyProbe: true,
        },
      });
    }
  }
  return runs;
}

/** A stretch of one thread's time in one state (ms since the batch started). */
export interface Segment {
  readonly thread: string;
  readonly state: TimelineState;
  readonly startMs: number;
  readonly endMs: number;
  readonly durMs: number;
  readonly task: number;
}

/**
 * Splits a thread's spans into disjoint segments, each in the state of the innermost span that
 * covers it (spans nest properly; should one run past its parent's end, it keeps its own end and
 * the parent is not resumed). Zero-length spans are left out. Invariant: the segments of a thread
 * never overlap, and their total is the time covered by its spans.
 */
export function segmentsOf(thread: TimelineThread, label: string, originNs: bigint): Segment[] {
  const ms = (ns: bigint): number => Number(ns - originNs) / 1e6;
  const spans = thread.spans
    .filter((s) => s.endNs > s.startNs)
    .slice()
    .sort((a, b) =>
      a.startNs !== b.startNs ? (a.startNs < b.startNs ? -1 : 1) : a.endNs > b.endNs ? -1 : a.endNs < b.endNs ? 1 : 0,
    );
  const out: Segment[] = [];
  const emit = (from: bigint, to: bigint, span: TimelineSpan): void => {
    if (to > from)
      out.push({
        thread: label,
        state: STATE_OF[span.kind],
        startMs: ms(from),
        endMs: ms(to),
        durMs: Number(to - from) / 1e6,
        task: span.task,
      });
  };
  const stack: TimelineSpan[] = [];
  let cursor = 0n;
  for (const s of spans) {
    while (stack.length > 0 && stack[stack.length - 1]!.endNs <= s.startNs) {
      const top = stack.pop()!;
      emit(cursor, top.endNs, top);
      if (top.endNs > cursor) cursor = top.endNs;
    }
    if (stack.length > 0) emit(cursor, s.startNs, stack[stack.length - 1]!);
    cursor = s.startNs;
    stack.push(s);
  }
  while (stack.length > 0) {
    const top = stack.pop()!;
    emit(cursor, top.endNs, top);
    if (top.endNs > cursor) cursor = top.endNs;
  }
  return out;
}

const ROLE_ORDER = { js: 0, pool: 1, worker: 1, process: 1, native: 2 } as const;

/** Row labels in drawing order: the JS thread, the task threads by first activity, the convoy probe. */
function rows(timeline: Timeline): { thread: TimelineThread; label: string }[] {
  const first = (t: TimelineThread): bigint =>
    t.spans.reduce((m, s) => (s.startNs < m ? s.startNs : m), timeline.endNs);
  const sorted = [...timeline.threads].sort(
    (a, b) => ROLE_ORDER[a.role] - ROLE_ORDER[b.role] || (first(a) < first(b) ? -1 : first(a) > first(b) ? 1 : 0),
  );
  const seen = new Map<string, number>();
  return sorted.map((thread) => {
    const base =
      thread.role === 'js'
        ? 'JS thread'
        : thread.name.startsWith('convoy probe')
          ? 'convoy probe'
          : thread.role === 'pool'
            ? 'pool thread'
            : `${thread.role} thread`;
    const n = (seen.get(base) ?? 0) + 1;
    seen.set(base, n);
    return { thread, label: base === 'JS thread' || base === 'convoy probe' ? base : `${base} ${n}` };
  });
}

/** A traced run, measured and drawn. */
export interface DrawnTimeline {
  readonly result: TimelineResult;
  readonly chart: ChartSpec;
}

/** Turns traced reports into results and charts; the runs of a group share their time axis. */
export function drawTimelines(done: readonly { run: TimelineRun; report: BatchReport }[]): DrawnTimeline[] {
  const groupMaxMs = new Map<string, number>();
  for (const { run, report } of done)
    groupMaxMs.set(run.group, Math.max(groupMaxMs.get(run.group) ?? 0, report.wallNs / 1e6));
  return done.map(({ run, report }) => {
    const timeline = report.timeline;
    if (!timeline) throw new Error(`timeline ${run.id}: the batch was not traced`);
    const labelled = rows(timeline);
    const segments = labelled.flatMap(({ thread, label }) => segmentsOf(thread, label, timeline.startNs));
    const stateNs = Object.fromEntries(TIMELINE_STATES.map((s) => [s.name, 0])) as Record<TimelineState, number>;
    for (const s of segments) stateNs[s.state] += s.durMs * 1e6;
    const taskEvents = report.taskReports.reduce((n, t) => n + (t.trace?.events.length ?? 0), 0);
    const file = `timeline-${run.id}.svg`;
    const chart = timelineChart({
      file,
      title: `Timeline: ${run.title}`,
      rows: segments,
      threads: labelled.map((r) => r.label),
      states: TIMELINE_STATES,
      xMaxMs: groupMaxMs.get(run.group)!,
    });
    const o = run.batch;
    const result: TimelineResult = {
      id: run.id,
      group: run.group,
      experiment: run.experiment,
      title: run.title,
      file,
      marks: chart.marks,
      kernel: o.kernel,
      params: o.params,
      mode: o.mode,
      tasks: o.tasks,
      switchIntervalUs: o.mode === 'gil' ? (o.switchIntervalUs ?? null) : null,
      forcedSwitching: o.mode === 'gil' ? (o.forcedSwitching ?? true) : null,
      wallNs: report.wallNs,
      threads: labelled.length,
      stateNs,
      handoffs: timeline.handoffs.length,
      events: taskEvents,
      droppedEvents: timeline.droppedEvents,
      convoyP99Ns: report.probe.convoy?.p99Ns ?? null,
      convoyMaxNs: report.probe.convoy?.maxNs ?? null,
    };
    return { result, chart };
  });
}

/** Runs one timeline's traced batch (aborts with `signal`). */
export function runTimeline(run: TimelineRun, signal?: AbortSignal): Promise<BatchReport> {
  const { kernel, params, ...rest } = run.batch;
  return batch({ ...kernelTask(kernel, params), ...rest, trace: true, ...(signal ? { signal } : {}) });
}
