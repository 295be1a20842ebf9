/** A task's report, built from the record the addon (or a host) returned. */
import { decodeEvents } from '../addon/record.js';
import type { NativeRecord } from '../addon/types.js';
import type { KernelName, Mode, TaskReport } from '../types.js';

/**
 * The public report of one task run in `mode`. queueNs is submitted-to-started (0 for held tasks,
 * which start at once); pid is the process that ran it (a host's own in mode 'process').
 */
export function toReport(r: NativeRecord & { pid?: number }, mode: Mode): TaskReport {
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
