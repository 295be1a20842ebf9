// `gilscope bench --python` end to end: a small bench whose section "The real GIL beside the
// emulation" runs in the python3 on PATH. Checks the section in the text output, its part of
// results.json (valid against the schema, every case and row present, each verdict the one its rule
// gives for its own figures), and its chart (a file with every data point, in report.html). Speed is
// never checked: the figures are whatever this machine measured.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import { convoyAgrees, RATE_TOLERANCE } from '../bench/realgil/agreement.js';
import { onPath } from '../bench/realgil/interpreter.js';
import { schemaErrors } from '../bench/model/validate.js';
import type { BenchResults, RealGilResult } from '../bench/model/results.js';
import { cli } from './support/cli.js';

const python3 = onPath('python3');
let dir = '';
let out = '';
let stdout = '';
let results: BenchResults | undefined;

before(async () => {
  if (!python3) return;
  dir = mkdtempSync(join(tmpdir(), 'gilscope-realgil-e2e-'));
  out = join(dir, 'out');
  const args = ['bench', '--experiments', '2', '--modes', 'held', '--tasks', '1,2', '--repeat', '1', '--warmup', '0'];
  ({ stdout } = await cli([...args, '--task-ms', '2', '--python', python3, '--out', out], 300_000));
  results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as BenchResults;
});
after(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function section(t: { skip: (why: string) => void }): RealGilResult | null {
  if (!python3) {
    if (process.env['CI']) assert.fail('python3 is not installed (.ci/run installs it)');
    t.skip('no python3 on PATH');
    return null;
  }
  assert.ok(results?.realGil, `the section ran (notes: ${results?.notes.join(' | ')})`);
  return results.realGil;
}

test('the text output has the section: its summary line and the table of rows', (t) => {
  const r = section(t);
  if (!r) return;
  const start = stdout.indexOf('== The real GIL beside the emulation');
  assert.ok(start >= 0, 'the section is printed');
  const text = stdout.slice(start, stdout.indexOf('\n==', start + 1));
  assert.match(text, new RegExp(`CPython ${r.interpreter.version.replace(/\./g, '\\.')} \\(GIL\\)`));
  assert.match(text, /each side the median of 3 runs/);
  assert.match(text, /gilscope \/ CPython/);
  for (const row of r.rows) assert.ok(text.includes(row.label), `row ${row.label} printed`);
});

test('results.json: the section validates, with every case and a verdict that follows its rule', (t) => {
  const r = section(t);
  if (!r) return;
  assert.deepEqual(schemaErrors(results), []);
  assert.equal(r.interpreter.path, python3);
  assert.equal(r.threadsComparedWith, r.interpreter.gilEnabled ? 'gil' : 'released');
  assert.equal(r.runs, 3);
  assert.equal(r.raw.length, 4, 'three convoy documents and one threads-vs-processes document');
  const io = r.convoy.filter((c) => c.io).map((c) => `${c.cpuThreads}/${c.intervalUs}`);
  const alone = r.convoy.filter((c) => !c.io).map((c) => `${c.cpuThreads}/${c.intervalUs}`);
  for (const cpu of [0, 1, 2, 4]) assert.ok(io.includes(`${cpu}/5000`), `convoy beside ${cpu} CPU threads`);
  for (const us of results!.plan.intervalsUs) {
    assert.ok(io.includes(`2/${us}`), `convoy at ${us} us`);
    assert.ok(alone.includes(`2/${us}`), `hand-offs of two CPU threads alone at ${us} us`);
  }
  for (const c of r.convoy) {
    const at = `${c.cpuThreads}/${c.intervalUs}${c.io ? ' with the I/O thread' : ''}`;
    if (!c.io) {
      assert.ok(c.cpythonHandoffsPerSecond > 0 && c.gilscopeHandoffsPerSecond > 0, `both sides handed off at ${at}`);
      assert.equal(c.cpython.p50Ms, null);
      continue;
    }
    assert.ok(c.cpython.rounds > 0 && c.gilscope.rounds > 0, `both sides completed rounds at ${at}`);
    assert.ok(c.cpython.p50Ms! >= 1 && c.gilscope.p50Ms! >= 1, 'a round includes its 1 ms sleep');
    assert.ok(c.cpython.p50Ms! <= c.cpython.p99Ms! && c.gilscope.p50Ms! <= c.gilscope.p99Ms!);
  }
  assert.deepEqual([...new Set(r.rows.map((x) => x.group))].sort(), ['convoy', 'hand-offs', 'speed-up']);
  for (const row of r.rows) {
    assert.notEqual(row.verdict, 'not compared', `${row.label}: both sides measured`);
    const a = row.cpython!;
    const b = row.gilscope!;
    const agrees =
      row.group === 'convoy'
        ? convoyAgrees(a, b, row.label.includes('p50') ? 0.25 : 0.5)
        : Math.abs(b / a - 1) <= RATE_TOLERANCE;
    assert.equal(row.verdict, agrees ? 'agree' : 'differ', `${row.label}: ${a} vs ${b}`);
  }
});

test('the chart: one file with every data point, drawn in report.html', (t) => {
  const r = section(t);
  if (!r) return;
  assert.ok(r.chart, 'the chart was drawn');
  const svg = readFileSync(join(out, r.chart.file), 'utf8');
  const marks = svg.slice(svg.indexOf('datapoints_marks'));
  const points = marks.slice(0, marks.indexOf('</g>')).match(/<path /g)?.length ?? 0;
  const atDefault = r.convoy.filter((c) => c.io && c.intervalUs === results!.plan.switchIntervalUs).length;
  assert.equal(r.chart.marks, 4 * atDefault, 'p50 and p99 of each side at each CPU-thread count');
  assert.equal(points, r.chart.marks);
  assert.match(svg, /CPython p50/);
  assert.match(svg, /gilscope p99/);
  const html = readFileSync(join(out, 'report.html'), 'utf8');
  assert.match(html, /<section id="real-gil"><h2>The real GIL beside the emulation<\/h2>/);
  assert.match(html, new RegExp(`data-file="${r.chart.file}" data-marks="${r.chart.marks}"`));
});

function chromiumPath(): string | undefined {
  return [process.env['CHROMIUM_PATH'], '/usr/bin/chromium', '/usr/bin/chromium-browser'].find(
    (p): p is string => !!p && existsSync(p),
  );
}

test('the chart in report.html, opened in headless Chromium, drew every data point inside it', async (t) => {
  const r = section(t);
  if (!r) return;
  const executablePath = chromiumPath();
  if (!executablePath) {
    if (process.env['CI']) assert.fail('chromium is not installed (.ci/run installs it)');
    t.skip('chromium is not installed');
    return;
  }
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({
    executablePath,
    timeout: 60_000,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`file://${join(out, 'report.html')}`, { timeout: 30_000 });
    const drawn = await page.$eval(`#real-gil figure[data-file="${r.chart!.file}"]`, (f) => {
      const svg = f.querySelector('svg')!.getBoundingClientRect();
      return [...f.querySelectorAll('g.datapoints_marks > path')].filter((m) => {
        const b = m.getBoundingClientRect();
        return b.width > 0 && b.height > 0 && b.left >= svg.left - 1 && b.right <= svg.right + 1;
      }).length;
    });
    assert.equal(drawn, r.chart!.marks);
  } finally {
    await browser.close();
  }
});
