/**
 * Running kernels: `runSync` (held), `run` (one task in any mode) and `batch` (many at once,
 * measured as a whole).
 */
import { native, type NativeGilOptions, type NativeRecord } from './native.js';
import { startMeter } from './measure.js';
import type {
  BatchOptions,
  BatchReport,
  KernelName,
  KernelParams,
  LockReport,
  Mode,
  RunOptions,
  TaskReport,
} from './types.js';
import {
  expectAbortSignal,
  expectBoolean,
  expectInteger,
  expectKernel,
  expectKnownKeys,
  expectObject,
  expectOneOf,
  kernelArgs,
} from './validate.js';
import { poolSize } from './pool.js';

export const modes: readonly Mode[] = Object.freeze(['held', 'released', 'gil'] as Mode[]);

/** Most tasks one batch accepts. */
export const MAX_TASKS = 100_000;

export const DEFAULT_SWITCH_INTERVAL_US = 5000;

function abortError(signal: AbortSignal): DOMException {
  const err = new DOMException('The operation was aborted', 'AbortError');
  if (signal.reason !== undefined) (err as { cause?: unknown }).cause = signal.reason;
  return err;
}

function toReport(r: NativeRecord, mode: Mode): TaskReport {
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
  };
}

interface Checked {
  mode: Mode;
  gil: NativeGilOptions | undefined;
  signal: AbortSignal | undefined;
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
    throw new TypeError(`${name}.switchIntervalUs and ${name}.forcedSwitching apply to mode 'gil' only (mode is '${mode}')`);
  }
  return {
    mode,
    gil: mode === 'gil' ? { switchIntervalUs, forcedSwitching } : undefined,
    signal: expectAbortSignal(o['signal'], `${name}.signal`),
  };
}

/** Runs a kernel on the JS thread (held: the event loop stops until it returns). */
export function runSync<K extends KernelName>(kernel: K, params: KernelParams[K]): TaskReport {
  const name = expectKernel(kernel);
  const args = kernelArgs(name, params);
  return toReport(native().runSync(name, args), 'held');
}

/** Submits one task; resolves with its report. Validated arguments only. */
function submitTask(
  kernel: KernelName,
  args: number[],
  c: Checked,
): Promise<TaskReport> {
  const { signal } = c;
  if (signal?.aborted) return Promise.reject(abortError(signal));
  if (c.mode === 'held') {
    return Promise.resolve(toReport(native().runSync(kernel, args), 'held'));
  }
  const addon = native();
  const [promise, token] = addon.submit(kernel, args, c.gil);
  if (!signal) return promise.then((r) => toReport(r, c.mode));
  const onAbort = (): void => addon.cancel(token);
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

/**
 * Runs one task in `options.mode` (default 'released': on the libuv threadpool while JS keeps
 * running). Rejects with an AbortError when `options.signal` aborts first.
 */
export function run<K extends KernelName>(kernel: K, params: KernelParams[K], options: RunOptions = {}): Promise<TaskReport> {
  try {
    const name = expectKernel(kernel);
    const args = kernelArgs(name, params);
    const o = expectObject(options, 'options');
    expectKnownKeys(o, 'options', ['mode', 'signal', 'switchIntervalUs', 'forcedSwitching']);
    return submitTask(name, args, checkModeOptions(o, 'options'));
  } catch (err) {
    return Promise.reject(err);
  }
}

function lockReport(tasks: readonly TaskReport[], wallNs: number, before: { handoffs: number; dropRequests: number }): LockReport {
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

/**
 * Starts `tasks` copies of a kernel at once in one mode and measures the whole. Held tasks run one
 * after another on the JS thread. On abort, waits for every started task to stop, then rejects.
 */
export async function batch<K extends KernelName>(options: BatchOptions<K>): Promise<BatchReport> {
  const o = expectObject(options, 'options');
  expectKnownKeys(o, 'options', ['kernel', 'params', 'mode', 'tasks', 'signal', 'switchIntervalUs', 'forcedSwitching']);
  const kernel = expectKernel(o['kernel'], 'options.kernel');
  const args = kernelArgs(kernel, o['params'], 'options.params');
  const tasks = o['tasks'] === undefined ? 1 : expectInteger(o['tasks'], 'options.tasks', 1, MAX_TASKS);
  const c = checkModeOptions(o, 'options');
  if (c.signal?.aborted) throw abortError(c.signal);

  const gilBefore = native().gilCounters();
  const meter = startMeter();
  let settled: PromiseSettledResult<TaskReport>[];
  if (c.mode === 'held') {
    settled = [];
    for (let i = 0; i < tasks; i++) {
      if (c.signal?.aborted) break;
      settled.push({ status: 'fulfilled', value: toReport(native().runSync(kernel, args), 'held') });
    }
  } else {
    const pending: Promise<TaskReport>[] = [];
    for (let i = 0; i < tasks; i++) pending.push(submitTask(kernel, args, c));
    settled = await Promise.allSettled(pending);
  }
  const m = meter.stop();
  if (c.signal?.aborted) throw abortError(c.signal);
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) throw failed.reason;
  const taskReports = settled.map((s) => (s as PromiseFulfilledResult<TaskReport>).value);
  const taskCpuNs = taskReports.reduce((s, t) => s + t.cpuNs, 0);
  return {
    ...m,
    kernel,
    mode: c.mode,
    tasks,
    poolSize: poolSize(),
    parallelism: m.wallNs > 0 ? taskCpuNs / m.wallNs : Number.NaN,
    taskReports,
    lock: c.mode === 'gil' ? lockReport(taskReports, m.wallNs, gilBefore) : null,
  };
}
