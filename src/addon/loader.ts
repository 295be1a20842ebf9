/**
 * The one loader of the native addon. Lookup order:
 *   1. `GILSCOPE_ADDON` (an explicit path, used by CI to test the cmake-js build),
 *   2. `build/Release/gilscope.node` (node-gyp, what `npm install` builds),
 *   3. `build-cmake/Release/gilscope.node` (cmake-js: `npm run build:cmake`),
 *   4. `build/Debug/gilscope.node`.
 * When none loads, one error says how to build. The gilscope-wait helper is found next to the addon.
 */
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

import { packageRoot } from '../util/package-root.js';

/** A task record as the addon returns it (see native/runtime/task.h). */
export interface NativeRecord {
  kernel: string;
  result: number;
  started: boolean;
  cancelled: boolean;
  threadId: number;
  submitNs: bigint;
  startNs: bigint;
  endNs: bigint;
  cpuNs: number;
  userUs: number;
  systemUs: number;
  voluntarySwitches: number;
  involuntarySwitches: number;
  runQueueNs: number | null;
  lockWaitNs: number;
  lockHoldNs: number;
  lockAcquisitions: number;
  dropRequests: number;
  error?: string;
  /** Present when tracing was asked for. */
  events?: NativeEvents;
  eventsDropped?: number;
}

/** Recorded events: timestamps (CLOCK_MONOTONIC ns) and kinds (see EVENT_KINDS in timeline.ts). */
export interface NativeEvents {
  ns: BigUint64Array;
  kinds: Uint8Array;
}

export interface NativeThreadUsage {
  threadId: number;
  cpuNs: bigint;
  userUs: number;
  systemUs: number;
  voluntarySwitches: number;
  involuntarySwitches: number;
  runQueueNs: number | null;
}

export interface NativeGilOptions {
  switchIntervalUs: number;
  forcedSwitching: boolean;
}

/** Hazard reports as the addon returns them (see native/runtime/hazards/hazards.h). */
export interface NativeRaceReport {
  threads: number;
  incrementsPerThread: number;
  expected: number;
  actual: number;
  lostUpdates: number;
  wallNs: number;
  nsPerIncrement: number;
  stoppedEarly: boolean;
}

export interface NativeDeadlockReport {
  deadlocked: boolean;
  detectedAfterNs: number;
  /** Lock i held when bit i of holdsMask is set; waitsFor -1 when not waiting. */
  cycle: { thread: number; holdsMask: number; waitsFor: number }[];
  victim: number;
  timedOut: boolean;
  threads: { osThreadId: number; completed: boolean; backedOut: boolean; longestWaitNs: number }[];
  wallNs: number;
}

export interface NativeStarvationReport {
  threads: { acquisitions: number; longestWaitNs: number; totalWaitNs: number }[];
  uncontendedAcquisitions: number;
  guardedCount: number;
  longestWaitNs: number;
  fairnessIndex: number | null;
  wallNs: number;
}

export interface NativeLivelockReport {
  threads: { attempts: number; progress: number; backoffs: number }[];
  attempts: number;
  progress: number;
  backoffs: number;
  exclusionViolations: number;
  slotNs: number;
  windowNs: number;
  wallNs: number;
}

/** Ids that name cancellable tasks for `cancel()`; unique within this JS environment. */
let lastCancelId = 0;
export function nextCancelId(): number {
  return ++lastCancelId;
}

export interface NativeAddon {
  readonly napiVersion: number;
  runSync(kernel: string, args: number[], cancelFlag?: Int32Array, traceCapacity?: number): NativeRecord;
  /** With a cancelId (from nextCancelId), cancel(cancelId) stops the task. */
  submit(
    kernel: string,
    args: number[],
    gil?: NativeGilOptions,
    traceCapacity?: number,
    cancelId?: number,
  ): Promise<NativeRecord>;
  cancel(cancelId: number): void;
  /** Cancels every task of this environment submitted with a cancel id and still in flight. */
  cancelAll(): void;
  kernelTable(): { name: string; params: { name: string; min: number; max: number }[] }[];
  gilCounters(): { acquisitions: number; handoffs: number; dropRequests: number; holdNs: number };
  monotonicNs(): bigint;
  threadCpuNs(): bigint;
  threadUsage(): NativeThreadUsage;
  processUsage(): { userUs: number; systemUs: number };
  noop(): void;
  rawNoop(): void;
  bareAsyncWork(): Promise<void>;
  runNative(
    kernel: string,
    args: number[],
    tasks: number,
    traceCapacity?: number,
    cancelId?: number,
  ): Promise<NativeRecord[]>;
  startConvoy(options: {
    switchIntervalUs: number;
    workUs: number;
    waitUs: number;
    traceCapacity?: number;
  }): NativeConvoy;
  stopConvoy(probe: NativeConvoy): {
    latenciesNs: Float64Array;
    threadId: number;
    events?: NativeEvents;
    eventsDropped?: number;
  };
  threadStartCost(): { createNs: number; rssBytes: number };
  residentBytes(): number;
  traceCost(events: number): { nsPerEvent: number; nsPerEventOff: number };
  hazardRace(threads: number, increments: number, strategy: string, timeLimitMs: number): Promise<NativeRaceReport>;
  hazardDeadlock(timeoutMs: number, ordering: string): Promise<NativeDeadlockReport>;
  hazardStarvation(threads: number, durationMs: number, lock: string): Promise<NativeStarvationReport>;
  hazardLivelock(durationMs: number, backoff: string): Promise<NativeLivelockReport>;
}

/** An opaque handle to a running convoy probe. */
export type NativeConvoy = { readonly __brand: 'gilscope.convoy' };


/** Where the addon may be, in lookup order. */
export function addonCandidates(): string[] {
  const list: string[] = [];
  const explicit = process.env['GILSCOPE_ADDON'];
  if (explicit) list.push(resolve(explicit));
  list.push(
    join(packageRoot, 'build', 'Release', 'gilscope.node'),
    join(packageRoot, 'build-cmake', 'Release', 'gilscope.node'),
    join(packageRoot, 'build', 'Debug', 'gilscope.node'),
  );
  return list;
}

/** The addon's packed record (native/bindings/convert.h, RecordField), in field order. */
export const RECORD_FIELDS = [
  'kernel',
  'result',
  'flags',
  'threadId',
  'submitNs',
  'startNs',
  'endNs',
  'cpuNs',
  'userUs',
  'systemUs',
  'voluntarySwitches',
  'involuntarySwitches',
  'runQueueNs',
  'lockWaitNs',
  'lockHoldNs',
  'lockAcquisitions',
  'dropRequests',
] as const;

type PackedRecord = BigInt64Array & { error?: string; events?: NativeEvents; eventsDropped?: number };

/** Unpacks one record; `names` are the kernel names by native id. */
function unpack(p: PackedRecord, names: readonly string[]): NativeRecord {
  const flags = Number(p[2]);
  const runQueueNs = Number(p[12]);
  const r: NativeRecord = {
    kernel: names[Number(p[0])] ?? 'unknown',
    result: Number(p[1]),
    started: (flags & 1) !== 0,
    cancelled: (flags & 2) !== 0,
    threadId: Number(p[3]),
    submitNs: p[4]!,
    startNs: p[5]!,
    endNs: p[6]!,
    cpuNs: Number(p[7]),
    userUs: Number(p[8]),
    systemUs: Number(p[9]),
    voluntarySwitches: Number(p[10]),
    involuntarySwitches: Number(p[11]),
    runQueueNs: runQueueNs < 0 ? null : runQueueNs,
    lockWaitNs: Number(p[13]),
    lockHoldNs: Number(p[14]),
    lockAcquisitions: Number(p[15]),
    dropRequests: Number(p[16]),
  };
  if (p.error !== undefined) r.error = p.error;
  if (p.events !== undefined) {
    r.events = p.events;
    r.eventsDropped = p.eventsDropped ?? 0;
  }
  return r;
}

/** The raw module plus record unpacking: callers see NativeRecord objects. */
function wrap(raw: Record<string, unknown>): NativeAddon {
  const r = raw as unknown as {
    runSync(...a: unknown[]): PackedRecord;
    submit(...a: unknown[]): Promise<PackedRecord>;
    runNative(...a: unknown[]): Promise<PackedRecord[]>;
    kernelTable(): { name: string }[];
  };
  const names = r.kernelTable().map((k) => k.name);
  if (RECORD_FIELDS.length !== 17) throw new Error('gilscope: RECORD_FIELDS out of step with the addon');
  return {
    ...(raw as unknown as NativeAddon),
    runSync: (...a: unknown[]) => unpack(r.runSync(...a), names),
    submit: (...a: unknown[]) => r.submit(...a).then((p) => unpack(p, names)),
    runNative: (...a: unknown[]) => r.runNative(...a).then((ps) => ps.map((p) => unpack(p, names))),
  } as NativeAddon;
}

let cached: { addon: NativeAddon; path: string } | undefined;

function load(): { addon: NativeAddon; path: string } {
  if (cached) return cached;
  const require = createRequire(import.meta.url);
  const explicit = process.env['GILSCOPE_ADDON'];
  const failures: string[] = [];
  for (const path of addonCandidates()) {
    if (!existsSync(path)) {
      if (explicit && resolve(explicit) === path)
        failures.push(`${path}: GILSCOPE_ADDON names a file that does not exist`);
      continue;
    }
    try {
      cached = { addon: wrap(require(path) as Record<string, unknown>), path };
      return cached;
    } catch (err) {
      failures.push(`${path}: ${(err as Error).message}`);
    }
    if (explicit) break; // an explicit choice is never silently replaced by another build
  }
  throw new Error(
    'gilscope: the native addon is not built' +
      (failures.length ? ` or failed to load:\n  ${failures.join('\n  ')}` : '.') +
      '\nBuild it with `npm install` (node-gyp) or `npm run build:cmake` (cmake-js), from the package root ' +
      packageRoot,
  );
}

/** The loaded addon (loaded on first use). */
export function native(): NativeAddon {
  return load().addon;
}

/** The file the addon was loaded from. */
export function addonPath(): string {
  return load().path;
}

/**
 * gilscope-wait, the small executable that runs a command for `gilscope time` and reports its
 * wait4() rusage (native/helper/wait.cc). Both builds put it next to the addon, so it comes from
 * the same build as the addon in use.
 */
export function waitHelperPath(): string {
  const path = join(dirname(addonPath()), 'gilscope-wait');
  if (!existsSync(path)) {
    throw new Error(
      `gilscope: the helper ${path} is not built (it comes with the addon).\n` +
        'Build it with `npm install` (node-gyp) or `npm run build:cmake` (cmake-js), from the package root ' +
        packageRoot,
    );
  }
  return path;
}
