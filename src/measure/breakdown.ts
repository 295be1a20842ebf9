/**
 * Where a task's time went: its wall time split into CPU, run-queue wait, lock wait and blocked,
 * plus the queue wait before it started. The OS says whether a thread is running (thread CPU
 * clock), runnable without a core (schedstat's run-queue wait) or asleep (the rest); of the sleep,
 * the part spent waiting for the emulated lock is lock wait, and what is left is blocked (sleep,
 * I/O). A woken lock waiter's wait for a core is already run-queue time, so it is not counted twice
 * (it is reported apart as lockWakeNs). Used by the readings and by the bench's breakdown tables.
 */
import type { Breakdown, TaskReport } from '../types.js';

/** A task's parts may exceed its wall time by this share before the check fails ... */
export const OVERSHOOT_TOLERANCE = 0.02;
/** ... or by this many ns (the clocks are read at slightly different instants). */
export const OVERSHOOT_TOLERANCE_NS = 100_000;

/** The figures of a task that the breakdown reads. */
export type TaskAccount = Pick<TaskReport, 'cpuNs' | 'runQueueNs' | 'lockWaitNs' | 'queueNs' | 'wallNs'>;

interface Sums {
  cpu: number;
  runQueue: number;
  lockAsleep: number;
  lockWake: number;
  blocked: number;
  queue: number;
  wall: number;
  worst: number;
  over: number;
  runQueueMeasured: boolean;
}

function add(s: Sums, t: TaskAccount): void {
  const rq = t.runQueueNs ?? 0;
  if (t.runQueueNs === null) s.runQueueMeasured = false;
  const overshootNs = t.cpuNs + rq - t.wallNs;
  if (t.wallNs > 0) s.worst = Math.max(s.worst, overshootNs / t.wallNs);
  if (overshootNs > Math.max(OVERSHOOT_TOLERANCE * t.wallNs, OVERSHOOT_TOLERANCE_NS)) s.over++;
  // A task whose cpu + runQueue overshoot its wall (within tolerance) is booked as measured; the
  // overshoot shows in sumOverTotal.
  const asleep = Math.max(0, t.wallNs - t.cpuNs - rq);
  const lock = Math.min(t.lockWaitNs, asleep);
  s.cpu += t.cpuNs;
  s.runQueue += rq;
  s.lockAsleep += lock;
  s.lockWake += t.lockWaitNs - lock;
  s.blocked += asleep - lock;
  s.queue += t.queueNs;
  s.wall += t.wallNs;
}

/** The mean task's breakdown over `tasks` (e.g. every task of every run); null when there are none. */
export function wallBreakdown(tasks: readonly TaskAccount[]): Breakdown | null {
  if (tasks.length === 0) return null;
  const s: Sums = {
    cpu: 0,
    runQueue: 0,
    lockAsleep: 0,
    lockWake: 0,
    blocked: 0,
    queue: 0,
    wall: 0,
    worst: 0,
    over: 0,
    runQueueMeasured: true,
  };
  for (const t of tasks) add(s, t);
  const n = tasks.length;
  const total = s.queue + s.wall;
  const sum = s.cpu + s.runQueue + s.lockAsleep + s.blocked + s.queue;
  return {
    cpuNs: s.cpu / n,
    runQueueNs: s.runQueue / n,
    lockWaitNs: s.lockAsleep / n,
    lockWakeNs: s.lockWake / n,
    blockedNs: s.blocked / n,
    queueNs: s.queue / n,
    taskWallNs: s.wall / n,
    totalNs: total / n,
    check: {
      ok: s.over === 0,
      sumOverTotal: total > 0 ? sum / total : 1,
      worstOvershoot: Math.max(0, s.worst),
      tasksOver: s.over,
      tasks: n,
      runQueueMeasured: s.runQueueMeasured,
    },
  };
}
