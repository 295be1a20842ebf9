/**
 * Native tasks in flight (released, gil and native batches), so that `process.exit()` stops them.
 * At exit Node joins the libuv threadpool, so a kernel still running would hold the exit until it
 * finished on its own: seconds to minutes. On 'exit' every task in flight is cancelled; kernels
 * notice within about a millisecond and the exit goes ahead.
 */
import { native } from './native.js';

const inFlight = new Set<number>();
let hooked = false;

function cancelAll(): void {
  const addon = native();
  for (const cancelId of inFlight) addon.cancel(cancelId);
  inFlight.clear();
}

/** Tracks a submitted task, by its cancel id, until the returned function is called (when it settles). */
export function trackInFlight(cancelId: number): () => void {
  if (!hooked) {
    process.on('exit', cancelAll);
    hooked = true;
  }
  inFlight.add(cancelId);
  return () => {
    inFlight.delete(cancelId);
  };
}
