/** Modes 'worker' and 'process': tasks run held on a host's own thread, one task per host at a time. */
import type { KernelName, TaskReport } from '../../types.js';
import type { BatchPlan } from '../options.js';
import { toReport } from '../task-report.js';
import { hostPool, type HostKind, type HostPool } from './host-pool.js';

/** Runs one task on the process-wide pool of `kind`. */
export async function runHosted(
  kind: HostKind,
  kernel: KernelName,
  args: number[],
  signal: AbortSignal | undefined,
  traceCapacity: number,
): Promise<TaskReport> {
  return toReport(await hostPool(kind).run(kernel, args, signal, traceCapacity), kind);
}

/** A hosted batch's outcome, with the CPU the hosts spent that this process's RUSAGE_SELF cannot see. */
export interface HostedOutcome {
  readonly settled: PromiseSettledResult<TaskReport>[];
  /** Mode 'process': the children's own RUSAGE_SELF over their tasks (0 for workers, which share ours). */
  readonly childUserUs: number;
  readonly childSystemUs: number;
}

/** Runs every task of `plan` on `pool` (already resized and ready); settles when all have. */
export async function hostedTasks(plan: BatchPlan, pool: HostPool): Promise<HostedOutcome> {
  let childUserUs = 0;
  let childSystemUs = 0;
  const settled = await Promise.allSettled(
    Array.from({ length: plan.tasks }, () =>
      pool.run(plan.kernel, plan.args, plan.signal, plan.traceCapacity).then((r) => {
        if (pool.kind === 'process') {
          childUserUs += r.hostUserUs;
          childSystemUs += r.hostSystemUs;
        }
        return toReport(r, pool.kind);
      }),
    ),
  );
  return { settled, childUserUs, childSystemUs };
}
