/** The experiments, in report order. */
import type { Experiment } from './common.js';
import { cpuModes } from './cpu-modes.js';
import { dispatch } from './dispatch.js';
import { eventLoop } from './event-loop.js';
import { mixedWait } from './mixed-wait.js';
import { nodeWork } from './node-work.js';
import { poolStarvation } from './pool-starvation.js';
import { payoff } from './payoff.js';
import { sleepModes } from './sleep-modes.js';
import { startup } from './startup.js';
import { switchInterval } from './switch-interval.js';

export const EXPERIMENTS: readonly Experiment[] = [
  cpuModes,
  sleepModes,
  mixedWait,
  switchInterval,
  eventLoop,
  dispatch,
  startup,
  nodeWork,
  poolStarvation,
  payoff,
];
export type { Experiment, ExpContext } from './common.js';
