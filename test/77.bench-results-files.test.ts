// Results files written whole or not at all, and read back by `gilscope compare`: a run against
// itself, a slower copy, files of every readable schema version (v1, v2, v3), and clear errors for
// what is not a results file.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import { compareResults, loadResults } from '../bench/analysis/compare.js';
import { schemaErrors } from '../bench/model/validate.js';
import { READABLE_SCHEMA_VERSIONS, SCHEMA_VERSION, type BenchResults } from '../bench/model/results.js';
import { writeAtomic } from '../src/util/atomic-write.js';
import { cli } from './support/cli.js';

let dir: string;
let file: string;
let results: BenchResults;

/** Writes `doc` as `name` in the test's directory; returns its path. */
function save(name: string, doc: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof doc === 'string' ? doc : JSON.stringify(doc));
  return path;
}

/** A copy of the run's document to change (a plain object: the document type is read-only). */
function copy(): Record<string, unknown> & { configurations: Record<string, unknown>[] } {
  return structuredClone(results) as unknown as Record<string, unknown> & { configurations: Record<string, unknown>[] };
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gilscope-results-'));
  const out = join(dir, 'out');
  // A small real run: batches (with the probe figures older versions carried) and no extras.
  await cli([
    'bench',
    ...['--experiments', '2', '--modes', 'held,gil', '--tasks', '1,2'],
    ...['--repeat', '3', '--warmup', '0', '--task-ms', '1', '--out', out],
  ]);
  file = join(out, 'results.json');
  results = loadResults(file);
});

after(() => rmSync(dir, { recursive: true, force: true }));

test('results files are written atomically: whole or not at all, no temporary file left', () => {
  const path = join(dir, 'atomic', 'r.json');
  writeAtomic(path, 'first');
  writeAtomic(path, 'second');
  assert.equal(readFileSync(path, 'utf8'), 'second');
  assert.deepEqual(readdirSync(join(dir, 'atomic')), ['r.json']);
  // A write that cannot complete (the target is a directory) leaves neither a part nor a temporary.
  assert.throws(() => writeAtomic(join(dir, 'atomic'), 'x'));
  assert.deepEqual(readdirSync(join(dir, 'atomic')), ['r.json']);
  assert.deepEqual(
    readdirSync(join(dir, 'out')).filter((f) => f.includes('.tmp-')),
    [],
  );
});

test('compare: a run against itself changes nothing; a slower copy is flagged', async () => {
  assert.equal(results.schemaVersion, SCHEMA_VERSION);
  const same = await cli(['compare', file, file]);
  assert.match(same.stdout, /0 of \d+ configurations changed significantly/);

  const base = copy();
  const slow = copy();
  const key = results.configurations[0]!.key;
  Object.assign(base.configurations[0]!, { samples: [10, 11, 12, 13, 14, 15, 16, 17] });
  Object.assign(slow.configurations[0]!, { samples: [30, 31, 32, 33, 34, 35, 36, 37] });
  (base.configurations[0]!['summary'] as { median: number }).median = 13.5;
  (slow.configurations[0]!['summary'] as { median: number }).median = 33.5;
  const a = save('a.json', base);
  const b = save('b.json', slow);
  const c = compareResults(loadResults(a), loadResults(b));
  assert.equal(c.flagged, 1);
  const row = c.rows.find((r) => r.key === key)!;
  assert.equal(row.verdict, 'slower');
  assert.ok(Math.abs(row.ratio - 33.5 / 13.5) < 1e-9);
  assert.ok(row.ci.lo > 1, 'the interval excludes 1');
  assert.ok(row.p < 0.001);
  const flip = compareResults(loadResults(b), loadResults(a));
  assert.equal(flip.rows.find((r) => r.key === key)!.verdict, 'faster');
  await assert.rejects(cli(['compare', a, b, '--fail-on-change']), (e: { code?: number; stdout?: string }) => {
    assert.equal(e.code, 2);
    assert.match(e.stdout ?? '', /SLOWER/);
    return true;
  });
});

test('compare reads v1 and v2 files: v2 without the v2 additions, v1 and v2 with the probe timer copies', async () => {
  assert.deepEqual(READABLE_SCHEMA_VERSIONS, [1, 2, 3, 4]);
  // v2 files carried configs[].probe.timerP99Ns / timerMaxNs (dropped in v3: copies of eventLoop.delay*).
  const v2 = copy();
  v2['schemaVersion'] = 2;
  let withProbe = 0;
  for (const c of v2.configurations) {
    const probe = c['probe'] as Record<string, unknown> | null;
    const loop = c['eventLoop'] as { delayP99Ns: number | null; delayMaxNs: number | null } | null;
    if (!probe || !loop) continue;
    Object.assign(probe, { timerP99Ns: loop.delayP99Ns, timerMaxNs: loop.delayMaxNs });
    withProbe++;
  }
  assert.ok(withProbe > 0, 'the run has batch configurations with a probe');
  const v2File = save('v2.json', v2);
  assert.equal(loadResults(v2File).schemaVersion, 2);
  const v1 = structuredClone(v2);
  for (const k of ['partial', 'traceCost', 'timelines', 'hazards', 'traces']) delete v1[k];
  delete (v1['plan'] as Record<string, unknown>)['hazards'];
  v1['schemaVersion'] = 1;
  const v1File = save('v1.json', v1);
  assert.equal(loadResults(v1File).schemaVersion, 1);
  // Every readable version compares with this one, configuration by configuration.
  for (const old of [v1File, v2File]) {
    const c = compareResults(loadResults(old), results);
    assert.equal(c.rows.length, results.configurations.length, old);
    assert.equal(c.flagged, 0, `${old}: the same samples`);
    const { stdout } = await cli(['compare', old, file]);
    assert.match(stdout, new RegExp(`0 of ${results.configurations.length} configurations changed significantly`));
  }
  // A timer copy that is not a number is still an error, in any version.
  const bad = structuredClone(v2);
  const probed = bad.configurations.find((c) => c['probe'])!;
  (probed['probe'] as Record<string, unknown>)['timerP99Ns'] = 'slow';
  assert.match(schemaErrors(bad).join('\n'), /\/probe\/timerP99Ns must be number,null/);
});

test("a configuration's fields must fit its kind", () => {
  const doc = copy();
  const batch = doc.configurations.find((c) => c['kind'] === 'batch')!;
  assert.deepEqual(schemaErrors(doc), []);
  batch['kind'] = 'micro'; // a micro-benchmark has no kernel, parameters or pool
  assert.ok(schemaErrors(doc).length > 0, 'a micro-benchmark with a kernel does not validate');
  batch['kind'] = 'startup';
  assert.ok(schemaErrors(doc).length > 0);
  batch['kind'] = 'batch';
  assert.deepEqual(schemaErrors(doc), []);
});

test('compare rejects foreign, malformed, future, truncated, empty and non-object files clearly', async () => {
  const foreign = save('foreign.json', { hello: 'world' });
  const notJson = save('not.json', 'results: maybe');
  const doc = copy();
  delete doc.configurations[0]!['summary'];
  const malformed = save('malformed.json', doc);
  const future = save('future.json', { ...doc, schemaVersion: 99 });
  const text = readFileSync(file, 'utf8');
  const badPartial = save('bad-partial.json', { ...copy(), partial: { reason: 'bored' } });
  assert.throws(() => loadResults(foreign), /foreign\.json: not a gilscope bench results file/);
  assert.throws(() => loadResults(notJson), /not\.json: not JSON/);
  assert.throws(
    () => loadResults(malformed),
    /malformed\.json: malformed results file:\n.*\/configurations\/0 must have required property 'summary'/,
  );
  assert.throws(
    () => loadResults(future),
    /future\.json: results schema version 99, this gilscope reads versions 1, 2, 3/,
  );
  assert.throws(() => loadResults(join(dir, 'missing.json')), /missing\.json: cannot read/);
  assert.throws(
    () => loadResults(save('cut.json', text.slice(0, Math.floor(text.length / 2)))),
    /cut\.json: not JSON .*expected a results\.json written by `gilscope bench`/,
  );
  assert.throws(() => loadResults(save('empty.json', '')), /empty\.json: not JSON/);
  assert.throws(
    () => loadResults(save('list.json', '[1, 2]')),
    /list\.json: not a gilscope bench results file \(it holds an array/,
  );
  assert.throws(
    () => loadResults(save('null.json', 'null')),
    /null\.json: not a gilscope bench results file \(it holds null/,
  );
  assert.throws(() => loadResults(badPartial), /bad-partial\.json: malformed results file:\n.*\/partial/);
  await assert.rejects(cli(['compare', file, foreign]), (e: { code?: number; stderr?: string }) => {
    assert.equal(e.code, 1);
    assert.match(e.stderr ?? '', /^gilscope: .*foreign\.json: not a gilscope bench results file/);
    return true;
  });
});
