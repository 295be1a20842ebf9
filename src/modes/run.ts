/**
 * Running kernels: `runSync` (held), `run` (one task in any mode) and `batch` (many at once,
 * measured as a whole, in batch.ts). Each checks its input once, then hands it to its mode.
 */
import { availableParallelism } from 'node:os';

import { throwIfAborted } from '../errors.js';
import type { KernelName, KernelParams, RunOptions, TaskReport } from '../types.js';
import { expectKernel, kernelArgs } from '../validate.js';
import { runHeld } from './held.js';
import { runHosted } from './hosted/tasks.js';
import { checkRunOptions, type ModeChoice } from './options.js';
import { runOnRawThreads } from './raw-threads.js';
import { submitToPool } from './released.js';

/** Runs a kernel on the JS thread (held: the event loop stops until it returns). */
export function runSync<K extends KernelName>(kernel: K, params: KernelParams[K]): TaskReport {
  const name = expectKernel(kernel);
  return runHeld(name, kernelArgs(name, params), 0);
}

/**
 * Runs one task in `options.mode` (default 'released': on the libuv threadpool while JS keeps
 * running). Rejects with an AbortError when `options.signal` aborts first.
 */
export function run<K extends KernelName>(
  kernel: K,
  params: KernelParams[K],
  options: RunOptions = {},
): Promise<TaskReport> {
  let name: KernelName;
  let args: number[];
  let choice: ModeChoice;
  try {
    name = expectKernel(kernel);
    args = kernelArgs(name, params);
    choice = checkRunOptions(options);
    throwIfAborted(choice.signal);
  } catch (err) {
    return Promise.reject(err);
  }
  // released and gil return the dispatcher's own promise: no async wrapper, one settlement per task.
  if (choice.mode === 'released' || choice.mode === 'gil') return submitToPool(name, args, choice);
  return runElsewhere(name, args, choice);
}

/** run() in the modes other than released and gil. */
async function runElsewhere(name: KernelName, args: number[], choice: ModeChoice): Promise<TaskReport> {
  switch (choice.mode) {
    case 'held':
      return runHeld(name, args, choice.traceCapacity);
    case 'released':
    case 'gil':
      return submitToPool(name, args, choice);
    case 'worker':
    case 'process':
      return runHosted(choice.mode, name, args, choice.signal, choice.traceCapacity);
    case 'native':
      return (await runOnRawThreads(name, args, 1, choice))[0]!;
  }
}

/** Cores this machine offers (os.availableParallelism). */
export function cores(): number {
  return availableParallelism();
}
