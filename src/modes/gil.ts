/**
 * Mode 'gil' beyond the task itself: the lock's totals over a batch, and the convoy probe that
 * runs beside it (Beazley's convoy experiment: a thread that needs the lock for a moment after each
 * short wait, as an I/O thread does, and how long CPU-bound holders keep it out).
 */
import { native } from '../addon/loader.js';
import type { NativeConvoy, NativeEvents } from '../addon/types.js';
import { delayStats } from '../measure/loop-probe.js';
import type { LatencyStats, LockReport, TaskReport } from '../types.js';
import type { BatchPlan } from './options.js';

/** The convoy probe's short piece of work under the lock, and its "I/O" wait between rounds. */
export const CONVOY_WORK_US = 20;
export const CONVOY_WAIT_US = 1000;

/** The lock's process-wide counters, read before a batch so that its own share can be told. */
export interface GilCounters {
  readonly handoffs: number;
  readonly dropRequests: number;
}

export function gilCounters(): GilCounters {
  return native().gilCounters();
}

/**
 * The batch's lock totals. heldFraction: the tasks' summed hold time over the batch's wall time
 * (one lock: at most 1); hand-offs and drop requests: the counters' growth since `before`.
 */
export function lockReport(tasks: readonly TaskReport[], wallNs: number, before: GilCounters): LockReport {
  const after = gilCounters();
  const holdNs = tasks.reduce((s, t) => s + t.lockHoldNs, 0);
  const handoffs = after.handoffs - before.handoffs;
  return {
    heldFraction: wallNs > 0 ? holdNs / wallNs : 0,
    handoffs,
    handoffsPerSecond: wallNs > 0 ? handoffs / (wallNs / 1e9) : 0,
    dropRequests: after.dropRequests - before.dropRequests,
  };
}

/** What the convoy probe saw: each round's latency, and its thread's trace when tracing. */
export interface ConvoyResult {
  readonly latency: LatencyStats;
  readonly threadId: number;
  readonly events?: NativeEvents;
  readonly eventsDropped?: number;
}

/** A running convoy probe; stop() ends its thread (call it exactly once, also when the batch failed). */
export interface ConvoyRun {
  stop(): ConvoyResult;
}

/** Starts the probe beside a 'gil' batch when the plan asks for it; undefined otherwise. */
export function startConvoy(plan: BatchPlan): ConvoyRun | undefined {
  if (plan.mode !== 'gil' || !plan.convoyProbe || !plan.gil) return undefined;
  const addon = native();
  const probe: NativeConvoy = addon.startConvoy({
    switchIntervalUs: plan.gil.switchIntervalUs,
    workUs: CONVOY_WORK_US,
    waitUs: CONVOY_WAIT_US,
    traceCapacity: plan.traceCapacity,
  });
  return {
    stop(): ConvoyResult {
      const r = addon.stopConvoy(probe);
      return {
        latency: delayStats(Array.from(r.latenciesNs)),
        threadId: r.threadId,
        ...(r.events ? { events: r.events, eventsDropped: r.eventsDropped ?? 0 } : {}),
      };
    },
  };
}
