/** Assertions the tests share beyond node:assert. */
import assert from 'node:assert/strict';

/** Asserts |a - b| <= eps: equal up to rounding (floating-point figures computed two ways). */
export function near(a: number, b: number, eps = 1e-9): void {
  assert.ok(Math.abs(a - b) <= eps, `${a} is not within ${eps} of ${b}`);
}
