// `gilscope compare` on live runs, once per CI run (a `.ci/run` step sets GILSCOPE_LIVE_COMPARE=1;
// without it these tests are skipped, saying why): a live A/A pair of small benches flags at most
// one row and pairs every row; a pair pinned to one core (taskset) whose b side runs beside a busy
// process on that core (a real slowdown of about 2x, same kernel sizes) is flagged slower on the
// held-mode rows, whose throughput that halves.
import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { promisify } from 'node:util';

import type { Comparison } from '../bench/analysis/compare.js';
import { cli, cliArgv, ROOT } from './support/cli.js';

const run = promisify(execFile);

const LIVE = process.env['GILSCOPE_LIVE_COMPARE'] === '1';
const SKIP = LIVE ? false : 'live bench pairs run once per CI run: set GILSCOPE_LIVE_COMPARE=1 (see .ci/run)';

const dir = mkdtempSync(join(tmpdir(), 'gilscope-compare-live-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Runs a small bench into `out` (with the sizes of `sizesFrom` when given); returns its results.json. */
async function bench(out: string, args: readonly string[], sizesFrom?: string): Promise<string> {
  const from = sizesFrom === undefined ? [] : ['--sizes-from', sizesFrom];
  await cli(['bench', ...args, ...from, '--out', join(dir, out)], 240_000);
  return join(dir, out, 'results.json');
}

async function compare(a: string, b: string, threshold: number): Promise<Comparison> {
  const { stdout } = await cli(['compare', '--json', '--threshold', String(threshold), a, b]);
  return JSON.parse(stdout) as Comparison;
}

/** The first CPU this process may run on (Cpus_allowed_list), where the slowed pair is pinned. */
function firstCpu(): number {
  const list = /Cpus_allowed_list:\s*(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'));
  return list ? Number(list[1]) : 0;
}

/** `gilscope bench` pinned to `cpu` (taskset), into `out`; returns its results.json. */
async function pinnedBench(cpu: number, out: string, args: readonly string[], sizesFrom?: string): Promise<string> {
  const from = sizesFrom === undefined ? [] : ['--sizes-from', sizesFrom];
  const argv = cliArgv(['bench', ...args, ...from, '--out', join(dir, out)]);
  await run('taskset', ['-c', String(cpu), process.execPath, ...argv], { cwd: ROOT, timeout: 240_000 });
  return join(dir, out, 'results.json');
}

/**
 * One busy process (`for(;;){}`, nice 0) pinned to `cpu`: the bench pinned there gets at most half
 * of that core, whatever the rest of the machine is doing (a fixed count, not one that grows with
 * the load average, which its own processes would raise).
 */
function startBusy(cpu: number): ChildProcess {
  return spawn('taskset', ['-c', String(cpu), process.execPath, '-e', 'for(;;){}'], { stdio: 'ignore' });
}

/** Kills the busy process by its pid and waits until it has exited. */
function stopBusy(busy: ChildProcess): Promise<void> {
  return new Promise<void>((resolve) => {
    if (busy.exitCode !== null || busy.signalCode !== null) return resolve();
    busy.once('exit', () => resolve());
    busy.kill('SIGKILL');
  });
}

const SMALL = ['--experiments', '1', '--modes', 'held,released,native', '--tasks', '1,2', '--task-ms', '5'];

test(
  'a live A/A pair (b with the sizes of a) pairs every row and flags at most one',
  { skip: SKIP, timeout: 600_000 },
  async (t) => {
    const args = [...SMALL, '--repeat', '6', '--rounds', '3'];
    const a = await bench('aa-a', args);
    const b = await bench('aa-b', args, a);
    const c = await compare(a, b, 5);
    t.diagnostic(
      `load ${loadavg()
        .map((x) => x.toFixed(2))
        .join(' ')}: ${c.flagged} of ${c.rows.length} flagged`,
    );
    assert.equal(c.rows.length, 6);
    assert.deepEqual(
      c.rows.filter((r) => r.verdict === 'not comparable').map((r) => r.key),
      [],
    );
    assert.ok(
      c.rows.every((r) => r.noise === 'between rounds'),
      'every row judged against the noise between rounds',
    );
    assert.ok(
      c.flagged <= 1,
      `at most one flagged row: ${JSON.stringify(c.rows.filter((r) => r.verdict !== 'no significant change'))}`,
    );
  },
);

/** Attempts at a slowdown the load really caused, each one bounded; the test's own hard limit is below. */
const SLOW_ATTEMPTS = 5;
/**
 * A held row's median b / a at which the busy process counts as having slowed b down for real (on
 * a loaded machine the other processes on the pinned core can make it bite less than 2x).
 */
const REAL_SLOWDOWN = 1.5;

test(
  'a live pair whose b side shares its core with a busy process is flagged slower on the held rows',
  { skip: SKIP, timeout: 600_000 },
  async (t) => {
    // Forty rounds of one run each (about a second of work a side): the t-test then has about 78
    // degrees of freedom, not 4, and a 2x change stands out of round medians that differ by 10x on
    // a machine loaded 15 deep.
    const args = ['--experiments', '1', '--modes', 'held', '--tasks', '1,2', '--task-ms', '10'];
    args.push('--repeat', '40', '--rounds', '40');
    const cpu = firstCpu();
    for (let attempt = 1; attempt <= SLOW_ATTEMPTS; attempt++) {
      const a = await pinnedBench(cpu, `slow-a${attempt}`, args);
      const busy = startBusy(cpu);
      let b: string;
      try {
        b = await pinnedBench(cpu, `slow-b${attempt}`, args, a);
      } finally {
        await stopBusy(busy);
      }
      // Threshold 25%: a 2x slowdown is far beyond it; the noise between rounds decides the rest.
      const c = await compare(a, b, 25);
      const held = c.rows.filter((r) => r.key.startsWith('cpu/primes/held/'));
      assert.equal(held.length, 2);
      const slowdowns = held.map((r) => r.medianB / r.medianA);
      t.diagnostic(
        `attempt ${attempt}, pinned to CPU ${cpu} beside a busy process, load ${loadavg()[0]!.toFixed(2)}: ` +
          held.map((r) => `${r.key} ${r.ratio.toFixed(2)}x q ${r.q.toPrecision(2)} ${r.verdict}`).join('; '),
      );
      if (slowdowns.some((s) => s < REAL_SLOWDOWN)) continue; // the load did not bite this time
      for (const r of held) assert.equal(r.verdict, 'slower', `${r.key}: ${JSON.stringify(r)}`);
      return;
    }
    assert.fail(`in ${SLOW_ATTEMPTS} attempts the busy processes never slowed b down ${REAL_SLOWDOWN}x or more`);
  },
);
