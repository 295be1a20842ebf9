/**
 * Growing a pool for a batch of mode 'worker' or 'process', within the machine's limits: the hosts
 * still to start must fit in the memory available (measured from a first host, checked before any
 * more start), and a host that cannot start ends the whole attempt at once, with every host of the
 * pool ended and reaped, so that the next batch starts from a clean pool.
 */
import { hostStartError } from '../../errors.js';
import { checkMemory } from '../memory-budget.js';
import type { BatchPlan } from '../options.js';
import { endPool, HostStartFailure, poolOf, type HostKind, type HostPool } from './host-pool.js';

/**
 * The pool of the plan's kind with at least `size` hosts, all ready. Throws the memory check's
 * RangeError before starting more than the first host, or, when a host cannot start, an Error from
 * hostStartError (after ending the pool).
 */
export async function startHosts(plan: BatchPlan, kind: HostKind, size: number): Promise<HostPool> {
  const concurrent = Math.min(plan.tasks, size);
  checkMemory(plan.kernel, plan.args, concurrent); // the buffers alone need no host to be refused
  const pool = poolOf(kind);
  try {
    if (pool.size < size) {
      const bytesEach = await pool.hostBytes();
      if (bytesEach !== undefined) {
        const sizedBy = plan.threads === undefined ? 'options.tasks' : 'options.threads';
        checkMemory(plan.kernel, plan.args, concurrent, {
          kind,
          total: size,
          toStart: size - pool.size,
          bytesEach,
          sizedBy,
        });
      }
    }
    if (pool.size > size) pool.resize(size); // ends idle hosts beyond `size`
    await pool.grow(size);
    return pool;
  } catch (err) {
    if (!(err instanceof HostStartFailure)) throw err;
    const started = pool.started;
    await endPool(kind); // every host ended and reaped; the causes of the others are in by then
    throw hostStartError(kind, pool.startFailure() ?? err.why, started, size);
  }
}
