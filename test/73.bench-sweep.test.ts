// A tiny sweep end to end through the CLI: --json output against the schema, the files it writes,
// report.html in headless Chromium (every chart drew its data points, every timeline its spans),
// and `gilscope compare`.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import { Ajv } from 'ajv';

import { compareResults, loadResults } from '../bench/analysis/compare.js';
import { resultsSchema } from '../bench/model/schema.js';
import { TIMELINE_STATES } from '../bench/extras/timelines.js';
import { cli } from './support/cli.js';
import type { BenchResults } from '../bench/model/types.js';

let dir: string;
let out: string;
let stdout: string;
let results: BenchResults;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gilscope-bench-'));
  out = join(dir, 'out');
  ({ stdout } = await cli([
    'bench',
    '--experiments',
    '1,2,3,4,5,6,7',
    '--modes',
    'held,released,gil',
    '--tasks',
    '1,2',
    '--repeat',
    '2',
    '--warmup',
    '0',
    '--task-ms',
    '2',
    '--flood',
    '100',
    '--json',
    '--out',
    out,
  ]));
  results = JSON.parse(stdout) as BenchResults;
});

after(() => rmSync(dir, { recursive: true, force: true }));

test('--json prints a results document that validates against the schema', () => {
  const validate = new Ajv({ allErrors: true, allowUnionTypes: true, formats: { 'date-time': true } }).compile(
    resultsSchema,
  );
  assert.equal(validate(results), true, JSON.stringify(validate.errors?.slice(0, 5)));
  assert.equal(results.schema, 'gilscope-bench-results');
  assert.deepEqual(
    results.experiments.map((e) => e.id),
    [1, 2, 3, 4, 5, 6, 7],
  );
  // A document with a part missing does not validate: the check can fail.
  const broken = JSON.parse(stdout) as Record<string, unknown>;
  delete broken['context'];
  assert.equal(validate(broken), false);
});

test('every configuration ran, and its breakdown adds up to its wall time', () => {
  assert.deepEqual(
    results.notes.filter((n) => /did not run/.test(n)),
    [],
    'no configuration failed',
  );
  for (const c of results.configurations) {
    assert.ok(c.samples.length >= 1, c.key);
    assert.ok(c.summary.min <= c.summary.median && c.summary.median <= c.summary.max, c.key);
    if (c.breakdown) {
      const b = c.breakdown;
      const sum = b.cpuNs + b.runQueueNs + b.lockWaitNs + b.blockedNs + b.queueNs;
      assert.ok(Math.abs(sum - b.totalNs) <= 1e-6 * b.totalNs, `${c.key}: parts ${sum} vs total ${b.totalNs}`);
    }
  }
  const goals = results.goals.map((g) => g.id);
  assert.deepEqual(goals, [
    'held-overhead',
    'released-vs-async-work',
    'released-vs-piscina',
    'released-vs-native-speedup',
    'native-vs-reference',
    'accounting-overhead',
  ]);
  const native = results.goals.find((g) => g.id === 'released-vs-native-speedup')!;
  assert.equal(native.met, null, 'native is not among --modes: reported as not measured, not guessed');
  for (const g of results.goals.filter((x) => x.id !== 'released-vs-native-speedup'))
    assert.equal(typeof g.met, 'boolean', g.id);
});

test('results.json, results.csv, one .svg per chart and report.html are written', () => {
  const onDisk = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as BenchResults;
  assert.deepEqual(onDisk, results);
  const csv = readFileSync(join(out, 'results.csv'), 'utf8').trim().split('\n');
  assert.equal(csv.length, results.configurations.length + 1);
  assert.match(csv[0]!, /^key,experiments,kind,/);
  const charts = results.experiments.flatMap((e) => e.charts);
  assert.ok(charts.length >= 8, `${charts.length} charts`);
  for (const c of charts)
    assert.match(readFileSync(join(out, c.file), 'utf8'), /^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/, c.file);
  const html = readFileSync(join(out, 'report.html'), 'utf8');
  assert.doesNotMatch(
    html,
    /<script|<link|src="http|href="http/,
    'self-contained: no script, stylesheet link or remote resource',
  );
});

function chromiumPath(): string | undefined {
  return [process.env['CHROMIUM_PATH'], '/usr/bin/chromium', '/usr/bin/chromium-browser'].find(
    (p): p is string => !!p && existsSync(p),
  );
}

test('report.html opened in headless Chromium: every chart drew all its data points', async (t) => {
  const executablePath = chromiumPath();
  if (!executablePath) {
    if (process.env['CI']) assert.fail('chromium is not installed (.ci/run installs it)');
    t.skip('chromium is not installed');
    return;
  }
  const { chromium } = await import('playwright-core');
  // Playwright gives the browser a fresh temporary profile of its own (it refuses --user-data-dir here).
  const browser = await chromium.launch({
    executablePath,
    timeout: 60_000,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const requests: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`file://${join(out, 'report.html')}`, { timeout: 30_000 });
    const figures = await page.$$eval('figure.chart', (list) =>
      list.map((f) => {
        const svg = f.querySelector('svg')!.getBoundingClientRect();
        const marks = [...f.querySelectorAll('g.datapoints_marks > path')];
        const drawn = marks.filter((m) => {
          const r = m.getBoundingClientRect();
          const d = m.getAttribute('d') ?? '';
          return (
            r.width > 0 &&
            r.height > 0 &&
            !/NaN|Infinity/.test(d) &&
            r.left >= svg.left - 1 &&
            r.right <= svg.right + 1 &&
            r.top >= svg.top - 1 &&
            r.bottom <= svg.bottom + 1
          );
        });
        // A timeline's rows: the y-axis labels, and the fill colours its bars were drawn in.
        const rows = [...f.querySelectorAll('g.mark-text.role-axis-label text')].map((t) => t.textContent ?? '');
        const fills = [...new Set(marks.map((m) => (m.getAttribute('fill') ?? '').toLowerCase()))];
        return {
          file: f.getAttribute('data-file'),
          timeline: f.classList.contains('timeline'),
          threads: Number(f.getAttribute('data-threads')),
          expected: Number(f.getAttribute('data-marks')),
          found: marks.length,
          drawn: drawn.length,
          rows,
          fills,
        };
      }),
    );
    const charts = results.experiments.flatMap((e) => e.charts);
    const timelines = results.timelines ?? [];
    assert.equal(figures.length, charts.length + timelines.length, 'one figure per chart and per timeline');
    for (const f of figures) {
      const chart = [...charts, ...timelines].find((c) => c.file === f.file)!;
      assert.ok(chart, `${f.file} is a chart or timeline of results.json`);
      assert.ok(f.expected > 0 && f.expected === chart.marks, `${f.file}: marks attribute`);
      assert.equal(f.found, f.expected, `${f.file}: one mark per data point`);
      assert.equal(f.drawn, f.expected, `${f.file}: every mark drawn with a size inside its chart`);
    }

    // Timelines: held vs released vs gil on the CPU-bound kernel, and gil with and without forced
    // switching beside the convoy probe; each drew a row per thread and its spans in state colours.
    assert.deepEqual(
      timelines.map((t) => t.id),
      ['cpu-held', 'cpu-released', 'cpu-gil', 'switching-forced', 'switching-unforced'],
    );
    const drawnTimelines = figures.filter((f) => f.timeline);
    assert.equal(drawnTimelines.length, timelines.length);
    const colour = (state: string): string => TIMELINE_STATES.find((s) => s.name === state)!.color;
    for (const t of timelines) {
      const f = drawnTimelines.find((x) => x.file === t.file)!;
      assert.ok(f, `${t.file} is drawn`);
      assert.equal(f.threads, t.threads);
      assert.equal(
        f.rows.filter((r) => /thread|probe/.test(r)).length,
        t.threads,
        `${t.id}: one row per thread (${f.rows.join(', ')})`,
      );
      assert.ok(f.rows.includes('JS thread'), `${t.id}: the JS thread has a row`);
      assert.equal(t.droppedEvents, 0, `${t.id}: no event dropped`);
      if (t.mode === 'gil') {
        assert.ok(f.rows.includes('convoy probe'), `${t.id}: the convoy probe has a row`);
        assert.ok(
          f.fills.includes(colour('holding the lock')) && f.fills.includes(colour('waiting for the lock')),
          `${t.id}: lock holds and lock waits are drawn (${f.fills.join(', ')})`,
        );
        assert.ok(t.stateNs['holding the lock'] > 0 && t.stateNs['waiting for the lock'] > 0, t.id);
      } else {
        assert.ok(f.fills.includes(colour('running')), `${t.id}: running spans are drawn`);
        assert.equal(t.stateNs['holding the lock'], 0, `${t.id}: no lock outside the gil mode`);
      }
      if (t.group === 'switching')
        assert.ok(f.fills.includes(colour('blocked (I/O)')), `${t.id}: the waits of mixed are drawn`);
    }
    const cpuRows = (id: string): number =>
      drawnTimelines.find((x) => x.file === `timeline-${id}.svg`)!.rows.filter((r) => r.startsWith('pool thread'))
        .length;
    assert.equal(cpuRows('cpu-held'), 0, 'held tasks run on the JS thread');
    // libuv hands each queued task to whichever pool thread is free: usually one each, but a short
    // first task can finish before a second thread wakes, and then one thread runs both.
    const releasedRows = cpuRows('cpu-released');
    assert.ok(releasedRows >= 1 && releasedRows <= 2, `released: tasks on 1 or 2 pool threads (got ${releasedRows})`);
    assert.ok(results.traceCost && results.traceCost.nsPerEvent.median > 0, 'the cost of a trace event was measured');
    assert.deepEqual(
      requests,
      [`file://${join(out, 'report.html')}`],
      'opens offline: nothing fetched beyond the file',
    );
    assert.deepEqual(errors, []);
    assert.equal(await page.$$eval('table.goals tbody tr', (rows) => rows.length), results.goals.length);
  } finally {
    await browser.close();
  }
});

test('compare: a run against itself changes nothing; a slower copy is flagged', async () => {
  const a = join(out, 'results.json');
  const same = await cli(['compare', a, a]);
  assert.match(same.stdout, /0 of \d+ configurations changed significantly/);

  const doc = JSON.parse(readFileSync(a, 'utf8')) as {
    configurations: { key: string; samples: number[]; summary: { median: number } }[];
  };
  const base = structuredClone(doc);
  const slow = structuredClone(doc);
  base.configurations[0]!.samples = [10, 11, 12, 13, 14, 15, 16, 17];
  base.configurations[0]!.summary.median = 13.5;
  slow.configurations[0]!.samples = [30, 31, 32, 33, 34, 35, 36, 37];
  slow.configurations[0]!.summary.median = 33.5;
  writeFileSync(join(dir, 'a.json'), JSON.stringify(base));
  writeFileSync(join(dir, 'b.json'), JSON.stringify(slow));
  const c = compareResults(loadResults(join(dir, 'a.json')), loadResults(join(dir, 'b.json')));
  assert.equal(c.flagged, 1);
  const row = c.rows.find((r) => r.key === doc.configurations[0]!.key)!;
  assert.equal(row.verdict, 'slower');
  assert.ok(Math.abs(row.ratio - 33.5 / 13.5) < 1e-9);
  assert.ok(row.ci.lo > 1, 'the interval excludes 1');
  assert.ok(row.p < 0.001);
  const flip = compareResults(loadResults(join(dir, 'b.json')), loadResults(join(dir, 'a.json')));
  assert.equal(flip.rows.find((r) => r.key === row.key)!.verdict, 'faster');
  await assert.rejects(
    cli(['compare', join(dir, 'a.json'), join(dir, 'b.json'), '--fail-on-change']),
    (e: { code?: number; stdout?: string }) => {
      assert.equal(e.code, 2);
      assert.match(e.stdout ?? '', /SLOWER/);
      return true;
    },
  );
});

test('compare rejects foreign and malformed files with a clear error', async () => {
  const foreign = join(dir, 'foreign.json');
  writeFileSync(foreign, JSON.stringify({ hello: 'world' }));
  const notJson = join(dir, 'not.json');
  writeFileSync(notJson, 'results: maybe');
  const malformed = join(dir, 'malformed.json');
  const doc = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as {
    configurations: Record<string, unknown>[];
    schemaVersion: number;
  };
  delete doc.configurations[0]!['summary'];
  writeFileSync(malformed, JSON.stringify(doc));
  const future = join(dir, 'future.json');
  writeFileSync(future, JSON.stringify({ ...doc, schemaVersion: 99 }));
  assert.throws(() => loadResults(foreign), /foreign\.json: not a gilscope bench results file/);
  assert.throws(() => loadResults(notJson), /not\.json: not JSON/);
  assert.throws(
    () => loadResults(malformed),
    /malformed\.json: malformed results file:\n.*\/configurations\/0 must have required property 'summary'/,
  );
  assert.throws(() => loadResults(future), /future\.json: results schema version 99/);
  assert.throws(() => loadResults(join(dir, 'missing.json')), /missing\.json: cannot read/);
  await assert.rejects(
    cli(['compare', join(out, 'results.json'), foreign]),
    (e: { code?: number; stderr?: string }) => {
      assert.equal(e.code, 1);
      assert.match(e.stderr ?? '', /^gilscope: .*foreign\.json: not a gilscope bench results file/);
      return true;
    },
  );
});
