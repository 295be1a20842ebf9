/**
 * Every public type of gilscope, in one place. Units live in names: `Ns` nanoseconds, `Us`
 * microseconds. Timestamps (`startNs`, `endNs`) are bigint readings of CLOCK_MONOTONIC, the clock of
 * `process.hrtime.bigint()`, so native and JS events line up.
 */

import type { EVENT_KINDS, HAZARD_TABLE, KERNEL_TABLE } from './generated/layout.js';

type KernelEntry = (typeof KERNEL_TABLE)[number];

/**
 * The kernels, each a native C++ function with a pure-TypeScript reference: 'noop', 'primes',
 * 'mandelbrot', 'hash', 'spin', 'sleep', 'mixed', 'stream' (the addon's kernel table is the source).
 */
export type KernelName = KernelEntry['name'];

/**
 * Parameters of each kernel, all integers; ranges are in `kernels[name].params`. E.g.
 * `KernelParams['mixed']` is `{ computeUs: number; waitUs: number; repeats: number }`; 'noop' takes none.
 */
export type KernelParams = {
  [K in KernelName]: [Extract<KernelEntry, { name: K }>['params'][number]] extends [never]
    ? Record<string, never>
    : { [P in Extract<KernelEntry, { name: K }>['params'][number]['name']]: number };
};

/**
 * Where a task runs, and its Python counterpart.
 * - `held`: on the JS thread; the event loop stops (a C extension that keeps the GIL).
 * - `released`: on libuv's threadpool beside JS (C code between Py_BEGIN/END_ALLOW_THREADS).
 * - `gil`: on the threadpool, but compute must hold one emulated interpreter lock with CPython's
 *   switching rules; blocking phases release it (pure-Python threads).
 * - `worker`: in worker_threads, each its own V8 isolate running the kernel held on its own thread
 *   (sub-interpreters with their own GIL).
 * - `process`: in child processes (multiprocessing / ProcessPoolExecutor).
 * - `native`: raw std::threads started by the addon for the batch: the hardware's own limit.
 */
export type Mode = 'held' | 'released' | 'gil' | 'worker' | 'process' | 'native';

/** The emulated GIL's switching rules (mode `gil` only). */
export interface GilOptions {
  /** How long a waiter waits before it sets the drop request. @default 5000 (CPython's 5 ms) */
  switchIntervalUs?: number;
  /** A releaser waits until another thread has taken the lock (CPython >= 3.2). @default true */
  forcedSwitching?: boolean;
}

/** Event recording for timelines (off unless asked for). */
export interface TraceOptions {
  /** Record each task's events (and the JS thread's timer probe). @default false */
  trace?: boolean;
  /** Most events one task records; more are counted as dropped. 16..1,048,576. @default 65536 */
  traceCapacity?: number;
}

export interface RunOptions extends GilOptions, TraceOptions {
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
  /** Process that ran the task (differs from this process in mode 'process'). */
  readonly pid: number;
  /** The task's own timeline, when tracing was asked for. */
  readonly trace?: TaskTrace;
}

/** What a task recorded on its own thread (CLOCK_MONOTONIC), when tracing. */
export interface TaskTrace {
  readonly events: readonly TraceEvent[];
  /** Events that did not fit the task's buffer (`traceCapacity`) and were dropped. */
  readonly dropped: number;
}

/**
 * What a thread recorded: 'task-start', 'task-end', 'lock-wait-start', 'lock-acquired',
 * 'lock-released', 'drop-request-set', 'drop-request-seen', 'block-start', 'block-end',
 * 'lock-wait-cancelled' (EVENT_KINDS, from the addon's own table).
 */
export type TraceEventKind = (typeof EVENT_KINDS)[number];

export interface TraceEvent {
  readonly ns: bigint;
  readonly kind: TraceEventKind;
}

/** A state a timeline row can be in (SPAN_KINDS in timeline/kinds.ts gives each its depth and name). */
export type SpanKind = 'task' | 'lock-wait' | 'lock-held' | 'blocked' | 'timer-delay';

/** A moment on a timeline row: a waiter set the drop request; the holder saw it. */
export type InstantKind = 'drop-request-set' | 'drop-request-seen';

/** Which kind of thread a timeline row is. */
export type ThreadRole = 'js' | 'pool' | 'worker' | 'process' | 'native';

/** A state a thread was in, from startNs to endNs. Spans of one thread nest properly. */
export interface TimelineSpan {
  readonly kind: SpanKind;
  readonly startNs: bigint;
  readonly endNs: bigint;
  /** Index of the task in the batch (-1 for the probes). */
  readonly task: number;
  /** True when the closing event was dropped and the span was closed at the task's end. */
  readonly truncated?: boolean;
}

export interface TimelineInstant {
  readonly kind: InstantKind;
  readonly ns: bigint;
  readonly task: number;
}

export interface TimelineThread {
  readonly pid: number;
  readonly tid: number;
  readonly role: ThreadRole;
  readonly name: string;
  readonly spans: readonly TimelineSpan[];
  readonly instants: readonly TimelineInstant[];
}

/** The emulated lock passing from one task to another. */
export interface Handoff {
  readonly fromTid: number;
  readonly toTid: number;
  readonly releasedNs: bigint;
  readonly acquiredNs: bigint;
}

export interface Timeline {
  readonly startNs: bigint;
  readonly endNs: bigint;
  readonly threads: readonly TimelineThread[];
  readonly handoffs: readonly Handoff[];
  /** Events dropped because a buffer was full, summed over all threads. Never silently lost. */
  readonly droppedEvents: number;
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

/** Where the mean task's time went (see `wallBreakdown`). */
/** The OS's own parts (cpu + runQueue) fit within each task's wall time, within tolerance. */
export interface BreakdownCheck {
  readonly ok: boolean;
  /** Sum of the five parts over queue + wall (1 when they add up). */
  readonly sumOverTotal: number;
  /** Largest share of a task's wall time by which cpu + runQueue exceeded it (0 when none did). */
  readonly worstOvershoot: number;
  /** Tasks whose cpu + runQueue exceeded their wall time by more than the tolerance. */
  readonly tasksOver: number;
  readonly tasks: number;
  /** False where the OS gave no run-queue figure (counted as 0). */
  readonly runQueueMeasured: boolean;
}

/** The mean task's time, part by part (ns). cpu + runQueue + lockWait + blocked = taskWall. */
export interface Breakdown {
  readonly cpuNs: number;
  readonly runQueueNs: number;
  readonly lockWaitNs: number;
  /** Lock wait spent runnable after the wake-up (already in runQueueNs; not a part of the sum). */
  readonly lockWakeNs: number;
  readonly blockedNs: number;
  readonly queueNs: number;
  /** Mean task wall time (end - start). */
  readonly taskWallNs: number;
  /** queue + task wall: the time from submission to completion. */
  readonly totalNs: number;
  readonly check: BreakdownCheck;
}

// ---- Readings (see `readAccount`) --------------------------------------------------------------

/** The figures of one task a reading uses (every TaskReport has them; other fields are ignored). */
export interface ReadingTask {
  readonly mode: Mode;
  readonly cpuNs: number;
  readonly runQueueNs: number | null;
  readonly lockWaitNs: number;
  readonly queueNs: number;
  readonly wallNs: number;
}

/** CPU per thread role, where the threads were told apart (measure, time). */
export interface RoleAccount {
  readonly role: ThreadRole | 'other';
  readonly threads: number;
  readonly cpuNs: number;
  /** Of its threads, those on a CPU at least half the wall time (where known). */
  readonly busy?: number;
}

/** Everything a reading may rest on; only wallNs, cores and processCpuNs are required. */
export interface Account {
  readonly wallNs: number;
  readonly cores: number;
  /** CPU of the whole process over the same time (RUSAGE_SELF, plus hosted children's own). */
  readonly processCpuNs: number;
  /** The JS thread's own CPU over the time (it ran the held tasks). */
  readonly jsThreadCpuNs?: number;
  /** The batch's tasks, each measured on the thread that ran it; `held` tasks ran on the JS thread. */
  readonly tasks?: readonly ReadingTask[];
  readonly mode?: Mode;
  /** Threads (or hosts) that served the tasks. */
  readonly poolSize?: number;
  /** Mode 'gil': the share of the wall time during which some task held the lock. */
  readonly lockHeldFraction?: number | null;
  /** Throughput over the same work at tasks = 1 (the bench measures it). */
  readonly speedup?: { readonly value: number; readonly tasks: number } | null;
  /** CPU per thread role, when the threads were told apart. */
  readonly roles?: readonly RoleAccount[];
  /** With roles: what the pool census knew (a partial census leaves pool threads under 'other'). */
  readonly poolRoll?: PoolRoll;
  /**
   * Without tasks (a timed command): the run-queue wait summed over the process's threads, for the
   * share of its demand (CPU + that wait, at least the wall time) spent without a core; null where
   * the OS has no schedstat.
   */
  readonly runQueueNs?: number | null;
}

export type ReadingKind =
  'no-reading' | 'pool-bound' | 'lock-bound' | 'oversubscribed' | 'not-cpu-limited' | 'waiting' | 'cpu-bound';

export type FindingKind =
  | ReadingKind
  | 'time-split'
  | 'lock-near-limit'
  | 'demand-understated'
  | 'queue'
  | 'pool-cap'
  | 'speedup'
  | 'roles'
  | 'pool-partial'
  | 'rest-of-process';

export interface Finding {
  readonly kind: FindingKind;
  /** The finding in words, its figures in it. */
  readonly text: string;
  /** The figures it rests on (shares 0..1, CPU-s per s, counts). */
  readonly figures: Readonly<Record<string, number>>;
  /** What would help, or null. */
  readonly help: string | null;
}

export interface Reading {
  /** The primary finding's kind. */
  readonly kind: ReadingKind;
  /** The primary finding's text, then the secondary ones', in one line. */
  readonly sentence: string;
  /** The primary finding first, then the secondary ones. */
  readonly findings: readonly Finding[];
}

/**
 * A thread's role in `measure`'s attribution: `js` the thread that called `measure`; `pool` libuv's
 * threadpool (learned by the pool census); `worker` the JS thread of a worker_thread that loaded
 * gilscope; `native` a thread gilscope started itself (mode 'native'); `other` the rest (V8's
 * platform threads for GC and compilation, the inspector and signal threads, other addons').
 */
export type ObservedRole = 'js' | 'pool' | 'worker' | 'native' | 'other';

/** One thread alive at the end of a measurement, over the measured time. */
export interface ThreadCpu {
  readonly tid: number;
  readonly role: ObservedRole;
  /** Its OS name (comm), e.g. 'node', 'V8Worker'; '' when it could not be read. */
  readonly name: string;
  /** CPU time over the measured time, from the thread's own CPU clock (exact, not sampled). */
  readonly cpuNs: number;
  /** Run-queue wait over the measured time (schedstat field 2); null without schedstat. */
  readonly runQueueNs: number | null;
  /** The thread started inside the measured time (its whole CPU time counts). */
  readonly startedInside: boolean;
}

/** The totals of one role. */
export interface RoleCpu {
  readonly role: ObservedRole;
  readonly threads: number;
  readonly cpuNs: number;
  /** null when any of its threads had no schedstat. */
  readonly runQueueNs: number | null;
}

/** What the pool census knew of libuv's threadpool when the measurement ended. */
export interface PoolRoll {
  /** The pool size libuv uses in this process (see `poolSize`). */
  readonly size: number;
  /** Pool threads known by tid: `size` when the census was complete. */
  readonly known: number;
  /**
   * false when the census timed out (the pool was busy: fewer of its tiny tasks met in time); the
   * pool threads it did not reach then count as `other`.
   */
  readonly complete: boolean;
}

/**
 * CPU per thread of the process over a measurement. The figures never go negative; a thread or a
 * /proc file that vanishes is left out (its CPU is then part of unaccountedCpuNs), never a throw.
 */
export interface ThreadAttribution {
  /** Every thread alive at the end, most CPU first. */
  readonly threads: readonly ThreadCpu[];
  /** The totals per role, in the order js, pool, worker, native, other (roles without threads left out). */
  readonly byRole: readonly RoleCpu[];
  /**
   * The process's RUSAGE_SELF delta beyond the threads alive at the end: the CPU of threads that
   * ended inside the measured time. Clamped at 0 (see unaccountedClamped).
   */
  readonly unaccountedCpuNs: number;
  /**
   * The exact per-thread sum exceeded RUSAGE_SELF's delta by excessCpuNs and the remainder was
   * clamped at 0. RUSAGE_SELF can lag by up to a scheduler tick (4 ms at HZ=250) per running thread.
   */
  readonly unaccountedClamped: boolean;
  readonly excessCpuNs: number;
  /** Threads alive at the start and gone at the end. */
  readonly endedThreads: number;
  readonly pool: PoolRoll;
}

/**
 * How long tiny released tasks waited for a libuv pool thread while the work ran (the pool
 * probe): one at a time, probeIntervalMs apart. A task still waiting when the work settled counts
 * with its wait so far (censored: 1), so a pool full for the whole time is not lost.
 */
export interface PoolQueueDelay extends LatencyStats {
  readonly censored: number;
  readonly intervalMs: number;
}

/** Options of `measure`. */
export interface MeasureOptions {
  /** Probe the pool's queue wait while fn runs (see PoolQueueDelay). @default true */
  readonly poolProbe?: boolean;
  /** Pause between one probe task's start and the next one's submission, ms, 1..10000. @default 5 */
  readonly probeIntervalMs?: number;
  /** The pool census's hard time bound, ms, 1..60000. @default 1000 */
  readonly censusTimeoutMs?: number;
}

/** The process-level measurement of any piece of work (see `measure`). */
export interface Measurement {
  readonly wallNs: number;
  /**
   * getrusage(RUSAGE_SELF) deltas: every thread of the process. For a batch in mode 'process' the
   * child processes' own RUSAGE_SELF over their tasks is added (the parent cannot see it otherwise).
   */
  readonly processUserUs: number;
  readonly processSystemUs: number;
  /** CPU used by the JS thread itself (its thread CPU clock). */
  readonly jsThreadCpuNs: number;
  /** (processUserUs + processSystemUs) per wall-second: CPU-seconds per second. */
  readonly cpuPerWall: number;
  readonly cores: number;
  readonly eventLoop: EventLoopReport;
  /** The numbers read back in plain words: `reading.sentence`. */
  readonly verdict: string;
  /** The reading behind the verdict: its kind, and each finding with its figures. */
  readonly reading: Reading;
  /**
   * CPU per thread and role, where the meter read every thread: `measure`, and `batch` (for a
   * batch it sets the tasks' sums beside the JS thread, the pool and the rest of the process: GC,
   * compilation, other threads). A batch run in a child process (another pool size) reports the
   * child's threads.
   */
  readonly attribution?: ThreadAttribution;
}

/** What `measure` returns: the measurement, every thread's CPU, the pool's queue wait, fn's value. */
export interface MeasureReport<T> extends Measurement {
  readonly attribution: ThreadAttribution;
  /** null when the probe was off (poolProbe: false). */
  readonly poolQueueDelay: PoolQueueDelay | null;
  readonly value: T;
}

export interface BatchOptions<K extends KernelName = KernelName> extends GilOptions, TraceOptions {
  kernel: K;
  params: KernelParams[K];
  /** @default 'released' */
  mode?: Mode;
  /** Copies of the task started at once. @default 1 */
  tasks?: number;
  /**
   * Threads that serve the batch: the libuv pool size for `released` and `gil` (a size other than
   * this process's runs the batch in a fresh child process with UV_THREADPOOL_SIZE set), the pool
   * size for `worker` and `process`. Ignored by `held` (always 1) and `native` (one thread per task).
   * Accepted 1..1024. @default the current libuv pool size for released/gil; `tasks` for worker/process
   */
  threads?: number;
  /** Mode `gil`: run the convoy probe beside the batch (see ProbeReport.convoy). @default true */
  convoyProbe?: boolean;
  signal?: AbortSignal;
}

/** Latency percentiles of a probe; null when it took no sample. */
export interface LatencyStats {
  readonly samples: number;
  readonly p50Ns: number | null;
  readonly p99Ns: number | null;
  readonly maxNs: number | null;
}

/** Responsiveness of a lock-needing probe beside a batch (the JS thread's is in `eventLoop`). */
export interface ProbeReport {
  /**
   * Mode `gil` only (else null): a short task that needs the lock for a moment and then waits, over
   * and over (the I/O thread of Beazley's convoy-effect experiment): the latency of each round.
   */
  readonly convoy: LatencyStats | null;
}

/** Creation cost of one unit of parallelism. */
export interface StartupCost {
  /** Median time from asking for it to its first instruction of work (ns), and every sample. */
  readonly createNsMedian: number;
  readonly createNs: readonly number[];
  /** Median growth of resident memory (bytes) that one more of it costs. */
  readonly rssBytesMedian: number;
}

export interface StartupCostOptions {
  /** Measurements of each kind (1..50). @default 5 */
  samples?: number;
  /** Stops between samples: the promise rejects with an AbortError. */
  signal?: AbortSignal;
}

export interface StartupCostReport {
  readonly samples: number;
  readonly thread: StartupCost;
  readonly worker: StartupCost;
  readonly process: StartupCost;
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
  /** Threads serving the batch, as in force: the libuv pool size (held: 1, native: tasks). */
  readonly poolSize: number;
  /** Under the GIL, the responsiveness of a lock-needing probe task (the JS thread's: `eventLoop`). */
  readonly probe: ProbeReport;
  /** Sum of the tasks' CPU over wall time: how many tasks' worth of CPU ran at once on average. */
  readonly parallelism: number;
  readonly taskReports: readonly TaskReport[];
  /** Emulated-GIL totals for mode `gil`; null otherwise. */
  readonly lock: LockReport | null;
  /** Every thread's spans when the batch was traced (`trace: true`); null otherwise. */
  readonly timeline: Timeline | null;
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

// ---- Concurrency hazards (see `hazards`) -------------------------------------------------------

/**
 * How `hazards.race` increments its shared counter.
 * - `racy`: load, then store load + 1, as two separate atomic operations: a real lost-update race
 *   (with no undefined behaviour in C++).
 * - `mutex`: `++` under one lock. `atomic`: one fetch-and-add.
 * - `sharded`: each thread its own counter (on its own cache line), summed at the end.
 */
export type RaceStrategy = (typeof HAZARD_TABLE.raceStrategies)[number];

export interface RaceOptions {
  /** Threads incrementing at once (1..64). @default os.availableParallelism(), at least 2 */
  threads?: number;
  /** Increments per thread (1..1e8). @default 10_000_000 (a few ms per thread) */
  increments?: number;
  /** @default 'racy' */
  strategy?: RaceStrategy;
  /** Hard bound: threads stop this long after they started (1..10000). @default 10000 */
  timeLimitMs?: number;
}

export interface RaceReport {
  readonly strategy: RaceStrategy;
  readonly threads: number;
  readonly incrementsPerThread: number;
  readonly timeLimitMs: number;
  /** Increments performed, all threads together: threads x incrementsPerThread unless stoppedEarly. */
  readonly expected: number;
  /** The counter's final value. Never above expected; equal to it for every strategy but `racy`. */
  readonly actual: number;
  /** expected - actual: increments overwritten by another thread's store. */
  readonly lostUpdates: number;
  /** wallNs / expected: wall time per increment, all threads together (measured). */
  readonly nsPerIncrement: number;
  /** From the threads' common start to the last one done. */
  readonly wallNs: number;
  /** The time limit came before every thread finished its increments. */
  readonly stoppedEarly: boolean;
}

/** `opposite`: T1 takes L1 then L2, T2 takes L2 then L1. `global`: both take L1 then L2. */
export type LockOrdering = (typeof HAZARD_TABLE.lockOrderings)[number];
export type HazardThreadName = 'T1' | 'T2';
export type HazardLockName = 'L1' | 'L2';

export interface DeadlockOptions {
  /** Hard bound on the whole experiment: every wait ends by then (1..10000). @default 1000 */
  timeoutMs?: number;
  /** @default 'opposite' */
  ordering?: LockOrdering;
}

/** One thread in the wait-for graph. */
export interface WaitForEdge {
  readonly thread: HazardThreadName;
  readonly holds: readonly HazardLockName[];
  readonly waitsFor: HazardLockName | null;
}

export interface DeadlockThreadReport {
  readonly thread: HazardThreadName;
  /** OS thread id (as in /proc/<pid>/task). */
  readonly osThreadId: number;
  readonly lockOrder: readonly HazardLockName[];
  /** Held both locks and ran its critical section. */
  readonly completed: boolean;
  /** Was the victim: released its lock to break the cycle, then retried. */
  readonly backedOut: boolean;
  /** Its longest single wait for one lock. */
  readonly longestWaitNs: number;
}

export interface DeadlockReport {
  readonly ordering: LockOrdering;
  readonly timeoutMs: number;
  /** A cycle was found in the wait-for graph: each thread waited for a lock the other held. */
  readonly deadlocked: boolean;
  /** From the threads' common start to the cycle's detection; null when not deadlocked. */
  readonly detectedAfterNs: number | null;
  /** The wait-for graph at detection (who holds what, who waits for what); empty when none. */
  readonly cycle: readonly WaitForEdge[];
  /** The thread that backed out to break the cycle. */
  readonly victim: HazardThreadName | null;
  /** Deadlocked, and both threads still completed after the victim backed out. */
  readonly recovered: boolean;
  /** Some wait reached timeoutMs and gave up (its thread released what it held). */
  readonly timedOut: boolean;
  readonly threads: readonly DeadlockThreadReport[];
  readonly wallNs: number;
}

/** `unfair`: a plain mutex (whoever grabs it first wins). `fair`: a FIFO ticket lock. */
export type StarvationLock = (typeof HAZARD_TABLE.starvationLocks)[number];

export interface StarvationOptions {
  /** Threads contending (1..64). @default 8 */
  threads?: number;
  /** How long they contend (1..10000). @default 200 */
  durationMs?: number;
  /** @default 'unfair' */
  lock?: StarvationLock;
}

/** Per-thread figures cover contended acquisitions: requested while another thread held or wanted the lock. */
export interface StarvationThreadReport {
  readonly acquisitions: number;
  /** Its longest single wait, request to acquisition. */
  readonly longestWaitNs: number;
  /** Mean wait per acquisition; null when it never acquired. */
  readonly meanWaitNs: number | null;
}

export interface StarvationReport {
  readonly lock: StarvationLock;
  readonly threads: number;
  readonly durationMs: number;
  /** Every acquisition, read from a counter kept under the lock. */
  readonly totalAcquisitions: number;
  /**
   * Requested while no other thread held or wanted the lock (nobody to be unfair to: e.g. a thread
   * the OS ran alone); left out of the per-thread figures.
   * Invariant: sum(acquisitionsPerThread) + uncontendedAcquisitions = totalAcquisitions.
   */
  readonly uncontendedAcquisitions: number;
  /** Contended acquisitions per thread. */
  readonly acquisitionsPerThread: readonly number[];
  readonly perThread: readonly StarvationThreadReport[];
  /** The longest any thread waited for the lock. */
  readonly longestWaitNs: number;
  /** Jain's index of acquisitionsPerThread: 1 all equal, 1/threads one took all; null when none. */
  readonly fairnessIndex: number | null;
  readonly wallNs: number;
}

/** After stepping back: `lockstep` retries at the next slot, `random` 1 to 4 slots later. */
export type Backoff = (typeof HAZARD_TABLE.backoffs)[number];

export interface LivelockOptions {
  /** How long the two threads try (1..10000). @default 200 */
  durationMs?: number;
  /** @default 'lockstep' */
  backoff?: Backoff;
}

export interface LivelockThreadReport {
  readonly attempts: number;
  readonly progress: number;
  readonly backoffs: number;
}

export interface LivelockReport {
  readonly backoff: Backoff;
  readonly durationMs: number;
  /** Times a thread stepped in. */
  readonly attempts: number;
  /** Operations completed (a thread got through). */
  readonly progress: number;
  /** Times a thread saw the other and stepped back. attempts = progress + backoffs. */
  readonly backoffs: number;
  /** progress / attempts; null when nobody attempted. */
  readonly progressPerAttempt: number | null;
  readonly threads: readonly LivelockThreadReport[];
  /** Times both were through at once: 0 (politeness keeps mutual exclusion). */
  readonly exclusionViolations: number;
  /** The shared retry clock's slot, and how long a thread stays stepped in. */
  readonly slotNs: number;
  readonly windowNs: number;
  readonly wallNs: number;
}

export interface HazardSuiteOptions {
  /** Threads for race and starvation. @default race: 2; starvation: 8 */
  threads?: number;
  /** Increments per thread for race (each race run is also cut at 2 s). @default 10_000_000 */
  increments?: number;
  /** Duration of starvation and livelock. @default 100 */
  durationMs?: number;
  /** Deadlock's bound. @default 1000 */
  timeoutMs?: number;
}

/** Each hazard next to its remedy, run one after another. */
export interface HazardSuiteReport {
  readonly race: Readonly<Record<RaceStrategy, RaceReport>>;
  readonly deadlock: Readonly<Record<LockOrdering, DeadlockReport>>;
  readonly starvation: Readonly<Record<StarvationLock, StarvationReport>>;
  readonly livelock: Readonly<Record<Backoff, LivelockReport>>;
}

// ---- `gilscope time` (see `timeCommand`) -------------------------------------------------------

/** Options of `timeCommand` (the `gilscope time` command). */
export interface TimeOptions {
  /** How often the command's threads are read from /proc, in milliseconds. @default 20 */
  intervalMs?: number;
  /** The command's stdin, stdout and stderr: this process's own, or /dev/null. @default 'inherit' */
  stdio?: 'inherit' | 'ignore';
  /** The command's environment. @default process.env */
  env?: NodeJS.ProcessEnv;
}

/**
 * A thread's role in a timed Node process (learned by gilscope's preload): its JS thread, libuv's
 * pool, a worker_thread's JS thread, or `other` (V8's platform threads, the inspector, addons').
 */
export type TimeRole = 'js' | 'pool' | 'worker' | 'other';

/** One thread of the command or of a process it started, as last seen by the sampler. */
export interface ThreadReport {
  /** Process id (the thread group) and OS thread id, as in /proc/<pid>/task/<tid>. */
  readonly pid: number;
  readonly tid: number;
  /** The thread's name (comm, at most 15 characters) at its last sample. */
  readonly name: string;
  /** On-CPU time up to its last sample (schedstat; stat's 10 ms ticks where schedstat is absent). */
  readonly cpuNs: number;
  /** Time runnable but waiting for a core, up to its last sample; null without schedstat. */
  readonly runQueueNs: number | null;
  /** cpuNs over the command's user + sys time (0..1). */
  readonly share: number;
  /** How many samples saw it. */
  readonly samples: number;
  /** Its role, in a Node process that gilscope's preload reported on; absent otherwise. */
  readonly role?: TimeRole;
}

/** What the Node preload of `gilscope time` told, and what it cost (see TimeReport.node). */
export interface NodePreloadReport {
  /** Node processes whose preload reported. */
  readonly processes: number;
  /** Of those, the ones whose libuv pool had started (and was found). */
  readonly poolsFound: number;
  /** The preload's own code on the JS threads, wall time summed (an upper bound of its CPU). */
  readonly preloadCostNs: number;
  /** CPU per role over the threads with a role. */
  readonly byRole: readonly { readonly role: TimeRole; readonly threads: number; readonly cpuNs: number }[];
}

/** How the per-thread table was gathered, and how much of the CPU it accounts for. */
export interface SamplingReport {
  readonly intervalMs: number;
  readonly samples: number;
  /** Distinct processes and threads seen (the command and its descendants). */
  readonly processes: number;
  readonly threads: number;
  /** Sum of the table's cpuNs. */
  readonly accountedCpuNs: number;
  /** accountedCpuNs over user + sys (0..1): what the table explains. */
  readonly accountedShare: number;
  /** Mean CPU time one sample cost gilscope's own thread (not charged to the command). */
  readonly meanSampleCpuNs: number;
  /** Whether CPU and run-queue wait came from schedstat (ns) or stat (10 ms ticks). */
  readonly source: 'schedstat' | 'stat';
}

/**
 * What `gilscope time` reports for one command. real, user, sys, max RSS, faults and context
 * switches are what wait4() returned for the finished command, its waited-for descendants included
 * (the accounting of /usr/bin/time); real runs from the fork to wait4's return on CLOCK_MONOTONIC.
 * The thread table is sampled from /proc meanwhile.
 */
export interface TimeReport {
  /** The command and its arguments. */
  readonly command: readonly string[];
  readonly pid: number;
  /** The command's exit code, or null when a signal ended it. */
  readonly exitCode: number | null;
  /** The signal that ended it (e.g. 'SIGTERM'), or null. */
  readonly signal: string | null;
  /** What a shell would report: exitCode, or 128 + the signal's number. */
  readonly status: number;
  readonly realNs: number;
  readonly userUs: number;
  readonly systemUs: number;
  /** (userUs + systemUs) per second of real: CPU-seconds per second. */
  readonly cpuPerWall: number;
  readonly cores: number;
  /** Peak resident set of the command or of a descendant it waited for, in KiB. */
  readonly maxRssKb: number;
  readonly voluntarySwitches: number;
  readonly involuntarySwitches: number;
  readonly minorFaults: number;
  readonly majorFaults: number;
  /** The numbers read back in plain words: `reading.sentence`. */
  readonly verdict: string;
  /** The reading behind the verdict (see `readAccount`). */
  readonly reading: Reading;
  /** Which threads did the work, in plain words. */
  readonly threadsVerdict: string;
  /** Run-queue wait summed over the table's threads (sampled); null without schedstat. */
  readonly runQueueNs: number | null;
  /**
   * When that wait exceeds a tenth of real: CPU-s per s understates what the command asked for
   * (it was runnable without a core), said in words with CPU plus wait per second. Else null.
   */
  readonly contention: string | null;
  /** Threads by CPU, highest first. */
  readonly threads: readonly ThreadReport[];
  readonly sampling: SamplingReport;
  /** When the command was Node (see `gilscope time`): its threads' roles; null otherwise. */
  readonly node: NodePreloadReport | null;
}
