/**
 * The kernel catalog: each kernel's parameters with their ranges, units and a one-line
 * description. Names, parameter order and ranges come from the addon's kernel table
 * (native/kernels/table.cc, via layout.ts); the words and the example sizes live here. The types
 * make a description for every kernel and every parameter, and nothing else, a compile-time rule.
 */
import { KERNEL_TABLE } from '../generated/layout.js';
import type { KernelInfo, KernelName, KernelParams, ParamInfo } from '../types.js';

const MiB = 1024 * 1024;

/** The words of one parameter: its unit, an example value and what it does. */
interface ParamWords {
  readonly unit: string;
  readonly example: number;
  readonly description: string;
}

interface KernelWords<K extends KernelName> {
  readonly description: string;
  readonly result: string;
  readonly params: { readonly [P in keyof KernelParams[K]]: ParamWords };
}

const w = (unit: string, example: number, description: string): ParamWords => ({ unit, example, description });

const WORDS: { readonly [K in KernelName]: KernelWords<K> } = {
  noop: { description: 'Does nothing: the dispatch cost alone.', result: 'always 0', params: {} },
  primes: {
    description: 'Counts primes below n by trial division (integer, branchy CPU).',
    result: 'the number of primes p < n',
    params: { n: w('count', 200_000, 'count primes below this bound') },
  },
  mandelbrot: {
    description: 'Escape iterations over a grid of the Mandelbrot set (floating-point CPU).',
    result: 'total iterations over all points',
    params: {
      width: w('points', 200, 'grid width'),
      height: w('points', 200, 'grid height'),
      maxIter: w('iterations', 500, 'iteration cap per point'),
    },
  },
  hash: {
    description: '32-bit FNV-1a over a generated buffer, repeated for several rounds (byte-wise CPU).',
    result: 'the 32-bit hash after all rounds',
    params: { bytes: w('bytes', 1 * MiB, 'buffer size'), rounds: w('rounds', 8, 'passes over the buffer') },
  },
  spin: {
    description: "Burns this much of the thread's CPU time, checked against the thread CPU clock.",
    result: 'cpuUs',
    params: { cpuUs: w('us', 50_000, 'thread CPU time to burn') },
  },
  sleep: {
    description: 'Blocks without using CPU: the stand-in for I/O.',
    result: 'us',
    params: { us: w('us', 50_000, 'time to block') },
  },
  mixed: {
    description: 'Alternates CPU and blocking phases: the I/O-fraction knob.',
    result: 'repeats * (computeUs + waitUs)',
    params: {
      computeUs: w('us', 1_000, 'CPU time per repeat'),
      waitUs: w('us', 1_000, 'blocked time per repeat'),
      repeats: w('count', 20, 'number of compute+wait rounds'),
    },
  },
  stream: {
    description: 'Read-modify-write sweeps over a buffer larger than the caches (memory bandwidth).',
    result: 'sum of the written 32-bit words, mod 2^32',
    params: { bytes: w('bytes', 64 * MiB, 'buffer size'), passes: w('passes', 2, 'sweeps over the buffer') },
  },
};

function info(entry: (typeof KERNEL_TABLE)[number]): KernelInfo {
  const words = WORDS[entry.name] as KernelWords<KernelName>;
  const paramWords = words.params as Readonly<Record<string, ParamWords>>;
  const params: Record<string, ParamInfo> = {};
  for (const p of entry.params) {
    params[p.name] = Object.freeze({ type: 'integer', min: p.min, max: p.max, ...paramWords[p.name]! });
  }
  return Object.freeze({
    name: entry.name,
    description: words.description,
    result: words.result,
    params: Object.freeze(params),
  });
}

/** Every kernel by name; each one's `params` in the native parameter order. */
export const kernels: Readonly<Record<KernelName, KernelInfo>> = Object.freeze(
  Object.fromEntries(KERNEL_TABLE.map((k) => [k.name, info(k)])) as Record<KernelName, KernelInfo>,
);

export const kernelNames: readonly KernelName[] = Object.freeze(KERNEL_TABLE.map((k) => k.name));

/** The example parameters of a kernel (a task of a few to a few hundred milliseconds). */
export function exampleParams(name: KernelName): Record<string, number> {
  return Object.fromEntries(Object.entries(kernels[name].params).map(([k, v]) => [k, v.example]));
}
