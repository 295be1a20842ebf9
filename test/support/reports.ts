/** Typed fakes of what the bench's analysis reads: a task's report and a measured batch. */
import type { BatchFigures } from '../../bench/analysis/analyse.js';
import type { TaskReport } from '../../src/index.js';

/** A task's report: zero everywhere but in `t`. */
export function fakeTask(t: Partial<TaskReport>): TaskReport {
  return {
    kernel: 'spin',
    mode: 'gil',
    result: 0,
    threadId: 1,
    pid: 1,
    startNs: 0n,
    endNs: 0n,
    wallNs: 0,
    queueNs: 0,
    cpuNs: 0,
    userUs: 0,
    systemUs: 0,
    voluntarySwitches: 0,
    involuntarySwitches: 0,
    runQueueNs: 0,
    lockWaitNs: 0,
    lockHoldNs: 0,
    lockAcquisitions: 0,
    dropRequests: 0,
    ...t,
  };
}

/** A batch of these tasks as the analysis reads it: no lock, no convoy probe, a quiet event loop. */
export function fakeBatch(tasks: readonly TaskReport[], figures: Partial<BatchFigures> = {}): BatchFigures {
  return {
    taskReports: tasks,
    cpuPerWall: 1,
    parallelism: 1,
    poolSize: 4,
    lock: null,
    eventLoop: { utilization: 0.5, delayP50Ns: 1, delayP99Ns: 2, delayMaxNs: 3, samples: 3 },
    probe: { convoy: null },
    wallNs: Math.max(1, ...tasks.map((t) => t.wallNs)),
    cores: 2,
    processUserUs: tasks.reduce((s, t) => s + t.cpuNs, 0) / 1000,
    processSystemUs: 0,
    jsThreadCpuNs: 0,
    mode: tasks[0]?.mode ?? 'gil',
    ...figures,
  };
}
