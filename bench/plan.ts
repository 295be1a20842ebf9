/**
 * The two presets and the resolution of command-line options into a BenchPlan. Options are checked
 * here, once: a wrong type is a TypeError, a value out of range a RangeError naming the option.
 */
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';

import { modes as allModes } from '../src/index.js';
import type { KernelName, Mode } from '../src/index.js';
import { describe } from '../src/internal.js';
import { EXPERIMENT_IDS, type BenchPlan, type ExperimentId } from './model/results.js';

/** Kernels whose tasks are CPU-bound (experiment 1 accepts only these). */
export const CPU_KERNELS: readonly KernelName[] = ['primes', 'mandelbrot', 'hash', 'stream', 'spin'];

export function presetPlan(preset: 'quick' | 'full', cores = availableParallelism()): BenchPlan {
  const tasks = Array.from({ length: 2 * cores }, (_, i) => i + 1);
  if (preset === 'quick') {
    return {
      preset,
      experiments: EXPERIMENT_IDS,
      kernels: ['primes'],
      modes: [...allModes],
      tasks,
      threads: undefined,
      repeat: 9,
      warmup: 1,
      switchIntervalUs: 5000,
      taskMs: 20,
      waitFractions: [0, 0.25, 0.5, 0.75, 0.9],
      intervalsUs: [200, 1000, 5000, 20000],
      flood: floodSizes(5000),
      microMaxTimeS: 0.25,
      hazards: false,
    };
  }
  return {
    preset,
    experiments: EXPERIMENT_IDS,
    kernels: ['primes', 'mandelbrot', 'hash'],
    modes: [...allModes],
    tasks,
    threads: undefined,
    repeat: 15,
    warmup: 2,
    switchIntervalUs: 5000,
    taskMs: 50,
    waitFractions: [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9],
    intervalsUs: [100, 250, 1000, 2500, 5000, 10000, 20000, 50000],
    flood: floodSizes(20000),
    microMaxTimeS: 1,
    hazards: false,
  };
}

/** Command-line options as commander hands them over (strings, or booleans for flags). */
export interface RawBenchOptions {
  full?: boolean;
  kernel?: string;
  modes?: string;
  tasks?: string;
  threads?: string;
  repeat?: string;
  warmup?: string;
  interval?: string;
  taskMs?: string;
  experiments?: string;
  flood?: string;
  hazards?: boolean;
  rounds?: string;
  sizesFrom?: string;
}

/** Interleaved rounds each configuration's repeats are split into, unless --rounds says otherwise. */
export const DEFAULT_ROUNDS = 3;

/**
 * --rounds: explicit, it must not exceed --repeat (each round needs a run); by default
 * DEFAULT_ROUNDS, or fewer when there are fewer repeats.
 */
function rounds(raw: RawBenchOptions, repeat: number): number {
  if (raw.rounds === undefined) return Math.min(DEFAULT_ROUNDS, repeat);
  const n = int(raw.rounds, '--rounds', 1, 100);
  if (n > repeat)
    throw new RangeError(`--rounds must not exceed --repeat (${repeat}): each round needs a run, received ${n}`);
  return n;
}

/** One --experiments entry: a number of EXPERIMENT_IDS. */
function experimentId(e: string): ExperimentId {
  const n = int(e, '--experiments', 1, Math.max(...EXPERIMENT_IDS));
  if (!(EXPERIMENT_IDS as readonly number[]).includes(n)) {
    throw new RangeError(`--experiments must be one of ${EXPERIMENT_IDS.join(', ')}, received "${e}"`);
  }
  return n as ExperimentId;
}

/** Flood sizes from the released one: the slower runners get proportionally fewer tasks. */
export function floodSizes(asyncWork: number): BenchPlan['flood'] {
  return {
    asyncWork,
    worker: Math.max(1, Math.round(asyncWork / 5)),
    process: Math.max(1, Math.round(asyncWork / 16)),
    piscina: Math.max(1, Math.round(asyncWork / 2.5)),
  };
}

function list(value: string, name: string): string[] {
  const items = value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (items.length === 0) throw new RangeError(`${name} must be a comma-separated list, received ${describe(value)}`);
  return items;
}

function int(text: string, name: string, min: number, max: number): number {
  const n = Number(text);
  if (text.trim() === '' || !Number.isInteger(n) || n < min || n > max) {
    throw new RangeError(`${name} must be an integer in [${min}, ${max}], received ${describe(text)}`);
  }
  return n;
}

function oneOf<T extends string>(text: string, name: string, accepted: readonly T[]): T {
  if (!(accepted as readonly string[]).includes(text)) {
    throw new RangeError(`${name} must be one of ${accepted.join(', ')}, received ${describe(text)}`);
  }
  return text as T;
}

function flag(value: unknown, name: string): boolean {
  if (typeof value !== 'boolean') throw new TypeError(`${name} is a flag (true or false), received ${describe(value)}`);
  return value;
}

/** "1,2,4" or "1-4" or a mix ("1-3,6"), each in [1, 1024]; sorted, no duplicates. */
export function parseTasks(text: string, name = '--tasks'): number[] {
  const out = new Set<number>();
  for (const item of list(text, name)) {
    const m = /^(\d+)-(\d+)$/.exec(item);
    if (m) {
      const a = int(m[1]!, name, 1, 1024);
      const b = int(m[2]!, name, 1, 1024);
      if (b < a) throw new RangeError(`${name}: range ${item} runs backwards`);
      for (let i = a; i <= b; i++) out.add(i);
    } else {
      out.add(int(item, name, 1, 1024));
    }
  }
  return [...out].sort((a, b) => a - b);
}

/** Applies the options on top of the chosen preset. */
export function resolvePlan(raw: RawBenchOptions, cores = availableParallelism()): BenchPlan {
  if (typeof raw !== 'object' || raw === null)
    throw new TypeError(`options must be an object, received ${describe(raw)}`);
  const base = presetPlan(raw.full ? 'full' : 'quick', cores);
  const kernels =
    raw.kernel === undefined
      ? base.kernels
      : list(raw.kernel, '--kernel').map((k) => oneOf(k, '--kernel', CPU_KERNELS));
  const modes: Mode[] =
    raw.modes === undefined ? [...base.modes] : list(raw.modes, '--modes').map((m) => oneOf(m, '--modes', allModes));
  const experiments =
    raw.experiments === undefined
      ? base.experiments
      : [...new Set(list(raw.experiments, '--experiments').map(experimentId))].sort((a, b) => a - b);
  const switchIntervalUs =
    raw.interval === undefined ? base.switchIntervalUs : int(raw.interval, '--interval', 1, 1_000_000);
  return {
    ...base,
    experiments,
    kernels: [...new Set(kernels)],
    modes: [...new Set(modes)],
    tasks: raw.tasks === undefined ? base.tasks : parseTasks(raw.tasks),
    threads: raw.threads === undefined ? base.threads : int(raw.threads, '--threads', 1, 1024),
    repeat: raw.repeat === undefined ? base.repeat : int(raw.repeat, '--repeat', 1, 1000),
    warmup: raw.warmup === undefined ? base.warmup : int(raw.warmup, '--warmup', 0, 100),
    switchIntervalUs,
    // Experiment 4's sweep always includes the interval the other experiments use.
    intervalsUs: [...new Set([...base.intervalsUs, switchIntervalUs])].sort((a, b) => a - b),
    taskMs: raw.taskMs === undefined ? base.taskMs : int(raw.taskMs, '--task-ms', 1, 10_000),
    flood: raw.flood === undefined ? base.flood : floodSizes(int(raw.flood, '--flood', 1, 100_000)),
    hazards: raw.hazards === undefined ? base.hazards : flag(raw.hazards, '--hazards'),
    rounds: rounds(raw, raw.repeat === undefined ? base.repeat : int(raw.repeat, '--repeat', 1, 1000)),
    ...(raw.sizesFrom === undefined ? {} : { sizesFrom: sizesFrom(raw.sizesFrom) }),
  };
}

/** --sizes-from: a path (read when the sweep starts; loadResults names what is wrong with the file). */
function sizesFrom(value: unknown): string {
  if (typeof value !== 'string' || value.trim() === '')
    throw new TypeError(`--sizes-from must be the path of a results.json, received ${describe(value)}`);
  return resolve(value);
}

/** bench-results/<timestamp>/ under `cwd`, the timestamp safe in file names (2026-11-25T08-30-00Z). */
export function defaultOutDir(cwd = process.cwd(), now = new Date()): string {
  const stamp = now
    .toISOString()
    .replace(/\.\d+Z$/, 'Z')
    .replace(/:/g, '-');
  return resolve(join(cwd, 'bench-results', stamp));
}
