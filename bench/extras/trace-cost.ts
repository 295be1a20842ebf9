/**
 * What tracing costs: the addon records `events` events into a task's buffer (one CLOCK_MONOTONIC
 * read and a store each) and the same number into a disabled one, `samples` times; the summaries
 * are of ns per event.
 */
import { traceCost } from '../../src/internal.js';
import { summarize } from '../analysis/stats.js';
import type { TraceCostResult } from '../model/results.js';

export const TRACE_COST_EVENTS = 100_000;
export const TRACE_COST_SAMPLES = 9;

export function measureTraceCost(samples = TRACE_COST_SAMPLES, events = TRACE_COST_EVENTS): TraceCostResult {
  if (!Number.isInteger(samples) || samples < 1 || samples > 1000)
    throw new RangeError(`samples must be an integer in [1, 1000], received ${String(samples)}`);
  traceCost(Math.min(events, 10_000)); // warm-up: page in the code and the allocator
  const on: number[] = [];
  const off: number[] = [];
  for (let i = 0; i < samples; i++) {
    const c = traceCost(events);
    on.push(c.nsPerEvent);
    off.push(c.nsPerEventOff);
  }
  return { eventsPerSample: events, nsPerEvent: summarize(on), nsPerEventOff: summarize(off) };
}
