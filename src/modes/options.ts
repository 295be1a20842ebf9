/**
 * The options of `run` and `batch`, checked once: every later step trusts what these functions
 * return. A wrong type is a TypeError, a value out of range a RangeError naming the option.
 */
import type { NativeGilOptions } from '../addon/types.js';
import type { KernelName, Mode } from '../types.js';
import {
  expectAbortSignal,
  expectBoolean,
  expectInteger,
  expectKernel,
  expectKnownKeys,
  expectObject,
  expectOneOf,
  kernelArgs,
} from '../validate.js';
import { MAX_POOL_SIZE } from './pool-size.js';

export const modes: readonly Mode[] = Object.freeze([
  'held',
  'released',
  'gil',
  'worker',
  'process',
  'native',
] as Mode[]);

/** Most tasks one batch accepts. */
export const MAX_TASKS = 100_000;
/** Mode 'native' starts one thread per task: at most this many. */
export const MAX_NATIVE_TASKS = 1024;

/** CPython's default switch interval (sys.getswitchinterval() = 0.005). */
export const DEFAULT_SWITCH_INTERVAL_US = 5000;
export const MAX_SWITCH_INTERVAL_US = 1_000_000;

/** Events one task records when tracing, unless `traceCapacity` says otherwise. */
export const DEFAULT_TRACE_CAPACITY = 65_536;
export const MIN_TRACE_CAPACITY = 16;
export const MAX_TRACE_CAPACITY = 1 << 20;

/** The options `run` accepts. */
export const RUN_OPTION_KEYS = [
  'mode',
  'signal',
  'switchIntervalUs',
  'forcedSwitching',
  'trace',
  'traceCapacity',
] as const;
/** The options `batch` accepts. */
export const BATCH_OPTION_KEYS = ['kernel', 'params', 'tasks', 'threads', 'convoyProbe', ...RUN_OPTION_KEYS] as const;

/** Where and how a task runs: the part of the options that `run` and `batch` share. */
export interface ModeChoice {
  readonly mode: Mode;
  /** The emulated GIL's rules; set for mode 'gil' only. */
  readonly gil: NativeGilOptions | undefined;
  readonly signal: AbortSignal | undefined;
  /** Events per task to record; 0 when not tracing. */
  readonly traceCapacity: number;
}

/** A checked batch: what `batch` runs. */
export interface BatchPlan extends ModeChoice {
  readonly kernel: KernelName;
  /** The kernel's arguments in native parameter order. */
  readonly args: number[];
  readonly tasks: number;
  /** Pool size asked for; undefined for the default. */
  readonly threads: number | undefined;
  /** Mode 'gil': run the convoy probe beside the batch. */
  readonly convoyProbe: boolean;
}

function optional<T>(value: unknown, fallback: T, check: (v: unknown) => T): T {
  return value === undefined ? fallback : check(value);
}

function checkGil(o: Record<string, unknown>, name: string, mode: Mode): NativeGilOptions | undefined {
  const switchIntervalUs = optional(o['switchIntervalUs'], DEFAULT_SWITCH_INTERVAL_US, (v) =>
    expectInteger(v, `${name}.switchIntervalUs`, 1, MAX_SWITCH_INTERVAL_US),
  );
  const forcedSwitching = optional(o['forcedSwitching'], true, (v) => expectBoolean(v, `${name}.forcedSwitching`));
  if (mode === 'gil') return { switchIntervalUs, forcedSwitching };
  if (o['switchIntervalUs'] !== undefined || o['forcedSwitching'] !== undefined) {
    throw new TypeError(
      `${name}.switchIntervalUs and ${name}.forcedSwitching apply to mode 'gil' only (mode is '${mode}')`,
    );
  }
  return undefined;
}

/** Checks mode, GIL, signal and trace options of `o` (named `name` in messages). */
export function checkModeOptions(o: Record<string, unknown>, name: string): ModeChoice {
  const mode = optional(o['mode'], 'released' as Mode, (v) => expectOneOf(v, `${name}.mode`, modes));
  const gil = checkGil(o, name, mode);
  const trace = optional(o['trace'], false, (v) => expectBoolean(v, `${name}.trace`));
  const capacity = optional(o['traceCapacity'], DEFAULT_TRACE_CAPACITY, (v) =>
    expectInteger(v, `${name}.traceCapacity`, MIN_TRACE_CAPACITY, MAX_TRACE_CAPACITY),
  );
  return { mode, gil, signal: expectAbortSignal(o['signal'], `${name}.signal`), traceCapacity: trace ? capacity : 0 };
}

/** Checks `run`'s options object. */
export function checkRunOptions(options: unknown): ModeChoice {
  const o = expectObject(options, 'options');
  expectKnownKeys(o, 'options', RUN_OPTION_KEYS);
  return checkModeOptions(o, 'options');
}

/** Checks `batch`'s options: the whole plan, before anything runs. */
export function checkBatch(options: unknown): BatchPlan {
  const o = expectObject(options, 'options');
  expectKnownKeys(o, 'options', BATCH_OPTION_KEYS);
  const kernel = expectKernel(o['kernel'], 'options.kernel');
  const args = kernelArgs(kernel, o['params'], 'options.params');
  const choice = checkModeOptions(o, 'options');
  const maxTasks = choice.mode === 'native' ? MAX_NATIVE_TASKS : MAX_TASKS;
  return {
    ...choice,
    kernel,
    args,
    tasks: optional(o['tasks'], 1, (v) => expectInteger(v, 'options.tasks', 1, maxTasks)),
    threads: optional(o['threads'], undefined, (v) => expectInteger(v, 'options.threads', 1, MAX_POOL_SIZE)),
    convoyProbe: optional(o['convoyProbe'], true, (v) => expectBoolean(v, 'options.convoyProbe')),
  };
}
