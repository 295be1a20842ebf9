/** Whether the buffers of a batch's tasks fit in memory, before any task starts. */
import { totalmem } from 'node:os';

import type { KernelName } from '../types.js';

/** Share of the machine's memory that the buffers of tasks running at once may take. */
export const MEMORY_BUDGET_FRACTION = 0.5;

/**
 * Rejects a batch whose tasks running at once would allocate more than MEMORY_BUDGET_FRACTION of
 * this machine's memory (each hash or stream task allocates its `bytes` buffer): such a batch would
 * end in the OOM killer, not in an error.
 */
export function checkMemory(kernel: KernelName, args: number[], concurrent: number): void {
  const bytes = kernel === 'hash' || kernel === 'stream' ? args[0]! : 0;
  const need = bytes * concurrent;
  const budget = Math.floor(totalmem() * MEMORY_BUDGET_FRACTION);
  if (need > budget) {
    const gib = (n: number): string => `${(n / 2 ** 30).toFixed(1)} GiB`;
    throw new RangeError(
      `options.tasks: ${concurrent} ${kernel} tasks at once with params.bytes = ${bytes} need ${gib(need)}, ` +
        `more than ${MEMORY_BUDGET_FRACTION * 100}% of this machine's ${gib(totalmem())}; ` +
        'use fewer tasks, threads or bytes',
    );
  }
}
