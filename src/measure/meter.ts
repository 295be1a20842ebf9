/**
 * Process-level measurement of any piece of work: wall time, RUSAGE_SELF, the JS thread's own CPU,
 * event-loop utilization and delay, and the plain-language verdict.
 */
import { availableParallelism } from 'node:os';
import { performance } from 'node:perf_hooks';

import { LoopProbe } from './loop-probe.js';
import { native } from '../addon/loader.js';
import type { EventLoopReport, Measurement } from '../types.js';
import { describe } from '../validate.js';
import { readMeasured } from './reading.js';

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

/** Starts measuring now. Event-loop delay comes from a 1 ms timer chain (see LoopProbe). */
export function startMeter(keepPings = false): Meter {
  const addon = native();
  const probe = new LoopProbe(keepPings);
  probe.start();
  const elu0 = performance.eventLoopUtilization();
  const process0 = addon.processUsage();
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
      const process1 = addon.processUsage();
      const elu = performance.eventLoopUtilization(elu0);
      const delays = probe.stop();
      const wallNs = Number(t1 - t0);
      const processUserUs = process1.userUs - process0.userUs + extraUserUs;
      const processSystemUs = process1.systemUs - process0.systemUs + extraSystemUs;
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
      const reading = readMeasured({ wallNs, cores, processCpuNs, jsThreadCpuNs });
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
      };
    },
  };
}

/**
 * Runs fn (sync or async) and measures it as a whole. Returns fn's value with the measurement.
 * If fn throws, the error propagates and nothing is reported.
 */
export async function measure<T>(fn: () => T | Promise<T>): Promise<Measurement & { value: T }> {
  if (typeof fn !== 'function') throw new TypeError(`fn must be a function, received ${describe(fn)}`);
  const meter = startMeter();
  let value: T;
  try {
    value = await fn();
  } catch (err) {
    meter.stop();
    throw err;
  }
  return { ...meter.stop(), value };
}
