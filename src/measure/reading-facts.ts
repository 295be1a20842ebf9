/**
 * What a reading rests on (the Account), what it says (Findings), the thresholds its rules use and
 * the facts they see, computed once from the account. The rules are in reading-rules.ts, the
 * overview in reading.ts.
 */
import type { Account, Breakdown, Finding, FindingKind, Mode } from '../types.js';
import { wallBreakdown } from './breakdown.js';

// ---- Thresholds (shares are of the mean task's wall time unless said otherwise) ----------------

/** Blocked for at least half its wall time, a task mostly waited: more threads overlap the waits. */
export const WAITING_SHARE = 0.5;
/**
 * Runnable without a core for a quarter of its wall time or more: the wait is then large beside
 * any measurement noise (a tick is 4 ms), and CPU-s per s understates the demand by a third or more.
 */
export const RUN_QUEUE_SHARE = 0.25;
/** Run-queue wait from this share on is worth a secondary note (demand understated). */
export const RUN_QUEUE_NOTE = 0.1;
/** Queued for a pool thread or host a quarter of the time from submission to end: the pool is full. */
export const QUEUE_SHARE = 0.25;
/** Queue wait from this share on is worth a secondary note. */
export const QUEUE_NOTE = 0.1;
/**
 * The lock held 90% of the wall time or more: it is the bottleneck (a held fraction of 1 is one
 * task at a time; the rest goes to hand-offs, which a busier lock cannot shorten).
 */
export const LOCK_BOUND_FROM = 0.9;
/** Held this much, the lock is close to its limit: one more task adds little. */
export const LOCK_NEAR_FROM = 0.7;
/**
 * Cores busy (CPU-s per s at SATURATED_FROM of them or more) but a speed-up under 60% of the ideal:
 * the cores are busy but not productive. 60% leaves room for the start-up and hand-off costs of a
 * healthy parallel batch on a small machine, which reach 0.8-0.9 of the ideal.
 */
export const UNPRODUCTIVE_BELOW = 0.6;
/** The JS thread did this share of the CPU or more: the work was held (it ran on the JS thread). */
export const HELD_FROM = 0.5;
/** The rest of the process is worth a note from 0.1 CPU-s per s (a tenth of a core) on. */
export const REST_NOTE_PER_WALL = 0.1;

// ---- What the rules see -----------------------------------------------------------------------

/** Shares of the mean task's wall time (queue: of queue + wall). */
export interface Shares {
  readonly cpu: number;
  readonly runQueue: number;
  readonly lock: number;
  readonly blocked: number;
  readonly queue: number;
}

export interface Facts {
  readonly a: Account;
  readonly tasks: number;
  /** CPU-s per s of the batch's own threads (the process's, when there are no tasks). */
  readonly ownPerWall: number;
  /** CPU-s per s of the rest of the process. */
  readonly restPerWall: number;
  readonly breakdown: Breakdown | null;
  readonly shares: Shares | null;
  /** Threads that could run at once: min(tasks, pool size). */
  readonly concurrent: number;
  /** The most cores the batch could keep busy: min(concurrent, cores). */
  readonly usable: number;
  /**
   * The share of the time the work wanted a core that it waited for one: the mean task's run-queue
   * share, or without tasks the threads' run-queue wait over their CPU plus that wait. null: unknown.
   */
  readonly runQueueShare: number | null;
}

export function sharesOf(b: Breakdown): Shares | null {
  if (b.taskWallNs <= 0) return null;
  const w = b.taskWallNs;
  return {
    cpu: b.cpuNs / w,
    runQueue: b.runQueueNs / w,
    lock: b.lockWaitNs / w,
    blocked: b.blockedNs / w,
    queue: b.totalNs > 0 ? b.queueNs / b.totalNs : 0,
  };
}

function runQueueShareOf(b: Breakdown | null, a: Account): number | null {
  if (b) return b.taskWallNs > 0 ? b.runQueueNs / b.taskWallNs : null;
  const rq = a.runQueueNs;
  if (rq === null || rq === undefined) return null;
  // Of the time the threads wanted a core (CPU + that wait), but at least the wall time: a process
  // that mostly slept wanted little, and a moment's wait must not read as a large share of it.
  const demand = Math.max(a.processCpuNs + rq, a.wallNs);
  return demand > 0 ? rq / demand : null;
}

export function factsOf(a: Account): Facts {
  const tasks = a.tasks ?? [];
  const offJs = tasks.filter((t) => t.mode !== 'held').reduce((s, t) => s + t.cpuNs, 0);
  const ownNs = tasks.length > 0 ? (a.jsThreadCpuNs ?? 0) + offJs : a.processCpuNs;
  const restNs = Math.max(0, a.processCpuNs - ownNs);
  const breakdown = wallBreakdown(tasks);
  const concurrent = Math.max(1, Math.min(tasks.length || 1, a.poolSize ?? (tasks.length || 1)));
  return {
    a,
    tasks: tasks.length,
    ownPerWall: ownNs / a.wallNs,
    restPerWall: restNs / a.wallNs,
    breakdown,
    shares: breakdown ? sharesOf(breakdown) : null,
    concurrent,
    usable: Math.min(concurrent, a.cores),
    runQueueShare: runQueueShareOf(breakdown, a),
  };
}

// ---- Words --------------------------------------------------------------------------------------

export const pct = (x: number): string => `${Math.round(Math.max(0, Math.min(1, x)) * 100)}%`;
export const perS = (x: number): string => `${x.toFixed(2)} CPU-s per s`;
export const times = (x: number): string => `${x >= 10 ? x.toFixed(1) : x.toFixed(2)}x`;
export const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;
export const coresWord = (cores: number): string => (cores === 2 ? 'both' : `all ${cores}`);

export function finding(
  kind: FindingKind,
  text: string,
  figures: Record<string, number>,
  help: string | null = null,
): Finding {
  return { kind, text, figures, help };
}

/** The mean task's split, e.g. "CPU 19%, blocked 81%" (parts under 1% left out). */
export function splitText(s: Shares): string {
  const parts: [string, number][] = [
    ['CPU', s.cpu],
    ['run queue', s.runQueue],
    ['lock wait', s.lock],
    ['blocked', s.blocked],
  ];
  return parts
    .filter(([, v]) => v >= 0.005)
    .map(([k, v]) => `${k} ${pct(v)}`)
    .join(', ');
}

/** The share of a task's own work (CPU, runnable or blocked; not waiting for the lock) that needs the lock. */
export function computeShare(s: Shares): number {
  const work = s.cpu + s.runQueue + s.blocked;
  return work > 0 ? (s.cpu + s.runQueue) / work : 1;
}

export function pooled(mode: Mode | undefined): boolean {
  return mode === 'released' || mode === 'gil';
}

export function poolHelp(f: Facts): string {
  if (pooled(f.a.mode)) {
    return 'a bigger libuv pool (the threads option, or UV_THREADPOOL_SIZE before the pool starts), or fewer tasks';
  }
  return 'more hosts (the threads option), or fewer tasks at once';
}
