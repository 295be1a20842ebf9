/**
 * The pool probe: while work runs, one empty released task at a time, each recording how long it
 * waited in libuv's queue before a pool thread started it (native poolQueueDelay). The next is
 * submitted intervalMs after the previous one started. Its cost: one napi_async_work round trip per
 * sample (a few microseconds of CPU on the JS thread and a pool thread; measured in the bench's
 * pool-starvation experiment), and a pool thread held for under a microsecond.
 */
import { native } from '../addon/loader.js';
import type { PoolQueueDelay } from '../types.js';
import { delayStats } from './loop-probe.js';

export class PoolProbe {
  readonly #delaysNs: number[] = [];
  readonly #intervalMs: number;
  #timer: NodeJS.Timeout | undefined;
  /** A task is in flight (submitted, its result not yet delivered). */
  #inFlight = false;
  #stopped = false;

  constructor(intervalMs: number) {
    this.#intervalMs = intervalMs;
  }

  start(): void {
    this.#submit();
  }

  #submit(): void {
    if (this.#stopped) return;
    const addon = native();
    this.#inFlight = true;
    addon.poolQueueDelay().then(
      (ns) => {
        if (this.#stopped) return;
        this.#inFlight = false;
        this.#delaysNs.push(ns);
        this.#timer = setTimeout(() => this.#submit(), this.#intervalMs);
      },
      () => undefined, // cannot happen (an empty task); a probe never throws into the work
    );
  }

  /**
   * Stops at once (never waits for the pool). The task in flight counts too: with its queue wait
   * when a pool thread has started it (its result merely not delivered yet, e.g. the JS thread was
   * busy), else with its wait so far, as a lower bound (censored).
   */
  stop(): PoolQueueDelay {
    this.#stopped = true;
    clearTimeout(this.#timer);
    const delays = [...this.#delaysNs];
    let censored = 0;
    const last = this.#inFlight ? native().lastProbe() : null;
    if (last) {
      delays.push(last.waitNs);
      if (!last.started) censored = 1;
    }
    return { ...delayStats(delays), censored, intervalMs: this.#intervalMs };
  }
}
