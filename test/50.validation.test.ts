// Bad input of every kind to the kernels, run, batch and measure gets a TypeError or RangeError
// naming the parameter; never a crash. (The hazards and `gilscope time` check theirs in their own
// files: test/55, test/60 and test/61.)
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { batch, measure, run, runSync } from '../src/index.js';
import { native } from '../src/addon/loader.js';
import { rejectsNamed, throwsNamed } from './support/assert.js';

test('unknown kernel: RangeError naming kernel; wrong type: TypeError', async () => {
  throwsNamed(
    () => runSync('fibonacci' as never, {} as never),
    RangeError,
    /kernel must be one of .*'primes'.*received "fibonacci"/,
  );
  throwsNamed(() => runSync(42 as never, {} as never), TypeError, /kernel/);
  await rejectsNamed(run('nope' as never, {} as never), RangeError, /kernel/);
});

test('missing, extra and mistyped params', () => {
  throwsNamed(() => runSync('primes', {} as never), TypeError, /params\.n is required/);
  throwsNamed(
    () => runSync('primes', { n: 10, m: 1 } as never),
    TypeError,
    /params\.m is not a parameter of kernel 'primes'/,
  );
  throwsNamed(
    () => runSync('primes', { n: '10' } as never),
    TypeError,
    /params\.n must be an integer in \[0, 100000000\], received "10"/,
  );
  throwsNamed(() => runSync('primes', null as never), TypeError, /params must be an object/);
  throwsNamed(() => runSync('primes', [] as never), TypeError, /params must be an object/);
  throwsNamed(() => runSync('primes', { n: 10n } as never), TypeError, /params\.n/);
});

test('NaN, Infinity, negative, fractional and too large', () => {
  for (const bad of [Number.NaN, Infinity, -Infinity, -1, 1.5, 1e9]) {
    throwsNamed(() => runSync('primes', { n: bad }), RangeError, /params\.n must be an integer in \[0, 100000000\]/);
  }
  throwsNamed(() => runSync('hash', { bytes: 2 ** 40, rounds: 1 }), RangeError, /params\.bytes .*268435456/);
  throwsNamed(() => runSync('stream', { bytes: 1e12, passes: 1 }), RangeError, /params\.bytes/);
  throwsNamed(() => runSync('mandelbrot', { width: 0, height: 1, maxIter: 1 }), RangeError, /params\.width/);
});

test('unknown mode, bad tasks, bad options', async () => {
  await rejectsNamed(
    run('noop', {}, { mode: 'turbo' as never }),
    RangeError,
    /options\.mode must be one of 'held', 'released', 'gil'/,
  );
  await rejectsNamed(run('noop', {}, { mode: 1 as never }), TypeError, /options\.mode/);
  await rejectsNamed(run('noop', {}, { sigal: 1 } as never), TypeError, /options\.sigal is not a known option/);
  await rejectsNamed(run('noop', {}, { signal: {} as never }), TypeError, /options\.signal must be an AbortSignal/);
  await rejectsNamed(run('noop', {}, null as never), TypeError, /options must be an object/);
  for (const tasks of [0, -1, 1.5, Number.NaN, 1e9]) {
    await rejectsNamed(
      batch({ kernel: 'noop', params: {}, tasks }),
      RangeError,
      /options\.tasks must be an integer in \[1, 100000\]/,
    );
  }
  await rejectsNamed(batch({ kernel: 'noop', params: {}, tasks: '2' as never }), TypeError, /options\.tasks/);
  await rejectsNamed(batch(undefined as never), TypeError, /options must be an object/);
  await rejectsNamed(
    batch({ kernel: 'noop', params: {}, mode: 'gil', switchIntervalUs: 0 }),
    RangeError,
    /switchIntervalUs must be an integer in \[1, 1000000\]/,
  );
  await rejectsNamed(
    batch({ kernel: 'noop', params: {}, mode: 'gil', switchIntervalUs: 2e6 }),
    RangeError,
    /switchIntervalUs/,
  );
  await rejectsNamed(
    batch({ kernel: 'noop', params: {}, mode: 'gil', forcedSwitching: 'yes' as never }),
    TypeError,
    /forcedSwitching must be a boolean/,
  );
  await rejectsNamed(
    batch({ kernel: 'noop', params: {}, mode: 'released', switchIntervalUs: 10 }),
    TypeError,
    /apply to mode 'gil' only/,
  );
  await rejectsNamed(measure(42 as never), TypeError, /fn must be a function/);
});

test('bad threads, convoyProbe and trace options', async () => {
  for (const threads of [0, 1025, 1.5, Number.NaN]) {
    await rejectsNamed(
      batch({ kernel: 'noop', params: {}, threads }),
      RangeError,
      /options\.threads must be an integer in \[1, 1024\]/,
    );
  }
  await rejectsNamed(batch({ kernel: 'noop', params: {}, threads: '2' as never }), TypeError, /options\.threads/);
  await rejectsNamed(
    batch({ kernel: 'noop', params: {}, mode: 'native', tasks: 2000 }),
    RangeError,
    /options\.tasks must be an integer in \[1, 1024\]/,
  );
  await rejectsNamed(batch({ kernel: 'noop', params: {}, convoyProbe: 1 as never }), TypeError, /convoyProbe/);
  await rejectsNamed(
    batch({ kernel: 'noop', params: {}, trace: 'yes' as never }),
    TypeError,
    /options\.trace must be a boolean/,
  );
  await rejectsNamed(batch({ kernel: 'noop', params: {}, trace: true, traceCapacity: 3 }), RangeError, /traceCapacity/);
});

test('the native functions check their own arguments and throw, never abort', () => {
  const addon = native();
  throwsNamed(() => addon.runSync('nope', []), RangeError, /kernel: unknown kernel 'nope'/);
  throwsNamed(() => addon.runSync(1 as never, []), TypeError, /kernel must be a string/);
  throwsNamed(() => addon.runSync('primes', []), RangeError, /args: kernel 'primes' takes 1 arguments/);
  throwsNamed(() => addon.runSync('primes', [Number.NaN]), RangeError, /n must be an integer/);
  throwsNamed(() => addon.runSync('primes', [-1]), RangeError, /n must be an integer/);
  throwsNamed(() => addon.runSync('primes', ['x' as never]), TypeError, /n must be an integer/);
  throwsNamed(() => addon.runSync('primes', 5 as never), TypeError, /args must be an array/);
  throwsNamed(
    () => addon.submit('sleep', [1], { switchIntervalUs: 0, forcedSwitching: true }),
    RangeError,
    /switchIntervalUs/,
  );
  throwsNamed(() => addon.submit('sleep', [1], 3 as never), TypeError, /gil must be an object/);
  throwsNamed(() => addon.cancel({} as never), TypeError, /cancelId must be an integer/);
  throwsNamed(() => addon.cancel(-1), RangeError, /cancelId must be an integer/);
  addon.cancel(123456789); // an id with no live task is ignored
  // Still healthy afterwards.
  assert.equal(addon.runSync('primes', [100]).result, 25);
});

test('a batch whose buffers would not fit in memory is refused before anything runs', async () => {
  await rejectsNamed(
    batch({ kernel: 'stream', params: { bytes: 256 * 2 ** 20, passes: 1 }, mode: 'native', tasks: 1024 }),
    RangeError,
    /options\.tasks: 1024 stream tasks at once with params\.bytes = 268435456 need 256\.0 GiB/,
  );
});
