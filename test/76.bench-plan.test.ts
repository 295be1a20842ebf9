// From command-line options to a bench plan: presets, lists and ranges, flags, and options that are
// wrong named in their error.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { defaultOutDir, parseTasks, resolvePlan } from '../bench/plan.js';

test('--tasks accepts lists and ranges, and bad options name themselves', () => {
  assert.deepEqual(parseTasks('1-3,6,2'), [1, 2, 3, 6]);
  assert.throws(() => parseTasks('0'), { name: 'RangeError', message: /--tasks/ });
  assert.throws(() => parseTasks('4-2'), { name: 'RangeError', message: /--tasks/ });
  assert.throws(() => resolvePlan({ modes: 'held,fast' }), { name: 'RangeError', message: /--modes.*"fast"/ });
  assert.throws(() => resolvePlan({ kernel: 'sleep' }), { name: 'RangeError', message: /--kernel/ });
  assert.throws(() => resolvePlan({ repeat: '0' }), { name: 'RangeError', message: /--repeat/ });
  assert.throws(() => resolvePlan({ interval: 'x' }), { name: 'RangeError', message: /--interval/ });
  const p = resolvePlan({ tasks: '1,2', interval: '300', modes: 'gil' }, 2);
  assert.deepEqual(p.tasks, [1, 2]);
  assert.ok(p.intervalsUs.includes(300), 'the chosen interval is part of the sweep');
});

test('the presets: quick by default, 1 to 2x cores tasks, --full for the thorough one', () => {
  assert.equal(resolvePlan({}, 2).preset, 'quick');
  assert.deepEqual(resolvePlan({}, 2).tasks, [1, 2, 3, 4], 'default tasks: 1 to 2x cores');
  assert.equal(resolvePlan({ full: true }, 2).preset, 'full');
  assert.deepEqual(resolvePlan({ experiments: '6,1,6' }, 2).experiments, [1, 6], 'sorted, each once');
});

test('--hazards is a flag, off unless given', () => {
  assert.equal(resolvePlan({}).hazards, false);
  assert.equal(resolvePlan({ hazards: true }).hazards, true);
  assert.throws(
    () => resolvePlan({ hazards: 'yes' as never }),
    (e: Error) => e instanceof TypeError && /--hazards/.test(e.message),
  );
});

test('the default output directory is bench-results/<timestamp>/, a name safe on every file system', () => {
  const dir = defaultOutDir('/work', new Date('2026-11-25T08:30:00.123Z'));
  assert.equal(dir, '/work/bench-results/2026-11-25T08-30-00Z');
});
