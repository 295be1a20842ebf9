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

/** Why one host could not start: the errno name when the OS refused it, else how it ended. */
export interface HostStartCause {
  /** e.g. 'EAGAIN' (a fork or thread creation refused), 'ERR_WORKER_INIT_FAILED', 'ETIMEDOUT'. */
  readonly code: string;
  readonly detail: string;
}

/**
 * The error a batch rejects with when its hosts could not all start: it names the cause (the errno
 * name first), the mode, and how many hosts had started (all of which were ended and reaped).
 */
export function hostStartError(
  kind: 'worker' | 'process',
  cause: HostStartCause,
  started: number,
  wanted: number,
): Error & { code: string } {
  const limit =
    cause.code === 'EAGAIN' || cause.code === 'ENOMEM'
      ? '; the OS refused a new process or thread (see ulimit -u, /proc/sys/kernel/threads-max and free memory): ' +
        'pass a smaller options.threads'
      : '';
  const err = new Error(
    `mode '${kind}': could not start ${wanted} ${kind} hosts: ${cause.code} (${cause.detail}); ` +
      `${started} had started and were ended${limit}`,
  ) as Error & { code: string };
  err.code = cause.code;
  return err;
}
