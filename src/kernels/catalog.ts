/**
 * The kernel catalog: parameters with types, ranges and a one-line description. Mirrors the C++
 * table in native/kernels/table.cc (a test checks that they agree).
 */
import type { KernelInfo, KernelName } from '../types.js';

const MiB = 1024 * 1024;

function p(min: number, max: number, unit: string, example: number, description: string) {
  return { type: 'integer', min, max, unit, example, description } as const;
}

export const kernels: Readonly<Record<KernelName, KernelInfo>> = Object.freeze({
  noop: { name: 'noop', description: 'Does nothing: the dispatch cost alone.', result: 'always 0', params: {} },
  primes: {
    name: 'primes',
    description: 'Counts primes below n by trial division (integer, branchy CPU).',
    result: 'the number of primes p < n',
    params: { n: p(0, 100_000_000, 'count', 200_000, 'count primes below this bound') },
  },
  mandelbrot: {
    name: 'mandelbrot',
    description: 'Escape iterations over a grid of the Mandelbrot set (floating-point CPU).',
    result: 'total iterations over all points',
    params: {
      width: p(1, 8192, 'points', 200, 'grid width'),
      height: p(1, 8192, 'points', 200, 'grid height'),
      maxIter: p(1, 1_000_000, 'iterations', 500, 'iteration cap per point'),
    },
  },
  hash: {
    name: 'hash',
    description: '32-bit FNV-1a over a generated buffer, repeated for several rounds (byte-wise CPU).',
    result: 'the 32-bit hash after all rounds',
    params: {
      bytes: p(1, 256 * MiB, 'bytes', 1 * MiB, 'buffer size'),
      rounds: p(1, 1_000_000, 'rounds', 8, 'passes over the buffer'),
    },
  },
  spin: {
    name: 'spin',
    description: "Burns this much of the thread's CPU time, checked against the thread CPU clock.",
    result: 'cpuUs',
    params: { cpuUs: p(0, 60_000_000, 'us', 50_000, 'thread CPU time to burn') },
  },
  sleep: {
    name: 'sleep',
    description: 'Blocks without using CPU: the stand-in for I/O.',
    result: 'us',
    params: { us: p(0, 60_000_000, 'us', 50_000, 'time to block') },
  },
  mixed: {
    name: 'mixed',
    description: 'Alternates CPU and blocking phases: the I/O-fraction knob.',
    result: 'repeats * (computeUs + waitUs)',
    params: {
      computeUs: p(0, 10_000_000, 'us', 1_000, 'CPU time per repeat'),
      waitUs: p(0, 10_000_000, 'us', 1_000, 'blocked time per repeat'),
      repeats: p(1, 1_000_000, 'count', 20, 'number of compute+wait rounds'),
    },
  },
  stream: {
    name: 'stream',
    description: 'Read-modify-write sweeps over a buffer larger than the caches (memory bandwidth).',
    result: 'sum of the written 32-bit words, mod 2^32',
    params: {
      bytes: p(4, 256 * MiB, 'bytes', 64 * MiB, 'buffer size'),
      passes: p(1, 10_000, 'passes', 2, 'sweeps over the buffer'),
    },
  },
});

export const kernelNames: readonly KernelName[] = Object.freeze(Object.keys(kernels) as KernelName[]);

/** The example parameters of a kernel (a task of a few to a few hundred milliseconds). */
export function exampleParams(name: KernelName): Record<string, number> {
  return Object.fromEntries(Object.entries(kernels[name].params).map(([k, v]) => [k, v.example]));
}
