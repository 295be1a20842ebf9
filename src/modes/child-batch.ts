/**
 * Runs a whole batch in a fresh child process, for a libuv pool size other than this process's
 * (libuv reads UV_THREADPOOL_SIZE once, when its pool starts). The child measures itself and sends
 * its BatchReport back; an abort kills it, and so does this process's exit (children.ts).
 */
import { abortError, reviveError } from '../errors.js';
import type { BatchOptions, BatchReport } from '../types.js';
import { forkHost, type HostReply } from './hosted/protocol.js';

export function runBatchInChild(
  options: Omit<BatchOptions, 'signal'>,
  poolSize: number,
  signal: AbortSignal | undefined,
): Promise<BatchReport> {
  return new Promise<BatchReport>((resolve, reject) => {
    const child = forkHost('batch-host', { ...process.env, UV_THREADPOOL_SIZE: String(poolSize) });
    let done = false;
    const finish = (fn: () => void): void => {
      if (done) return;
      done = true;
      signal?.removeEventListener('abort', onAbort);
      child.kill('SIGKILL');
      fn();
    };
    const onAbort = (): void => finish(() => reject(abortError(signal!)));
    signal?.addEventListener('abort', onAbort, { once: true });
    child.on('message', (reply: HostReply) => {
      if (reply.type === 'ready') child.send({ type: 'batch', id: 1, options });
      else if (reply.type === 'batch') finish(() => resolve(reply.report));
      else if (reply.type === 'error') finish(() => reject(reviveError(reply)));
    });
    child.on('error', (err) => finish(() => reject(new Error(`the batch process failed to start: ${err.message}`))));
    child.on('exit', (code, sig) =>
      finish(() => {
        const how = sig ?? `code ${code}`;
        reject(new Error(`the batch process (UV_THREADPOOL_SIZE=${poolSize}) exited (${how}) before reporting`));
      }),
    );
  });
}
