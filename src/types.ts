/**
 * Every public type of gilscope, in one place. Units live in names: `Ns` nanoseconds, `Us`
 * microseconds. Timestamps (`startNs`, `endNs`) are bigint readings of CLOCK_MONOTONIC, the clock of
 * `process.hrtime.bigint()`, so native and JS events line up.
 */

/** The kernels, each a native C++ function with a pure-TypeScript reference. */
export type KernelName = 'noop' | 'primes' | 'mandelbrot' | 'hash' | 'spin' | 'sleep' | 'mixed' | 'stream';

/** Parameters of each kernel. All are integers; ranges are in `kernels[name].params`. */
export interface KernelParams {
  noop: Record<string, never>;
  primes: { n: number };
  mandelbrot: { width: number; height: number; maxIter: number };
  hash: { bytes: number; rounds: number };
  spin: { cpuUs: number };
  sleep: { us: number };
  mixed: { computeUs: number; waitUs: number; repeats: number };
  stream: { bytes: number; passes: number };
}

/**
 * Where a task runs, and its Python counterpart.
 * - `held`: on the JS thread; the event loop stops (a C extension that keeps the GIL).
 * - `released`: on libuv's threadpool beside JS (C code between Py_BEGIN/END_ALLOW_THREADS).
 * - `gil`: on the threadpool, but compute must hold one emulated interpreter lock with CPython's
 *   switching rules; blocking phases release it (pure-Python threads).
 */
export type Mode = 'held' | 'released' | 'gil';

/** The emulated GIL's switching rules (mode `gil` only). */
export interface GilOptions {
  /** How long a waiter waits before it sets the drop request. @default 5000 (CPython's 5 ms) */
  switchIntervalUs?: number;
  /** A releaser waits until another thread has taken the lock (CPython >= 3.2). @default true */
  forcedSwitching?: boolean;
}

export interface RunOptions extends GilOptions {
  /** @default 'released' */
  mode?: Mode;
  /** Aborted before start: the kernel never runs. While running: it stops within about 1 ms. */
  signal?: AbortSignal;
}

/** What one task did, measured on the thread that ran it. */
export interface TaskReport {
  readonly kernel: KernelName;
  readonly mode: Mode;
  /** The kernel's deterministic result (see `kernels[name].result`). */
  readonly result: number;
  /** OS thread id (as in /proc/<pid>/task). */
  readonly threadId: number;
  readonly startNs: bigint;
  readonly endNs: bigint;
  /** endNs - startNs. */
  readonly wallNs: number;
  /** Submitted to started: time spent queued (0 for held tasks, which start at once). */
  readonly queueNs: number;
  /** Thread CPU clock over the task: exact. Never exceeds wallNs. */
  readonly cpuNs: number;
  /** getrusage(RUSAGE_THREAD) over the task (refreshed by the CPU clock read first). */
  readonly userUs: number;
  readonly systemUs: number;
  readonly voluntarySwitches: number;
  readonly involuntarySwitches: number;
  /** Time runnable but waiting for a CPU (schedstat); null where the OS kernel has no schedstat. */
  readonly runQueueNs: number | null;
  /** Emulated-GIL use; all 0 outside mode `gil`. */
  readonly lockWaitNs: number;
  readonly lockHoldNs: number;
  readonly lockAcquisitions: number;
  readonly dropRequests: number;
}

export interface EventLoopReport {
  /** Event-loop utilization over the run (0..1): share of time the loop was busy. */
  readonly utilization: number;
  /** How late a chain of 1 ms timers fired (p50/p99/max); null when no timer came due. */
  readonly delayP50Ns: number | null;
  readonly delayP99Ns: number | null;
  readonly delayMaxNs: number | null;
  readonly samples: number;
}

/** The process-level measurement of any piece of work (see `measure`). */
export interface Measurement {
  readonly wallNs: number;
  /** getrusage(RUSAGE_SELF) deltas: every thread of the process. */
  readonly processUserUs: number;
  readonly processSystemUs: number;
  /** CPU used by the JS thread itself (its thread CPU clock). */
  readonly jsThreadCpuNs: number;
  /** (processUserUs + processSystemUs) per wall-second: CPU-seconds per second. */
  readonly cpuPerWall: number;
  readonly cores: number;
  readonly eventLoop: EventLoopReport;
  /** The numbers read back in plain words. */
  readonly verdict: string;
}

export interface BatchOptions<K extends KernelName = KernelName> extends GilOptions {
  kernel: K;
  params: KernelParams[K];
  /** @default 'released' */
  mode?: Mode;
  /** Copies of the task started at once. @default 1 */
  tasks?: number;
  signal?: AbortSignal;
}

export interface LockReport {
  /** Share of the batch's wall time during which some task held the lock. */
  readonly heldFraction: number;
  /** Acquisitions by a task other than the previous holder. */
  readonly handoffs: number;
  readonly handoffsPerSecond: number;
  readonly dropRequests: number;
}

export interface BatchReport extends Measurement {
  readonly kernel: KernelName;
  readonly mode: Mode;
  readonly tasks: number;
  /** libuv threadpool size in force for this batch. */
  readonly poolSize: number;
  /** Sum of the tasks' CPU over wall time: how many tasks' worth of CPU ran at once on average. */
  readonly parallelism: number;
  readonly taskReports: readonly TaskReport[];
  /** Emulated-GIL totals for mode `gil`; null otherwise. */
  readonly lock: LockReport | null;
}

/** One parameter of a kernel. */
export interface ParamInfo {
  readonly type: 'integer';
  readonly min: number;
  readonly max: number;
  readonly unit: string;
  readonly description: string;
  /** A value that gives a task of a few milliseconds to a few hundred. */
  readonly example: number;
}

export interface KernelInfo {
  readonly name: KernelName;
  readonly description: string;
  /** What `result` means. */
  readonly result: string;
  readonly params: Readonly<Record<string, ParamInfo>>;
}
