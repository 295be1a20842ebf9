/**
 * Experiment 9's measurement: k long released tasks hold libuv's pool (gilscope's `spin`, or
 * crypto.pbkdf2) while three small operations that need the pool are issued together: an fs read
 * of a small file, dns.lookup('localhost') and a tiny gilscope released task. Each records its
 * latency from issue to completion. Runs in this process (its pool size is the one in force).
 */
import { pbkdf2 } from 'node:crypto';
import { lookup } from 'node:dns/promises';
import { readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';

import { run } from '../../src/index.js';
import { workFile } from './node-work.js';

export type Occupier = 'spin' | 'pbkdf2';

/** One sample: each small operation's latency, ns. */
export interface StarvationSample {
  readonly fsNs: number;
  readonly dnsNs: number;
  readonly tinyNs: number;
}

/** The small file the fs reads fetch (4 KiB, in the page cache after its first read). */
const SMALL_FILE_BYTES = 4096;

function occupy(occupier: Occupier, size: number): Promise<unknown> {
  if (occupier === 'spin') return run('spin', { cpuUs: size }, { mode: 'released' });
  return new Promise<void>((resolve, reject) =>
    pbkdf2('gilscope', 'salt', size, 32, 'sha256', (e) => (e ? reject(e) : resolve())),
  );
}

async function timed(op: () => Promise<unknown>): Promise<number> {
  const t0 = process.hrtime.bigint();
  await op();
  return Number(process.hrtime.bigint() - t0);
}

/**
 * One sample: k occupiers (each `size`: spin cpuUs or pbkdf2 iterations) submitted, 2 ms for them
 * to reach the pool, then the three small operations at once; resolves when all have ended.
 */
export async function starvationSample(occupier: Occupier, size: number, k: number): Promise<StarvationSample> {
  const file = workFile(SMALL_FILE_BYTES);
  const long = Array.from({ length: k }, () => occupy(occupier, size));
  if (k > 0) await sleep(2);
  const [fsNs, dnsNs, tinyNs] = await Promise.all([
    timed(() => readFile(file)),
    timed(() => lookup('localhost')),
    timed(() => run('spin', { cpuUs: 1 }, { mode: 'released' })),
  ]);
  await Promise.all(long);
  return { fsNs, dnsNs, tinyNs };
}
