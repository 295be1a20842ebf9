/**
 * The JS side of the addon's dispatcher (native/runtime/dispatch.h): released and gil tasks go to a
 * few drainers on the libuv pool, and every wake-up of this thread settles all the tasks finished
 * meanwhile through one call of `onSettled` (rows of doubles, no object per task from C++). Held
 * tasks write their record into one reused row. One dispatcher per JS environment (this module's
 * state is per environment: each worker_thread loads its own copy).
 *
 * Rows (native/bindings/record_layout.h): RECORD_FIELDS in order as doubles, except submitNs,
 * startNs and endNs, int64 read through a BigInt64Array over the same buffer; then the tag of the
 * run() or batch they belong to, the wall ns and the queue ns.
 */
import { native } from '../addon/loader.js';
import type { NativeGilOptions } from '../addon/types.js';
import { abortError } from '../errors.js';
import { KERNEL_TABLE, RECORD_FIELDS } from '../generated/layout.js';
import { atExit } from '../lifecycle.js';
import type { KernelName, Mode, TaskReport } from '../types.js';
import { poolSize } from './pool-size.js';

/** 8-byte slots per row: the record's fields, the tag, wall ns and queue ns. */
export const ROW_STRIDE = RECORD_FIELDS.length + 3;
const TAG = RECORD_FIELDS.length;
const WALL = TAG + 1;
const QUEUE = TAG + 2;
/** In the held row's tag slot: a request for runHeld / dispatchRun is written (dispatch.cc refuses a row without). */
const HELD_REQUEST = 1;
const RUN_REQUEST = 2;

const at = (f: (typeof RECORD_FIELDS)[number]): number => RECORD_FIELDS.indexOf(f);
// Each field's slot, as a constant (the report is built per task: no lookups by name).
const KERNEL = at('kernel');
const RESULT = at('result');
const FLAGS = at('flags');
const THREAD = at('threadId');
const START = at('startNs');
const END = at('endNs');
const CPU = at('cpuNs');
const USER = at('userUs');
const SYSTEM = at('systemUs');
const VOLUNTARY = at('voluntarySwitches');
const INVOLUNTARY = at('involuntarySwitches');
const RUN_QUEUE = at('runQueueNs');
const LOCK_WAIT = at('lockWaitNs');
const LOCK_HOLD = at('lockHoldNs');
const ACQUISITIONS = at('lockAcquisitions');
const DROPS = at('dropRequests');
/** This process's id (a worker_thread shares it; a child process loads this module anew). */
const PID = process.pid;
const KERNEL_IDS = new Map<string, number>(KERNEL_TABLE.map((k, i) => [k.name, i]));

/** A submission waiting to settle: a single run() (settled with its report) or a batch (with its rows). */
interface Pending {
  /** The report's mode; for a batch, null. */
  readonly mode: Mode | null;
  readonly signal: AbortSignal | undefined;
  readonly resolve: (value: never) => void;
  readonly reject: (err: unknown) => void;
  /** A batch's rows, filled by the drainers. */
  readonly rows: Float64Array | null;
}

/** This environment's dispatcher state, made on first use. */
interface State {
  readonly heldRow: Float64Array;
  readonly heldNs: BigInt64Array;
  readonly pending: Map<number, Pending>;
  lastTag: number;
}

let state: State | undefined;

function onSettled(rows: Float64Array, batchTags: Float64Array, errors: [number, number, string][] | undefined): void {
  const s = state!;
  const failed = errors ? new Map(errors.map(([tag, , message]) => [tag, message])) : undefined;
  const ns = new BigInt64Array(rows.buffer);
  for (let o = 0; o < rows.length; o += ROW_STRIDE) {
    const tag = rows[o + TAG]!;
    const p = s.pending.get(tag)!;
    s.pending.delete(tag);
    const error = failed?.get(tag);
    if (error !== undefined) p.reject(new Error(error));
    else if (p.signal && rowCancelled(rows, o)) p.reject(abortError(p.signal));
    else (p.resolve as (r: TaskReport) => void)(reportFromRow(rows, ns, o, p.mode!));
  }
  for (let i = 0; i < batchTags.length; i++) {
    const tag = batchTags[i]!;
    const p = s.pending.get(tag)!;
    s.pending.delete(tag);
    const error = failed?.get(tag);
    if (error !== undefined) p.reject(new Error(error));
    else (p.resolve as (r: Float64Array) => void)(p.rows!);
  }
}

function dispatcher(): State {
  if (state) return state;
  const heldRow = new Float64Array(ROW_STRIDE);
  const addon = native();
  if (addon.recordRowStride !== ROW_STRIDE) throw new Error('gilscope: the addon was built with another row layout');
  addon.dispatchInit(onSettled, poolSize(), heldRow);
  state = { heldRow, heldNs: new BigInt64Array(heldRow.buffer), pending: new Map(), lastTag: 0 };
  atExit(() => addon.cancelAll());
  return state;
}

/** The kernel's index in the addon's table (the name is checked before this is called). */
function kernelId(kernel: KernelName): number {
  return KERNEL_IDS.get(kernel)!;
}

/** The public report of the task in `rows` (and `ns`, the same buffer) at `o`, run in `mode`. */
export function reportFromRow(rows: Float64Array, ns: BigInt64Array, o: number, mode: Mode): TaskReport {
  const runQueueNs = rows[o + RUN_QUEUE]!;
  return {
    kernel: KERNEL_TABLE[rows[o + KERNEL]!]!.name as KernelName,
    mode,
    result: rows[o + RESULT]!,
    threadId: rows[o + THREAD]!,
    startNs: ns[o + START]!,
    endNs: ns[o + END]!,
    wallNs: rows[o + WALL]!,
    queueNs: mode === 'held' ? 0 : rows[o + QUEUE]!,
    cpuNs: rows[o + CPU]!,
    userUs: rows[o + USER]!,
    systemUs: rows[o + SYSTEM]!,
    voluntarySwitches: rows[o + VOLUNTARY]!,
    involuntarySwitches: rows[o + INVOLUNTARY]!,
    runQueueNs: runQueueNs < 0 ? null : runQueueNs,
    lockWaitNs: rows[o + LOCK_WAIT]!,
    lockHoldNs: rows[o + LOCK_HOLD]!,
    lockAcquisitions: rows[o + ACQUISITIONS]!,
    dropRequests: rows[o + DROPS]!,
    pid: PID,
  };
}

/** Whether the task in `rows` at `offset` was cancelled. */
export function rowCancelled(rows: Float64Array, o: number): boolean {
  return (rows[o + FLAGS]! & 2) !== 0;
}

/** Runs one untraced task held, on this thread. */
export function runHeldRow(kernel: KernelName, args: readonly number[]): TaskReport {
  const s = dispatcher();
  const row = s.heldRow;
  // The request goes in the row itself: the call then passes no arguments (see runHeld in dispatch.cc).
  row[0] = kernelId(kernel);
  row[1] = args[0] ?? 0;
  row[2] = args[1] ?? 0;
  row[3] = args[2] ?? 0;
  row[TAG] = HELD_REQUEST;
  native().runHeld();
  return reportFromRow(s.heldRow, s.heldNs, 0, 'held');
}

/**
 * Submits a single run() (mode given; settled with its report) or a batch of `tasks` copies (mode
 * null; settled with its rows). An abort of `signal` cancels them.
 */
function submit<T>(
  kernel: KernelName,
  args: readonly number[],
  tasks: number,
  mode: Mode | null,
  gil: NativeGilOptions | undefined,
  signal: AbortSignal | undefined,
): Promise<T> {
  const s = dispatcher();
  const addon = native();
  const tag = ++s.lastTag;
  const interval = gil ? gil.switchIntervalUs : 0;
  const forced = gil?.forcedSwitching ? 1 : 0;
  const rows = mode !== null ? null : new Float64Array(tasks * ROW_STRIDE);
  const promise = new Promise<T>((resolve, reject) => {
    s.pending.set(tag, { mode, signal, resolve: resolve as (value: never) => void, reject, rows });
  });
  const a0 = args[0] ?? 0;
  const a1 = args[1] ?? 0;
  const a2 = args[2] ?? 0;
  if (rows === null) {
    // The request goes in the held row (free between calls): the call then passes no arguments.
    const req = s.heldRow;
    req[0] = kernelId(kernel);
    req[1] = a0;
    req[2] = a1;
    req[3] = a2;
    req[4] = tag;
    req[5] = interval;
    req[6] = forced;
    req[TAG] = RUN_REQUEST;
    addon.dispatchRun();
  }
  if (rows !== null) addon.dispatchBatch(kernelId(kernel), a0, a1, a2, tasks, rows, tag, interval, forced);
  if (!signal) return promise;
  const onAbort = (): void => addon.dispatchCancel(tag);
  signal.addEventListener('abort', onAbort, { once: true });
  return promise.finally(() => signal.removeEventListener('abort', onAbort));
}

/** One released or gil task, untraced. Rejects with an AbortError when `signal` aborted it. */
export function dispatchOne(
  kernel: KernelName,
  args: readonly number[],
  mode: Mode,
  gil: NativeGilOptions | undefined,
  signal: AbortSignal | undefined,
): Promise<TaskReport> {
  return submit<TaskReport>(kernel, args, 1, mode, gil, signal);
}

/**
 * A batch's rows, all of them; the reports are built from them by `rowReports`, when asked for.
 * On abort the rows are still given (cancelled tasks flagged): the caller rejects.
 */
export function dispatchMany(
  kernel: KernelName,
  args: readonly number[],
  tasks: number,
  gil: NativeGilOptions | undefined,
  signal: AbortSignal | undefined,
): Promise<Float64Array> {
  return submit<Float64Array>(kernel, args, tasks, null, gil, signal);
}

/** Every task of a batch's rows as a report. */
export function rowReports(rows: Float64Array, mode: Mode): TaskReport[] {
  const ns = new BigInt64Array(rows.buffer, rows.byteOffset, rows.length);
  const out: TaskReport[] = new Array(rows.length / ROW_STRIDE);
  for (let i = 0, o = 0; o < rows.length; i++, o += ROW_STRIDE) out[i] = reportFromRow(rows, ns, o, mode);
  return out;
}
