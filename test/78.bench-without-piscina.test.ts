// Where piscina is not installed (an installed gilscope: piscina is a devDependency), experiment 6
// runs without its piscina baseline: the row says why, no configuration is reported as failed, and
// the goal that needs piscina is not measured, with that reason.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';

import { schemaErrors } from '../bench/model/validate.js';
import type { BenchResults } from '../bench/model/results.js';
import { PISCINA_MISSING } from '../bench/runner.js';
import { cliArgv, ROOT } from './support/cli.js';

let dir: string;
let results: BenchResults;
let html: string;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gilscope-no-piscina-'));
  const out = join(dir, 'out');
  const hide = join(ROOT, 'test', 'support', 'hide-piscina.mjs');
  const args = ['bench', '--experiments', '6', '--modes', 'released', '--repeat', '2', '--warmup', '0'];
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--import', hide, ...cliArgv([...args, '--task-ms', '1', '--flood', '50', '--json', '--out', out])],
    { cwd: ROOT, timeout: 120_000, maxBuffer: 64 << 20 },
  );
  results = JSON.parse(stdout) as BenchResults;
  html = readFileSync(join(out, 'report.html'), 'utf8');
});

after(() => rmSync(dir, { recursive: true, force: true }));

test('the piscina row of the dispatch table says piscina is not installed; nothing failed', () => {
  assert.deepEqual(schemaErrors(results), []);
  const table = results.experiments.find((e) => e.id === 6)!.table;
  const row = table.rows.find((r) => r[0] === 'piscina');
  assert.ok(row, 'the table has a piscina row');
  assert.equal(row[table.columns.indexOf('timed by')], `not run: ${PISCINA_MISSING}`);
  assert.ok(
    table.rows.some((r) => r[0] === 'released' && typeof r[3] === 'number'),
    'the other runners were measured',
  );
  assert.equal(
    results.configurations.find((c) => c.key === 'dispatch/piscina'),
    undefined,
    'no figures made up',
  );
  assert.deepEqual(
    results.notes.filter((n) => /did not run/.test(n)),
    [],
    'no configuration failed',
  );
  const flood = results.plan.flood.piscina;
  assert.ok(results.notes.includes(`piscina flood of ${flood} (dispatch/piscina) was not run: ${PISCINA_MISSING}`));
  assert.ok(html.includes(`not run: ${PISCINA_MISSING}`), 'report.html shows the row too');
});

test('the goal that needs piscina is not measured, with the reason; the others are judged', () => {
  const piscina = results.goals.find((g) => g.id === 'released-vs-piscina')!;
  assert.equal(piscina.met, null);
  assert.equal(piscina.ratio, null);
  assert.equal(piscina.detail, `not measured in this run: ${PISCINA_MISSING}`);
  for (const id of ['run-flood-vs-async-work', 'batch-vs-async-work', 'held-vs-readings', 'accounting-overhead'])
    assert.equal(typeof results.goals.find((g) => g.id === id)!.met, 'boolean', id);
});
