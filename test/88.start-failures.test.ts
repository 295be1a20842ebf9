// Hosts and threads that cannot start fail fast, and no host outlives its parent. Under a lowered
// process limit (RLIMIT_NPROC, as an unprivileged user: root ignores it), a process batch rejects
// within a bound naming EAGAIN, the mode and how many hosts had started, leaving no host and no
// zombie; mode native refuses 1,000 threads up front and, when the OS refuses a thread anyway,
// rejects naming EAGAIN; after each failure a normal batch runs. A parent killed (SIGTERM or
// SIGKILL) while its hosts start or run leaves none of them alive a second later.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { availableParallelism, loadavg } from 'node:os';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';

import { ROOT } from './support/cli.js';
import { LIMIT_TESTS } from './support/once-per-ci.js';
import { running } from './support/proc.js';
import { spawnCollecting } from './support/spawn.js';

const LIMIT = 200;
/** Processes of the same user started beside the fixture: they take part of the limit, unseen by it. */
const SIBLINGS = 40;

/** Why the unprivileged run cannot happen here, or undefined when it can. */
function cannotRunUnprivileged(): string | undefined {
  if (process.getuid?.() !== 0) return undefined; // not root: ulimit -u binds this user already
  const probe = spawnSync('runuser', ['-u', 'nobody', '--', 'test', '-r', `${ROOT}/src/index.ts`]);
  if (probe.error) return `runuser is not available (${probe.error.message})`;
  return probe.status === 0 ? undefined : `user nobody cannot read ${ROOT}`;
}

/** `node --import tsx <fixture> <args>` under `ulimit -u LIMIT`, as nobody when this is root. */
function underLimit(fixture: string, args: string): ReturnType<typeof spawnCollecting> {
  const script =
    `ulimit -u ${LIMIT}; for i in $(seq ${SIBLINGS}); do sleep 120 </dev/null >/dev/null 2>&1 & done; ` +
    `exec ${process.execPath} --import tsx ${fixture} ${args}`;
  const argv =
    process.getuid?.() === 0 ? ['runuser', '-u', 'nobody', '--', 'bash', '-c', script] : ['bash', '-c', script];
  return spawnCollecting(argv[0]!, argv.slice(1), { cwd: ROOT, limitMs: 180_000 });
}

interface Attempt {
  ok: boolean;
  name?: string;
  code?: string;
  message?: string;
  elapsedMs: number;
  children: { pid: number; state: string; cmdline: string }[];
}

/** The bound on a start failure: 10 s, stretched by how far the load average exceeds the cores (at most 30 s). */
function failureBoundMs(): number {
  return Math.min(30_000, 10_000 * Math.max(1, loadavg()[0]! / availableParallelism()));
}

function noHostLeft(a: Attempt, what: string): void {
  const hosts = a.children.filter((c) => c.cmdline.includes('process-host'));
  assert.deepEqual(hosts, [], `${what}: no host remains`);
  assert.deepEqual(
    a.children.filter((c) => c.state === 'Z'),
    [],
    `${what}: no zombie remains`,
  );
}

test(
  'under a lowered process limit, start failures reject fast, name EAGAIN and leave nothing behind',
  { skip: LIMIT_TESTS },
  async (t) => {
    const why = cannotRunUnprivileged();
    if (why) return t.skip(why);
    const child = underLimit('test/fixtures/start-failure.ts', `40 ${LIMIT}`);
    try {
      const out = await child.done;
      const result = JSON.parse(out.stdout.trim().split('\n').at(-1)!) as Record<string, Attempt>;
      const { processFailure: pf, processAfter, workerFailure: wf, workerAfter } = result;
      const { nativeFailure: nf, nativeRefused: nr, nativeAfter } = result;
      t.diagnostic(`process failure after ${pf!.elapsedMs} ms (load ${loadavg()[0]!.toFixed(1)}): ${pf!.message}`);
      assert.equal(pf!.ok, false, 'the process batch under the limit rejected');
      assert.equal(pf!.code, 'EAGAIN', pf!.message);
      assert.match(pf!.message!, /^mode 'process': could not start 40 process hosts: EAGAIN \(/);
      assert.match(pf!.message!, /; \d+ had started and were ended/);
      assert.ok(pf!.elapsedMs < failureBoundMs(), `rejected after ${pf!.elapsedMs} ms`);
      noHostLeft(pf!, 'after the process failure');
      assert.equal(processAfter!.ok, true, `a normal process batch runs afterwards: ${processAfter!.message}`);
      assert.equal(wf!.code, 'EAGAIN', wf!.message);
      assert.match(wf!.message!, /^mode 'worker': could not start 200 worker hosts: EAGAIN \(.*; \d+ had started/);
      assert.equal(workerAfter!.ok, true, `a normal worker batch runs afterwards: ${workerAfter!.message}`);
      assert.equal(nf!.name, 'RangeError', nf!.message);
      assert.match(
        nf!.message!,
        /^options\.tasks: mode 'native' starts one thread per task, and 1000 threads will not fit/,
      );
      assert.match(nf!.message!, /RLIMIT_NPROC \(ulimit -u\) allows this user 200; nothing was started/);
      assert.equal(nr!.ok, false, 'threads the OS refused fail the native batch');
      assert.equal(nr!.code, 'EAGAIN', nr!.message);
      assert.match(
        nr!.message!,
        /^mode 'native': could not start thread \d+ of \d+: EAGAIN .*; the \d+ started were stopped/,
      );
      assert.equal(nativeAfter!.ok, true, `a normal native batch runs afterwards: ${nativeAfter!.message}`);
    } finally {
      child.killGroup(); // the sibling sleeps
    }
  },
);

for (const signal of ['SIGTERM', 'SIGKILL'] as const) {
  for (const moment of ['while its hosts start', 'while its hosts run held tasks'] as const) {
    test(`a parent ended by ${signal} ${moment} leaves no host alive a second later`, async () => {
      const child = spawnCollecting(process.execPath, ['--import', 'tsx', 'test/fixtures/parent-death.ts', '4'], {
        cwd: ROOT,
        limitMs: 60_000,
      });
      try {
        const hostsSeen = (): number[] => {
          const lines = child.stdout().trim().split('\n').filter(Boolean);
          return lines.length ? (JSON.parse(lines.at(-1)!) as { hosts: number[] }).hosts : [];
        };
        const wanted = moment === 'while its hosts start' ? 1 : 4;
        for (let i = 0; i < 600 && hostsSeen().length < wanted; i++) await sleep(50);
        if (moment !== 'while its hosts start') await sleep(1500); // the held tasks have begun
        const hosts = hostsSeen();
        assert.ok(hosts.length >= wanted, `saw ${hosts.length} hosts`);
        process.kill(child.child.pid!, signal);
        await child.exited;
        await sleep(1000);
        assert.deepEqual(hosts.filter(running), [], `hosts alive a second after the parent's ${signal}`);
      } finally {
        child.killGroup();
      }
    });
  }
}
