/** Mode 'held': the kernel runs on the JS thread, which does nothing else until it returns. */
import { native } from '../addon/loader.js';
import type { KernelName, TaskReport } from '../types.js';
import { runHeldRow } from './dispatcher.js';
import type { BatchPlan } from './options.js';
import { toReport } from './task-report.js';

/** Runs one task held (untraced: through the dispatcher's reused row, no record object from C++). */
export function runHeld(kernel: KernelName, args: number[], traceCapacity: number): TaskReport {
  if (traceCapacity === 0) return runHeldRow(kernel, args);
  return toReport(native().runSync(kernel, args, undefined, traceCapacity), 'held');
}

/** A held batch: its tasks one after another; an abort is seen between tasks. */
export function heldTasks(plan: BatchPlan): TaskReport[] {
  const reports: TaskReport[] = [];
  for (let i = 0; i < plan.tasks && !plan.signal?.aborted; i++) {
    reports.push(runHeld(plan.kernel, plan.args, plan.traceCapacity));
  }
  return reports;
}
