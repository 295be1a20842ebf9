/**
 * The Node versions gilscope runs on (src/addon/node-version.ts; CI runs this whole suite on Node 20,
 * 22, 24 and 26: tools/node-versions.sh), and, where Node has process.threadCpuUsage() (22.19 and
 * 23.9 on), that Node's own per-thread CPU reading agrees with the addon's.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { gunzipSync } from 'node:zlib';

import { native } from '../src/addon/loader.js';
import {
  checkNodeVersion,
  LOWEST_NODE_MAJOR,
  nodeVersionStatus,
  TESTED_NODE_MAJORS,
  UNTESTED_NODE_WARNED_ENV,
  UNTESTED_NODE_WARNING,
} from '../src/addon/node-version.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

test('the version rule: below 20 refused, 20/22/24/26 tested, any other major untested', () => {
  assert.deepEqual(TESTED_NODE_MAJORS, [20, 22, 24, 26]);
  assert.equal(LOWEST_NODE_MAJOR, 20);
  const cases: [string, string, number | null][] = [
    ['v20.20.2', 'tested', 20],
    ['v20.0.0', 'tested', 20],
    ['v22.23.5', 'tested', 22],
    ['24.22.3', 'tested', 24], // without the 'v'
    ['v26.0.0-rc.1', 'tested', 26], // a pre-release counts as its major
    ['v26.12.1', 'tested', 26],
    ['v21.7.3', 'untested', 21], // odd majors between the tested ones are not run by CI
    ['v25.9.0', 'untested', 25],
    ['v27.0.0', 'untested', 27],
    ['v27.0.0-nightly20260901abcdef', 'untested', 27],
    ['v100.1.2', 'untested', 100],
    ['v19.9.0', 'unsupported', 19],
    ['v18.20.8', 'unsupported', 18],
    ['v0.10.48', 'unsupported', 0],
    ['', 'untested', null], // unreadable: a warning, not a refusal
    ['vX.Y', 'untested', null],
  ];
  for (const [version, status, major] of cases) {
    const got = nodeVersionStatus(version);
    assert.equal(got.status, status, `${version}: ${got.status}`);
    assert.equal(got.major, major, `${version}: major`);
    if (got.status !== 'tested') {
      assert.match(got.message, /^gilscope: /, `${version}: the message says who speaks`);
      assert.match(got.message, /20, 22, 24 and 26/, `${version}: the message lists the tested majors`);
    }
  }
  const old = nodeVersionStatus('v18.20.8');
  assert.ok(old.status === 'unsupported');
  assert.match(old.message, /Node v18\.20\.8 is not supported/, 'names the running version');
  assert.match(old.message, /needs Node 20 or newer/, 'names the supported ones');
});

test('checkNodeVersion throws below 20, warns once per untested version, is quiet on a tested one', () => {
  const warnings: { message: string; code: string }[] = [];
  const emit = (message: string, options: { type: string; code: string }) => {
    warnings.push({ message, code: options.code });
  };
  const env: Record<string, string | undefined> = {};
  assert.throws(() => checkNodeVersion('v18.20.8', emit, env), /gilscope: Node v18\.20\.8 is not supported/);
  assert.throws(() => checkNodeVersion('v18.20.8', emit, env), /not supported/, 'every time, not just once');
  checkNodeVersion('v24.22.3', emit, env);
  checkNodeVersion('v20.20.2', emit, env);
  assert.equal(warnings.length, 0, 'no warning on a tested Node');
  assert.deepEqual(env, {}, 'and no mark in the environment');
  checkNodeVersion('v27.0.0', emit, env);
  checkNodeVersion('v27.0.0', emit, env);
  assert.equal(warnings.length, 1, 'one warning for one untested Node, however often it is checked');
  assert.equal(warnings[0]!.code, UNTESTED_NODE_WARNING);
  assert.match(warnings[0]!.message, /Node v27\.0\.0 is untested/);
  assert.equal(env[UNTESTED_NODE_WARNED_ENV], 'v27.0.0', 'marked for the threads and processes started later');
  checkNodeVersion('v28.1.0', emit, env);
  assert.equal(warnings.length, 2);
  // A worker or child process that inherited the mark stays quiet.
  checkNodeVersion('v29.0.0', emit, { [UNTESTED_NODE_WARNED_ENV]: 'v29.0.0' });
  assert.equal(warnings.length, 2);
});

test('the loader checks the running Node: quiet on a tested major, one warning on another', () => {
  // A fresh process, so the warning (or its absence) is the loader's own, before and after a load.
  const script =
    "const m = await import('./src/addon/loader.ts'); m.native(); m.native(); " +
    'process.stdout.write(String(typeof m.native().threadCpuNs()));';
  const env = { ...process.env };
  delete env[UNTESTED_NODE_WARNED_ENV]; // a warning already given here must not silence the child
  const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: ROOT,
    env,
    encoding: 'utf8',
    timeout: 60_000,
  });
  assert.equal(child.status, 0, child.stderr);
  assert.equal(child.stdout, 'bigint', 'the addon loaded and answers');
  const count = child.stderr.split(`[${UNTESTED_NODE_WARNING}]`).length - 1;
  const expected = nodeVersionStatus(process.version).status === 'tested' ? 0 : 1;
  assert.equal(count, expected, `${UNTESTED_NODE_WARNING} warnings on Node ${process.version}:\n${child.stderr}`);
});

type CpuUsage = { user: number; system: number };
/** process.threadCpuUsage (Node 22.19 / 23.9 on); Node 20's types lack it, hence the cast. */
const threadCpuUsage = (process as unknown as { threadCpuUsage?: () => CpuUsage }).threadCpuUsage;

/** The scheduler tick in µs, from the kernel's CONFIG_HZ (250 here); 10 ms (HZ=100) when unreadable. */
function tickUs(): number {
  try {
    const config = gunzipSync(readFileSync('/proc/config.gz')).toString('latin1');
    const hz = Number(/^CONFIG_HZ=(\d+)$/m.exec(config)?.[1]);
    if (hz > 0) return 1e6 / hz;
  } catch {
    // no /proc/config.gz: assume the coarsest common tick
  }
  return 10_000;
}

/** One reading of both clocks, in the order that matters (see the test). */
function reading(cpuUsage: () => CpuUsage) {
  const addon = native();
  const stale = cpuUsage(); // getrusage(RUSAGE_THREAD) as it stands: up to a tick behind
  const clockNs = addon.threadCpuNs(); // exact; and it brings the kernel's figures up to date
  const fresh = cpuUsage(); // so this one is not behind
  const usage = addon.threadUsage(); // the addon's own getrusage(RUSAGE_THREAD), after its clock read
  return { stale, clockNs, fresh, usage };
}

test('process.threadCpuUsage() agrees with the addon over a busy stretch of the same thread', (t) => {
  if (typeof threadCpuUsage !== 'function') {
    t.skip(
      `process.threadCpuUsage() does not exist on Node ${process.version} (it came in 22.19 and 23.9): ` +
        'there is no Node reading to compare the addon with',
    );
    return;
  }
  const cpuUsage = () => threadCpuUsage.call(process);
  const addon = native();
  reading(cpuUsage); // warm both paths up
  const before = reading(cpuUsage);
  const start = addon.threadCpuNs();
  let x = 0;
  do for (let k = 0; k < 16_384; k++) x += Math.sqrt(k + x);
  while (addon.threadCpuNs() - start < 200_000_000n); // 200 ms of this thread's CPU
  const after = reading(cpuUsage);
  assert.ok(Number.isFinite(x));

  const us = (u: CpuUsage) => u.user + u.system;
  const clockUs = Number(after.clockNs - before.clockNs) / 1000;
  const staleUs = us(after.stale) - us(before.stale);
  const freshUs = us(after.fresh) - us(before.fresh);
  const addonUserUs = after.usage.userUs - before.usage.userUs;
  const addonSystemUs = after.usage.systemUs - before.usage.systemUs;
  const nodeUserUs = after.fresh.user - before.fresh.user;
  const nodeSystemUs = after.fresh.system - before.fresh.system;
  // Node's reading is getrusage(RUSAGE_THREAD): Node's ThreadCPUUsage (src/node_process_methods.cc)
  // calls libuv's uv_getrusage_thread, which is that call on Linux (strace of Node 24 here: one
  // getrusage(RUSAGE_THREAD) per call). The kernel brings a running thread's figures up to date at
  // scheduler ticks, so a plain reading can lag by up to a tick (PLATFORM.md; 4 ms at HZ=250).
  // Tolerance: a tick per reading, two over the interval, plus 1% for anything else.
  // Seen here over 30 stretches on each of Node 22, 24 and 26: at most 1.5 ms.
  const tick = tickUs();
  const slack = 2 * tick + 0.01 * clockUs;
  const detail = JSON.stringify({ clockUs, staleUs, freshUs, nodeUserUs, nodeSystemUs, addonUserUs, addonSystemUs });
  t.diagnostic(`tick ${tick} µs, tolerance ${slack} µs: ${detail}`);
  assert.ok(clockUs >= 200_000, `the stretch burned 200 ms: ${detail}`);
  assert.ok(Math.abs(staleUs - clockUs) <= slack, `plain readings within ${slack} µs of the CPU clock: ${detail}`);
  // Read right after the addon's clock read, Node's figures are current: the same quantity as the
  // clock to within the few µs between the two calls (seen: at most 44 µs); 1 ms is a quarter tick.
  assert.ok(Math.abs(freshUs - clockUs) <= 1_000, `fresh readings within 1 ms of the CPU clock: ${detail}`);
  // The user/system split is the kernel's, the same for both getrusage callers up to the tick
  // sampling it is scaled from.
  assert.ok(Math.abs(nodeUserUs - addonUserUs) <= slack, `user time agrees with the addon's: ${detail}`);
  assert.ok(Math.abs(nodeSystemUs - addonSystemUs) <= slack, `system time agrees with the addon's: ${detail}`);
});
