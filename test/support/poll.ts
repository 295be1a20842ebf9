/** Waiting in tests without hanging them: poll until a condition holds, bound a promise in time. */

/**
 * Polls `check` every 20 ms until it returns a value, for at most `ms`; then rejects naming `what`
 * (a function is called at that moment, so that it can say what the state was then).
 */
export async function waitFor<T>(what: string | (() => string), ms: number, check: () => T | undefined): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = check();
    if (v !== undefined) return v;
    if (Date.now() > end) {
      throw new Error(`timed out after ${ms} ms waiting for ${typeof what === 'string' ? what : what()}`);
    }
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Settles as `p` does, or rejects once `ms` have passed first: a hang is a failure, not a stuck test. */
export async function bounded<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      p,
      new Promise<T>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} took over ${ms} ms`)), ms))),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
