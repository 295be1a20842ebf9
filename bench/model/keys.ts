/**
 * The key of every configuration the bench measures, in one place: each experiment builds its specs
 * with these and finds its results by them, and the goals read the experiments' results by them. A
 * key is a configuration's identity across runs (`compare` pairs configurations by key), so a key
 * that changes breaks the comparison with older results files.
 */
import type { KernelName, Mode } from '../../src/index.js';
import type { ConfigResult, MicroSpec, StartupSpec } from './results.js';

/** Experiment 1 (and 5, which reads the same configurations). */
export const cpuKey = (kernel: KernelName, mode: Mode, tasks: number): string => `cpu/${kernel}/${mode}/t${tasks}`;

/** Experiment 2. */
export const sleepKey = (mode: Mode, tasks: number): string => `sleep/${mode}/t${tasks}`;

/** Experiment 3: `fraction` of each task spent waiting. */
export const mixedKey = (fraction: number, tasks: number): string => `mixed/w${Math.round(fraction * 100)}/t${tasks}`;

/** Experiment 4. */
export const intervalKey = (us: number, forced: boolean): string =>
  `interval/${us}us/${forced ? 'forced' : 'unforced'}`;

/** The runners of experiment 6: synchronous calls, baselines and gilscope's pooled modes. */
export type DispatchRunner =
  | MicroSpec['mode']
  | 'bare-async-work'
  | 'piscina'
  | 'run-released'
  | 'batch-10000'
  | 'released'
  | 'gil'
  | 'worker'
  | 'process';

/** Experiment 6. */
export const dispatchKey = (runner: DispatchRunner): string => `dispatch/${runner}`;

/** Experiment 10: a batch of `mode` tasks of `kernel` sized to `us` microseconds; and its latency. */
export const payoffKey = (kernel: KernelName, mode: Mode, us: number): string => `payoff/${kernel}/${mode}/${us}us`;
export const latencyKey = (mode: Mode): string => `payoff/latency/${mode}`;

/** Experiment 7. */
export const startupKey = (unit: StartupSpec['mode']): string => `startup/${unit}`;

/** The native-vs-TypeScript goal: `kernel` held (native) or as its TypeScript reference. */
export const referenceKey = (kernel: KernelName, side: 'native' | 'reference'): string => `kernel/${kernel}/${side}`;

/** A configuration's result by key; undefined where it failed, did not run or was not planned. */
export type Lookup = (key: string) => ConfigResult | undefined;

/**
 * Why a planned configuration was not run when that is no failure (a baseline that is not
 * installed); undefined for every other configuration.
 */
export type WhyUnavailable = (key: string) => string | undefined;
/** Experiment 8: a call of Node's own, `tasks` of them, with a pool of `threads`. */
export const nodeWorkKey = (call: string, threads: number, tasks: number): string =>
  `node/${call}/p${threads}/t${tasks}`;

/** Experiment 9: k long tasks of `occupier` holding the pool. */
export const starvationKey = (occupier: string, k: number): string => `starvation/${occupier}/k${k}`;
