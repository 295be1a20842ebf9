/**
 * Reads CPU-seconds per wall-second back in plain words, by the classic rules of thumb:
 * about 1 is one busy thread, well under 1 is waiting, about N is N cores busy.
 */
import { describe, expectInteger } from '../validate.js';

/** Below this, the work mostly waited. */
export const WAITING_BELOW = 0.85;
/** From WAITING_BELOW up to this, one thread was busy. */
export const ONE_THREAD_BELOW = 1.5;
/** At or above this share of the cores, every core was busy. */
export const SATURATED_FROM = 0.9;

function pct(x: number): string {
  return `${Math.round(Math.max(0, Math.min(1, x)) * 100)}%`;
}

function coresWord(cores: number): string {
  return cores === 2 ? 'both' : `all ${cores}`;
}

/** Most cores readCpuPerWall accepts. */
export const MAX_CORES = 65_536;

/**
 * Plain-language reading of `cpuPerWall` on a machine with `cores` cores. NaN or Infinity (a run too
 * short to measure) reads as "no reading"; a negative value is a RangeError.
 */
export function readCpuPerWall(cpuPerWall: number, cores: number): string {
  if (typeof cpuPerWall !== 'number') {
    throw new TypeError(`cpuPerWall must be a number >= 0, received ${describe(cpuPerWall)}`);
  }
  if (cpuPerWall < 0) throw new RangeError(`cpuPerWall must be a number >= 0, received ${describe(cpuPerWall)}`);
  expectInteger(cores, 'cores', 1, MAX_CORES);
  const r = cpuPerWall.toFixed(2);
  if (!Number.isFinite(cpuPerWall)) return 'no reading: the run was too short to measure';
  if (cpuPerWall < WAITING_BELOW) {
    return `waiting: ${r} CPU-s per s: ${pct(1 - cpuPerWall)} of the time blocked`;
  }
  if (cpuPerWall < ONE_THREAD_BELOW || cores === 1) {
    return `one thread busy: ${r} CPU-s per s: 1 of ${cores} core${cores === 1 ? '' : 's'} busy`;
  }
  if (cpuPerWall >= SATURATED_FROM * cores) {
    return `CPU-bound: ${r} CPU-s per s on ${cores} cores: ${coresWord(cores)} saturated`;
  }
  return `parallel: ${r} CPU-s per s: about ${Math.round(cpuPerWall)} of ${cores} cores busy`;
}
