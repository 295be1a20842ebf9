/** Messages between the parent and a task host (a worker_thread or a child process). */
import { fork, type ChildProcess } from 'node:child_process';
import { Worker } from 'node:worker_threads';

import { hostLauncherPath } from '../../addon/loader.js';
import type { NativeRecord } from '../../addon/types.js';
import { trackChild } from '../children.js';
import type { BatchOptions, BatchReport } from '../../types.js';

/** Run one kernel held on the host's own thread. `flag` (worker only) cancels it when set to 1. */
export interface TaskMessage {
  type: 'task';
  id: number;
  kernel: string;
  args: number[];
  flag?: Int32Array;
  /** Events to record (0: tracing off). */
  traceCapacity: number;
}

/** Run a whole batch in this (fresh) process, e.g. under another UV_THREADPOOL_SIZE. */
export interface BatchMessage {
  type: 'batch';
  id: number;
  options: Omit<BatchOptions, 'signal'>;
}

export type HostRequest = TaskMessage | BatchMessage;

export type HostReply =
  | { type: 'ready'; threadId: number }
  | { type: 'record'; id: number; record: NativeRecord; pid: number; hostUserUs: number; hostSystemUs: number }
  | { type: 'batch'; id: number; report: BatchReport }
  | { type: 'error'; id: number; name: string; message: string };

/**
 * Starts a worker running the worker host. From compiled JavaScript that is the host file itself;
 * when gilscope runs from its TypeScript sources (tests under tsx), the worker first registers tsx,
 * since loader hooks of the parent thread do not reach workers on Node 20.
 */
export function newHostWorker(): Worker {
  const url = hostFile('worker-host');
  if (!url.pathname.endsWith('.ts')) return new Worker(url);
  const tsx = import.meta.resolve('tsx/esm/api');
  const code =
    `import(${JSON.stringify(tsx)})` +
    `.then((api) => { api.register(); return import(${JSON.stringify(url.href)}); })`;
  return new Worker(code, { eval: true });
}

/** Where each host entry lives, relative to this file. */
const HOST_FILES = {
  'worker-host': './worker-host',
  'process-host': './process-host',
  'batch-host': '../batch-host',
} as const;

/** A host entry's file (.ts under tsx, .js once compiled). */
export function hostFile(name: keyof typeof HOST_FILES): URL {
  const ext = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
  return new URL(`${HOST_FILES[name]}${ext}`, import.meta.url);
}

/**
 * Forks a host child process (tracked until it is reaped, see children.ts): IPC with the advanced
 * serialization (bigints and typed arrays cross it), stdout and stderr shared with this process.
 * It is started through gilscope-host, which sets the kernel's parent-death signal before node
 * runs: the host is killed when this process dies, however it dies and whatever the host is doing.
 * A fork the OS refuses surfaces as the child's 'error' event (or, for some errnos, a throw). With
 * `stderr: 'pipe'` the caller reads the host's stderr (to name why a host died while starting).
 */
export function forkHost(
  name: 'process-host' | 'batch-host',
  env: NodeJS.ProcessEnv = process.env,
  stderr: 'inherit' | 'pipe' = 'inherit',
): ChildProcess {
  return trackChild(
    fork(hostFile(name), [], {
      serialization: 'advanced',
      stdio: ['ignore', 'inherit', stderr, 'ipc'],
      env,
      execPath: hostLauncherPath(),
      execArgv: [String(process.pid), process.execPath, ...process.execArgv],
    }),
  );
}
