/**
 * Reading threads and child processes from Linux's /proc. The parsers are pure; the readers return
 * null (or an empty list) when a thread or process is gone, which is normal: it can end between
 * listing and reading.
 */
import { closeSync, existsSync, openSync, readdirSync, readSync } from 'node:fs';

/** USER_HZ: the unit of stat's utime and stime (100 on every Linux architecture Node runs on). */
export const CLOCK_TICKS_PER_S = 100;

/** The fields of /proc/<pid>/task/<tid>/stat that gilscope uses. */
export interface ProcStat {
  readonly tid: number;
  /** comm: at most 15 bytes, may hold spaces and parentheses. */
  readonly name: string;
  readonly state: string;
  readonly ppid: number;
  readonly pgrp: number;
  /** Foreground process group of the controlling terminal; -1 without one. */
  readonly tpgid: number;
  readonly utimeTicks: number;
  readonly stimeTicks: number;
  /** Start time in ticks since boot: with tid, identifies a thread even if the tid is reused. */
  readonly startTicks: number;
}

/** Parses one stat line; null when it is not one. comm is found by the last ')'. */
export function parseStat(text: string): ProcStat | null {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 1 || close < open) return null;
  const tid = Number(text.slice(0, open).trim());
  // After comm: field 3 (state) onwards, so rest[i] is field i + 3.
  const rest = text
    .slice(close + 2)
    .trim()
    .split(' ');
  if (!Number.isInteger(tid) || rest.length < 20) return null;
  const field = (n: number): number => Number(rest[n - 3]);
  const stat: ProcStat = {
    tid,
    name: text.slice(open + 1, close),
    state: rest[0] ?? '?',
    ppid: field(4),
    pgrp: field(5),
    tpgid: field(8),
    utimeTicks: field(14),
    stimeTicks: field(15),
    startTicks: field(22),
  };
  const numbers = [stat.ppid, stat.pgrp, stat.tpgid, stat.utimeTicks, stat.stimeTicks, stat.startTicks];
  return numbers.every(Number.isInteger) ? stat : null;
}

/** /proc/<pid>/task/<tid>/schedstat: on-CPU ns, run-queue wait ns, timeslices. */
export interface SchedStat {
  readonly cpuNs: number;
  readonly runQueueNs: number;
  readonly timeslices: number;
}

export function parseSchedstat(text: string): SchedStat | null {
  const parts = text.trim().split(/\s+/).map(Number);
  if (parts.length < 3 || !parts.every(Number.isInteger)) return null;
  return { cpuNs: parts[0]!, runQueueNs: parts[1]!, timeslices: parts[2]! };
}

// One scratch buffer for every read: /proc files are read whole, synchronously, on this thread.
const scratch = Buffer.alloc(16 * 1024);

/** A /proc file's text, or null when it cannot be read (its thread or process has gone). */
function readText(path: string): string | null {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return null;
  }
  try {
    let text = '';
    let n: number;
    while ((n = readSync(fd, scratch, 0, scratch.length, null)) > 0) text += scratch.toString('latin1', 0, n);
    return text;
  } catch {
    return null;
  } finally {
    closeSync(fd);
  }
}

function readNumbers(dir: string): number[] {
  try {
    return readdirSync(dir)
      .filter((name) => /^\d+$/.test(name))
      .map(Number);
  } catch {
    return [];
  }
}

/** /proc/<pid>/task/<tid>/stat, parsed; null when gone. */
export function readStat(pid: number, tid: number): ProcStat | null {
  return parseStat(readText(`/proc/${pid}/task/${tid}/stat`) ?? '');
}

/** /proc/<pid>/task/<tid>/schedstat, parsed; null when gone or when the kernel has no schedstat. */
export function readSchedstat(pid: number, tid: number): SchedStat | null {
  return parseSchedstat(readText(`/proc/${pid}/task/${tid}/schedstat`) ?? '');
}

/** The thread's current name (comm); null when gone. */
export function readComm(pid: number, tid: number): string | null {
  const text = readText(`/proc/${pid}/task/${tid}/comm`);
  return text === null ? null : text.replace(/\n$/, '');
}

/** Thread ids of a process (empty when it has gone). */
export function listThreads(pid: number): number[] {
  return readNumbers(`/proc/${pid}/task`);
}

/** Whether this kernel lists each thread's children (CONFIG_PROC_CHILDREN). */
const hasChildrenFiles = existsSync('/proc/thread-self/children');

/**
 * Direct children of a process: the union of /proc/<pid>/task/<tid>/children (a child belongs to
 * the thread that forked it). Where the kernel lacks that file, scans every process's ppid.
 */
export function listChildren(pid: number, tids: readonly number[]): number[] {
  const children = new Set<number>();
  if (hasChildrenFiles) {
    for (const tid of tids) {
      const text = readText(`/proc/${pid}/task/${tid}/children`) ?? '';
      for (const word of text.trim().split(/\s+/)) if (/^\d+$/.test(word)) children.add(Number(word));
    }
    return [...children];
  }
  for (const other of readNumbers('/proc')) {
    if (parseStat(readText(`/proc/${other}/stat`) ?? '')?.ppid === pid) children.add(other);
  }
  return [...children];
}
