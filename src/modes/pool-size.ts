/** The libuv threadpool as this process has it. */

/** libuv's default pool size when UV_THREADPOOL_SIZE is unset. */
export const DEFAULT_POOL_SIZE = 4;
/** libuv's hard cap. */
export const MAX_POOL_SIZE = 1024;

/**
 * The pool size libuv uses in this process: UV_THREADPOOL_SIZE as libuv reads it at pool start
 * (an integer, clamped to 1..1024), else 4. libuv reads the variable once, when the pool starts, so
 * a change made later in this process has no effect; gilscope never changes it in-process.
 */
export function poolSize(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env['UV_THREADPOOL_SIZE'];
  if (raw === undefined || raw === '') return DEFAULT_POOL_SIZE;
  // libuv: nthreads = atoi(val) as unsigned; 0 becomes 1; above the cap (negatives too) the cap.
  const n = Number.parseInt(raw, 10);
  if (!Number.isFinite(n) || n === 0) return 1;
  if (n < 0) return MAX_POOL_SIZE;
  return Math.min(n, MAX_POOL_SIZE);
}
