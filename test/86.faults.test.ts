// Faults: hosts that die mid-task (terminated, killed from outside, crashed), process.exit() with
// tasks in flight in every mode, and an AbortSignal firing in every mode. None crashes or hangs
// the process; every failure names its task; the pools recover. (test/26 has the basic kill cases.)
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { getEventListeners } from 'node:events';
import { readdirSync, readFileSync } from 'node:fs';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { batch, run, shutdownPools } from '../src/index.js';
import { hostPool } from '../src/modes/hosted/host-pool.js';
import { native } from '../src/addon/loader.js';
import type { Mode } from '../src/types.js';

after(() => shutdownPools());

const root = fileURLToPath(new URL('..', import.meta.url));

/** Pids of this process's children whose command line mentions `what`. */
function childPids(what: string, parent = process.pid): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === parent && readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(what)) pids.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

/** True while pid runs (a zombie waiting for its reaper has ended). */
function running(pid: number): boolean {
  try {
    return !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return false;
  }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function until(pred: () => boolean, timeoutMs: number): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (!pred()) {
    if (Date.now() > end) return pred();
    await sleep(10);
  }
  return true;
}

const TERMINATED_THREE_TIMES =
  'workers terminated mid-task, three times in a row: each batch names its failed task, the pool recovers';
test(TERMINATED_THREE_TIMES, async () => {
  const pool = hostPool('worker', 2);
  await pool.ready();
  for (let i = 0; i < 3; i++) {
    const p = batch({ kernel: 'spin', params: { cpuUs: 300_000 }, mode: 'worker', tasks: 3, threads: 2 });
    await sleep(50);
    assert.equal(pool.killBusyHost(), true);
    await assert.rejects(p, /worker task \d+ \(spin\) failed: its worker exited/);
    assert.equal(pool.size, 2, 'the terminated worker was replaced');
  }
  const ok = await batch({ kernel: 'primes', params: { n: 1000 }, mode: 'worker', tasks: 4, threads: 2 });
  assert.deepEqual(
    ok.taskReports.map((t) => t.result),
    [168, 168, 168, 168],
  );
});

for (const signal of ['SIGTERM', 'SIGSEGV'] as const) {
  const name = `a host process killed by ${signal} from outside mid-task: the task fails by name, the pool recovers`;
  test(name, async () => {
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
  });
}

// process.exit() while long tasks run. Held mode has nothing in flight when JS can call exit.
const EXIT_BOUND_MS = 15_000; // the tasks would run for 10 s each, four of them on 2 cores
for (const mode of ['released', 'gil', 'native', 'worker', 'process'] as const) {
  test(`process.exit() with ${mode} tasks in flight exits cleanly and promptly, leaving no child behind`, async (t) => {
    const t0 = Date.now();
    const out = await new Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }>(
      (resolve, reject) => {
        const child = spawn(process.execPath, ['--import', 'tsx', 'test/fixtures/exit-in-flight.ts', mode], {
          cwd: root,
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
        child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
        const timer = setTimeout(() => {
          child.kill('SIGKILL');
          reject(new Error(`process.exit() with ${mode} tasks in flight took over ${EXIT_BOUND_MS * 2} ms`));
        }, EXIT_BOUND_MS * 2);
        child.on('exit', (code, sig) => {
          clearTimeout(timer);
          resolve({ code, signal: sig, stdout, stderr });
        });
      },
    );
    const elapsedMs = Date.now() - t0;
    t.diagnostic(`${mode}: exited ${out.code} after ${elapsedMs} ms`);
    assert.equal(out.signal, null, `killed by ${out.signal}\n${out.stderr}`);
    assert.equal(out.code, 42, `exit code ${out.code}\n${out.stdout}\n${out.stderr}`);
    assert.doesNotMatch(
      out.stdout,
      /the batch (finished|failed) before exit/,
      'the tasks were still in flight at exit',
    );
    assert.doesNotMatch(
      out.stderr,
      /Assertion|FATAL|Segmentation|core dumped|Sanitizer|EPIPE|ERR_IPC|Unhandled/i,
      out.stderr,
    );
    assert.ok(elapsedMs < EXIT_BOUND_MS, `exit took ${elapsedMs} ms: it waited for the tasks`);
    const children = (JSON.parse(out.stdout.trim().split('\n').at(-1)!) as { children: number[] }).children;
    assert.ok(
      await until(() => children.every((pid) => !running(pid)), 5_000),
      `children still running after exit: ${children.filter(running).join(', ')}`,
    );
  });
}

const ABORT_BOUND_MS = 4_000; // the tasks would run for 5 s

for (const mode of ['released', 'gil', 'native', 'worker', 'process'] as const satisfies readonly Mode[]) {
  const name =
    `an AbortSignal firing mid-batch in ${mode} mode: ` +
    'AbortError with the reason, listeners gone, the mode still works';
  test(name, async () => {
    const ac = new AbortController();
    const reason = new Error(`stop the ${mode} batch`);
    const t0 = Date.now();
    const p = batch({
      kernel: 'spin',
      params: { cpuUs: 5_000_000 },
      mode,
      tasks: 3,
      ...(mode === 'worker' || mode === 'process' ? { threads: 1 } : {}),
      signal: ac.signal,
    });
    setTimeout(() => ac.abort(reason), 100);
    await assert.rejects(p, (err: DOMException & { cause?: unknown }) => {
      assert.equal(err.name, 'AbortError');
      assert.equal(err.cause, reason);
      return true;
    });
    assert.ok(Date.now() - t0 < ABORT_BOUND_MS, `settled ${Date.now() - t0} ms after the start`);
    assert.equal(getEventListeners(ac.signal, 'abort').length, 0, 'no abort listener left on the signal');
    const r = await batch({
      kernel: 'primes',
      params: { n: 1000 },
      mode,
      tasks: 2,
      ...(mode === 'worker' || mode === 'process' ? { threads: 1 } : {}),
    });
    assert.deepEqual(
      r.taskReports.map((x) => x.result),
      [168, 168],
    );
  });
}

for (const mode of ['held', 'released', 'gil', 'native', 'worker', 'process'] as const) {
  test(`an AbortSignal already fired: ${mode} rejects at once and runs nothing`, async () => {
    const ac = new AbortController();
    ac.abort();
    const cpu0 = native().processUsage();
    await assert.rejects(batch({ kernel: 'spin', params: { cpuUs: 500_000 }, mode, tasks: 2, signal: ac.signal }), {
      name: 'AbortError',
    });
    await assert.rejects(run('spin', { cpuUs: 500_000 }, { mode, signal: ac.signal }), { name: 'AbortError' });
    const cpu1 = native().processUsage();
    assert.ok(cpu1.userUs + cpu1.systemUs - cpu0.userUs - cpu0.systemUs < 400_000, 'no 500 ms task ran');
  });
}

test('AbortSignal.timeout() stops a gil batch whose tasks wait for the lock', async () => {
  const signal = AbortSignal.timeout(100);
  await assert.rejects(
    batch({ kernel: 'spin', params: { cpuUs: 5_000_000 }, mode: 'gil', tasks: 4, switchIntervalUs: 1_000_000, signal }),
    {
      name: 'AbortError',
    },
  );
  assert.equal(native().runSync('primes', [100]).result, 25);
});
