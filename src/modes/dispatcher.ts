/**
 * The JS side of the addon's dispatcher (native/runtime/dispatch.h): released and gil tasks go to a
 * few drainers on the libuv pool, and every wake-up of this thread settles all the tasks finished
 * meanwhile through one call of `onSettled` (rows of doubles, no object per task from C++). Held
 * tasks write their record into one reused row. One dispatcher per JS environment (this module's
 * state is per environment: each worker_thread loads its own copy).
 *
 * Rows: RECORD_FIELDS in order as doubles (submitNs, startNs and endNs counted from the addon's
 * epoch, which a double holds exactly), then the tag of the run() or batch they belong to.
 */
import { native } from '../addon/loader.js';
import type { NativeGilOptions } from '../addon/types.js';
import { abortError } from '../errors.js';
import { KERNEL_TABLE, RECORD_FIELDS } from '../generated/layout.js';
import { atExit } from '../lifecycle.js';
import type { KernelName, Mode, TaskReport } from '../types.js';
import { poolSize } from './pool-size.js';

/** Doubles per row: the record's fields and the tag. */
export const ROW_STRIDE = RECORD_FIELDS.length + 1;

const F = Object.fromEntries(RECORD_FIELDS.map((f, i) => [f, i])) as Record<(typeof RECORD_FIELDS)[number], number>;
const KERNEL_IDS = new Map<string, number>(KERNEL_TABLE.map((k, i) => [k.name, i]));

interface Pending {
  resolve(rows: Float64Array, offset: number): void;
  reject(err: unknown): void;
}

/** This environment's dispatcher state, made on first use. */
interface State {
  readonly epochNs: bigint;
  readonly heldRow: Float64Array;
  readonly pending: Map<number, Pending>;
  /** Batches in flight: their rows, filled by the drainers. */
  readonly batchRows: Map<number, Float64Array>;
  lastTag: number;
}

let state: State | undefined;

function onSettled(rows: Float64Array, batchTags: Float64Array, errors: [number, number, string][] | undefined): void {
  const s = state!;
  const failed = errors ? new Map(errors.map(([tag, index, message]) => [tag, { index, message }])) : undefined;
  for (let o = 0; o < rows.length; o += ROW_STRIDE) settleOne(s, rows[o + ROW_STRIDE - 1]!, rows, o, failed);
  for (let i = 0; i < batchTags.length; i++) {
    const tag = batchTags[i]!;
    settleOne(s, tag, s.batchRows.get(tag)!, 0, failed);
    s.batchRows.delete(tag);
  }
}

function settleOne(
  s: State,
  tag: number,
  rows: Float64Array,
  offset: number,
  failed: Map<number, { index: number; message: string }> | undefined,
): void {
  const p = s.pending.get(tag)!;
  s.pending.delete(tag);
  const error = failed?.get(tag);
  if (error) p.reject(new Error(error.message));
  else p.resolve(rows, offset);
}

function dispatcher(): State {
  if (state) return state;
  const heldRow = new Float64Array(ROW_STRIDE);
  const addon = native();
  const epochNs = addon.dispatchInit(onSettled, poolSize(), heldRow);
  state = { epochNs, heldRow, pending: new Map(), batchRows: new Map(), lastTag: 0 };
  atExit(() => addon.cancelAll());
  return state;
}

/** The kernel's index in the addon's table (the name is checked before this is called). */
function kernelId(kernel: KernelName): number {
  return KERNEL_IDS.get(kernel)!;
}

/** The public report of the task in `rows` at `offset`, run in `mode`. */
export function reportFromRow(rows: Float64Array, o: number, mode: Mode, epochNs: bigint): TaskReport {
  const startNs = epochNs + BigInt(rows[o + F.startNs]!);
  const endNs = epochNs + BigInt(rows[o + F.endNs]!);
  const runQueueNs = rows[o + F.runQueueNs]!;
  return {
    kernel: KERNEL_TABLE[rows[o + F.kernel]!]!.name as KernelName,
    mode,
    result: rows[o + F.result]!,
    threadId: rows[o + F.threadId]!,
    startNs,
    endNs,
    wallNs: rows[o + F.endNs]! - rows[o + F.startNs]!,
    queueNs: mode === 'held' ? 0 : rows[o + F.startNs]! - rows[o + F.submitNs]!,
    cpuNs: rows[o + F.cpuNs]!,
    userUs: rows[o + F.userUs]!,
    systemUs: rows[o + F.systemUs]!,
    voluntarySwitches: rows[o + F.voluntarySwitches]!,
    involuntarySwitches: rows[o + F.involuntarySwitches]!,
    runQueueNs: runQueueNs < 0 ? null : runQueueNs,
    lockWaitNs: rows[o + F.lockWaitNs]!,
    lockHoldNs: rows[o + F.lockHoldNs]!,
    lockAcquisitions: rows[o + F.lockAcquisitions]!,
    dropRequests: rows[o + F.dropRequests]!,
    pid: process.pid,
  };
}

/** Whether the task in `rows` at `offset` was cancelled. */
export function rowCancelled(rows: Float64Array, o: number): boolean {
  return (rows[o + F.flags]! & 2) !== 0;
}

/** Runs one untraced task held, on this thread. */
export function runHeldRow(kernel: KernelName, args: readonly number[]): TaskReport {
  const s = dispatcher();
  native().runHeld(kernelId(kernel), args[0] ?? 0, args[1] ?? 0, args[2] ?? 0);
  return reportFromRow(s.heldRow, 0, 'held', s.epochNs);
}

/** Submits `tasks` copies (1: a single run()) and settles with their rows; an abort of signal cancels them. */
function submit(
  kernel: KernelName,
  args: readonly number[],
  tasks: number,
  gil: NativeGilOptions | undefined,
  signal: AbortSignal | undefined,
): Promise<Float64Array | [Float64Array, number]> {
  const s = dispatcher();
  const addon = native();
  const tag = ++s.lastTag;
  const interval = gil ? gil.switchIntervalUs : 0;
  const forced = gil?.forcedSwitching ? 1 : 0;
  const promise = new Promise<[Float64Array, number]>((resolve, reject) => {
    s.pending.set(tag, { resolve: (rows, offset) => resolve([rows, offset]), reject });
  });
  const [a0 = 0, a1 = 0, a2 = 0] = args;
  if (tasks === 1) {
    addon.dispatchRun(kernelId(kernel), a0, a1, a2, tag, interval, forced);
  } else {
    const rows = new Float64Array(tasks * ROW_STRIDE);
    s.batchRows.set(tag, rows);
    addon.dispatchBatch(kernelId(kernel), a0, a1, a2, tasks, rows, tag, interval, forced);
  }
  if (!signal) return promise;
  const onAbort = (): void => addon.dispatchCancel(tag);
  signal.addEventListener('abort', onAbort, { once: true });
  const off = (): void => signal.removeEventListener('abort', onAbort);
  return promise.finally(off);
}

/** One released or gil task, untraced. Rejects with an AbortError when `signal` aborted it. */
export async function dispatchOne(
  kernel: KernelName,
  args: readonly number[],
  mode: Mode,
  gil: NativeGilOptions | undefined,
  signal: AbortSignal | undefined,
): Promise<TaskReport> {
  const [rows, offset] = (await submit(kernel, args, 1, gil, signal)) as [Float64Array, number];
  if (signal && rowCancelled(rows, offset)) throw abortError(signal);
  return reportFromRow(rows, offset, mode, state!.epochNs);
}

/** A batch's rows, all of them; the reports are built from them by `rowReports`, when asked for. */
export async function dispatchMany(
  kernel: KernelName,
  args: readonly number[],
  tasks: number,
  gil: NativeGilOptions | undefined,
  signal: AbortSignal | undefined,
): Promise<Float64Array> {
  const [rows] = (await submit(kernel, args, tasks, gil, signal)) as [Float64Array, number];
  return rows;
}

/** Every task of a batch's rows as a report. */
export function rowReports(rows: Float64Array, mode: Mode): TaskReport[] {
  const epochNs = dispatcher().epochNs;
  const out: TaskReport[] = new Array(rows.length / ROW_STRIDE);
  for (let i = 0, o = 0; o < rows.length; i++, o += ROW_STRIDE) out[i] = reportFromRow(rows, o, mode, epochNs);
  return out;
}
