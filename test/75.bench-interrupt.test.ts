// Ctrl-C during a bench: the CLI runs in a real child process (its own process group) on a tiny
// sweep that keeps child processes busy; after SIGINT it exits with 130, leaves a partial
// results.json that parses and validates, and no process it started survives it.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';

import { schemaErrors } from '../bench/model/schema.js';
import { cli as runCli, cliArgv, ROOT as root } from './support/cli.js';
import type { BenchResults } from '../bench/model/types.js';

const dir = mkdtempSync(join(tmpdir(), 'gilscope-sigint-'));
after(() => rmSync(dir, { recursive: true, force: true }));

interface Proc {
  readonly pid: number;
  readonly ppid: number;
  readonly pgrp: number;
  readonly state: string;
  readonly cmdline: string;
}

/** Every process on the machine, from /proc (comm may hold spaces and parentheses: parse after the last ')'). */
function processes(): Proc[] {
  const out: Proc[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const cmdline = readFileSync(`/proc/${name}/cmdline`, 'utf8').replace(/\0/g, ' ');
      out.push({ pid: Number(name), state: fields[0]!, ppid: Number(fields[1]), pgrp: Number(fields[2]), cmdline });
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

/** Polls `check` every 20 ms until it returns a value, for at most `ms`. */
async function waitFor<T>(what: string, ms: number, check: () => T | undefined): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = check();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

function startBench(
  out: string,
  args: string[],
): {
  child: ChildProcess;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
} {
  // detached: its own process group, so that what it started can be found after it has gone.
  const child = spawn(process.execPath, cliArgv(['bench', ...args, '--out', out]), {
    cwd: root,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  child.stdout!.on('data', (d: Buffer) => (text += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (text += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, output: () => text, exited };
}

async function bounded<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
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

function survivors(pgid: number, seen: readonly number[]): Proc[] {
  return processes().filter((p) => p.pgrp === pgid || (seen.includes(p.pid) && p.cmdline.includes('process-host')));
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
    ]);
    const cli = bench.child.pid!;
    const seen = new Set<number>();
    // tasks = 1 takes two batches, two child processes; the third child runs tasks = 2's first batch.
    const running = await waitFor(`a third batch process (output so far: ${bench.output()})`, 90_000, () => {
      const kids = processes().filter((p) => p.ppid === cli && p.cmdline.includes('process-host'));
      for (const k of kids) seen.add(k.pid);
      return seen.size >= 3 ? kids.find((k) => ![...seen].slice(0, 2).includes(k.pid)) : undefined;
    }).catch((err: Error) => {
      process.kill(-cli, 'SIGKILL');
      throw err;
    });
    assert.ok(running, 'a child batch is running when SIGINT comes');
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
    assert.deepEqual(survivors(cli, [...seen]), [], 'no process of its group and no batch process survives');
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
    ]);
    const cli = bench.child.pid!;
    const seen = new Set<number>();
    // tasks = 2 uses two hosts: once both are up, tasks = 1 (200 runs) has finished.
    await waitFor(`two process hosts (output so far: ${bench.output()})`, 90_000, () => {
      const kids = processes().filter((p) => p.ppid === cli && p.cmdline.includes('process-host'));
      for (const k of kids) seen.add(k.pid);
      return kids.length >= 2 ? kids : undefined;
    }).catch((err: Error) => {
      process.kill(-cli, 'SIGKILL');
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
    assert.deepEqual(survivors(cli, [...seen]), [], 'no process of its group and no host survives');
  },
);
