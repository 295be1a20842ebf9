/**
 * Running kernels: `runSync` (held), `run` (one task in any mode) and `batch` (many at once,
 * measured as a whole).
 */
import { availableParallelism, totalmem } from 'node:os';

import { native, nextCancelId, type NativeEvents, type NativeGilOptions, type NativeRecord } from '../addon/loader.js';
import { delayStats } from '../measure/loop-probe.js';
import { startMeter, type Meter } from '../measure/meter.js';
import { buildTimeline, decodeEvents, DEFAULT_TRACE_CAPACITY, spansOf, type ExtraThread } from '../timeline/build.js';
import { abortError, hostPool } from './hosted/host-pool.js';
import { cancelInFlightOnExit } from '../lifecycle.js';
import { runBatchInChild } from './child-batch.js';
import { poolSize, MAX_POOL_SIZE } from './pool-size.js';
import type {
  BatchOptions,
  BatchReport,
  KernelName,
  KernelParams,
  LatencyStats,
  LockReport,
  Mode,
  RunOptions,
  TaskReport,
  Timeline,
  TimelineSpan,
} from '../types.js';
import {
  expectAbortSignal,
  expectBoolean,
  expectInteger,
  expectKernel,
  expectKnownKeys,
  expectObject,
  expectOneOf,
  kernelArgs,
} from '../validate.js';

export const modes: readonly Mode[] = Object.freeze([
  'held',
  'released',
  'gil',
  'worker',
  'process',
  'native',
] as Mode[]);

/** Most tasks one batch accepts (mode 'native' starts one thread per task: at most 1024). */
export const MAX_TASKS = 100_000;
export const MAX_NATIVE_TASKS = 1024;

export const DEFAULT_SWITCH_INTERVAL_US = 5000;

/** The convoy probe's short piece of work under the lock, and its "I/O" wait between rounds. */
export const CONVOY_WORK_US = 20;
export const CONVOY_WAIT_US = 1000;

function toReport(r: NativeRecord & { pid?: number }, mode: Mode): TaskReport {
  const trace = decodeEvents(r.events, r.eventsDropped);
  return {
    kernel: r.kernel as KernelName,
    mode,
    result: r.result,
    threadId: r.threadId,
    startNs: r.startNs,
    endNs: r.endNs,
    wallNs: Number(r.endNs - r.startNs),
    queueNs: mode === 'held' ? 0 : Number(r.startNs - r.submitNs),
    cpuNs: r.cpuNs,
    userUs: r.userUs,
    systemUs: r.systemUs,
    voluntarySwitches: r.voluntarySwitches,
    involuntarySwitches: r.involuntarySwitches,
    runQueueNs: r.runQueueNs,
    lockWaitNs: r.lockWaitNs,
    lockHoldNs: r.lockHoldNs,
    lockAcquisitions: r.lockAcquisitions,
    dropRequests: r.dropRequests,
    pid: r.pid ?? process.pid,
    ...(trace ? { trace } : {}),
  };
}

interface Checked {
  mode: Mode;
  gil: NativeGilOptions | undefined;
  signal: AbortSignal | undefined;
  /** Events per task to record; 0 when not tracing. */
  traceCapacity: number;
}

function checkModeOptions(o: Record<string, unknown>, name: string): Checked {
  const mode = o['mode'] === undefined ? 'released' : expectOneOf(o['mode'], `${name}.mode`, modes);
  const switchIntervalUs =
    o['switchIntervalUs'] === undefined
      ? DEFAULT_SWITCH_INTERVAL_US
      : expectInteger(o['switchIntervalUs'], `${name}.switchIntervalUs`, 1, 1_000_000);
  const forcedSwitching =
    o['forcedSwitching'] === undefined ? true : expectBoolean(o['forcedSwitching'], `${name}.forcedSwitching`);
  if (mode !== 'gil' && (o['switchIntervalUs'] !== undefined || o['forcedSwitching'] !== undefined)) {
    throw new TypeError(
      `${name}.switchIntervalUs and ${name}.forcedSwitching apply to mode 'gil' only (mode is '${mode}')`,
    );
  }
  const trace = o['trace'] === undefined ? false : expectBoolean(o['trace'], `${name}.trace`);
  const capacity =
    o['traceCapacity'] === undefined
      ? DEFAULT_TRACE_CAPACITY
      : expectInteger(o['traceCapacity'], `${name}.traceCapacity`, 16, 1 << 20);
  return {
    mode,
    gil: mode === 'gil' ? { switchIntervalUs, forcedSwitching } : undefined,
    signal: expectAbortSignal(o['signal'], `${name}.signal`),
    traceCapacity: trace ? capacity : 0,
  };
}

/** Runs a kernel on the JS thread (held: the event loop stops until it returns). */
export function runSync<K extends KernelName>(kernel: K, params: KernelParams[K]): TaskReport {
  const name = expectKernel(kernel);
  const args = kernelArgs(name, params);
  return toReport(native().runSync(name, args), 'held');
}

/** Submits one released or gil task to the libuv pool. */
function submitToPool(kernel: KernelName, args: number[], c: Checked): Promise<TaskReport> {
  const { signal } = c;
  if (signal?.aborted) return Promise.reject(abortError(signal));
  const addon = native();
  // Every task is cancellable, so that process.exit() can stop it (see in-flight.ts).
  const cancelId = nextCancelId();
  cancelInFlightOnExit();
  const promise = addon.submit(kernel, args, c.gil, c.traceCapacity, cancelId);
  if (!signal) return promise.then((r) => toReport(r, c.mode));
  const onAbort = (): void => addon.cancel(cancelId);
  signal.addEventListener('abort', onAbort, { once: true });
  return promise.then(
    (r) => {
      signal.removeEventListener('abort', onAbort);
      if (r.cancelled) throw abortError(signal);
      return toReport(r, c.mode);
    },
    (err: unknown) => {
      signal.removeEventListener('abort', onAbort);
      throw err;
    },
  );
}

/** Starts `tasks` raw threads in the addon, one task each. */
async function runOnRawThreads(kernel: KernelName, args: number[], tasks: number, c: Checked): Promise<TaskReport[]> {
  const { signal } = c;
  if (signal?.aborted) throw abortError(signal);
  const addon = native();
  const cancelId = nextCancelId();
  const promise = addon.runNative(kernel, args, tasks, c.traceCapacity, cancelId);
  cancelInFlightOnExit();
  const onAbort = (): void => addon.cancel(cancelId);
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const records = await promise;
    if (signal?.aborted) throw abortError(signal);
    return records.map((r) => toReport(r, 'native'));
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
}

/**
 * Runs one task in `options.mode` (default 'released': on the libuv threadpool while JS keeps
 * running). Rejects with an AbortError when `options.signal` aborts first.
 */
export async function run<K extends KernelName>(
  kernel: K,
  params: KernelParams[K],
  options: RunOptions = {},
): Promise<TaskReport> {
  const name = expectKernel(kernel);
  const args = kernelArgs(name, params);
  const o = expectObject(options, 'options');
  expectKnownKeys(o, 'options', ['mode', 'signal', 'switchIntervalUs', 'forcedSwitching', 'trace', 'traceCapacity']);
  const c = checkModeOptions(o, 'options');
  if (c.signal?.aborted) throw abortError(c.signal);
  switch (c.mode) {
    case 'held':
      return toReport(native().runSync(name, args, undefined, c.traceCapacity), 'held');
    case 'released':
    case 'gil':
      return submitToPool(name, args, c);
    case 'worker':
    case 'process': {
      const pool = hostPool(c.mode);
      return toReport(await pool.run(name, args, c.signal, c.traceCapacity), c.mode);
    }
    case 'native':
      return (await runOnRawThreads(name, args, 1, c))[0]!;
  }
}

function lockReport(
  tasks: readonly TaskReport[],
  wallNs: number,
  before: { handoffs: number; dropRequests: number },
): LockReport {
  const after = native().gilCounters();
  const holdNs = tasks.reduce((s, t) => s + t.lockHoldNs, 0);
  const handoffs = after.handoffs - before.handoffs;
  return {
    heldFraction: wallNs > 0 ? holdNs / wallNs : 0,
    handoffs,
    handoffsPerSecond: wallNs > 0 ? handoffs / (wallNs / 1e9) : 0,
    dropRequests: after.dropRequests - before.dropRequests,
  };
}

const batchKeys = [
  'kernel',
  'params',
  'mode',
  'tasks',
  'threads',
  'signal',
  'switchIntervalUs',
  'forcedSwitching',
  'convoyProbe',
  'trace',
  'traceCapacity',
] as const;

/**
 * Starts `tasks` copies of a kernel at once in one mode and measures the whole. Held tasks run one
 * after another on the JS thread. On abort, waits for every started task to stop, then rejects.
 */
export async function batch<K extends KernelName>(options: BatchOptions<K>): Promise<BatchReport> {
  const o = expectObject(options, 'options');
  expectKnownKeys(o, 'options', batchKeys);
  const kernel = expectKernel(o['kernel'], 'options.kernel');
  const args = kernelArgs(kernel, o['params'], 'options.params');
  const c = checkModeOptions(o, 'options');
  const maxTasks = c.mode === 'native' ? MAX_NATIVE_TASKS : MAX_TASKS;
  const tasks = o['tasks'] === undefined ? 1 : expectInteger(o['tasks'], 'options.tasks', 1, maxTasks);
  const threads =
    o['threads'] === undefined ? undefined : expectInteger(o['threads'], 'options.threads', 1, MAX_POOL_SIZE);
  const convoyProbe = o['convoyProbe'] === undefined ? true : expectBoolean(o['convoyProbe'], 'options.convoyProbe');
  if (c.signal?.aborted) throw abortError(c.signal);

  // libuv fixes its pool size when the pool starts: another size needs a fresh process.
  if ((c.mode === 'released' || c.mode === 'gil') && threads !== undefined && threads !== poolSize()) {
    const { signal: _signal, ...rest } = options;
    return runBatchInChild({ ...rest, tasks, threads }, threads, c.signal);
  }

  let inForce: number;
  switch (c.mode) {
    case 'held':
      inForce = 1;
      break;
    case 'released':
    case 'gil':
      inForce = poolSize();
      break;
    case 'native':
      inForce = tasks;
      break;
    case 'worker':
    case 'process':
      inForce = threads ?? tasks;
      break;
  }
  checkMemory(kernel, args, Math.min(tasks, inForce));
  const hosts = c.mode === 'worker' || c.mode === 'process' ? hostPool(c.mode, inForce) : undefined;
  if (hosts) {
    await hosts.ready(); // starting the pool is not part of the batch
    inForce = hosts.size; // larger than asked only while another batch still uses the extra hosts
  }

  const addon = native();
  const gilBefore = addon.gilCounters();
  const tracing = c.traceCapacity > 0;
  const meter = startMeter(tracing);
  const convoy =
    c.mode === 'gil' && convoyProbe
      ? addon.startConvoy({
          switchIntervalUs: c.gil!.switchIntervalUs,
          workUs: CONVOY_WORK_US,
          waitUs: CONVOY_WAIT_US,
          traceCapacity: c.traceCapacity,
        })
      : undefined;
  let settled: PromiseSettledResult<TaskReport>[];
  let convoyResult: ReturnType<typeof addon.stopConvoy> | undefined;
  let childUserUs = 0; // mode 'process': the children's own RUSAGE_SELF over their tasks
  let childSystemUs = 0;
  try {
    switch (c.mode) {
      case 'held':
        settled = [];
        for (let i = 0; i < tasks; i++) {
          if (c.signal?.aborted) break;
          settled.push({
            status: 'fulfilled',
            value: toReport(addon.runSync(kernel, args, undefined, c.traceCapacity), 'held'),
          });
        }
        break;
      case 'released':
      case 'gil':
        settled = await Promise.allSettled(Array.from({ length: tasks }, () => submitToPool(kernel, args, c)));
        break;
      case 'worker':
      case 'process':
        settled = await Promise.allSettled(
          Array.from({ length: tasks }, () =>
            hosts!.run(kernel, args, c.signal, c.traceCapacity).then((r) => {
              if (c.mode === 'process') {
                childUserUs += r.hostUserUs;
                childSystemUs += r.hostSystemUs;
              }
              return toReport(r, c.mode);
            }),
          ),
        );
        break;
      case 'native':
        settled = await runOnRawThreads(kernel, args, tasks, c).then(
          (reports) => reports.map((value) => ({ status: 'fulfilled' as const, value })),
          (reason: unknown) => [{ status: 'rejected' as const, reason }],
        );
        break;
    }
  } finally {
    // Always stop the probe thread, even when the batch failed.
    if (convoy) convoyResult = addon.stopConvoy(convoy);
  }
  const m = meter.stop(childUserUs, childSystemUs);
  if (c.signal?.aborted) throw abortError(c.signal);
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) throw failed.reason;
  const taskReports = settled.map((s) => (s as PromiseFulfilledResult<TaskReport>).value);
  const taskCpuNs = taskReports.reduce((s, t) => s + t.cpuNs, 0);
  const timer: LatencyStats = {
    samples: m.eventLoop.samples,
    p50Ns: m.eventLoop.delayP50Ns,
    p99Ns: m.eventLoop.delayP99Ns,
    maxNs: m.eventLoop.delayMaxNs,
  };
  return {
    ...m,
    kernel,
    mode: c.mode,
    tasks,
    poolSize: inForce,
    parallelism: m.wallNs > 0 ? taskCpuNs / m.wallNs : Number.NaN,
    taskReports,
    lock: c.mode === 'gil' ? lockReport(taskReports, m.wallNs, gilBefore) : null,
    probe: { timer, convoy: convoyResult ? delayStats(Array.from(convoyResult.latenciesNs)) : null },
    timeline: tracing ? batchTimeline(taskReports, meter, m.wallNs, convoyResult) : null,
  };
}

/** The batch's timeline: its tasks, the JS thread's late timers, and the convoy probe. */
function batchTimeline(
  tasks: readonly TaskReport[],
  meter: Meter,
  wallNs: number,
  convoy: { threadId: number; events?: NativeEvents; eventsDropped?: number } | undefined,
): Timeline {
  const jsTid = native().threadUsage().threadId;
  // A late timer's span starts where the held calls that delayed it ended, so the JS thread's
  // spans nest properly: the held call itself is already on this row.
  const held = tasks.filter((t) => t.mode === 'held');
  const timerSpans: TimelineSpan[] = [];
  for (const [due, fired] of meter.probe.pings) {
    let start = due;
    for (const t of held) if (t.startNs < fired && t.endNs > start) start = t.endNs < fired ? t.endNs : fired;
    if (fired > start) timerSpans.push({ kind: 'timer-delay', startNs: start, endNs: fired, task: -1 });
  }
  const extra: ExtraThread[] = [
    { pid: process.pid, tid: jsTid, role: 'js', name: `js ${jsTid}`, spans: timerSpans, instants: [], dropped: 0 },
  ];
  const convoyTrace = convoy && decodeEvents(convoy.events, convoy.eventsDropped);
  if (convoy && convoyTrace) {
    const { spans, instants } = spansOf(convoyTrace, -1, meter.startNs + BigInt(wallNs));
    extra.push({
      pid: process.pid,
      tid: convoy.threadId,
      role: 'native',
      name: `convoy probe ${convoy.threadId}`,
      spans,
      instants,
      dropped: convoyTrace.dropped,
    });
  }
  return buildTimeline(tasks, extra, meter.startNs, meter.startNs + BigInt(wallNs));
}

/** Share of the machine's memory that the buffers of tasks running at once may take. */
export const MEMORY_BUDGET_FRACTION = 0.5;

/**
 * Rejects a batch whose tasks running at once would allocate more than MEMORY_BUDGET_FRACTION of
 * this machine's memory (each hash or stream task allocates its `bytes` buffer): such a batch would
 * end in the OOM killer, not in an error.
 */
function checkMemory(kernel: KernelName, args: number[], concurrent: number): void {
  const bytes = kernel === 'hash' || kernel === 'stream' ? args[0]! : 0;
  const need = bytes * concurrent;
  const budget = Math.floor(totalmem() * MEMORY_BUDGET_FRACTION);
  if (need > budget) {
    const gib = (n: number): string => `${(n / 2 ** 30).toFixed(1)} GiB`;
    throw new RangeError(
      `options.tasks: ${concurrent} ${kernel} tasks at once with params.bytes = ${bytes} need ${gib(need)}, ` +
        `more than ${MEMORY_BUDGET_FRACTION * 100}% of this machine's ${gib(totalmem())}; use fewer tasks, threads or bytes`,
    );
  }
}

/** Cores this machine offers (os.availableParallelism). */
export function cores(): number {
  return availableParallelism();
}
