/**
 * The process's one 'exit' hook. Whatever gilscope started must not outlive it or hold up its
 * exit: native tasks in flight are cancelled (Node joins the libuv pool at exit, so a running
 * kernel would otherwise hold the exit until it finished on its own), worker and process hosts
 * are closed, and every tracked child process is killed. Each module registers its own cleanup;
 * this module runs them, in registration order, once, when the process exits.
 */

const cleanups = new Set<() => void>();
let hooked = false;

function runCleanups(): void {
  for (const fn of cleanups) {
    try {
      fn();
    } catch {
      // An exit hook must not throw: the other cleanups still run.
    }
  }
}

/**
 * Runs `fn` when the process exits. Registering the same function again is a no-op (cheap enough
 * to call on every task's path).
 */
export function atExit(fn: () => void): void {
  cleanups.add(fn);
  if (hooked) return;
  hooked = true;
  process.on('exit', runCleanups);
}
