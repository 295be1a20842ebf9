/** `measure`'s options: defaults and validation (TypeError / RangeError naming the option). */
import type { MeasureOptions } from '../types.js';
import { expectBoolean, expectInteger, expectKnownKeys, expectObject } from '../validate.js';

export const DEFAULT_PROBE_INTERVAL_MS = 5;
export const MAX_PROBE_INTERVAL_MS = 10_000;
export const DEFAULT_CENSUS_TIMEOUT_MS = 1_000;
export const MAX_CENSUS_TIMEOUT_MS = 60_000;

const KEYS = ['poolProbe', 'probeIntervalMs', 'censusTimeoutMs'] as const;

export type MeasurePlan = Required<MeasureOptions>;

export function checkMeasureOptions(options: unknown): MeasurePlan {
  const o = options === undefined ? {} : expectObject(options, 'options');
  expectKnownKeys(o, 'options', KEYS);
  const pick = <T>(key: string, check: (v: unknown, name: string) => T, fallback: T): T =>
    o[key] === undefined ? fallback : check(o[key], `options.${key}`);
  return {
    poolProbe: pick('poolProbe', expectBoolean, true),
    probeIntervalMs: pick(
      'probeIntervalMs',
      (v, n) => expectInteger(v, n, 1, MAX_PROBE_INTERVAL_MS),
      DEFAULT_PROBE_INTERVAL_MS,
    ),
    censusTimeoutMs: pick(
      'censusTimeoutMs',
      (v, n) => expectInteger(v, n, 1, MAX_CENSUS_TIMEOUT_MS),
      DEFAULT_CENSUS_TIMEOUT_MS,
    ),
  };
}
