// Every native kernel returns exactly what its TypeScript reference returns, on several inputs.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { kernels, kernelNames, reference, runSync } from '../src/index.js';
import { native } from '../src/addon/loader.js';
import type { KernelName, KernelParams } from '../src/types.js';

const cases: { [K in KernelName]: KernelParams[K][] } = {
  noop: [{}],
  primes: [{ n: 0 }, { n: 1 }, { n: 2 }, { n: 3 }, { n: 100 }, { n: 7919 }, { n: 50_000 }],
  mandelbrot: [
    { width: 1, height: 1, maxIter: 1 },
    { width: 37, height: 23, maxIter: 100 },
    { width: 64, height: 64, maxIter: 500 },
  ],
  hash: [
    { bytes: 1, rounds: 1 },
    { bytes: 4097, rounds: 3 },
    { bytes: 100_000, rounds: 2 },
  ],
  spin: [{ cpuUs: 0 }, { cpuUs: 2_000 }],
  sleep: [{ us: 0 }, { us: 1_000 }],
  mixed: [{ computeUs: 100, waitUs: 100, repeats: 3 }],
  stream: [
    { bytes: 4, passes: 1 },
    { bytes: 1_000_003, passes: 3 },
  ],
};

for (const name of kernelNames) {
  test(`kernel ${name} equals its TypeScript reference`, () => {
    for (const params of cases[name]) {
      const ref = (reference[name] as (p: unknown) => number)(params);
      const got = runSync(name, params as never).result;
      assert.equal(got, ref, `${name}(${JSON.stringify(params)})`);
    }
  });
}

test('known values: 25 primes below 100, 1229 below 10000', () => {
  assert.equal(runSync('primes', { n: 100 }).result, 25);
  assert.equal(runSync('primes', { n: 10_000 }).result, 1229);
});

test('results depend on the input', () => {
  assert.notEqual(
    runSync('hash', { bytes: 1000, rounds: 1 }).result,
    runSync('hash', { bytes: 1000, rounds: 2 }).result,
  );
  assert.notEqual(
    runSync('mandelbrot', { width: 30, height: 30, maxIter: 50 }).result,
    runSync('mandelbrot', { width: 30, height: 30, maxIter: 60 }).result,
  );
  assert.notEqual(
    runSync('stream', { bytes: 4096, passes: 1 }).result,
    runSync('stream', { bytes: 4096, passes: 2 }).result,
  );
});

test('the TypeScript catalog and the C++ kernel table agree', () => {
  const table = native().kernelTable();
  assert.deepEqual(
    table.map((k) => k.name),
    [...kernelNames],
  );
  for (const k of table) {
    const info = kernels[k.name as KernelName];
    assert.deepEqual(
      k.params.map((p) => p.name),
      Object.keys(info.params),
      `${k.name} parameter order`,
    );
    for (const p of k.params) {
      const ts = info.params[p.name]!;
      assert.equal(ts.min, p.min, `${k.name}.${p.name} min`);
      assert.equal(ts.max, p.max, `${k.name}.${p.name} max`);
      assert.ok(ts.example >= ts.min && ts.example <= ts.max, `${k.name}.${p.name} example in range`);
    }
  }
});
