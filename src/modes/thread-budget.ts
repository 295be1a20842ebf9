/**
 * Whether mode 'native''s threads can be created, before any is: what bounds them is not free RAM
 * but the thread limits (RLIMIT_NPROC, which counts every thread of this user; the kernel's
 * threads-max) and the address space their stacks reserve (RLIMIT_AS; under strict overcommit,
 * the commit limit). A batch that is sure to exceed one is refused with a RangeError; one that
 * fails anyway (other processes take threads meanwhile) is rejected cleanly by the addon.
 */
import { readdirSync, readFileSync } from 'node:fs';

import { kbField } from './memory-budget.js';

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** A soft limit from /proc/self/limits ("Max processes  200  200  processes"); undefined when unlimited. */
export function softLimit(limits: string | undefined, name: string): number | undefined {
  const m = limits?.match(new RegExp(`^${name}\\s+(\\S+)`, 'm'));
  return m && m[1] !== 'unlimited' ? Number(m[1]) : undefined;
}

/** glibc's default thread stack: RLIMIT_STACK when finite, else 2 MiB on x86-64 (pthread_create(3)). */
export function threadStackBytes(limits: string | undefined): number {
  return softLimit(limits, 'Max stack size') ?? 2 * 2 ** 20;
}

const mib = (n: number): string => `${(n / 2 ** 20).toFixed(0)} MiB`;

/** The first bound that `tasks` more threads of this process would pass, as a sentence; else undefined. */
export function threadBoundPassed(tasks: number): string | undefined {
  const limits = readText('/proc/self/limits');
  const status = readText('/proc/self/status');
  const own = Number(status?.match(/^Threads:\s+(\d+)/m)?.[1] ?? 0);
  const nproc = softLimit(limits, 'Max processes');
  // Root (CAP_SYS_RESOURCE or CAP_SYS_ADMIN) is not held to RLIMIT_NPROC.
  if (nproc !== undefined && process.getuid?.() !== 0 && own + tasks > nproc) {
    return `this process already has ${own} threads and RLIMIT_NPROC (ulimit -u) allows this user ${nproc}`;
  }
  const threadsMax = Number(readText('/proc/sys/kernel/threads-max')?.trim());
  if (Number.isFinite(threadsMax) && own + tasks > threadsMax) {
    return `this process already has ${own} threads and /proc/sys/kernel/threads-max is ${threadsMax}`;
  }
  const stackBytes = threadStackBytes(limits);
  const reserveBytes = tasks * stackBytes;
  const asLimit = softLimit(limits, 'Max address space');
  const vmBytes = kbField(status, 'VmSize') ?? 0;
  if (asLimit !== undefined && vmBytes + reserveBytes > asLimit) {
    const left = mib(Math.max(0, asLimit - vmBytes));
    return `their stacks reserve ${mib(reserveBytes)} (${mib(stackBytes)} each) and RLIMIT_AS leaves ${left}`;
  }
  const meminfo = readText('/proc/meminfo');
  if (readText('/proc/sys/vm/overcommit_memory')?.trim() === '2') {
    const room = (kbField(meminfo, 'CommitLimit') ?? 0) - (kbField(meminfo, 'Committed_AS') ?? 0);
    if (reserveBytes > room) {
      const left = mib(Math.max(0, room));
      return `their stacks reserve ${mib(reserveBytes)} (${mib(stackBytes)} each), strict overcommit leaves ${left}`;
    }
  }
  return undefined;
}

/** Throws a RangeError naming options.tasks when `tasks` raw threads cannot all be created here. */
export function checkThreads(tasks: number): void {
  const bound = threadBoundPassed(tasks);
  if (bound === undefined) return;
  throw new RangeError(
    `options.tasks: mode 'native' starts one thread per task, and ${tasks} threads will not fit: ${bound}; ` +
      'nothing was started; use fewer tasks, or mode released with options.threads',
  );
}

/**
 * The threads this user has now (what RLIMIT_NPROC counts), with that limit; undefined when the
 * limit does not apply (unlimited, or root). Scans /proc, so it is for an error path only.
 */
export function userThreads(): { threads: number; limit: number } | undefined {
  const limit = softLimit(readText('/proc/self/limits'), 'Max processes');
  const uid = process.getuid?.();
  if (limit === undefined || uid === undefined || uid === 0) return undefined;
  let threads = 0;
  for (const name of readdirSync('/proc').filter((n) => /^\d+$/.test(n))) {
    const status = readText(`/proc/${name}/status`);
    if (!status || Number(/^Uid:\s+(\d+)/m.exec(status)?.[1]) !== uid) continue;
    threads += Number(/^Threads:\s+(\d+)/m.exec(status)?.[1] ?? 0);
  }
  return { threads, limit };
}
