/**
 * Stopping native tasks in flight (released, gil and native batches) when the process exits. At
 * exit Node joins the libuv threadpool, so a kernel still running would hold the exit until it
 * finished on its own: seconds to minutes. Every such task is submitted with a cancel id (the addon
 * keeps the live ones per environment); on 'exit' they are all cancelled, kernels notice within
 * about a millisecond and the exit goes ahead.
 */
import { native } from './addon/loader.js';

let hooked = false;

/** Installs the 'exit' hook once; call before submitting a task. */
export function cancelInFlightOnExit(): void {
  if (hooked) return;
  hooked = true;
  process.on('exit', () => native().cancelAll());
}
