/**
 * gilscope's errors, in one place: the AbortError every cancellable call rejects with, and the
 * revival of an error that crossed a process or thread boundary as { name, message }.
 */

/**
 * The error an aborted call rejects with: a DOMException named 'AbortError' (as fetch's), its cause
 * the signal's reason.
 */
export function abortError(signal: AbortSignal): DOMException {
  const err = new DOMException('The operation was aborted', 'AbortError');
  if (signal.reason !== undefined) (err as { cause?: unknown }).cause = signal.reason;
  return err;
}

/** Throws abortError(signal) when `signal` is given and already aborted. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw abortError(signal);
}

/** An error sent over IPC or postMessage as its name and message. */
export interface ErrorMessage {
  readonly name: string;
  readonly message: string;
}

/** What to send for `err` (anything thrown): its name and message. */
export function errorMessage(err: unknown): ErrorMessage {
  const e = err as Partial<Error> | null | undefined;
  return { name: e?.name ?? 'Error', message: e?.message ?? String(err) };
}

/**
 * The error again on this side: a TypeError or RangeError keeps its class (they are validation
 * errors); the rest are Errors.
 */
export function reviveError(e: ErrorMessage): Error {
  const Ctor = e.name === 'RangeError' ? RangeError : e.name === 'TypeError' ? TypeError : Error;
  return new Ctor(e.message);
}
