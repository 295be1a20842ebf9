// A tiny sweep end to end through the CLI: --json output against the schema, the files it writes,
// report.html in headless Chromium (every chart drew its data points, every timeline its spans),
// and what it leaves out when not asked for (the hazard suite, traces). `gilscope compare` reading
// such files is 77.bench-results-files.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import { Ajv } from 'ajv';

import { resultsSchema, type BenchResults } from '../bench/model/results.js';
import { TIMELINE_STATES } from '../bench/report/timeline-states.js';
import { cli } from './support/cli.js';

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
    'run-flood-vs-async-work',
    'batch-vs-async-work',
    'held-vs-readings',
    'gil-vs-released',
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

test('without --hazards the hazard suite does not run, and without --trace no trace is written', () => {
  assert.equal(results.plan.hazards, false);
  assert.equal(results.hazards, null, 'results.hazards is null: the suite did not run');
  assert.equal(results.partial, null, 'and that is not an interruption: nothing was skipped');
  assert.deepEqual(
    results.notes.filter((n) => /hazard/i.test(n)),
    [],
    'nor a failure of the suite',
  );
  const html = readFileSync(join(out, 'report.html'), 'utf8');
  assert.doesNotMatch(html, /<section id="hazards">|data-hazard=/, 'report.html has no hazards section');
  assert.equal(results.traces, null);
  assert.doesNotMatch(html, /Chrome traces/);
});
