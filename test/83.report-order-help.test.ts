// The reports lead with findings (the experiments first, the goals last, in a closing section
// "gilscope's own overhead"), and help texts wrap at the terminal's width without ragged lines.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { htmlReport } from '../bench/report/html.js';
import { textReport } from '../bench/report/text.js';
import type { BenchResults } from '../bench/model/results.js';
import { wrapHelp } from '../src/util/help-wrap.js';
import { cli } from './support/cli.js';

/** The parts of a results document the reports read, the rest left out. */
function minimalResults(): BenchResults {
  return {
    experiments: [
      {
        id: 10,
        slug: 'payoff',
        title: 'When does releasing pay off?',
        question: 'From what size?',
        configKeys: [],
        table: { columns: ['a'], rows: [['x']] },
        reading: 'released from 100 us',
        charts: [],
      },
    ],
    fits: [],
    configurations: [],
    goals: [{ id: 'g', goal: 'A goal', target: 'ratio <= 1', ratio: 0.5, met: true, detail: 'measured' }],
    notes: ['a note'],
    durationS: 1,
    createdAt: '2026-12-02T00:00:00.000Z',
    context: {
      cpuModel: 'cpu',
      cores: 2,
      availableParallelism: 2,
      memoryBytes: 2 ** 30,
      os: { platform: 'linux', release: '6', arch: 'x64' },
      versions: { node: '20', v8: '11', uv: '1', napi: '9', gilscope: '0' },
      poolSize: 4,
      clocks: {},
      loadAverage: [0, 0, 0],
      gitCommit: null,
      gitDirty: false,
    },
    plan: { preset: 'quick', tasks: [1, 2], repeat: 1, warmup: 0, taskMs: 1 },
    calibrated: {},
    schema: 'gilscope-bench-results',
    schemaVersion: 4,
  } as unknown as BenchResults;
}

test('the text report leads with the experiments and closes with "gilscope\'s own overhead"', () => {
  const text = textReport(minimalResults(), []);
  const experiment = text.indexOf('== 10. When does releasing pay off?');
  const overhead = text.indexOf("== gilscope's own overhead");
  assert.ok(experiment >= 0 && overhead > experiment, 'the goals come after the findings');
  assert.ok(text.indexOf('a note') < overhead, 'the notes on the findings come before the goals too');
  assert.ok(text.indexOf('A goal') > overhead, 'the goals are in that section');
});

test('report.html puts the goals last, after the experiments', () => {
  const html = htmlReport(minimalResults(), []);
  const experiment = html.indexOf('When does releasing pay off?');
  const overhead = html.indexOf("<h2>gilscope's own overhead</h2>");
  assert.ok(experiment >= 0 && overhead > experiment, 'the closing section follows the experiments');
});

test('help paragraphs wrap at the width given, with no line over it and none left ragged', () => {
  const paragraph = 'word '.repeat(40).trim();
  for (const width of [40, 60, 100]) {
    const lines = wrapHelp(`${paragraph}\n\nExample:\n  ${'x'.repeat(width + 5)}`, width).split('\n');
    const body = lines.slice(0, lines.indexOf(''));
    assert.ok(
      body.every((l) => l.length <= width),
      `every wrapped line fits in ${width}`,
    );
    // Filled lines: all but the last are within a word of the width (no one-word ragged lines).
    assert.ok(
      body.slice(0, -1).every((l) => l.length > width - 6),
      `lines filled at ${width}`,
    );
    assert.ok(lines.at(-1)!.startsWith('  x'), 'an indented example line is kept as it is');
  }
});

test("`gilscope time --help` has no description line broken before commander's width", async () => {
  const { stdout } = await cli(['time', '--help']);
  const lines = stdout.split('\n');
  const start = lines.findIndex((l) => l.startsWith('Runs a command'));
  const end = lines.indexOf('', start);
  const description = lines.slice(start, end);
  assert.ok(description.length >= 2, stdout);
  assert.ok(
    description.every((l) => l.length <= 80),
    'not a terminal: 80 columns',
  );
  assert.ok(
    description.slice(0, -1).every((l) => l.length > 60),
    `no ragged lines:\n${description.join('\n')}`,
  );
});
