/**
 * `batch`: many copies of one kernel started at once in one mode, measured as a whole. The steps:
 * check the plan; run it in a fresh process when it needs another libuv pool size; size the pool
 * and check memory; start the meter (and, under 'gil', the convoy probe); run the mode's tasks;
 * stop both; build the report.
 */
import { native } from '../addon/loader.js';
import { throwIfAborted } from '../errors.js';
import { startMeter } from '../measure/meter.js';
import { learnPoolOnce } from '../measure/pool-census.js';

import { readMeasured } from '../measure/reading.js';
import { batchTimeline } from '../timeline/batch-timeline.js';
import type { BatchOptions, BatchReport, KernelName, Measurement, TaskReport } from '../types.js';
import { runBatchInChild } from './child-batch.js';
import { gilCounters, lockReport, startConvoy, type ConvoyResult, type GilCounters } from './gil.js';
import { heldTasks } from './held.js';
import { type HostPool } from './hosted/host-pool.js';
import { startHosts } from './hosted/start-hosts.js';
import { hostedTasks, type HostedOutcome } from './hosted/tasks.js';
import { checkMemory } from './memory-budget.js';
import { checkBatch, type BatchPlan } from './options.js';
import { poolSize } from './pool-size.js';
import { dispatchMany, rowReports } from './dispatcher.js';
import { runOnRawThreads } from './raw-threads.js';
import { checkThreads } from './thread-budget.js';
import { pooledTasks } from './released.js';

/** batch()'s one pool census waits at most this long (the pool is idle in all but odd cases). */
const BATCH_CENSUS_TIMEOUT_MS = 200;

/** Threads that serve the batch, as in force (the libuv pool for released/gil; one host per task by default). */
function threadsInForce(plan: BatchPlan): number {
  switch (plan.mode) {
    case 'held':
      return 1;
    case 'released':
    case 'gil':
      return poolSize();
    case 'native':
      return plan.tasks;
    case 'worker':
    case 'process':
      return plan.threads ?? plan.tasks;
  }
}

/**
 * The tasks' outcomes, however the mode ran them. An untraced released or gil batch is one
 * submission to the dispatcher, settled once; its reports are built from its rows by `reports()`,
 * after the meter stopped (building them is gilscope's bookkeeping, not the batch's run).
 */
async function runTasks(plan: BatchPlan, hosts: HostPool | undefined): Promise<Outcome> {
  const pooled = plan.mode === 'released' || plan.mode === 'gil';
  if (pooled && plan.traceCapacity === 0) {
    // A failed task (its kernel threw) rejects the batch, but only after the meter stopped.
    const rows = await dispatchMany(plan.kernel, plan.args, plan.tasks, plan.gil, plan.signal).catch(
      (err: unknown) => err as Error,
    );
    const reports = (): TaskReport[] => {
      if (rows instanceof Error) throw rows;
      return rowReports(rows, plan.mode);
    };
    return { reports, childUserUs: 0, childSystemUs: 0 };
  }
  const outcome = await settledTasks(plan, hosts);
  return { ...outcome, reports: () => fulfilledReports(outcome.settled) };
}

/** What runTasks gives back: the children's CPU, and the reports (throwing the first failure). */
interface Outcome {
  readonly reports: () => TaskReport[];
  readonly childUserUs: number;
  readonly childSystemUs: number;
}

/** The tasks' outcomes, one promise per task. */
async function settledTasks(plan: BatchPlan, hosts: HostPool | undefined): Promise<HostedOutcome> {
  const none = { childUserUs: 0, childSystemUs: 0 };
  const fulfilled = (reports: TaskReport[]): PromiseSettledResult<TaskReport>[] =>
    reports.map((value) => ({ status: 'fulfilled', value }));
  switch (plan.mode) {
    case 'held':
      return { settled: fulfilled(heldTasks(plan)), ...none };
    case 'released':
    case 'gil':
      return { settled: await pooledTasks(plan.kernel, plan.args, plan.tasks, plan), ...none };
    case 'worker':
    case 'process':
      return hostedTasks(plan, hosts!);
    case 'native': {
      const settled = await runOnRawThreads(plan.kernel, plan.args, plan.tasks, plan).then(fulfilled, (reason) => [
        { status: 'rejected' as const, reason },
      ]);
      return { settled, ...none };
    }
  }
}

/** The reports of a batch in which every task fulfilled; else throws the first failure. */
function fulfilledReports(settled: readonly PromiseSettledResult<TaskReport>[]): TaskReport[] {
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) throw failed.reason;
  return settled.map((s) => (s as PromiseFulfilledResult<TaskReport>).value);
}

interface Finished {
  readonly plan: BatchPlan;
  readonly poolSize: number;
  readonly measurement: Measurement;
  readonly taskReports: TaskReport[];
  readonly gilBefore: GilCounters;
  readonly convoy: ConvoyResult | undefined;
  readonly pings: readonly (readonly [bigint, bigint])[];
  readonly startNs: bigint;
}

function assembleReport(f: Finished): BatchReport {
  const { plan, measurement: m, taskReports } = f;
  const taskCpuNs = taskReports.reduce((s, t) => s + t.cpuNs, 0);
  const endNs = f.startNs + BigInt(m.wallNs);
  const timeline =
    plan.traceCapacity > 0
      ? batchTimeline(taskReports, f.pings, native().threadUsage().threadId, f.startNs, endNs, f.convoy)
      : null;
  const lock = plan.mode === 'gil' ? lockReport(taskReports, m.wallNs, f.gilBefore) : null;
  const reading = readMeasured({
    wallNs: m.wallNs,
    cores: m.cores,
    processCpuNs: (m.processUserUs + m.processSystemUs) * 1000,
    jsThreadCpuNs: m.jsThreadCpuNs,
    tasks: taskReports,
    mode: plan.mode,
    poolSize: f.poolSize,
    lockHeldFraction: lock?.heldFraction ?? null,
  });
  return {
    ...m,
    verdict: reading.sentence,
    reading,
    kernel: plan.kernel as KernelName,
    mode: plan.mode,
    tasks: plan.tasks,
    poolSize: f.poolSize,
    parallelism: m.wallNs > 0 ? taskCpuNs / m.wallNs : Number.NaN,
    taskReports,
    lock,
    probe: { convoy: f.convoy ? f.convoy.latency : null },
    timeline,
  };
}

/**
 * Sizes the pool for the plan and checks that the batch fits in memory (starting hosts is not part
 * of the batch); in mode 'native', that its threads fit under the thread limits.
 */
async function preparePool(plan: BatchPlan): Promise<{ size: number; hosts: HostPool | undefined }> {
  const size = threadsInForce(plan);
  // The report's attribution names the pool's threads once a census has learned them: at most one
  // census per process from batch() (bounded by BATCH_CENSUS_TIMEOUT_MS), and only in the modes that
  // use the pool (a census starts it).
  if (plan.mode !== 'worker' && plan.mode !== 'process') {
    checkMemory(plan.kernel, plan.args, Math.min(plan.tasks, size));
    if (plan.mode === 'native') checkThreads(plan.tasks);
    if (plan.mode === 'released' || plan.mode === 'gil') await learnPoolOnce(BATCH_CENSUS_TIMEOUT_MS);
    return { size, hosts: undefined };
  }
  const hosts = await startHosts(plan, plan.mode, size);
  // Larger than asked only while another batch still uses the extra hosts.
  return { size: hosts.size, hosts };
}

/** Runs the checked plan in this process and measures it. */
async function measureBatch(plan: BatchPlan): Promise<BatchReport> {
  const { size, hosts } = await preparePool(plan);
  const gilBefore = gilCounters();
  const meter = startMeter(plan.traceCapacity > 0);
  const convoyRun = startConvoy(plan);
  let outcome: Outcome;
  let convoy: ConvoyResult | undefined;
  try {
    outcome = await runTasks(plan, hosts);
  } finally {
    convoy = convoyRun?.stop(); // always stop the probe's thread, even when the batch failed
  }
  const measurement = meter.stop(outcome.childUserUs, outcome.childSystemUs);
  throwIfAborted(plan.signal);
  const taskReports = outcome.reports();
  const { pings } = meter.probe;
  return assembleReport({
    plan,
    poolSize: size,
    measurement,
    taskReports,
    gilBefore,
    convoy,
    pings,
    startNs: meter.startNs,
  });
}

/**
 * Starts `tasks` copies of a kernel at once in one mode and measures the whole. Held tasks run one
 * after another on the JS thread. On abort, waits for every started task to stop, then rejects.
 */
export async function batch<K extends KernelName>(options: BatchOptions<K>): Promise<BatchReport> {
  const plan = checkBatch(options);
  throwIfAborted(plan.signal);
  // libuv fixes its pool size when the pool starts: another size needs a fresh process.
  const pooled = plan.mode === 'released' || plan.mode === 'gil';
  if (pooled && plan.threads !== undefined && plan.threads !== poolSize()) {
    const { signal: _signal, ...rest } = options;
    return runBatchInChild({ ...rest, tasks: plan.tasks, threads: plan.threads }, plan.threads, plan.signal);
  }
  return measureBatch(plan);
}
