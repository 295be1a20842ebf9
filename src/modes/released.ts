/**
 * Modes 'released' and 'gil': the task is queued on libuv's threadpool and runs there beside the
 * JS thread (under 'gil', its compute holds the environment's emulated interpreter lock).
 */
import { nextCancelId } from '../addon/cancel-id.js';
import { native } from '../addon/loader.js';
import { abortError } from '../errors.js';
import { atExit } from '../lifecycle.js';
import type { KernelName, TaskReport } from '../types.js';
import { dispatchOne } from './dispatcher.js';
import type { ModeChoice } from './options.js';
import { toReport } from './task-report.js';

/** At exit, cancel every native task still in flight, so that Node's join of the pool is not held up. */
export function cancelAllInFlight(): void {
  native().cancelAll();
}

/**
 * Submits one task to the pool: untraced through the dispatcher (dispatcher.ts), traced as its own
 * pool work item. Either way the process's exit can stop it, and an abort of `choice.signal`
 * cancels it (the kernel sees it within about 1 ms) and rejects.
 */
export function submitToPool(kernel: KernelName, args: number[], choice: ModeChoice): Promise<TaskReport> {
  const { signal, mode } = choice;
  if (signal?.aborted) return Promise.reject(abortError(signal));
  if (choice.traceCapacity === 0) return dispatchOne(kernel, args, mode, choice.gil, signal);
  const addon = native();
  const cancelId = nextCancelId();
  atExit(cancelAllInFlight);
  const promise = addon.submit(kernel, args, choice.gil, choice.traceCapacity, cancelId);
  if (!signal) return promise.then((r) => toReport(r, mode));
  const onAbort = (): void => addon.cancel(cancelId);
  signal.addEventListener('abort', onAbort, { once: true });
  return promise.then(
    (r) => {
      signal.removeEventListener('abort', onAbort);
      if (r.cancelled) throw abortError(signal);
      return toReport(r, mode);
    },
    (err: unknown) => {
      signal.removeEventListener('abort', onAbort);
      throw err;
    },
  );
}

/** Runs `submitToPool` for each of `tasks` tasks at once; settles when every one has. */
export function pooledTasks(
  kernel: KernelName,
  args: number[],
  tasks: number,
  choice: ModeChoice,
): Promise<PromiseSettledResult<TaskReport>[]> {
  return Promise.allSettled(Array.from({ length: tasks }, () => submitToPool(kernel, args, choice)));
}
