/** The processes and threads on this machine as /proc shows them, to find what a test (or its child) started. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';

import { parseStat } from '../../src/time/procfs.js';

export interface Proc {
  readonly pid: number;
  readonly ppid: number;
  readonly pgrp: number;
  /** R running, S sleeping, Z zombie (exited, not yet reaped), ... */
  readonly state: string;
  /** Its argv joined by spaces. */
  readonly cmdline: string;
}

/** One process, or null when it is gone (or never was). */
export function proc(pid: number): Proc | null {
  try {
    const stat = parseStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
    if (!stat) return null;
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
    return { pid, ppid: stat.ppid, pgrp: stat.pgrp, state: stat.state, cmdline };
  } catch {
    return null; // gone meanwhile
  }
}

/** Every process on the machine. */
export function processes(): Proc[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map((name) => proc(Number(name)))
    .filter((p): p is Proc => p !== null);
}

/** Whether a process runs: it exists and has not exited (a zombie waiting for its reaper has ended). */
export function running(pid: number): boolean {
  const p = proc(pid);
  return p !== null && p.state !== 'Z';
}

/** Pids of the processes whose parent is `parent` (this process by default) and whose argv mentions `what`. */
export function childPids(what = '', parent = process.pid): number[] {
  return processes()
    .filter((p) => p.ppid === parent && p.cmdline.includes(what))
    .map((p) => p.pid);
}

/** Whether thread `tid` is a live thread of process `pid` (/proc/<pid>/task/<tid> exists). */
export function isThreadOf(pid: number, tid: number): boolean {
  return existsSync(`/proc/${pid}/task/${tid}`);
}
