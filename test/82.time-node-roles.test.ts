// `gilscope time -- node ...` labels Node's threads through its preload: the JS thread, exactly the
// pool threads (those by which /proc/self/task grew when the pool started, even when the program
// sets UV_THREADPOOL_SIZE in code before the first use), per-role totals, the preload's own cost;
// other commands get no preload; the preload never throws into the program.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';

import type { TimeReport } from '../src/index.js';
import { isNodeCommand, preloadPath } from '../src/time/node-roles.js';
import { cliResult, ROOT, startCli } from './support/cli.js';
import { spawnCollecting } from './support/spawn.js';

const FIXTURE = join(ROOT, 'test', 'fixtures', 'pbkdf2-pool.cjs');
const scratch = mkdtempSync(join(tmpdir(), 'gilscope-time-roles-test-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

let n = 0;
async function timeJson(command: string[]): Promise<{ report: TimeReport; stdout: string }> {
  const file = join(scratch, `r${++n}.json`);
  const ran = await cliResult(['time', '--json', '-o', file, '--', ...command]);
  assert.ok(existsSync(file), `no report; exit ${ran.code}: ${ran.stderr}`);
  return { report: JSON.parse(readFileSync(file, 'utf8')) as TimeReport, stdout: ran.stdout };
}

test('the rule: node, nodeNN and the file of process.execPath are Node; others are not', () => {
  assert.equal(isNodeCommand('node'), true);
  assert.equal(isNodeCommand('/usr/local/bin/node22'), true);
  assert.equal(isNodeCommand(process.execPath), true);
  assert.equal(isNodeCommand('python3'), false);
  assert.equal(isNodeCommand('nodejs-tool'), false);
  assert.ok(preloadPath(), 'the preload is built (dist/)');
});

for (const size of ['', '3']) {
  const what = size ? ` setting UV_THREADPOOL_SIZE=${size} in code` : '';
  test(`a pbkdf2 script${what}: exactly the pool threads are labelled pool`, async () => {
    const { report, stdout } = await timeJson(['node', FIXTURE, ...(size ? [size] : [])]);
    const grew = (JSON.parse(stdout.trim().split('\n').pop()!) as { grew: number[] }).grew;
    assert.equal(grew.length, size ? 3 : 4, stdout);
    const pool = report.threads.filter((t) => t.role === 'pool').map((t) => t.tid);
    assert.deepEqual([...pool].sort(), [...grew].sort(), 'exactly the threads the pool started');
    const js = report.threads.filter((t) => t.role === 'js');
    assert.deepEqual(
      js.map((t) => t.tid),
      [report.pid],
    );
    assert.ok(
      report.threads.every((t) => t.role !== undefined),
      'every thread of a Node process has a role',
    );
    assert.ok(report.node !== null && report.node.poolsFound === 1 && report.node.preloadCostNs > 0);
    const byRole = Object.fromEntries(report.node.byRole.map((r) => [r.role, r.cpuNs]));
    assert.ok(byRole['pool']! > byRole['js']!, JSON.stringify(report.node.byRole));
    assert.match(report.verdict, /ran on \d libuv pool threads/);
  });
}

test('another command gets no preload and no roles', async () => {
  const { report } = await timeJson(['sh', '-c', 'true']);
  assert.equal(report.node, null);
  assert.ok(report.threads.every((t) => t.role === undefined));
});

test("the user's NODE_OPTIONS is kept, and a preload that cannot write never throws into the program", async () => {
  const script = 'console.log(JSON.stringify({ opts: process.env.NODE_OPTIONS }))';
  const file = join(scratch, 'kept.json');
  const ran = await startCli(['time', '--json', '-o', file, '--', 'node', '-e', script], {
    env: { ...process.env, NODE_OPTIONS: '--max-old-space-size=300' },
  }).done;
  assert.equal(ran.code, 0, ran.stderr);
  const opts = (JSON.parse(ran.stdout.trim().split('\n')[0]!) as { opts: string }).opts;
  assert.match(opts, /^--max-old-space-size=300 --require ".*node-preload\.cjs"$/);
  const report = JSON.parse(readFileSync(file, 'utf8')) as TimeReport;
  assert.equal(report.node?.processes, 1);
  const child = spawnCollecting(process.execPath, ['-e', 'console.log("still here")'], {
    env: { ...process.env, NODE_OPTIONS: `--require ${preloadPath()}`, GILSCOPE_TIME_ROLES: '/nonexistent/dir/roles' },
    limitMs: 30_000,
  });
  const r = await child.done;
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout.trim(), 'still here');
  assert.equal(r.stderr, '');
});

test("a worker_thread's JS thread is labelled worker", async () => {
  const script =
    "const { Worker } = require('node:worker_threads');" +
    "new Worker('const t = Date.now(); while (Date.now() - t < 300);', { eval: true });";
  const { report } = await timeJson(['node', '-e', script]);
  const workers = report.threads.filter((t) => t.role === 'worker');
  assert.equal(workers.length, 1, JSON.stringify(report.threads));
  assert.ok(workers[0]!.cpuNs >= 100e6, 'it spun for 300 ms');
  assert.match(report.threadsVerdict, /\[worker\]/);
});
