/**
 * When CPython's and gilscope's figures agree, exactly as issue 14 states the rules:
 *  - speed-ups and hand-off rates: within 10% of CPython's;
 *  - the convoy: compared as its excess over the row with no CPU-bound thread (what the lock adds
 *    beyond the sleep's own overshoot), p50 within 25% and p99 within 50% of CPython's, or within
 *    0.5 ms where that is larger; the row with no CPU-bound thread is compared as it is, by the
 *    same tolerances;
 *  - each side's figure is the median of its runs.
 * Pure functions: the figures in, the rows out.
 */
import type { RealGilRow } from '../model/results.js';

export const RATE_TOLERANCE = 0.1;
export const CONVOY_P50_TOLERANCE = 0.25;
export const CONVOY_P99_TOLERANCE = 0.5;
export const CONVOY_FLOOR_MS = 0.5;

const ratioOf = (cpython: number | null, gilscope: number | null): number | null =>
  cpython === null || gilscope === null || cpython === 0 ? null : gilscope / cpython;

/** A speed-up or hand-off-rate row: agree when gilscope is within 10% of CPython. */
export function rateRow(
  group: 'speed-up' | 'hand-offs',
  label: string,
  unit: string,
  cpython: number | null,
  gilscope: number | null,
): RealGilRow {
  const ratio = ratioOf(cpython, gilscope);
  const verdict = ratio === null ? 'not compared' : Math.abs(ratio - 1) <= RATE_TOLERANCE ? 'agree' : 'differ';
  return { group, label, unit, cpython, gilscope, ratio, rule: `within ${RATE_TOLERANCE * 100}%`, verdict };
}

/** Whether `gilscope` is within `tolerance` of `cpython`, or within CONVOY_FLOOR_MS where that is larger. */
export function convoyAgrees(cpythonMs: number, gilscopeMs: number, tolerance: number): boolean {
  const allowed = Math.max(tolerance * Math.abs(cpythonMs), CONVOY_FLOOR_MS);
  return Math.abs(gilscopeMs - cpythonMs) <= allowed;
}

/**
 * A convoy row (ms). `excess`: the figures are already excesses over the no-CPU-thread row.
 * which: p50 (25%) or p99 (50%).
 */
export function convoyRow(
  label: string,
  which: 'p50' | 'p99',
  excess: boolean,
  cpythonMs: number | null,
  gilscopeMs: number | null,
): RealGilRow {
  const tolerance = which === 'p50' ? CONVOY_P50_TOLERANCE : CONVOY_P99_TOLERANCE;
  const rule = `${excess ? 'excess over no CPU thread, ' : ''}within ${tolerance * 100}% or ${CONVOY_FLOOR_MS} ms`;
  const verdict =
    cpythonMs === null || gilscopeMs === null
      ? 'not compared'
      : convoyAgrees(cpythonMs, gilscopeMs, tolerance)
        ? 'agree'
        : 'differ';
  return {
    group: 'convoy',
    label: `${label} ${which}${excess ? ' excess' : ''}`,
    unit: 'ms',
    cpython: cpythonMs,
    gilscope: gilscopeMs,
    ratio: ratioOf(cpythonMs, gilscopeMs),
    rule,
    verdict,
  };
}

/** `a - b`, null when either is null. */
export const minus = (a: number | null, b: number | null): number | null => (a === null || b === null ? null : a - b);
