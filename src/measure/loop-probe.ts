/**
 * Event-loop delay, measured directly: a chain of 1 ms timers on the JS thread, each recording how
 * late it fired (actual firing time minus due time, CLOCK_MONOTONIC). A held call that blocks the
 * loop for 400 ms shows up as one sample of about 400 ms. (Node's monitorEventLoopDelay records
 * whole tick intervals and drops the first one, so it can miss a stall that starts at once.)
 */
import { quantileSorted } from 'simple-statistics';

import { native } from '../addon/loader.js';

export const PROBE_INTERVAL_MS = 1;

export interface DelayStats {
  samples: number;
  p50Ns: number | null;
  p99Ns: number | null;
  maxNs: number | null;
}

export function delayStats(samplesNs: readonly number[]): DelayStats {
  if (samplesNs.length === 0) return { samples: 0, p50Ns: null, p99Ns: null, maxNs: null };
  const sorted = [...samplesNs].sort((a, b) => a - b);
  return {
    samples: sorted.length,
    p50Ns: quantileSorted(sorted, 0.5),
    p99Ns: quantileSorted(sorted, 0.99),
    maxNs: sorted[sorted.length - 1]!,
  };
}

export class LoopProbe {
  private readonly lateNs: number[] = [];
  private timer: NodeJS.Timeout | undefined;
  private dueNs = 0n;
  /** With keepPings: [due, fired] CLOCK_MONOTONIC pairs of every ping, for timelines. */
  readonly pings: [bigint, bigint][] = [];

  constructor(private readonly keepPings = false) {}

  start(): void {
    const addon = native();
    const arm = (): void => {
      this.dueNs = addon.monotonicNs() + BigInt(PROBE_INTERVAL_MS * 1e6);
      this.timer = setTimeout(tick, PROBE_INTERVAL_MS);
    };
    const tick = (): void => {
      const now = addon.monotonicNs();
      const late = now - this.dueNs;
      this.lateNs.push(late > 0n ? Number(late) : 0);
      if (this.keepPings) this.pings.push([this.dueNs, now > this.dueNs ? now : this.dueNs]);
      arm();
    };
    arm();
  }

  /**
   * Stops the chain. A timer that is due but has not fired yet (the loop is still blocked) is
   * recorded with its lateness so far, so a stall that ends the run is not lost.
   */
  stop(): DelayStats {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
      const now = native().monotonicNs();
      const late = now - this.dueNs;
      if (late > 0n) {
        this.lateNs.push(Number(late));
        if (this.keepPings) this.pings.push([this.dueNs, now]);
      }
    }
    return delayStats(this.lateNs);
  }
}
