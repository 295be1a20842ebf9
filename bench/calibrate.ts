/**
 * Kernel parameters sized to a target task duration on this machine, so the same preset means the
 * same amount of work per task on a fast or a slow machine. Each kernel has one size knob whose cost
 * grows about linearly (primes: about n^1.5); the knob is rescaled from measured held runs.
 */
import { median } from 'simple-statistics';

import { kernels, runSync } from '../src/index.js';
import type { KernelName } from '../src/index.js';
import { kernelTask } from './runner.js';

interface Knob {
  readonly param: string;
  /** Cost grows as knob^exponent. */
  readonly exponent: number;
  readonly base: Readonly<Record<string, number>>;
}

const KNOBS: Partial<Record<KernelName, Knob>> = {
  primes: { param: 'n', exponent: 1.5, base: { n: 100_000 } },
  mandelbrot: { param: 'height', exponent: 1, base: { width: 200, height: 50, maxIter: 500 } },
  hash: { param: 'rounds', exponent: 1, base: { bytes: 1 << 20, rounds: 2 } },
  stream: { param: 'passes', exponent: 1, base: { bytes: 16 << 20, passes: 1 } },
};

/** The median wall time of `runs` held runs. */
function heldWallNs(kernel: KernelName, params: Record<string, number>, runs: number): number {
  const task = kernelTask(kernel, params);
  const walls: number[] = [];
  for (let i = 0; i < runs; i++) walls.push(runSync(task.kernel, task.params).wallNs);
  return median(walls);
}

/**
 * Parameters for one task of about `taskMs` (held, on an idle core). Time-based kernels take it
 * directly (spin: CPU us; sleep: us); noop has none. Never outside the catalog's ranges.
 */
export function calibrate(kernel: KernelName, taskMs: number): Record<string, number> {
  const us = Math.round(taskMs * 1000);
  if (kernel === 'noop') return {};
  if (kernel === 'spin') return { cpuUs: us };
  if (kernel === 'sleep') return { us };
  if (kernel === 'mixed') return { computeUs: Math.round(us / 2 / 10), waitUs: Math.round(us / 2 / 10), repeats: 10 };
  const knob = KNOBS[kernel];
  if (!knob) throw new RangeError(`kernel '${kernel}' has no calibration knob`);
  const spec = kernels[kernel].params[knob.param]!;
  const params = { ...knob.base };
  const targetNs = taskMs * 1e6;
  heldWallNs(kernel, params, 1); // warm caches and page in the code
  for (let round = 0; round < 4; round++) {
    const wallNs = heldWallNs(kernel, params, 3);
    const factor = Math.pow(targetNs / Math.max(wallNs, 1000), 1 / knob.exponent);
    const next = Math.min(spec.max, Math.max(spec.min, 1, Math.round(params[knob.param]! * factor)));
    const done = Math.abs(factor - 1) < 0.05 || next === params[knob.param];
    params[knob.param] = next;
    if (done) break;
  }
  return params;
}
