// File descriptors and threads come back: after 200 worker hosts and 200 process hosts have come
// and gone (pools grown and ended, busy hosts killed and replaced, traced batches with their
// per-thread schedstat descriptors, child batches aborted), this process's open fds and threads
// are back to their baseline plus a small constant, and no child or zombie remains.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';

import { sampleResources, type ResourceSample } from '../bench/soak/sample.js';
import { batch, shutdownPools } from '../src/index.js';
import { liveChildPids } from '../src/internal.js';
import { LIMIT_TESTS } from './support/once-per-ci.js';
import { endPool, hostPool, type HostKind } from '../src/modes/hosted/host-pool.js';
import { waitFor } from './support/poll.js';

after(() => shutdownPools());

/** Above the baseline, what may remain: a descriptor or thread that Node opens lazily, once. */
const SLACK = 2;
const ROUNDS = 20;
const HOSTS_PER_ROUND = 10;

async function round(kind: HostKind, i: number): Promise<number> {
  const options = { kernel: 'primes', params: { n: 2000 }, mode: kind, tasks: 20, threads: HOSTS_PER_ROUND } as const;
  let hosts = HOSTS_PER_ROUND;
  if (i % 5 === 4) {
    // A busy host killed mid-batch: the batch fails by name, and the host is replaced; then an abort.
    const ac = new AbortController();
    const p = batch({ ...options, kernel: 'spin', params: { cpuUs: 2_000_000 }, signal: ac.signal });
    // Once a host runs a task (the hosts may still be starting on a loaded machine), kill it.
    for (let tries = 0; tries < 100; tries++, await sleep(50)) {
      if (hostPool(kind).killBusyHost()) {
        hosts++;
        break;
      }
    }
    ac.abort(); // and the rest aborted: running process hosts are killed and replaced too
    await p.catch(() => undefined);
  } else {
    const r = await batch({ ...options, trace: i % 2 === 0 });
    assert.equal(r.taskReports.length, 20);
  }
  await endPool(kind); // every host ended and reaped
  return hosts;
}

async function abortedChildBatch(): Promise<void> {
  const ac = new AbortController();
  const p = batch({
    kernel: 'spin',
    params: { cpuUs: 2_000_000 },
    mode: 'released',
    tasks: 2,
    threads: 3,
    signal: ac.signal,
  });
  await sleep(200);
  ac.abort();
  await p.catch(() => undefined);
}

function settled(base: ResourceSample): ResourceSample | undefined {
  const now = sampleResources();
  const back = now.fds <= base.fds + SLACK && now.threads <= base.threads + SLACK;
  return back && now.children <= base.children && now.zombies === 0 && liveChildPids().length === 0 ? now : undefined;
}

test(
  'after 200 worker and 200 process hosts come and go, fds and threads are back to baseline',
  { skip: LIMIT_TESTS },
  async (t) => {
    // Warm-up: what a first use opens once (the addon, libuv's pool, a worker's and a child's plumbing).
    for (const kind of ['worker', 'process'] as const) {
      await batch({ kernel: 'primes', params: { n: 100 }, mode: kind, tasks: 2, threads: 2, trace: true });
      await endPool(kind);
    }
    await abortedChildBatch();
    // Children beside gilscope's (tsx's esbuild, when run from the sources) are part of the baseline.
    const base = await waitFor('no gilscope child left after the warm-up', 10_000, () =>
      liveChildPids().length === 0 ? sampleResources() : undefined,
    );
    const counts = { worker: 0, process: 0 };
    for (let i = 0; i < ROUNDS; i++) {
      counts.worker += await round('worker', i);
      counts.process += await round('process', i);
      if (i % 5 === 0) await abortedChildBatch();
    }
    assert.ok(counts.worker >= 200 && counts.process >= 200, `hosts: ${JSON.stringify(counts)}`);
    const end = await waitFor(
      () =>
        `fds and threads back to ${base.fds}+${SLACK} and ${base.threads}+${SLACK}: ` +
        JSON.stringify(sampleResources()),
      15_000,
      () => settled(base),
    );
    t.diagnostic(`baseline ${JSON.stringify(base)}; after ${JSON.stringify(counts)} hosts ${JSON.stringify(end)}`);
  },
);
