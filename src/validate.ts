/**
 * Input validation, done once at the TypeScript boundary. A wrong type gets a TypeError, a value out
 * of range a RangeError; every message names the parameter, what is accepted and what was received.
 */
import { kernels, kernelNames } from './kernels/catalog.js';
import type { KernelName } from './types.js';

/** A short, safe rendering of any received value for error messages. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (typeof value === 'number') return Number.isNaN(value) ? 'NaN' : String(value);
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? value.slice(0, 40) + '…' : value);
  if (typeof value === 'symbol') return value.toString();
  if (typeof value === 'function') return 'a function';
  if (Array.isArray(value)) return 'an array';
  return `${typeof value === 'object' ? 'an object' : typeof value}`;
}

// Messages are built only when thrown: validation sits on every call's path.

export function expectInteger(value: unknown, name: string, min: number, max: number): number {
  if (typeof value !== 'number') {
    throw new TypeError(`${name} must be an integer in [${min}, ${max}], received ${describe(value)}`);
  }
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`${name} must be an integer in [${min}, ${max}], received ${describe(value)}`);
  }
  return value;
}

export function expectNumber(value: unknown, name: string, min: number, max: number): number {
  if (typeof value !== 'number')
    throw new TypeError(`${name} must be a number in [${min}, ${max}], received ${describe(value)}`);
  if (!Number.isFinite(value) || value < min || value > max) {
    throw new RangeError(`${name} must be a number in [${min}, ${max}], received ${describe(value)}`);
  }
  return value;
}

export function expectBoolean(value: unknown, name: string): boolean {
  if (typeof value !== 'boolean') throw new TypeError(`${name} must be a boolean, received ${describe(value)}`);
  return value;
}

export function expectOneOf<T extends string>(value: unknown, name: string, accepted: readonly T[]): T {
  const list = (): string => accepted.map((a) => `'${a}'`).join(', ');
  if (typeof value !== 'string') throw new TypeError(`${name} must be one of ${list()}, received ${describe(value)}`);
  if (!(accepted as readonly string[]).includes(value)) {
    throw new RangeError(`${name} must be one of ${list()}, received ${describe(value)}`);
  }
  return value as T;
}

export function expectObject(value: unknown, name: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new TypeError(`${name} must be an object, received ${describe(value)}`);
  }
  return value as Record<string, unknown>;
}

/** Rejects keys that are not in `allowed` (a misspelt option must not be silently ignored). */
export function expectKnownKeys(obj: Record<string, unknown>, name: string, allowed: readonly string[]): void {
  for (const key of Object.keys(obj)) {
    if (!allowed.includes(key)) {
      throw new TypeError(`${name}.${key} is not a known option (accepted: ${allowed.join(', ') || 'none'})`);
    }
  }
}

export function expectAbortSignal(value: unknown, name: string): AbortSignal | undefined {
  if (value === undefined) return undefined;
  if (!(value instanceof AbortSignal))
    throw new TypeError(`${name} must be an AbortSignal, received ${describe(value)}`);
  return value;
}

export function expectKernel(value: unknown, name = 'kernel'): KernelName {
  return expectOneOf(value, name, kernelNames);
}

/**
 * Checks a kernel's params (every parameter present, none extra, each an integer in range) and
 * returns the arguments in the native parameter order.
 */
export function kernelArgs(kernel: KernelName, params: unknown, name = 'params'): number[] {
  const info = kernels[kernel];
  const names = paramNames(kernel);
  const obj = params === undefined && names.length === 0 ? {} : expectObject(params, name);
  // for-in rather than Object.keys: this runs on every task, and allocates nothing when all is well.
  for (const key in obj) {
    if (Object.hasOwn(obj, key) && !names.includes(key)) {
      throw new TypeError(
        `${name}.${key} is not a parameter of kernel '${kernel}' (accepted: ${names.join(', ') || 'none'})`,
      );
    }
  }
  const args: number[] = new Array<number>(names.length);
  for (let i = 0; i < names.length; i++) {
    const key = names[i]!;
    const spec = info.params[key]!;
    if (!(key in obj)) {
      throw new TypeError(`${name}.${key} is required: an integer in [${spec.min}, ${spec.max}] (${spec.description})`);
    }
    const v = obj[key];
    // The message (and its name) is built only for a bad value.
    const ok = typeof v === 'number' && Number.isInteger(v) && v >= spec.min && v <= spec.max;
    args[i] = ok ? v : expectInteger(v, `${name}.${key}`, spec.min, spec.max);
  }
  return args;
}

const PARAM_NAMES = new Map<KernelName, readonly string[]>();

/** A kernel's parameter names in native order, computed once per kernel. */
function paramNames(kernel: KernelName): readonly string[] {
  let names = PARAM_NAMES.get(kernel);
  if (names === undefined) PARAM_NAMES.set(kernel, (names = Object.keys(kernels[kernel].params)));
  return names;
}
