/** The native addon as TypeScript sees it: its functions and the shapes they return. */

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

/** Recorded events: timestamps (CLOCK_MONOTONIC ns) and kind codes (see EVENT_KINDS in layout.ts). */
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

/** Hazard reports as the addon returns them (see native/hazards/experiments.h). */
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
  /** Makes this environment's dispatcher (src/modes/dispatcher.ts); once per environment. */
  dispatchInit(
    onSettled: (rows: Float64Array, batchTags: Float64Array, errors: [number, number, string][] | undefined) => void,
    poolSize: number,
    heldRow: Float64Array,
  ): void;
  /**
   * One held task, asked for in heldRow's first four slots (kernel id, arguments), its record then
   * written there; throws the kernel's error.
   */
  runHeld(): void;
  /** One released or gil task, asked for in heldRow: kernel id, a0, a1, a2, tag, switchIntervalUs (0: none), forced. */
  dispatchRun(): void;
  dispatchBatch(
    kernelId: number,
    a0: number,
    a1: number,
    a2: number,
    tasks: number,
    rows: Float64Array,
    tag: number,
    switchIntervalUs: number,
    forcedSwitching: number,
  ): void;
  dispatchCancel(tag: number): void;
  /** What this environment's dispatcher did since it was made (all 0 before its first task). */
  dispatchCounters(): { tasks: number; wakeups: number; drainers: number; sharedReadings: number; live: number };
  /** Doubles per dispatcher row (ROW_STRIDE must equal it). */
  readonly recordRowStride: number;
  /** Each raw reading's cost on this thread, ns per call, over `calls` calls. */
  readingCosts(calls: number): {
    monotonicNs: number;
    threadCpuNs: number;
    rusageNs: number;
    schedstatNs: number;
    readingNs: number;
  };
  /** Cancels every task of this environment submitted with a cancel id and still in flight. */
  cancelAll(): void;
  kernelTable(): { name: string; params: { name: string; min: number; max: number }[] }[];
  /** The packed record's field names in order (RECORD_FIELDS is generated from it). */
  recordLayout(): string[];
  /** Trace event kind names by code (EVENT_KINDS is generated from it). */
  eventKinds(): string[];
  /** The hazard experiments' choices in enum order and their limits (HAZARD_TABLE is generated from it). */
  hazardTable(): {
    raceStrategies: string[];
    lockOrderings: string[];
    starvationLocks: string[];
    backoffs: string[];
    maxThreads: number;
    maxIncrements: number;
    maxMs: number;
  };
  gilCounters(): { acquisitions: number; handoffs: number; dropRequests: number; holdNs: number };
  monotonicNs(): bigint;
  threadCpuNs(): bigint;
  threadUsage(): NativeThreadUsage;
  processUsage(): { userUs: number; systemUs: number };
  /** Each thread's CPU ns (its own CPU clock); -1 where it cannot be read (ended, not ours). */
  threadCpuNsOf(tids: number[]): Float64Array;
  /** The calling thread's OS thread id. */
  osThreadId(): number;
  /** Threads whose role the addon knows (runtime/thread_registry.h). */
  registeredThreads(): { tid: number; role: 'worker' | 'native' }[];
  /** count pool tasks meeting at a barrier bounded by timeoutMs (runtime/census.h). */
  poolCensus(count: number, timeoutMs: number): Promise<{ tid: number; met: boolean }>[];
  /** One empty pool task: ns from its queueing to its start. */
  poolQueueDelay(): Promise<number>;
  /** The latest poolQueueDelay task: its queue wait when started, else its wait so far; null before any. */
  lastProbe(): { started: boolean; waitNs: number } | null;
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
