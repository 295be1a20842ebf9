// The runs of a sweep that are not measurements (bench/extras/): --hazards (each hazard next to its
// remedy in the text, results.json and report.html), --trace DIR (one Chrome trace per
// configuration, from an extra run that is not measured) with the measured cost of a trace event,
// and the timelines' segments on known spans.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import { hazardTables } from '../bench/extras/hazards.js';
import { schemaErrors } from '../bench/model/validate.js';
import { segmentsOf } from '../bench/extras/timelines.js';
import { traceFileName } from '../bench/extras/traces.js';
import { cli } from './support/cli.js';
import type { BatchSpec, BenchResults, FloodSpec } from '../bench/model/results.js';
import type { HazardSuiteReport, RaceReport, RaceStrategy, TimelineSpan, TimelineThread } from '../src/index.js';

let dir: string;
let out: string;
let traceDir: string;
let stdout: string;
let results: BenchResults;
const REPEAT = 2;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gilscope-extras-'));
  out = join(dir, 'out');
  traceDir = join(dir, 'traces');
  ({ stdout } = await cli([
    'bench',
    '--experiments',
    '2',
    '--modes',
    'held,gil,process',
    '--tasks',
    '1,2',
    '--repeat',
    String(REPEAT),
    '--warmup',
    '0',
    '--task-ms',
    '2',
    '--hazards',
    '--trace',
    traceDir,
    '--out',
    out,
  ]));
  results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as BenchResults;
});

after(() => rmSync(dir, { recursive: true, force: true }));

test('--hazards: each hazard next to its remedy in results.json, the text output and report.html', () => {
  assert.deepEqual(schemaErrors(results), []);
  assert.equal(results.plan.hazards, true);
  const h = results.hazards!;
  assert.ok(h, 'results.hazards is set');
  assert.deepEqual(
    h.tables.map((t) => t.hazard),
    ['race', 'deadlock', 'starvation', 'livelock'],
  );
  // The tables are the report's own numbers.
  const race = h.tables[0]!.table;
  assert.deepEqual(
    race.rows.map((r) => r[0]),
    ['racy', 'mutex', 'atomic', 'sharded'],
  );
  for (const row of race.rows) {
    const r = h.report.race[row[0] as 'racy'];
    assert.equal(row[3], r.expected);
    assert.equal(row[4], r.actual);
    assert.equal(row[5], r.lostUpdates);
    if (row[0] !== 'racy') assert.equal(r.actual, r.expected, `${String(row[0])} counts exactly`);
    else assert.ok(r.actual <= r.expected, 'racy never counts above expected');
  }
  assert.equal(h.report.deadlock.global.deadlocked, false, 'one global lock order never deadlocks');
  assert.equal(h.tables[1]!.table.rows[1]![2], 'no');
  assert.equal(h.tables[2]!.table.rows[1]![5], Number(h.report.starvation.fair.fairnessIndex!.toPrecision(3)));
  assert.equal(h.tables[3]!.table.rows[0]![3], h.report.livelock.lockstep.progress);

  assert.match(stdout, /== Concurrency hazards \(--hazards\)/);
  for (const t of h.tables) {
    assert.ok(stdout.includes(t.title), `text output has "${t.title}"`);
    assert.ok(stdout.includes(`Reading: ${t.reading}`));
  }
  const html = readFileSync(join(out, 'report.html'), 'utf8');
  assert.equal((html.match(/<div class="hazard" data-hazard="/g) ?? []).length, 4);
  assert.match(html, /<section id="hazards">/);
});

test('--trace DIR: one Chrome trace per configuration, from an extra run that is not measured', () => {
  const files = readdirSync(traceDir).sort();
  const batches = results.configurations.filter((c) => c.kind === 'batch');
  assert.ok(batches.length >= 6, `${batches.length} batch configurations`);
  assert.deepEqual(files, results.traces!.files.map((f) => f.file).sort(), 'results.json lists every file written');
  assert.equal(files.length, batches.length, 'one trace per configuration');
  assert.deepEqual(
    files.filter((f) => f.includes('.tmp')),
    [],
    'no temporary file left behind',
  );
  for (const c of batches) {
    assert.equal(c.samples.length, REPEAT, `${c.key}: the traced run is not among the measured samples`);
    const entry = results.traces!.files.find((f) => f.key === c.key)!;
    assert.ok(entry, `${c.key} has a trace`);
    assert.match(
      entry.file,
      new RegExp(`^sleep-modes_sleep_${c.mode}_t${c.tasks}(_|\\.json)`),
      'named by experiment, kernel, mode and tasks',
    );
    const trace = JSON.parse(readFileSync(join(traceDir, entry.file), 'utf8')) as {
      traceEvents: { ph: string; name: string; dur?: number; args?: Record<string, unknown> }[];
      otherData: { droppedEvents: number };
    };
    const spans = trace.traceEvents.filter((e) => e.ph === 'X');
    assert.equal(spans.filter((e) => e.name === 'task').length, c.tasks, `${entry.file}: one task span per task`);
    assert.ok(
      spans.some((e) => e.name.startsWith('blocked')),
      `${entry.file}: the sleep is a blocked span`,
    );
    assert.ok(spans.every((e) => typeof e.dur === 'number' && e.dur >= 0));
    assert.equal(trace.otherData.droppedEvents, entry.droppedEvents);
    assert.ok(entry.events >= 2 * c.tasks);
  }
  assert.ok(
    results.traceCost && results.traceCost.nsPerEvent.n === 9 && results.traceCost.nsPerEvent.median > 0,
    'the cost of one trace event is measured',
  );
  assert.match(stdout, /Recording one trace event costs [\d.]+ ns/);
  assert.match(stdout, new RegExp(`Chrome traces: ${files.length} in `));
});

test('traceFileName tells configurations apart and stays a safe file name', () => {
  const spec = (o: Partial<BatchSpec>): BatchSpec => ({
    key: 'k',
    label: 'l',
    kind: 'batch',
    kernel: 'spin',
    params: { cpuUs: 1 },
    mode: 'gil',
    tasks: 2,
    threads: null,
    switchIntervalUs: 200,
    forcedSwitching: true,
    ...o,
  });
  const a = traceFileName(spec({}), 'switch-interval');
  const b = traceFileName(spec({ forcedSwitching: false }), 'switch-interval');
  const c = traceFileName(spec({ kernel: 'mixed', params: { computeUs: 1, waitUs: 500, repeats: 1 } }), 'mixed-wait');
  assert.equal(a, 'switch-interval_spin_gil_t2_i200us_forced.json');
  assert.equal(b, 'switch-interval_spin_gil_t2_i200us_unforced.json');
  assert.equal(c, 'mixed-wait_mixed_gil_t2_wait500us_i200us_forced.json');
  const flood: FloodSpec = {
    ...spec({
      kernel: 'noop',
      params: {},
      mode: 'released',
      tasks: 5000,
      switchIntervalUs: null,
      forcedSwitching: null,
    }),
    kind: 'flood',
  };
  assert.equal(traceFileName(flood, 'dispatch'), 'dispatch_noop_released_t5000_flood.json');
});

test('timeline segments: the innermost span wins, segments never overlap, zero-length spans vanish', () => {
  const span = (kind: TimelineSpan['kind'], a: number, b: number): TimelineSpan => ({
    kind,
    startNs: BigInt(a * 1000),
    endNs: BigInt(b * 1000),
    task: 0,
  });
  const thread: TimelineThread = {
    pid: 1,
    tid: 2,
    role: 'pool',
    name: 'pool 2',
    // A task from 0 to 10 us: waits 0-2, holds 2-5, blocked 6-8 (a gap at 5-6 and 8-10 is running),
    // a zero-length hold at 9, and a blocked span that crosses the task's end (cut there).
    spans: [
      span('task', 0, 10),
      span('lock-wait', 0, 2),
      span('lock-held', 2, 5),
      span('blocked', 6, 8),
      span('lock-held', 9, 9),
      span('blocked', 9.5, 12),
    ],
    instants: [],
  };
  const segs = segmentsOf(thread, 'pool thread 1', 0n).map((s) => [s.state, s.startMs * 1000, s.endMs * 1000]);
  assert.deepEqual(segs, [
    ['waiting for the lock', 0, 2],
    ['holding the lock', 2, 5],
    ['running', 5, 6],
    ['blocked (I/O)', 6, 8],
    ['running', 8, 9.5],
    ['blocked (I/O)', 9.5, 12],
  ]);
});

test('hazardTables says so when the racy counter lost nothing', () => {
  const race = (strategy: RaceStrategy, actual: number): RaceReport => ({
    strategy,
    threads: 2,
    incrementsPerThread: 5,
    timeLimitMs: 1,
    expected: 10,
    actual,
    lostUpdates: 10 - actual,
    nsPerIncrement: 1,
    wallNs: 10,
    stoppedEarly: false,
  });
  const report: HazardSuiteReport = {
    ...structuredClone(results.hazards!.report),
    race: {
      racy: race('racy', 10),
      mutex: race('mutex', 10),
      atomic: race('atomic', 10),
      sharded: race('sharded', 10),
    },
  };
  const [t] = hazardTables(report);
  assert.match(t!.reading, /racy lost no update this time/);
});
