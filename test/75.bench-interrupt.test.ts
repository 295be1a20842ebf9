// Ctrl-C during a bench: the CLI runs in a real child process (its own process group) on a tiny
// sweep that keeps child processes busy; after SIGINT it exits with 130, leaves a partial
// results.json that parses and validates, and no process it started survives it. First the pieces
// an interrupted run relies on: child-process tracking and an abortable startupCost.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';

import { schemaErrors } from '../bench/model/validate.js';
import type { BenchResults } from '../bench/model/results.js';
import { startupCost } from '../src/index.js';
import { killChildren, liveChildPids, trackChild } from '../src/modes/children.js';
import { cli as runCli, cliArgv, ROOT as root } from './support/cli.js';
import { bounded, waitFor } from './support/poll.js';
import { proc, processes, type Proc } from './support/proc.js';
import { spawnCollecting, type Spawned } from './support/spawn.js';

const dir = mkdtempSync(join(tmpdir(), 'gilscope-sigint-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('killChildren ends every tracked child process and waits until it is reaped', async () => {
  const child = trackChild(spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' }));
  await new Promise((r) => child.once('spawn', r));
  assert.ok(liveChildPids().includes(child.pid!));
  assert.equal(await killChildren(5000), 0);
  assert.equal(child.signalCode, 'SIGKILL');
  assert.ok(!liveChildPids().includes(child.pid!));
  assert.equal(existsSync(`/proc/${child.pid}`), false, 'no zombie left: it was reaped');
  await assert.rejects(killChildren(-1), RangeError);
});

test('startupCost stops at an abort and checks its signal option', async () => {
  const controller = new AbortController();
  controller.abort();
  await assert.rejects(startupCost({ samples: 3, signal: controller.signal }), (e: Error) => e.name === 'AbortError');
  await assert.rejects(
    startupCost({ signal: 'now' as never }),
    (e: Error) => e instanceof TypeError && /options\.signal/.test(e.message),
  );
  assert.deepEqual(liveChildPids(), []);
});

/** `gilscope bench <args> --out <out>` in a child process of its own group. */
function startBench(out: string, args: string[]): Spawned {
  return spawnCollecting(process.execPath, cliArgv(['bench', ...args, '--out', out]), { cwd: root });
}

function checkPartial(out: string): BenchResults {
  const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as BenchResults;
  assert.deepEqual(schemaErrors(results), [], 'the partial results.json validates');
  assert.equal(results.partial?.reason, 'interrupted');
  assert.equal(results.partial?.signal, 'SIGINT');
  assert.equal(results.partial?.completedConfigurations, results.configurations.length);
  assert.ok(
    results.partial!.plannedConfigurations > results.configurations.length,
    'some configurations were left undone',
  );
  assert.deepEqual(
    readdirSync(out).filter((f) => f.includes('.tmp-')),
    [],
    'no temporary file left behind',
  );
  assert.match(
    readFileSync(join(out, 'report.html'), 'utf8'),
    /<p id="partial" class="partial">INTERRUPTED \(SIGINT\)/,
  );
  return results;
}

/** A process that has exited and whose parent is gone: init reaps it, at its own pace. */
const orphanedZombie = (p: Proc): boolean => p.state === 'Z' && p.ppid === 1;

/**
 * The processes of the bench's group, and the batch and host processes it started, still there
 * after it exited. A process still running is reported at once; zombies that init has yet to reap
 * (a host's own helper, such as tsx's esbuild service, orphaned when the host was killed) are given
 * a few seconds to go.
 */
async function survivors(pgid: number, seen: readonly number[]): Promise<Proc[]> {
  const left = (): Proc[] =>
    processes().filter((p) => p.pgrp === pgid || (seen.includes(p.pid) && /process-host|batch-host/.test(p.cmdline)));
  return waitFor('init to reap the orphaned zombies', 5000, () => {
    const procs = left();
    return procs.every(orphanedZombie) && procs.length > 0 ? undefined : procs;
  }).catch(() => left());
}

test(
  'SIGINT to the bench alone while a child batch runs: exit 130, partial results, no child left',
  { timeout: 180_000 },
  async () => {
    const out = join(dir, 'alone');
    // --threads 3 differs from this pool size (4): each released batch runs in a fresh child process.
    const bench = startBench(out, [
      '--experiments',
      '1',
      '--modes',
      'released',
      '--threads',
      '3',
      '--tasks',
      '1,2',
      '--repeat',
      '2',
      '--warmup',
      '0',
      '--task-ms',
      '5',
      // One round: the batches run in the order this test counts them.
      '--rounds',
      '1',
    ]);
    const cli = bench.child.pid!;
    const seen = new Set<number>();
    // tasks = 1 takes two batches, two child processes; the third child runs tasks = 2's first batch.
    const running = await waitFor(`a third batch process (output so far: ${bench.output()})`, 90_000, () => {
      const kids = processes().filter((p) => p.ppid === cli && p.cmdline.includes('batch-host'));
      for (const k of kids) seen.add(k.pid);
      return seen.size >= 3 ? kids.find((k) => ![...seen].slice(0, 2).includes(k.pid)) : undefined;
    }).catch((err: Error) => {
      bench.killGroup();
      throw err;
    });
    // The moment SIGINT is sent, that batch process is still at work: alive, not yet a zombie.
    const now: Proc | null = proc(running.pid);
    assert.ok(now !== null && now.state !== 'Z', `batch process ${running.pid} is running (state ${now?.state})`);
    process.kill(cli, 'SIGINT');
    const { code, signal } = await bounded(bench.exited, 60_000, 'stopping after SIGINT');
    assert.equal(signal, null, bench.output());
    assert.equal(code, 130, bench.output());
    assert.match(bench.output(), /SIGINT: stopping/);
    const results = checkPartial(out);
    assert.deepEqual(
      results.configurations.map((c) => c.key),
      ['cpu/primes/released/t1'],
      'what finished is kept',
    );
    assert.equal(results.partial!.interruptedConfiguration, 'cpu/primes/released/t2');
    assert.deepEqual(await survivors(cli, [...seen]), [], 'no process of its group and no batch process survives');
    // compare reads a partial file, and says it is one.
    const compared = await runCli(['compare', join(out, 'results.json'), join(out, 'results.json')], 60_000);
    assert.match(compared.stdout, /a is a partial run \(interrupted\)/);
    assert.match(compared.stdout, /0 of 1 configurations changed significantly/);
  },
);

test(
  'Ctrl-C from a terminal (SIGINT to the whole group) while process hosts run: exit 130, nothing left',
  { timeout: 180_000 },
  async () => {
    const out = join(dir, 'group');
    const bench = startBench(out, [
      '--experiments',
      '1',
      '--modes',
      'process',
      '--tasks',
      '1,2',
      '--repeat',
      '200',
      '--warmup',
      '0',
      '--task-ms',
      '5',
      // One round: the batches run in the order this test counts them.
      '--rounds',
      '1',
    ]);
    const cli = bench.child.pid!;
    const seen = new Set<number>();
    // tasks = 2 uses two hosts: once both are up, tasks = 1 (200 runs) has finished.
    await waitFor(`two process hosts (output so far: ${bench.output()})`, 90_000, () => {
      const kids = processes().filter((p) => p.ppid === cli && p.cmdline.includes('process-host'));
      for (const k of kids) seen.add(k.pid);
      return kids.length >= 2 ? kids : undefined;
    }).catch((err: Error) => {
      bench.killGroup();
      throw err;
    });
    process.kill(-cli, 'SIGINT'); // as the terminal does: every process of the foreground group
    const { code, signal } = await bounded(bench.exited, 60_000, 'stopping after SIGINT');
    assert.equal(signal, null, bench.output());
    assert.equal(code, 130, bench.output());
    const results = checkPartial(out);
    assert.ok(
      results.configurations.some((c) => c.key === 'cpu/primes/process/t1'),
      'what finished is kept',
    );
    assert.deepEqual(
      results.notes.filter((n) => /did not run/.test(n)),
      [],
      'the hosts the terminal killed are not reported as failures',
    );
    assert.deepEqual(await survivors(cli, [...seen]), [], 'no process of its group and no host survives');
  },
);
