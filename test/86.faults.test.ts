// Faults: hosts that die mid-task (terminated, killed from outside, crashed) and process.exit() with
// tasks in flight in every mode. None crashes or hangs the process; every failure names its task;
// the pools recover; an exit leaves no child behind. (Aborts are in test/40.)
import assert from 'node:assert/strict';
import { after, test, type TestContext } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';

import { batch, run, shutdownPools } from '../src/index.js';
import { hostPool } from '../src/modes/hosted/host-pool.js';
import type { Mode } from '../src/types.js';
import { ROOT } from './support/cli.js';
import { bounded, waitFor } from './support/poll.js';
import { childPids, running } from './support/proc.js';
import { spawnCollecting, type Spawned } from './support/spawn.js';

after(() => shutdownPools());

test('a worker terminated mid-task fails that task with a clear error; the process stays healthy', async () => {
  const pool = hostPool('worker', 1);
  await pool.ready();
  const p = run('spin', { cpuUs: 3_000_000 }, { mode: 'worker' });
  await waitFor('a host running the task', 10_000, () => (pool.killBusyHost() ? true : undefined));
  await assert.rejects(p, /worker task \d+ \(spin\) failed: its worker exited/);
  const again = await run('primes', { n: 1000 }, { mode: 'worker' });
  assert.equal(again.result, 168);
});

test('a child process killed mid-task fails that task with a clear error; the pool recovers', async () => {
  const pool = hostPool('process', 1);
  await pool.ready();
  const p = run('spin', { cpuUs: 3_000_000 }, { mode: 'process' });
  await waitFor('a host running the task', 10_000, () => (pool.killBusyHost() ? true : undefined));
  await assert.rejects(p, /process task \d+ \(spin\) failed: its process was killed by SIGKILL/);
  const again = await run('primes', { n: 1000 }, { mode: 'process' });
  assert.equal(again.result, 168);
});

test(
  'workers terminated mid-task, three times in a row: ' + 'each batch names its failed task, the pool recovers',
  async () => {
    const pool = hostPool('worker', 2);
    await pool.ready();
    for (let i = 0; i < 3; i++) {
      // The last batch's other task may still run, and its replaced worker still start (under ASan
      // in CI, 50 ms was not enough for either): begin each round on a started, idle pool, and kill
      // a worker as soon as one runs this batch's task.
      await pool.ready();
      await waitFor(
        () => `an idle pool (${pool.busy} busy)`,
        10_000,
        () => (pool.busy === 0 ? true : undefined),
      );
      const p = batch({ kernel: 'spin', params: { cpuUs: 300_000 }, mode: 'worker', tasks: 3, threads: 2 });
      await waitFor('a worker running a task of the batch', 10_000, () => (pool.killBusyHost() ? true : undefined));
      await assert.rejects(p, /worker task \d+ \(spin\) failed: its worker exited/);
      assert.equal(pool.size, 2, 'the terminated worker was replaced');
    }
    const ok = await batch({ kernel: 'primes', params: { n: 1000 }, mode: 'worker', tasks: 4, threads: 2 });
    assert.deepEqual(
      ok.taskReports.map((t) => t.result),
      [168, 168, 168, 168],
    );
  },
);

for (const signal of ['SIGTERM', 'SIGSEGV'] as const) {
  test(
    `a host process killed by ${signal} from outside mid-task: ` + 'the task fails by name, the pool recovers',
    async () => {
      const pool = hostPool('process', 1);
      await pool.ready();
      const p = run('spin', { cpuUs: 3_000_000 }, { mode: 'process' });
      await sleep(100);
      const hosts = childPids('process-host');
      assert.equal(hosts.length, 1, `one host process (found ${hosts.join(', ')})`);
      process.kill(hosts[0]!, signal);
      await assert.rejects(p, new RegExp(`process task \\d+ \\(spin\\) failed: its process was killed by ${signal}`));
      const again = await run('primes', { n: 1000 }, { mode: 'process' });
      assert.equal(again.result, 168);
      assert.notEqual(again.pid, hosts[0]);
    },
  );
}

// process.exit() while long tasks run. Held mode has nothing in flight when JS can call exit.
const EXIT_BOUND_MS = 15_000; // the tasks would run for 10 s each, four of them on 2 cores
/** The fixture exited with its code, promptly, cleanly, with the tasks in flight, and its children then ended. */
async function checkExit(t: TestContext, mode: Mode, child: Spawned, t0: number): Promise<void> {
  // Past the bound spawnCollecting kills it, and `done` rejects.
  const exit = await bounded(child.exited, EXIT_BOUND_MS * 2, `process.exit() with ${mode} tasks in flight`);
  const elapsedMs = Date.now() - t0;
  // The hosts of process mode share its stdout: all of it has come once they too have gone.
  const out = await child.done;
  t.diagnostic(`${mode}: exited ${exit.code} after ${elapsedMs} ms`);
  assert.equal(exit.signal, null, `killed by ${exit.signal}\n${out.stderr}`);
  assert.equal(exit.code, 42, `exit code ${exit.code}\n${out.stdout}\n${out.stderr}`);
  assert.doesNotMatch(out.stdout, /the batch (finished|failed) before exit/, 'the tasks were still in flight at exit');
  assert.doesNotMatch(
    out.stderr,
    /Assertion|FATAL|Segmentation|core dumped|Sanitizer|EPIPE|ERR_IPC|Unhandled/i,
    out.stderr,
  );
  assert.ok(elapsedMs < EXIT_BOUND_MS, `exit took ${elapsedMs} ms: it waited for the tasks`);
  const children = (JSON.parse(out.stdout.trim().split('\n').at(-1)!) as { children: number[] }).children;
  await waitFor(
    () => `its children to end after the exit: ${children.filter(running).join(', ')} still run`,
    5_000,
    () => (children.some(running) ? undefined : true),
  );
}

for (const mode of ['released', 'gil', 'native', 'worker', 'process'] as const) {
  test(`process.exit() with ${mode} tasks in flight exits cleanly and promptly, leaving no child behind`, async (t) => {
    const t0 = Date.now();
    const child = spawnCollecting(process.execPath, ['--import', 'tsx', 'test/fixtures/exit-in-flight.ts', mode], {
      cwd: ROOT,
      limitMs: EXIT_BOUND_MS * 2,
    });
    try {
      await checkExit(t, mode, child, t0);
    } finally {
      child.killGroup(); // whatever is left of its group, should the test fail
    }
  });
}
