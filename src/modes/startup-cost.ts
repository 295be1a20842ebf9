/**
 * What one unit of parallelism costs to create: a libuv thread, a worker_thread, a child process.
 * Each is timed from the request to the moment it can run work, several times; medians reported.
 */
import { readFileSync } from 'node:fs';

import { median } from 'simple-statistics';

import { native } from '../addon/loader.js';
import { throwIfAborted } from '../errors.js';
import { forkHost, newHostWorker, type HostReply } from './hosted/protocol.js';
import type { StartupCost, StartupCostOptions, StartupCostReport } from '../types.js';
import { expectAbortSignal, expectInteger, expectKnownKeys, expectObject } from '../validate.js';

function summarize(createNs: number[], rssBytes: number[]): StartupCost {
  return { createNsMedian: median(createNs), createNs, rssBytesMedian: median(rssBytes) };
}

/** VmRSS of another process, in bytes. */
function rssOf(pid: number): number {
  const m = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!m) throw new Error(`no VmRSS for process ${pid}`);
  return Number(m[1]) * 1024;
}

/** Hard bound on one start: a host that is not ready by then is a failure, not a hang. */
const START_TIMEOUT_MS = 30_000;

function withTimeout<T>(p: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    p,
    new Promise<T>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`${what} did not start within ${START_TIMEOUT_MS} ms`)),
        START_TIMEOUT_MS,
      );
    }),
  ]).finally(() => clearTimeout(timer));
}

async function workerOnce(): Promise<{ createNs: number; rssBytes: number }> {
  const addon = native();
  const rss0 = addon.residentBytes();
  const t0 = addon.monotonicNs();
  const worker = newHostWorker();
  try {
    await withTimeout(
      new Promise<void>((resolve, reject) => {
        worker.on('message', (m: HostReply) => m.type === 'ready' && resolve());
        worker.on('error', reject);
        worker.on('exit', (code) => reject(new Error(`worker exited (code ${code}) before it was ready`)));
      }),
      'a worker_thread',
    );
    const t1 = addon.monotonicNs();
    return { createNs: Number(t1 - t0), rssBytes: addon.residentBytes() - rss0 };
  } finally {
    await worker.terminate();
  }
}

async function processOnce(): Promise<{ createNs: number; rssBytes: number }> {
  const addon = native();
  const t0 = addon.monotonicNs();
  const child = forkHost('process-host');
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    await withTimeout(
      new Promise<void>((resolve, reject) => {
        child.on('message', (m: HostReply) => m.type === 'ready' && resolve());
        child.on('error', reject);
        child.on('exit', (code) => reject(new Error(`child process exited (code ${code}) before it was ready`)));
      }),
      'a child process',
    );
    const t1 = addon.monotonicNs();
    return { createNs: Number(t1 - t0), rssBytes: rssOf(child.pid!) };
  } finally {
    child.kill('SIGKILL');
    await exited;
  }
}

/**
 * Measures creation time and resident memory of one libuv thread, one worker_thread and one child
 * process, `samples` times each (default 5, 1..50), and reports medians. Ready means: the thread
 * ran its first instruction; the worker or process loaded gilscope's task host and the addon.
 * Memory: for a thread and a worker, the growth of this process's RSS while it lives; for a
 * process, the child's own RSS. An abort is seen between samples (within one sample's time): the
 * promise then rejects with an AbortError, and no thread, worker or process it started lives on.
 */
export async function startupCost(options: StartupCostOptions = {}): Promise<StartupCostReport> {
  const o = expectObject(options, 'options');
  expectKnownKeys(o, 'options', ['samples', 'signal']);
  const samples = o['samples'] === undefined ? 5 : expectInteger(o['samples'], 'options.samples', 1, 50);
  const signal = expectAbortSignal(o['signal'], 'options.signal');
  const addon = native();
  const thread = { createNs: [] as number[], rss: [] as number[] };
  const worker = { createNs: [] as number[], rss: [] as number[] };
  const proc = { createNs: [] as number[], rss: [] as number[] };
  for (let i = 0; i < samples; i++) {
    throwIfAborted(signal);
    const t = addon.threadStartCost();
    thread.createNs.push(t.createNs);
    thread.rss.push(t.rssBytes);
    const w = await workerOnce();
    worker.createNs.push(w.createNs);
    worker.rss.push(w.rssBytes);
    const p = await processOnce();
    proc.createNs.push(p.createNs);
    proc.rss.push(p.rssBytes);
  }
  return {
    samples,
    thread: summarize(thread.createNs, thread.rss),
    worker: summarize(worker.createNs, worker.rss),
    process: summarize(proc.createNs, proc.rss),
  };
}
