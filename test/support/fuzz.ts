/**
 * Arbitraries and the oracle for the fuzz tests (test/90.fuzz.test.ts).
 *
 * A fuzzed call starts from a valid, cheap call and changes exactly one position (a parameter, an
 * option, a field) to a random value of any type, adds an unknown key, or drops a key. The oracle:
 * the call returns a valid result, or throws a TypeError/RangeError whose message starts with a
 * parameter path of that function; and when the new value has the wrong type for its position,
 * the error is a TypeError naming exactly that position.
 */
import fc from 'fast-check';

import { kernelNames, kernels } from '../../src/index.js';
import type { KernelName } from '../../src/types.js';

/** What a position accepts, for the wrong-type rule. `?`: undefined is accepted (a default). */
export type Slot =
  | 'int'
  | 'int?'
  | 'number'
  | 'bool?'
  | 'enum'
  | 'enum?'
  | 'object'
  | 'object?'
  | 'signal?'
  | 'bigint'
  | 'string'
  | 'array'
  | 'array?'
  | 'function';

/** True when value is not of the type the slot accepts (so a TypeError naming it is required). */
export function wrongType(slot: Slot, value: unknown): boolean {
  if (slot.endsWith('?') && value === undefined) return false;
  switch (slot.replace('?', '')) {
    case 'int':
    case 'number':
      return typeof value !== 'number';
    case 'bool':
      return typeof value !== 'boolean';
    case 'enum':
    case 'string':
      return typeof value !== 'string';
    case 'object':
      return typeof value !== 'object' || value === null || Array.isArray(value);
    case 'signal':
      return !(value instanceof AbortSignal);
    case 'bigint':
      return typeof value !== 'bigint';
    case 'array':
      return !Array.isArray(value);
    case 'function':
      return typeof value !== 'function';
    default:
      return false;
  }
}

/** Largest value of each kernel parameter that valid fuzz cases use: every task stays tiny. */
export const PARAM_CAP: Readonly<Record<string, number>> = {
  n: 2_000,
  width: 8,
  height: 8,
  maxIter: 50,
  bytes: 4_096,
  rounds: 2,
  cpuUs: 100,
  us: 100,
  computeUs: 50,
  waitUs: 50,
  repeats: 2,
  passes: 2,
};

export function paramNames(kernel: KernelName): string[] {
  return Object.keys(kernels[kernel].params);
}

/** Valid, cheap params for a kernel. */
export function validParams(kernel: KernelName): fc.Arbitrary<Record<string, number>> {
  const entries = paramNames(kernel).map((name) => {
    const spec = kernels[kernel].params[name]!;
    return [name, fc.integer({ min: spec.min, max: Math.min(spec.max, PARAM_CAP[name] ?? spec.min) })] as const;
  });
  return fc.record(Object.fromEntries(entries));
}

export const kernelAndParams: fc.Arbitrary<{ kernel: KernelName; params: Record<string, number> }> = fc
  .constantFrom(...kernelNames)
  .chain((kernel) => validParams(kernel).map((params) => ({ kernel, params })));

const aborted = new AbortController();
aborted.abort(new Error('fuzz: aborted before the call'));
/** A signal that is already aborted: an AbortError is then a valid outcome. */
export const abortedSignal: AbortSignal = aborted.signal;

/** Values of every type, with the edge cases validation must catch. */
export const anyValue: fc.Arbitrary<unknown> = fc.oneof(
  {
    arbitrary: fc.anything({
      withBigInt: true,
      withBoxedValues: true,
      withDate: true,
      withMap: true,
      withSet: true,
      withNullPrototype: true,
      withTypedArray: true,
      withSparseArray: true,
    }),
    weight: 4,
  },
  { arbitrary: fc.integer({ min: -5, max: 2_000_000 }), weight: 2 },
  { arbitrary: fc.double(), weight: 1 },
  { arbitrary: fc.string(), weight: 1 },
  {
    arbitrary: fc.constantFrom<unknown>(
      Number.NaN,
      Infinity,
      -Infinity,
      -0,
      -1,
      0,
      0.5,
      1.5,
      2 ** 31,
      2 ** 32,
      2 ** 53,
      2 ** 64,
      Number.MAX_VALUE,
      Number.MIN_VALUE,
      1e9,
      '',
      '0',
      '1',
      'noop',
      'primes',
      'gil',
      'released',
      'native',
      'held',
      'worker',
      'process',
      'turbo',
      true,
      false,
      null,
      undefined,
      Symbol('fuzz'),
      10n,
      -1n,
      2n ** 64n,
      () => 0,
      [],
      [1],
      [1, 2, 3],
      {},
      Object.create(null),
      new Date(0),
      /x/,
      new Uint8Array(2),
      new Int32Array(1),
      new AbortController().signal,
      abortedSignal,
      new Map(),
      new Set([1]),
      new Error('x'),
    ),
    weight: 2,
  },
);

/**
 * Keeps a fuzz case cheap without losing what it tests: an integer that is valid for its position
 * but would make the call slow (a long task, many tasks, a new pool) becomes the cheap valid one.
 * `caps` overrides the cap for some keys (the hazard experiments' threads and durations).
 */
export function tame(
  path: string,
  value: unknown,
  cheapThreads: number,
  caps: Readonly<Record<string, number>> = {},
): unknown {
  if (typeof value !== 'number' || !Number.isInteger(value)) return value;
  const key = path.split('.').at(-1)!;
  const own = caps[key];
  if (own !== undefined) return value > own && value <= 1e8 ? own : value;
  if (key === 'threads') return value >= 1 && value <= 1024 ? cheapThreads : value;
  if (key === 'tasks') return value > 3 && value <= 100_000 ? 3 : value;
  if (key === 'traceCapacity') return value > 4096 && value <= 1 << 20 ? 4096 : value;
  if (key === 'samples') return value >= 1 && value <= 50 ? 0 : value; // startupCost: only invalid sample counts run
  const cap = PARAM_CAP[key];
  if (cap !== undefined && value > cap && value <= 1e8) return cap;
  return value;
}

/** An unknown key for an options or params object: none of `known`, never one that changes the prototype. */
export function unknownKey(known: readonly string[]): fc.Arbitrary<string> {
  return fc
    .oneof(
      fc.string({ minLength: 1, maxLength: 12 }),
      fc.constantFrom(
        'sigal',
        'mdoe',
        'task',
        'n2',
        'constructor',
        'toString',
        'valueOf',
        'hasOwnProperty',
        'NaN',
        'signal_',
      ),
    )
    .filter((k) => /^[\w$-]+$/.test(k) && k !== '__proto__' && !known.includes(k));
}

/** One change to a valid call. */
export type Change =
  | { kind: 'set'; path: string; value: unknown }
  | { kind: 'add'; path: string; value: unknown }
  | { kind: 'drop'; path: string };

/** Applies a change to a plain object tree (arrays by index); returns a changed deep copy. */
export function applyChange<T>(base: T, change: Change): T {
  const root = { root: structuredClone(base) as unknown };
  const parts = ('root.' + change.path.replace(/\[(\d+)\]/g, '.$1')).split('.');
  let obj = root as unknown as Record<string, unknown>;
  for (const p of parts.slice(0, -1)) obj = obj[p] as Record<string, unknown>;
  const last = parts.at(-1)!;
  if (change.kind === 'drop') delete obj[last];
  else Object.defineProperty(obj, last, { value: change.value, enumerable: true, writable: true, configurable: true });
  return root.root as T;
}

/** The parameter path an error message starts with ("options.params.n must be ..." -> "options.params.n"). */
export function leadingPath(message: string): string {
  const m = /^([A-Za-z_$][\w$]*(?:\[\d+\])*(?:\.[^\s.[\]]+(?:\[\d+\])*)*)/.exec(message);
  return m ? m[1]! : '';
}

/**
 * Checks the outcome of a call that threw. `roots`: the function's parameter names;
 * `change`/`slot`: what was changed and what its position accepts.
 */
export function checkError(
  err: unknown,
  roots: readonly string[],
  change: Change | undefined,
  slot: Slot | undefined,
  abortOk: boolean,
): void {
  if (abortOk && err instanceof DOMException && err.name === 'AbortError') return;
  if (!(err instanceof TypeError || err instanceof RangeError)) {
    throw new Error(`expected a TypeError or RangeError, got ${describeError(err)} (change: ${show(change)})`);
  }
  const e: Error = err;
  const path = leadingPath(e.message);
  const root = path.split(/[.[]/)[0]!;
  if (!roots.includes(root)) {
    throw new Error(
      `the message does not start with a parameter (${roots.join(', ')}): "${e.message}" (change: ${show(change)})`,
    );
  }
  if (!change) return;
  const changedValue = change.kind === 'drop' ? undefined : change.value;
  const mustName =
    change.kind === 'add' ||
    (change.kind === 'drop' && slot !== undefined && !slot.endsWith('?')) ||
    (slot !== undefined && wrongType(slot, changedValue));
  if (mustName) {
    if (!(e instanceof TypeError)) throw new Error(`a wrong type at ${change.path} gave ${e.name}: "${e.message}"`);
    if (path !== change.path)
      throw new Error(`a wrong type at ${change.path} gave a message about ${path}: "${e.message}"`);
  }
}

function describeError(err: unknown): string {
  if (err instanceof Error) return `${err.name}: ${err.message}`;
  return `a thrown ${typeof err}`;
}

export function show(change: Change | undefined): string {
  if (!change) return 'none';
  const v = change.kind === 'drop' ? '' : ` = ${safe(change.value)}`;
  return `${change.kind} ${change.path}${v}`;
}

function safe(v: unknown): string {
  try {
    if (typeof v === 'bigint') return `${v}n`;
    if (typeof v === 'symbol') return v.toString();
    if (typeof v === 'function') return 'a function';
    return JSON.stringify(v) ?? String(v);
  } catch {
    return Object.prototype.toString.call(v);
  }
}

/** Rejects when p has not settled within ms: a hang is a failure, not a stuck test. */
export function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    p,
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`hung: ${what} did not settle within ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}
