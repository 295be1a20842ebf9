/** gilscope's public surface. */
export type * from './types.js';
export { kernels, kernelNames, exampleParams } from './kernels/catalog.js';
export { reference } from './kernels/reference.js';
export { runSync, run, batch, modes, cores, MAX_TASKS, MAX_NATIVE_TASKS, DEFAULT_SWITCH_INTERVAL_US } from './modes/run.js';
export { startupCost } from './modes/startup-cost.js';
export { shutdownPools } from './modes/hosted/host-pool.js';
export { measure } from './measure/meter.js';
export { readCpuPerWall } from './measure/verdict.js';
export { poolSize } from './modes/pool-size.js';
export { addonPath } from './addon/loader.js';
export { toChromeTrace, EVENT_KINDS } from './timeline/build.js';
export type { ChromeTrace, ChromeTraceEvent } from './timeline/build.js';
export {
  hazards,
  runHazardSuite,
  raceStrategies,
  lockOrderings,
  starvationLocks,
  backoffs,
  HAZARD_LIMITS,
} from './hazards/index.js';
export {
  timeCommand,
  startTimed,
  SpawnError,
  HelperError,
  DEFAULT_INTERVAL_MS,
  MAX_INTERVAL_MS,
} from './time/command.js';
export { formatTimeReport } from './time/report.js';
