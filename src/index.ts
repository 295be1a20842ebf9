/** gilscope's public surface. */
export type * from './types.js';
export { kernels, kernelNames, exampleParams } from './kernels/catalog.js';
export { reference } from './kernels/reference.js';
export { runSync, run, batch, modes, cores, MAX_TASKS, MAX_NATIVE_TASKS, DEFAULT_SWITCH_INTERVAL_US } from './run.js';
export { startupCost } from './startup.js';
export { shutdownPools } from './modes/host-pool.js';
export { measure } from './measure.js';
export { readCpuPerWall } from './verdict.js';
export { poolSize } from './pool.js';
export { addonPath } from './native.js';
export { toChromeTrace, EVENT_KINDS } from './timeline.js';
export type { ChromeTrace, ChromeTraceEvent } from './timeline.js';
export {
  hazards,
  runHazardSuite,
  raceStrategies,
  lockOrderings,
  starvationLocks,
  backoffs,
  HAZARD_LIMITS,
} from './hazards.js';
export {
  timeCommand,
  startTimed,
  SpawnError,
  HelperError,
  DEFAULT_INTERVAL_MS,
  MAX_INTERVAL_MS,
} from './time/command.js';
export { formatTimeReport } from './time/report.js';
