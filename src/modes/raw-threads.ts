/** Mode 'native': raw std::threads the addon starts for the batch, one per task. */
import { nextCancelId } from '../addon/cancel-id.js';
import { native } from '../addon/loader.js';
import { throwIfAborted } from '../errors.js';
import { atExit } from '../lifecycle.js';
import type { KernelName, TaskReport } from '../types.js';
import type { ModeChoice } from './options.js';
import { cancelAllInFlight } from './released.js';
import { toReport } from './task-report.js';

/**
 * Starts `tasks` raw threads, one task each, and resolves with their reports once all have ended.
 * An abort cancels them all (each sees it within about 1 ms) and rejects with an AbortError.
 */
export async function runOnRawThreads(
  kernel: KernelName,
  args: number[],
  tasks: number,
  choice: ModeChoice,
): Promise<TaskReport[]> {
  const { signal } = choice;
  throwIfAborted(signal);
  const addon = native();
  const cancelId = nextCancelId();
  const promise = addon.runNative(kernel, args, tasks, choice.traceCapacity, cancelId);
  atExit(cancelAllInFlight);
  const onAbort = (): void => addon.cancel(cancelId);
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const records = await promise.catch(nameThreadFailure);
    throwIfAborted(signal);
    return records.map((r) => toReport(r, 'native'));
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
}

/**
 * Rethrows a thread the OS refused ("could not start thread 37 of 1000: EAGAIN (...)", from the
 * addon, which has stopped and joined the threads that did start) with the mode named and the
 * errno name as its `code`; any other error as it is.
 */
function nameThreadFailure(err: unknown): never {
  const message = err instanceof Error ? err.message : '';
  if (!message.startsWith('could not start thread')) throw err;
  const named = new Error(`mode 'native': ${message}`, { cause: err }) as Error & { code?: string };
  const code = /: (E[A-Z0-9]+) \(/.exec(message)?.[1];
  if (code) named.code = code;
  throw named;
}
