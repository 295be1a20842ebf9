/**
 * Process-level measurement of any piece of work: wall time, RUSAGE_SELF, every thread's CPU by
 * role, event-loop utilization and delay, and the plain-language verdict.
 */
import { availableParallelism } from 'node:os';
import { performance } from 'node:perf_hooks';

import { LoopProbe } from './loop-probe.js';
import { native } from '../addon/loader.js';
import type {
  EventLoopReport,
  MeasureOptions,
  MeasureReport,
  Measurement,
  RoleAccount,
  ThreadAttribution,
} from '../types.js';
import { describe } from '../validate.js';
import { checkMeasureOptions } from './options.js';
import { learnPool } from './pool-census.js';
import { PoolProbe } from './pool-probe.js';
import { readMeasured } from './reading.js';
import { attribute, snapshotEnd, snapshotStart } from './threads.js';

/** An open measurement; `stop()` closes it once. */
export interface Meter {
  /** The JS-thread timer probe (its pings are kept when the meter was started with keepPings). */
  readonly probe: LoopProbe;
  readonly startNs: bigint;
  /**
   * Closes the measurement. extraUserUs/extraSystemUs: CPU of other processes that did this
   * work (mode 'process' children), added to the process figures.
   */
  stop(extraUserUs?: number, extraSystemUs?: number): Measurement;
}

/** A thread on a CPU at least half the wall time is busy. */
const BUSY_FROM = 0.5;

/** The roles as the reading takes them: totals with how many threads of each were busy. */
function roleAccounts(a: ThreadAttribution, wallNs: number): RoleAccount[] {
  return a.byRole.map((r) => ({
    role: r.role,
    threads: r.threads,
    cpuNs: r.cpuNs,
    busy: a.threads.filter((t) => t.role === r.role && t.cpuNs >= BUSY_FROM * wallNs).length,
  }));
}

/** Run-queue wait summed over the threads (null when any had no schedstat). */
function runQueueOf(a: ThreadAttribution): number | null {
  return a.threads.every((t) => t.runQueueNs !== null) ? a.threads.reduce((s, t) => s + t.runQueueNs!, 0) : null;
}

/**
 * Starts measuring now. Event-loop delay comes from a 1 ms timer chain (see LoopProbe). With
 * threads, every thread of the process is read at the start and the end (see threads.ts); roles
 * use what the pool census knows when the meter stops.
 */
export function startMeter(keepPings = false, threads = true): Meter {
  const addon = native();
  const probe = new LoopProbe(keepPings);
  probe.start();
  const elu0 = performance.eventLoopUtilization();
  let process0 = { userUs: 0, systemUs: 0 };
  const snap0 = threads ? snapshotStart(() => (process0 = addon.processUsage())) : null;
  if (!snap0) process0 = addon.processUsage();
  const js0 = addon.threadCpuNs();
  const t0 = addon.monotonicNs();
  let stopped = false;
  return {
    probe,
    startNs: t0,
    stop(extraUserUs = 0, extraSystemUs = 0): Measurement {
      if (stopped) throw new Error('meter already stopped');
      stopped = true;
      const t1 = addon.monotonicNs();
      const js1 = addon.threadCpuNs();
      let process1 = { userUs: 0, systemUs: 0 };
      const snap1 = snap0 ? snapshotEnd(() => (process1 = addon.processUsage())) : null;
      if (!snap1) process1 = addon.processUsage();
      const elu = performance.eventLoopUtilization(elu0);
      const delays = probe.stop();
      const wallNs = Number(t1 - t0);
      const ownUserUs = process1.userUs - process0.userUs;
      const ownSystemUs = process1.systemUs - process0.systemUs;
      const attribution = snap0 && snap1 ? attribute(snap0, snap1, (ownUserUs + ownSystemUs) * 1000) : undefined;
      const processUserUs = ownUserUs + extraUserUs;
      const processSystemUs = ownSystemUs + extraSystemUs;
      const cpuPerWall = wallNs > 0 ? ((processUserUs + processSystemUs) * 1000) / wallNs : Number.NaN;
      const cores = availableParallelism();
      const eventLoop: EventLoopReport = {
        utilization: elu.utilization,
        delayP50Ns: delays.p50Ns,
        delayP99Ns: delays.p99Ns,
        delayMaxNs: delays.maxNs,
        samples: delays.samples,
      };
      const jsThreadCpuNs = Number(js1 - js0);
      const processCpuNs = (processUserUs + processSystemUs) * 1000;
      const withRoles = attribution
        ? { roles: roleAccounts(attribution, wallNs), poolRoll: attribution.pool, runQueueNs: runQueueOf(attribution) }
        : {};
      const reading = readMeasured({ wallNs, cores, processCpuNs, jsThreadCpuNs, ...withRoles });
      return {
        wallNs,
        processUserUs,
        processSystemUs,
        jsThreadCpuNs,
        cpuPerWall,
        cores,
        eventLoop,
        verdict: reading.sentence,
        reading,
        ...(attribution ? { attribution } : {}),
      };
    },
  };
}

/**
 * Runs fn (sync or async) and measures it as a whole, every thread of the process by role. Before
 * fn starts, the pool census learns libuv's pool threads (once per process; bounded by
 * censusTimeoutMs) and so starts the pool; while fn runs, the pool probe measures its queue wait.
 * Returns fn's value with the measurement. If fn throws, the error propagates and nothing is
 * reported. Bad options: a TypeError or RangeError naming the option.
 */
export async function measure<T>(fn: () => T | Promise<T>, options?: MeasureOptions): Promise<MeasureReport<T>> {
  if (typeof fn !== 'function') throw new TypeError(`fn must be a function, received ${describe(fn)}`);
  const plan = checkMeasureOptions(options);
  await learnPool(plan.censusTimeoutMs);
  const meter = startMeter();
  const poolProbe = plan.poolProbe ? new PoolProbe(plan.probeIntervalMs) : null;
  poolProbe?.start();
  let value: T;
  try {
    value = await fn();
  } catch (err) {
    poolProbe?.stop();
    meter.stop();
    throw err;
  }
  const poolQueueDelay = poolProbe?.stop() ?? null;
  const m = meter.stop();
  return { ...m, attribution: m.attribution!, poolQueueDelay, value };
}
