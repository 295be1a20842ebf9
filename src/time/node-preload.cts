/**
 * The preload `gilscope time` adds to a Node command (NODE_OPTIONS `--require`): it tells the
 * sampler which threads are the JS thread, libuv's pool and worker_threads' JS threads, by
 * appending JSON lines to the file named by GILSCOPE_TIME_ROLES.
 *
 * Contracts: it never starts the pool (a program may set UV_THREADPOOL_SIZE in code before its
 * first use; it is CommonJS, so loading it reads no file on the pool, as Node's ESM loader would);
 * it learns the pool once the pool has started, as the threads by which /proc/self/task grew at
 * once by the pool's size (libuv starts all of them together, on first use); it never throws into
 * the program and never keeps it alive (its timer is unref'd); it stops watching once the pool is
 * known, and checks less and less often until then (10 ms, doubling up to 500 ms). Its own cost
 * is the wall time of its own code on the JS thread (an upper bound of its CPU), written in its
 * last line at exit.
 */
/* eslint-disable @typescript-eslint/no-require-imports */
const fs = require('node:fs') as typeof import('node:fs');
const { isMainThread } = require('node:worker_threads') as typeof import('node:worker_threads');

/** The first check's delay; each later one waits twice as long, up to WATCH_MAX_MS (pool threads stay). */
const WATCH_MS = 10;
const WATCH_MAX_MS = 500;
const file = process.env['GILSCOPE_TIME_ROLES'];
let costNs = 0n;

function timed(fn: () => void): void {
  const t0 = process.hrtime.bigint();
  try {
    fn();
  } catch {
    // never into the program
  }
  costNs += process.hrtime.bigint() - t0;
}

function say(line: Record<string, unknown>): void {
  if (file) fs.appendFileSync(file, `${JSON.stringify({ pid: process.pid, ...line })}\n`);
}

function tasks(): number[] {
  return fs.readdirSync('/proc/self/task').map(Number);
}

/** The pool size libuv reads when its pool starts (UV_THREADPOOL_SIZE, as in src/modes/pool-size.ts). */
function poolSizeNow(): number {
  const n = Number.parseInt(process.env['UV_THREADPOOL_SIZE'] ?? '', 10);
  if (!Number.isFinite(n)) return 4;
  return n === 0 ? 1 : n < 0 ? 1024 : Math.min(n, 1024);
}

/**
 * Threads that appear alone stay `known` (not the pool) once they were seen in one check; the pool
 * is the threads that appeared in the last two checks when they number exactly the pool size (two
 * checks, so that a pool caught half-created still counts whole), or those of the last check alone.
 */
function watchMain(): void {
  const known = new Set(tasks());
  say({ js: process.pid });
  let pending: number[] = [];
  let found = false;
  const check = (): void => {
    if (found) return;
    const size = poolSizeNow();
    const fresh = tasks().filter((tid) => !known.has(tid));
    const newNow = fresh.filter((tid) => !pending.includes(tid));
    const recent = [...pending.filter((tid) => fresh.includes(tid)), ...newNow];
    const pool = recent.length === size ? recent : newNow.length === size ? newNow : null;
    if (pool) {
      found = true;
      say({ pool });
      return;
    }
    for (const tid of pending) known.add(tid);
    pending = newNow;
  };
  let delayMs = WATCH_MS;
  const arm = (): void => {
    setTimeout(() => {
      timed(check);
      delayMs = Math.min(WATCH_MAX_MS, delayMs * 2);
      if (!found) arm();
    }, delayMs).unref();
  };
  arm();
  process.on('exit', () => timed(() => (check(), say({ preloadCostNs: Number(costNs) }))));
}

function watchWorker(): void {
  const tid = Number(fs.readlinkSync('/proc/thread-self').split('/').pop());
  say({ worker: tid });
}

timed(() => (isMainThread ? watchMain() : watchWorker()));
