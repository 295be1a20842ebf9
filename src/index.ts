/** gilscope's public surface: what `import 'gilscope'` gives. */
export type * from './types.js';
export { kernels, kernelNames, exampleParams } from './kernels/catalog.js';
export { reference } from './kernels/reference.js';
export { runSync, run, cores } from './modes/run.js';
export { batch } from './modes/batch.js';
export { modes, MAX_TASKS, MAX_NATIVE_TASKS, DEFAULT_SWITCH_INTERVAL_US } from './modes/options.js';
export { startupCost } from './modes/startup-cost.js';
export { shutdownPools } from './modes/hosted/host-pool.js';
export { measure } from './measure/meter.js';
export { readCpuPerWall } from './measure/verdict.js';
export { readAccount } from './measure/reading.js';
export { wallBreakdown } from './measure/breakdown.js';
export { poolSize } from './modes/pool-size.js';
export { addonPath } from './addon/loader.js';
export { EVENT_KINDS } from './generated/layout.js';
export { toChromeTrace } from './timeline/chrome-trace.js';
export type { ChromeTrace, ChromeTraceEvent } from './timeline/chrome-trace.js';
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
