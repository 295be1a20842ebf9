/**
 * Where a task ran, read from the OS rather than from the report's own labels: the JS thread, another
 * thread of this process, a thread that has since ended, or another process.
 */
import assert from 'node:assert/strict';

import { native } from '../../src/addon/loader.js';
import type { Mode, TaskReport } from '../../src/types.js';
import { waitFor } from './poll.js';
import { isThreadOf, proc } from './proc.js';

/** The OS thread id of this process's JS thread. */
export function jsThreadId(): number {
  return native().threadUsage().threadId;
}

/** One of each (pid, threadId) pair: a batch of many tasks reuses a few threads. */
function distinctThreads(reports: readonly TaskReport[]): { pid: number; tid: number }[] {
  const seen = new Map<string, { pid: number; tid: number }>();
  for (const r of reports) seen.set(`${r.pid}:${r.threadId}`, { pid: r.pid, tid: r.threadId });
  return [...seen.values()];
}

function onTheJsThread(reports: readonly TaskReport[], what: string): void {
  const js = jsThreadId();
  for (const { pid, tid } of distinctThreads(reports)) {
    assert.equal(pid, process.pid, `${what}: ran in this process`);
    assert.equal(tid, js, `${what}: ran on the JS thread`);
  }
}

/** On threads of this process other than the JS thread, still alive now (pools keep their threads). */
function onLiveThreadsHere(reports: readonly TaskReport[], what: string): void {
  const js = jsThreadId();
  for (const { pid, tid } of distinctThreads(reports)) {
    assert.equal(pid, process.pid, `${what}: ran in this process`);
    assert.notEqual(tid, js, `${what}: ran off the JS thread`);
    assert.ok(isThreadOf(process.pid, tid), `${what}: thread ${tid} is a live thread of this process`);
  }
}

/** In host processes that are children of this one, each task on its host's main thread. */
function inHostProcesses(reports: readonly TaskReport[], what: string): void {
  for (const { pid, tid } of distinctThreads(reports)) {
    assert.notEqual(pid, process.pid, `${what}: ran in another process`);
    assert.equal(tid, pid, `${what}: ran on the main thread of its host process ${pid}`);
    assert.equal(proc(pid)?.ppid, process.pid, `${what}: host ${pid} is a child of this process`);
  }
}

/** All in one other process (a batch run in a fresh process for another pool size), off its main thread. */
function inOneOtherProcess(reports: readonly TaskReport[], what: string): void {
  const pids = new Set(reports.map((r) => r.pid));
  assert.equal(pids.size, 1, `${what}: ran in one process (${[...pids].join(', ')})`);
  const [pid] = pids;
  assert.notEqual(pid, process.pid, `${what}: ran in another process`);
  assert.ok(
    reports.every((r) => r.threadId !== pid),
    `${what}: ran on pool threads of process ${pid}, not its main thread`,
  );
}

/** On threads of this process, not the JS thread, that have ended by now (raw threads are joined). */
async function onEndedThreadsHere(reports: readonly TaskReport[], what: string): Promise<void> {
  const js = jsThreadId();
  const threads = distinctThreads(reports);
  for (const { pid, tid } of threads) {
    assert.equal(pid, process.pid, `${what}: ran in this process`);
    assert.notEqual(tid, js, `${what}: ran off the JS thread`);
  }
  // A joined thread's /proc entry goes a moment after the join returns.
  const alive = (): number[] => threads.filter(({ tid }) => isThreadOf(process.pid, tid)).map(({ tid }) => tid);
  await waitFor(
    () => `${what}: threads ${alive().join(', ')} to end`,
    2_000,
    () => (alive().length === 0 ? true : undefined),
  );
}

/**
 * Checks that every task ran where `mode` runs tasks: held on the JS thread; released and gil on
 * libuv pool threads of this process (or, with `inChildBatch`, a batch run in a fresh process for
 * another pool size: all in that one process); worker on worker threads of this process; process in
 * host processes, children of this one, each on its host's main thread; native on raw threads of
 * this process that have ended once the tasks settled. Call it soon after the tasks settle, while
 * the pools still have the threads and hosts that ran them.
 */
export async function assertRanWhereModeRuns(
  mode: Mode,
  reports: readonly TaskReport[],
  inChildBatch = false,
): Promise<void> {
  const what = `${mode} (${reports.length} task${reports.length === 1 ? '' : 's'})`;
  assert.ok(reports.length > 0, `${what}: no reports to check`);
  switch (mode) {
    case 'held':
      return onTheJsThread(reports, what);
    case 'released':
    case 'gil':
      return inChildBatch ? inOneOtherProcess(reports, what) : onLiveThreadsHere(reports, what);
    case 'worker':
      return onLiveThreadsHere(reports, what);
    case 'process':
      return inHostProcesses(reports, what);
    case 'native':
      return onEndedThreadsHere(reports, what);
  }
}
