/** Assertions the tests share beyond node:assert. */
import assert from 'node:assert/strict';

/** Asserts |a - b| <= eps: equal up to rounding (floating-point figures computed two ways). */
export function near(a: number, b: number, eps = 1e-9): void {
  assert.ok(Math.abs(a - b) <= eps, `${a} is not within ${eps} of ${b}`);
}

/** The two error classes bad input gets: a wrong type, or a value out of range. */
export type InputErrorClass = typeof TypeError | typeof RangeError;

/** Whether `err` is exactly the error bad input must get: of class `cls`, its message matching `message`. */
function isInputError(err: unknown, cls: InputErrorClass, message: RegExp): true {
  const e = err as Error | null | undefined;
  assert.ok(err instanceof cls, `expected ${cls.name}, got ${e?.constructor?.name}: ${e?.message}`);
  assert.match(err.message, message);
  return true;
}

/** Asserts `fn()` throws a `cls` (TypeError or RangeError) whose message matches `message`. */
export function throwsNamed(fn: () => unknown, cls: InputErrorClass, message: RegExp): void {
  assert.throws(fn, (err: unknown) => isInputError(err, cls, message));
}

/** Asserts `p` rejects with a `cls` (TypeError or RangeError) whose message matches `message`. */
export async function rejectsNamed(p: Promise<unknown>, cls: InputErrorClass, message: RegExp): Promise<void> {
  await assert.rejects(p, (err: unknown) => isInputError(err, cls, message));
}
