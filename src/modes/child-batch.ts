/**
 * Runs a whole batch in a fresh child process, for a libuv pool size other than this process's
 * (libuv reads UV_THREADPOOL_SIZE once, when its pool starts). The child measures itself and sends
 * its BatchReport back; an abort kills it.
 */
import { fork } from 'node:child_process';

import type { BatchOptions, BatchReport } from '../types.js';
import { trackChild } from './children.js';
import { abortError } from './hosted/host-pool.js';
import { hostFile, type HostReply } from './hosted/protocol.js';

export function runBatchInChild(
  options: Omit<BatchOptions, 'signal'>,
  poolSize: number,
  signal: AbortSignal | undefined,
): Promise<BatchReport> {
  return new Promise<BatchReport>((resolve, reject) => {
    const child = trackChild(
      fork(hostFile('process-host'), [], {
        serialization: 'advanced',
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
        env: { ...process.env, UV_THREADPOOL_SIZE: String(poolSize) },
      }),
    );
    let done = false;
    // If this process exits first, the child must not run on as an orphan.
    const killChild = (): void => void child.kill('SIGKILL');
    process.on('exit', killChild);
    const finish = (fn: () => void): void => {
      if (done) return;
      done = true;
      signal?.removeEventListener('abort', onAbort);
      process.off('exit', killChild);
      child.kill('SIGKILL');
      fn();
    };
    const onAbort = (): void => finish(() => reject(abortError(signal!)));
    signal?.addEventListener('abort', onAbort, { once: true });
    child.on('message', (reply: HostReply) => {
      if (reply.type === 'ready') {
        child.send({ type: 'batch', id: 1, options });
      } else if (reply.type === 'batch') {
        finish(() => resolve(reply.report));
      } else if (reply.type === 'error') {
        const Ctor = reply.name === 'RangeError' ? RangeError : reply.name === 'TypeError' ? TypeError : Error;
        finish(() => reject(new Ctor(reply.message)));
      }
    });
    child.on('error', (err) => finish(() => reject(new Error(`the batch process failed to start: ${err.message}`))));
    child.on('exit', (code, sig) =>
      finish(() =>
        reject(
          new Error(
            `the batch process (UV_THREADPOOL_SIZE=${poolSize}) exited (${sig ?? `code ${code}`}) before reporting`,
          ),
        ),
      ),
    );
  });
}
