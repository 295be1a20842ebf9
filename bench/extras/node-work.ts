/**
 * Node's own native work for experiments 8 and 9: crypto.pbkdf2, zlib.gzip and fs.readFile, each in
 * its synchronous form (runs on the JS thread: held) and its asynchronous one (runs on libuv's
 * pool: released), measured by gilscope's measure() with every thread's CPU by role. A pool size
 * other than this process's runs in a fresh child process with UV_THREADPOOL_SIZE set
 * (node-work-child.ts), as batch() does for `threads`.
 */
import { execFile } from 'node:child_process';
import { pbkdf2, pbkdf2Sync } from 'node:crypto';
import { existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzip, gzipSync } from 'node:zlib';

import { measure, poolSize } from '../../src/index.js';
import { threadCpuNs } from '../../src/internal.js';
import type { NodeCall } from '../model/results.js';

export const NODE_CALLS: readonly NodeCall[] = ['pbkdf2Sync', 'pbkdf2', 'gzipSync', 'gzip', 'readFileSync', 'readFile'];
/** The synchronous calls: each runs on the JS thread. */
export const HELD_CALLS: readonly NodeCall[] = ['pbkdf2Sync', 'gzipSync', 'readFileSync'];

/** One measured run: its wall time and the CPU of each role (measure's byRole). */
export interface NodeRun {
  readonly wallNs: number;
  readonly processCpuNs: number;
  readonly jsCpuNs: number;
  readonly poolCpuNs: number;
  readonly otherCpuNs: number;
}

/** Work files this process knows to exist; those it made are removed when it exits. */
const files = new Set<string>();
const made = new Set<string>();
/**
 * Set in node-work children to the bench process's pid: they use its files and leave them to it
 * (it may still read them); the bench process removes the ones it made when it exits.
 */
const CHILD_ENV = 'GILSCOPE_NODE_WORK_CHILD';

process.once('exit', () => {
  if (process.env[CHILD_ENV]) return;
  for (const path of made) rmSync(path, { force: true });
});

/** A file of `bytes` in the temp directory, made once (it then stays in the page cache). */
export function workFile(bytes: number): string {
  const owner = process.env[CHILD_ENV] ?? String(process.pid);
  const path = join(tmpdir(), `gilscope-node-work-${owner}-${bytes}.bin`);
  if (files.has(path)) return path;
  if (!existsSync(path) || statSync(path).size !== bytes) {
    writeFileSync(path, compressible(bytes));
    made.add(path);
  }
  files.add(path);
  return path;
}

/** Text-like bytes that gzip compresses about 3:1 (a fixed pseudo-random word stream). */
function compressible(bytes: number): Buffer {
  const words = ['lock', 'thread', 'pool', 'held', 'released', 'core', 'queue', 'wait', 'gil', 'node'];
  const out = Buffer.alloc(bytes);
  let seed = 12345;
  let i = 0;
  while (i < bytes) {
    seed = (seed * 1103515245 + 12345) >>> 0;
    i += out.write(`${words[seed % words.length]}${seed % 97} `, i);
  }
  return out;
}

const inputs = new Map<number, Buffer>();
function input(bytes: number): Buffer {
  let b = inputs.get(bytes);
  if (!b) inputs.set(bytes, (b = compressible(bytes)));
  return b;
}

const done =
  (resolve: () => void, reject: (e: Error) => void) =>
  (e: Error | null): void =>
    e ? reject(e) : resolve();

/** One call of `call` at `size` (pbkdf2: iterations; gzip and readFile: bytes). */
export function callOnce(call: NodeCall, size: number): void | Promise<void> {
  switch (call) {
    case 'pbkdf2Sync':
      return void pbkdf2Sync('gilscope', 'salt', size, 32, 'sha256');
    case 'pbkdf2':
      return new Promise((resolve, reject) => pbkdf2('gilscope', 'salt', size, 32, 'sha256', done(resolve, reject)));
    case 'gzipSync':
      return void gzipSync(input(size));
    case 'gzip':
      return new Promise((resolve, reject) => gzip(input(size), done(resolve, reject)));
    case 'readFileSync':
      return void readFileSync(workFile(size));
    case 'readFile':
      return readFile(workFile(size)).then(() => undefined);
  }
}

/** `tasks` calls: one after another when synchronous, all at once when not. */
async function callTasks(call: NodeCall, size: number, tasks: number): Promise<void> {
  if (HELD_CALLS.includes(call)) {
    for (let i = 0; i < tasks; i++) callOnce(call, size);
    return;
  }
  await Promise.all(Array.from({ length: tasks }, () => callOnce(call, size)));
}

/** warmup + runs measured runs in this process (whose pool size is the one in force). */
export async function nodeWorkHere(call: NodeCall, size: number, tasks: number, runs: number, warmup: number) {
  if (call === 'readFile' || call === 'readFileSync') workFile(size);
  for (let i = 0; i < warmup; i++) await callTasks(call, size, tasks);
  const out: NodeRun[] = [];
  for (let i = 0; i < runs; i++) {
    const m = await measure(() => callTasks(call, size, tasks), { poolProbe: false });
    const role = (r: string): number => m.attribution.byRole.find((x) => x.role === r)?.cpuNs ?? 0;
    out.push({
      wallNs: m.wallNs,
      processCpuNs: (m.processUserUs + m.processSystemUs) * 1000,
      jsCpuNs: role('js'),
      poolCpuNs: role('pool'),
      otherCpuNs: m.attribution.threads.reduce((s, t) => s + t.cpuNs, 0) - role('js') - role('pool'),
    });
  }
  return out;
}

/** The child's script: compiled .js next to this file, or the .ts source under tsx. */
function childScript(): string {
  const js = fileURLToPath(new URL('./node-work-child.js', import.meta.url));
  return existsSync(js) ? js : fileURLToPath(new URL('./node-work-child.ts', import.meta.url));
}

/**
 * The runs of every task count in `allTasks` in one fresh child process with a pool of `threads`
 * (bounded: 120 s), by task count.
 */
function nodeWorkInChild(
  call: NodeCall,
  size: number,
  allTasks: readonly number[],
  runs: number,
  warmup: number,
  threads: number,
  signal: AbortSignal | undefined,
): Promise<Map<number, NodeRun[]>> {
  const job = JSON.stringify({ call, size, tasks: allTasks, runs, warmup });
  const args = [...process.execArgv, childScript(), job];
  const env = { ...process.env, UV_THREADPOOL_SIZE: String(threads), [CHILD_ENV]: String(process.pid) };
  return new Promise((resolve, reject) => {
    const options = { env, timeout: 120_000, maxBuffer: 1 << 22, ...(signal ? { signal } : {}) };
    execFile(process.execPath, args, options, (err, stdout, stderr) => {
      if (err) return reject(new Error(`node-work child (pool ${threads}) failed: ${err.message} ${stderr}`.trim()));
      try {
        const byTasks = JSON.parse(stdout.trim().split('\n').pop() ?? '') as [number, NodeRun[]][];
        resolve(new Map(byTasks));
      } catch {
        reject(new Error(`node-work child (pool ${threads}) printed no result: ${stdout.slice(0, 200)}`));
      }
    });
  });
}

/** Child runs by call, size, pool size and task list: one child serves all of its task counts. */
const children = new Map<string, Promise<Map<number, NodeRun[]>>>();

/**
 * The runs with a pool of `threads`: in this process when it is this process's pool size, else in
 * a fresh child process that runs every task count of `allTasks` at once (and is asked only once).
 * An abort (signal) kills the child; a child has a hard bound of 120 s.
 */
export async function nodeWorkRuns(
  o: { call: NodeCall; size: number; tasks: number; runs: number; warmup: number; threads: number },
  allTasks: readonly number[],
  signal?: AbortSignal,
): Promise<NodeRun[]> {
  signal?.throwIfAborted();
  if (o.threads === poolSize()) return nodeWorkHere(o.call, o.size, o.tasks, o.runs, o.warmup);
  const key = JSON.stringify([o.call, o.size, o.threads, allTasks, o.runs, o.warmup]);
  let child = children.get(key);
  if (!child)
    children.set(key, (child = nodeWorkInChild(o.call, o.size, allTasks, o.runs, o.warmup, o.threads, signal)));
  try {
    const runs = (await child).get(o.tasks);
    if (!runs) throw new Error(`node-work child (pool ${o.threads}) did not run ${o.tasks} tasks`);
    return runs;
  } catch (err) {
    children.delete(key);
    throw err;
  }
}

/** Forgets the children's results (each sweep measures its own). */
export function resetNodeWork(): void {
  children.clear();
}

/** Call sizes that take about taskMs of CPU each, measured on this machine now (pbkdf2: iterations; others: bytes). */
export interface NodeSizes {
  readonly pbkdf2: number;
  readonly gzip: number;
  readonly readFile: number;
}

const sizesCache = new Map<number, NodeSizes>();

function scaled(probe: number, wallNs: number, taskMs: number, min: number, max: number): number {
  const n = Math.round((probe * taskMs * 1e6) / Math.max(1, wallNs));
  return Math.min(max, Math.max(min, n));
}

/**
 * The CPU time of a synchronous call on this thread's CPU clock (exact; process.cpuUsage() is
 * RUSAGE_SELF, up to a tick stale): unlike its wall time, it does not grow when a loaded machine
 * keeps the thread waiting.
 */
function timeNs(fn: () => void): number {
  fn(); // warm
  const c0 = threadCpuNs();
  fn();
  return Number(threadCpuNs() - c0);
}

/**
 * Experiments 8 and 9 size each call (and each long task) to this share of the plan's task length:
 * half, to keep both within their 20 s share of the quick preset on 2 cores.
 */
export const NODE_TASK_SHARE = 0.5;

/** The task length of experiments 8 and 9, ms. */
export const nodeTaskMs = (taskMs: number): number => taskMs * NODE_TASK_SHARE;

/** Calibrates the three sizes to taskMs once per process (a few synchronous calls, ~100 ms). */
export function nodeSizes(taskMs: number): NodeSizes {
  let s = sizesCache.get(taskMs);
  if (s) return s;
  const MiB = 1 << 20;
  const file = workFile(8 * MiB);
  s = {
    pbkdf2: scaled(
      10_000,
      timeNs(() => callOnce('pbkdf2Sync', 10_000)),
      taskMs,
      1_000,
      10_000_000,
    ),
    gzip: scaled(
      MiB,
      timeNs(() => callOnce('gzipSync', MiB)),
      taskMs,
      64 * 1024,
      32 * MiB,
    ),
    readFile: scaled(
      8 * MiB,
      timeNs(() => void readFileSync(file)),
      taskMs,
      256 * 1024,
      16 * MiB, // at most 16 MiB a read (2x cores of them at once): below taskMs on a fast machine
    ),
  };
  sizesCache.set(taskMs, s);
  return s;
}

/** The size of a call from the calibrated sizes. */
export function sizeOf(call: NodeCall, sizes: NodeSizes): number {
  return call.startsWith('pbkdf2') ? sizes.pbkdf2 : call.startsWith('gzip') ? sizes.gzip : sizes.readFile;
}
