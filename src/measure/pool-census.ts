/**
 * Which threads are libuv's pool, learned exactly by a census: as many tiny tasks as the pool has
 * threads, queued at once, that meet at a barrier on the pool and report their tids. A task that
 * waits at the barrier holds its thread, so tasks that met ran on distinct threads: a met census
 * is the whole pool. The barrier has a hard bound (timeoutMs): when the pool is busy, fewer tasks
 * reach it in time and the census is partial; every tid that any census task reports (even late)
 * is a pool thread and is kept. libuv's pool threads live until the process exits, so a complete
 * census is done once per process (per JS environment: each keeps its own copy).
 *
 * Running the census starts the pool if it has not started yet; `measure` does this before fn.
 */
import { native } from '../addon/loader.js';
import { poolSize } from '../modes/pool-size.js';
import type { PoolRoll } from '../types.js';

const known = new Set<number>();
let attempted = false;

/** The pool threads known so far. */
export function knownPoolTids(): ReadonlySet<number> {
  return known;
}

/** What is known now, against the pool size in force. */
export function poolRoll(): PoolRoll {
  const size = poolSize();
  return { size, known: Math.min(known.size, size), complete: known.size >= size };
}

/**
 * Runs a census unless the pool is already known. Resolves within timeoutMs + 50 ms whatever the
 * pool does; never rejects (a failed census leaves the roll as it was).
 */
export async function learnPool(timeoutMs: number): Promise<PoolRoll> {
  const size = poolSize();
  if (known.size >= size) return poolRoll();
  attempted = true;
  let timer: NodeJS.Timeout | undefined;
  try {
    const arrivals = native()
      .poolCensus(size, timeoutMs)
      .map((p) => p.then((a) => void known.add(a.tid)).catch(() => undefined));
    const bound = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, timeoutMs + 50);
    });
    await Promise.race([Promise.all(arrivals), bound]);
  } catch {
    // the addon refused the census: the pool stays as known
  } finally {
    clearTimeout(timer);
  }
  return poolRoll();
}

/**
 * learnPool, but at most once per process (per JS environment): `batch()` uses it, so that
 * batches started while the pool is busy never wait for a census again and again.
 */
export async function learnPoolOnce(timeoutMs: number): Promise<PoolRoll> {
  return attempted ? poolRoll() : learnPool(timeoutMs);
}
