/**
 * Every child process gilscope forks (task hosts, batch processes, start-up probes) is tracked here
 * from fork to exit, so that an interrupted run can end them all and wait until each is reaped:
 * nothing it started outlives it.
 */
import type { ChildProcess } from 'node:child_process';

import { atExit } from '../lifecycle.js';

const live = new Set<ChildProcess>();

function exited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

/** Tracks `child` until it exits (its 'exit' event: reaped). Returns it. */
export function trackChild<T extends ChildProcess>(child: T): T {
  if (child.pid === undefined || exited(child)) return child; // never started, or already gone
  atExit(killChildrenNow); // a child must not run on as an orphan after this process exits
  live.add(child);
  child.once('exit', () => live.delete(child));
  return child;
}

/** Process ids of the tracked children still running. */
export function liveChildPids(): number[] {
  return [...live].map((c) => c.pid!).filter((pid) => pid !== undefined);
}

/** Sends SIGKILL to every tracked child at once, without waiting (for a last-moment exit). */
export function killChildrenNow(): void {
  for (const child of live) child.kill('SIGKILL');
}

/**
 * Kills every tracked child (SIGKILL) and resolves once each has exited and been reaped, or after
 * `timeoutMs` (0..60000, default 2000) at the latest. Resolves to the number still running then
 * (0 when all are gone).
 */
export async function killChildren(timeoutMs = 2000): Promise<number> {
  if (!Number.isInteger(timeoutMs) || timeoutMs < 0 || timeoutMs > 60_000) {
    throw new RangeError(`timeoutMs must be an integer in [0, 60000], received ${String(timeoutMs)}`);
  }
  const children = [...live];
  if (children.length === 0) return 0;
  const gone = children.map(
    (child) =>
      new Promise<void>((resolve) =>
        exited(child) || !live.has(child) ? resolve() : child.once('exit', () => resolve()),
      ),
  );
  for (const child of children) child.kill('SIGKILL');
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([Promise.all(gone), new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)))]);
  clearTimeout(timer);
  return children.filter((c) => live.has(c)).length;
}
