/**
 * What gilscope's own bench (bench/) and tests may use beyond the public surface (index.ts). It is
 * not in the package's `exports`: nothing here is a promise to users, and the bench imports it by
 * relative path. Each entry says why the bench needs it.
 */
import { native } from './addon/loader.js';

/** Provenance for results files: the addon's N-API version. */
export function addonNapiVersion(): number {
  return native().napiVersion;
}

/** Baselines of the dispatch experiment, measured in the same run as gilscope's own paths. */
export interface DispatchBaselines {
  /** A call through node-addon-api that does nothing. */
  readonly noop: () => void;
  /** A call through raw N-API (no node-addon-api) that does nothing. */
  readonly rawNoop: () => void;
  /** One bare napi_async_work round trip: queued to the pool, empty Execute, resolved on the JS thread. */
  readonly bareAsyncWork: () => Promise<void>;
}

/** The addon's own baseline functions (not wrapped, so that timing them times nothing else). */
export function dispatchBaselines(): DispatchBaselines {
  const { noop, rawNoop, bareAsyncWork } = native();
  return { noop, rawNoop, bareAsyncWork };
}

/** The calling thread's CPU time, ns (its CPU clock: exact): experiment 8 sizes Node's calls with it. */
export function threadCpuNs(): bigint {
  return native().threadCpuNs();
}

/**
 * Each raw reading a task's accounting makes, timed alone in a native loop of `calls` calls on
 * this thread (ns per call): the baseline of the goal "runSync('noop') costs no more than its
 * readings". A reading (readingNs) is CLOCK_MONOTONIC, the thread CPU clock, getrusage and
 * schedstat, then CLOCK_MONOTONIC again; a task takes two.
 */
export function readingCosts(calls: number): {
  monotonicNs: number;
  threadCpuNs: number;
  rusageNs: number;
  schedstatNs: number;
  readingNs: number;
} {
  return native().readingCosts(calls);
}

/** What this environment's dispatcher did so far (tests check that completions are coalesced). */
export function dispatchCounters(): {
  tasks: number;
  wakeups: number;
  drainers: number;
  sharedReadings: number;
  live: number;
} {
  return native().dispatchCounters();
}

/** What recording `events` trace events costs, per event, on and off (the bench's trace-cost row). */
export function traceCost(events: number): { nsPerEvent: number; nsPerEventOff: number } {
  return native().traceCost(events);
}

export { abortError, throwIfAborted } from './errors.js';
export { describe } from './validate.js';
export { writeAtomic } from './util/atomic-write.js';
export { packageRoot } from './util/package-root.js';
export { killChildren, killChildrenNow, liveChildPids } from './modes/children.js';
export { registerTime } from './time/cli.js';
/** The convoy probe's work under the lock and its wait between rounds: the bench's readings describe them. */
export { CONVOY_WORK_US, CONVOY_WAIT_US } from './modes/gil.js';
/** Fault injection and clean-up of the host pools, for the soak (bench/soak). */
export { endPool, killBusyHost } from './modes/hosted/host-pool.js';
