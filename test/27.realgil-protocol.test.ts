// How `gilscope bench` finds and talks to a Python interpreter for the section "The real GIL beside
// the emulation": detection (path, version, GIL enabled), a PATH that is not Python 3 (a RangeError
// naming it, exit status 1 from the CLI, nothing written), skipping in one line when there is no
// interpreter, the scripts' one-JSON-document protocol, and a free-threaded build labelled so and
// compared with `released` instead of `gil`.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';

import { realGilChoice } from '../bench/cli/bench.js';
import { detectPython, interpreterLabel, onPath } from '../bench/realgil/interpreter.js';
import { convoyRows, roundSpeedup, speedupRows, threadsModeFor } from '../bench/realgil/run.js';
import { parseDocument, runScript } from '../bench/realgil/scripts.js';
import type { BenchResults, ConvoyCase } from '../bench/model/results.js';
import { cliResult, ROOT } from './support/cli.js';

const FIXTURES = join(ROOT, 'test', 'fixtures', 'realgil');
const FAKE = join(FIXTURES, 'fake-python.sh');
const python3 = onPath('python3');
const dir = mkdtempSync(join(tmpdir(), 'gilscope-realgil-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Runs fn with PATH (and the fake interpreter's document) set as given, then restores them. */
function withEnv<T>(env: Record<string, string>, fn: () => T): T {
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  Object.assign(process.env, env);
  try {
    return fn();
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

test('detection: python3 on PATH describes itself, and its scripts print one document each', async (t) => {
  if (!python3) {
    t.skip('no python3 on PATH');
    return;
  }
  const found = detectPython(python3);
  assert.equal(found.path, python3);
  assert.match(found.version, /^3\.\d+/);
  assert.equal(found.implementation, 'CPython');
  assert.ok(existsSync(found.executable), `executable ${found.executable}`);
  assert.ok(found.switchIntervalS > 0);
  assert.equal(typeof found.gilEnabled, 'boolean');
  const doc = await runScript(python3, 'convoy.py', 'convoy', ['--cases', '0:5000:0.05:1', '--runs', '1'], 60_000);
  assert.equal(doc.interpreter['version'], found.version, 'the script reports the interpreter detection saw');
  assert.equal(doc.results.length, 1);
  const run = (doc.results[0]!['runs'] as { rounds: number; p50Ns: number }[])[0]!;
  assert.ok(run.rounds > 0 && run.p50Ns >= 1e6, `rounds of at least the 1 ms sleep (${JSON.stringify(run)})`);
  assert.throws(() => parseDocument('{"schema":"other"}', 'convoy'), /another shape/);
  assert.throws(() => parseDocument('not json', 'convoy'), /one JSON document/);
});

test('a PATH that is not a Python 3 interpreter is a RangeError naming it', () => {
  assert.throws(
    () => detectPython('/nonexistent/python'),
    (e: Error) =>
      e instanceof RangeError && /--python/.test(e.message) && /\/nonexistent\/python.*no such file/.test(e.message),
  );
  assert.throws(
    () => detectPython('/bin/true'),
    (e: Error) => e instanceof RangeError && /"\/bin\/true": it did not describe itself/.test(e.message),
  );
  assert.throws(
    () => withEnv({ FAKE_PYTHON_DOC: join(FIXTURES, 'python2.json') }, () => detectPython(FAKE)),
    (e: Error) => e instanceof RangeError && /version 2\.7\.18, not 3\.x/.test(e.message),
  );
});

test('bench --python PATH with a bad PATH exits with the bad-input status before running anything', async () => {
  const out = join(dir, 'bad');
  const r = await cliResult(['bench', '--experiments', '2', '--python', '/bin/true', '--out', out]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /--python must name a Python 3 interpreter, received "\/bin\/true"/);
  assert.doesNotMatch(r.stderr, /calibrating/, 'nothing ran');
  assert.equal(existsSync(out), false, 'nothing was written');
});

test('skipped, with the reason: --no-python, an --experiments subset, no python3 on PATH', () => {
  assert.deepEqual(realGilChoice({ python: false }), { skipped: '--no-python' });
  assert.deepEqual(realGilChoice({ experiments: '2' }), { skipped: 'not asked for (--experiments without --python)' });
  withEnv({ PATH: join(dir, 'empty') }, () => {
    assert.match((realGilChoice({}) as { skipped: string }).skipped, /^no python3 on PATH/);
    assert.throws(
      () => realGilChoice({ python: true }),
      (e: Error) => e instanceof RangeError && /no python3 on PATH/.test(e.message),
    );
  });
});

test('a skipped comparison is one note and nothing else', async () => {
  const out = join(dir, 'skipped');
  const args = ['bench', '--experiments', '2', '--modes', 'held', '--tasks', '1', '--repeat', '1', '--warmup', '0'];
  const r = await cliResult([...args, '--task-ms', '1', '--no-python', '--json', '--out', out]);
  assert.equal(r.code, 0, r.stderr);
  const results = JSON.parse(r.stdout) as BenchResults;
  assert.equal(results.realGil, null);
  assert.deepEqual(
    results.notes.filter((n) => /real-GIL|real GIL/.test(n)),
    ['The real-GIL comparison was skipped: --no-python.'],
  );
});

test('a free-threaded build (its self-description as a fixture) is labelled so and compared with released', () => {
  // The description gilscope_common.interpreter() gives in a free-threaded CPython 3.13 build
  // (sys._is_gil_enabled() False, sysconfig Py_GIL_DISABLED = 1), written as that code prints it:
  // no free-threaded build is installable on the development machines to record it from.
  const ft = withEnv({ FAKE_PYTHON_DOC: join(FIXTURES, 'free-threaded-3.13t.json') }, () => detectPython(FAKE));
  assert.equal(ft.gilEnabled, false);
  assert.equal(ft.freeThreadedBuild, true);
  assert.match(interpreterLabel(ft), /CPython 3\.13\.1 \(free-threaded\)/);
  assert.equal(threadsModeFor(ft), 'released');
  assert.equal(threadsModeFor({ ...ft, gilEnabled: true }), 'gil');
  assert.match(interpreterLabel({ ...ft, gilEnabled: true }), /free-threaded build, GIL enabled/);
  const walls = new Map([
    ['threads/cpu/1', { cpython: [0.02], gilscope: [0.02] }],
    ['threads/cpu/2', { cpython: [0.02], gilscope: [0.021] }],
  ]);
  const rows = speedupRows(walls, [1, 2], threadsModeFor(ft));
  assert.equal(rows[0]!.label, 'threads vs released, CPU-bound, 2 tasks');
  assert.equal(rows[0]!.verdict, 'agree');
  // Without a GIL there is no convoy or hand-off to set beside the emulated lock's.
  const figures = { p50Ms: 1.1, p99Ms: 1.3, maxMs: 1.5, rounds: 100 };
  const none = { p50Ms: null, p99Ms: null, maxMs: null, rounds: 0 };
  const convoy = (cpuThreads: number): ConvoyCase => ({
    cpuThreads,
    intervalUs: 5000,
    io: true,
    cpython: figures,
    gilscope: figures,
    cpythonHandoffsPerSecond: 0,
    gilscopeHandoffsPerSecond: 0,
  });
  const handoffs: ConvoyCase = {
    ...convoy(2),
    io: false,
    cpython: none,
    gilscope: none,
    cpythonHandoffsPerSecond: 9e5,
    gilscopeHandoffsPerSecond: 190,
  };
  const cases = [convoy(0), convoy(2), handoffs];
  const ftRows = convoyRows(cases, 5000, false);
  assert.ok(ftRows.length > 0);
  assert.ok(ftRows.every((x) => x.verdict === 'not compared' && x.gilscope === null));
  const gilRows = convoyRows(cases, 5000, true);
  assert.deepEqual(
    gilRows.map((x) => x.verdict),
    ['agree', 'agree', 'agree', 'agree', 'differ'],
  );
});

test('a speed-up is taken within each round, then the median over rounds: a slow round does not skew it', () => {
  // Round 1's one-task run was slow (the machine drifted); its two-task run was slow with it.
  const one = [0.03, 0.02, 0.02];
  const two = [0.06, 0.04, 0.04];
  assert.equal(roundSpeedup(one, 2, two), 1);
  // Medians of each side (0.02 and 0.04) would agree here, but not when the drift falls on one
  // count's slow round only: per round 1, 1 and 1.48, median 1 (the medians would give 1.25).
  assert.equal(roundSpeedup([0.016, 0.02, 0.02], 2, [0.032, 0.04, 0.027]), 1);
  assert.equal(roundSpeedup(undefined, 2, two), null);
  assert.equal(roundSpeedup([0.02], 2, []), null);
});
