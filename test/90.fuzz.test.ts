// Fuzzed input (fast-check): random values of every type in every position of every public
// function give a valid result or a TypeError/RangeError naming the parameter; never a crash, a
// hang or a native assertion. The native functions, called directly with anything, throw JS
// errors and never abort. Valid cases are kept tiny (see test/support/fuzz.ts).
import assert from 'node:assert/strict';
import { after, test } from 'node:test';

import fc from 'fast-check';

import {
  backoffs,
  batch,
  hazards,
  kernelNames,
  lockOrderings,
  measure,
  poolSize,
  raceStrategies,
  readAccount,
  readCpuPerWall,
  run,
  runHazardSuite,
  runSync,
  shutdownPools,
  startupCost,
  starvationLocks,
  toChromeTrace,
} from '../src/index.js';
import { nextCancelId } from '../src/addon/cancel-id.js';
import { BATCH_OPTION_KEYS, RUN_OPTION_KEYS } from '../src/modes/options.js';
import { native } from '../src/addon/loader.js';
import type { BatchReport, Mode } from '../src/types.js';
import {
  anyValue,
  applyChange,
  checkError,
  kernelAndParams,
  paramNames,
  show,
  tame,
  unknownKey,
  within,
  type Change,
  type Slot,
} from './support/fuzz.js';
import { assertRanWhereModeRuns, jsThreadId } from './support/where.js';

after(() => shutdownPools());

/** Cases run per property; their sum is the figure the README quotes (at least 10,000). */
const RUNS = {
  runSync: 3000,
  run: 2000,
  batch: 2000,
  batchHosts: 100,
  measure: 400,
  startupCost: 400,
  toChromeTrace: 1500,
  readCpuPerWall: 1500,
  readAccount: 1000,
  native: 1500,
  hazards: 100, // per function (five of them)
} as const;
const executed: Record<string, number> = {};
const succeeded: Record<string, number> = {};
const HANG_MS = 15_000;

interface Mutation {
  change: Change;
  slot: Slot | undefined;
}

/** Sets `path` to any value (tamed to stay cheap when it happens to be valid). */
function setAny(
  path: string,
  slot: Slot | undefined,
  cheapThreads = poolSize(),
  caps: Readonly<Record<string, number>> = {},
): fc.Arbitrary<Mutation> {
  return anyValue.map((v) => ({ change: { kind: 'set', path, value: tame(path, v, cheapThreads, caps) }, slot }));
}

function addUnknown(prefix: string, known: readonly string[]): fc.Arbitrary<Mutation> {
  return fc
    .tuple(unknownKey(known), anyValue)
    .map(([k, v]) => ({ change: { kind: 'add', path: `${prefix}.${k}`, value: v }, slot: undefined }));
}

/** Mutations of a kernel's params at `prefix` (set each, drop each, add one, replace the whole). */
function paramMutations(kernel: (typeof kernelNames)[number], prefix: string): fc.Arbitrary<Mutation>[] {
  const names = paramNames(kernel);
  const list = [setAny(prefix, kernel === 'noop' ? 'object?' : 'object'), addUnknown(prefix, names)];
  if (names.length > 0) {
    list.push(fc.constantFrom(...names).chain((n) => setAny(`${prefix}.${n}`, 'int')));
    list.push(
      fc
        .constantFrom(...names)
        .map((n) => ({ change: { kind: 'drop', path: `${prefix}.${n}` } as Change, slot: 'int' as Slot })),
    );
  }
  return list;
}

/** What each option accepts: typed by the library's own key lists, so a new option needs its slot here. */
const RUN_OPTION_SLOTS: Record<(typeof RUN_OPTION_KEYS)[number], Slot> = {
  mode: 'enum?',
  signal: 'signal?',
  switchIntervalUs: 'int?',
  forcedSwitching: 'bool?',
  trace: 'bool?',
  traceCapacity: 'int?',
};
const BATCH_OPTION_SLOTS: Record<(typeof BATCH_OPTION_KEYS)[number], Slot> = {
  ...RUN_OPTION_SLOTS,
  kernel: 'enum',
  params: 'object',
  tasks: 'int?',
  threads: 'int?',
  convoyProbe: 'bool?',
};

function optionMutations(
  prefix: string,
  slots: Record<string, Slot>,
  present: readonly string[],
  cheapThreads: number,
  paramsOf?: (typeof kernelNames)[number],
): fc.Arbitrary<Mutation>[] {
  const list: fc.Arbitrary<Mutation>[] = [
    fc
      .constantFrom(...Object.keys(slots))
      .chain((k) =>
        setAny(`${prefix}.${k}`, k === 'params' && paramsOf === 'noop' ? 'object?' : slots[k], cheapThreads),
      ),
    addUnknown(prefix, Object.keys(slots)),
  ];
  if (present.length > 0) {
    list.push(
      fc.constantFrom(...present).map((k) => ({
        change: { kind: 'drop', path: `${prefix}.${k}` } as Change,
        slot: (k === 'params' && paramsOf === 'noop' ? 'object?' : slots[k]) as Slot,
      })),
    );
  }
  return list;
}

/** A cheap valid set of mode options for run()/batch(). */
function modeOptions(modes: readonly string[]): fc.Arbitrary<Record<string, unknown>> {
  return fc.constantFrom(...modes).chain((mode) =>
    fc.record(
      {
        mode: fc.constant(mode),
        ...(mode === 'gil'
          ? { switchIntervalUs: fc.integer({ min: 1, max: 1_000_000 }), forcedSwitching: fc.boolean() }
          : {}),
        trace: fc.boolean(),
        traceCapacity: fc.integer({ min: 16, max: 4096 }),
      },
      { requiredKeys: ['mode'] },
    ),
  );
}

function count(name: string): void {
  executed[name] = (executed[name] ?? 0) + 1;
}

/** A case that gave a valid result (the rest gave the expected error). */
function valid(name: string): void {
  succeeded[name] = (succeeded[name] ?? 0) + 1;
}

function isAborted(options: unknown): boolean {
  const s = (options as { signal?: unknown } | null | undefined)?.signal;
  return s instanceof AbortSignal && s.aborted;
}

test('runSync: any value in any position', () => {
  const cases = kernelAndParams.chain(({ kernel, params }) =>
    fc.record({
      base: fc.constant({ kernel, params }),
      mutation: fc.option(fc.oneof(setAny('kernel', 'enum'), ...paramMutations(kernel, 'params')), { freq: 6 }),
    }),
  );
  fc.assert(
    fc.property(cases, ({ base, mutation }) => {
      count('runSync');
      const a = mutation ? applyChange(base, mutation.change) : base;
      let r;
      try {
        r = runSync(a.kernel, a.params as never);
      } catch (err) {
        checkError(err, ['kernel', 'params'], mutation?.change, mutation?.slot, false);
        return;
      }
      assert.equal(r.kernel, a.kernel, show(mutation?.change));
      assert.equal(r.threadId, jsThreadId(), 'held: it ran on the JS thread');
      assert.equal(typeof r.result, 'number');
      valid('runSync');
    }),
    { numRuns: RUNS.runSync },
  );
});

test('run: any value in any position, every mode', async () => {
  const cases = fc
    .tuple(kernelAndParams, modeOptions(['held', 'released', 'gil', 'native', 'worker', 'process']))
    .chain(([{ kernel, params }, options]) =>
      fc.record({
        base: fc.constant({ kernel, params, options }),
        mutation: fc.option(
          fc.oneof(
            setAny('kernel', 'enum'),
            ...paramMutations(kernel, 'params'),
            setAny('options', 'object?'),
            ...optionMutations('options', RUN_OPTION_SLOTS, Object.keys(options), poolSize()),
          ),
          { freq: 6 },
        ),
      }),
    );
  await fc.assert(
    fc.asyncProperty(cases, async ({ base, mutation }) => {
      count('run');
      const a = mutation ? applyChange(base, mutation.change) : base;
      let r;
      try {
        r = await within(
          run(a.kernel, a.params as never, a.options as never),
          HANG_MS,
          `run ${show(mutation?.change)}`,
        );
      } catch (err) {
        checkError(err, ['kernel', 'params', 'options'], mutation?.change, mutation?.slot, isAborted(a.options));
        return;
      }
      assert.equal(r.kernel, a.kernel, show(mutation?.change));
      const mode = (a.options as { mode?: Mode } | undefined)?.mode ?? 'released';
      await assertRanWhereModeRuns(mode, [r]);
      valid('run');
    }),
    { numRuns: RUNS.run },
  );
});

function batchCases(modes: readonly string[], cheapThreads: number, maxTasks: number) {
  return fc
    .tuple(
      kernelAndParams,
      modeOptions(modes),
      fc.integer({ min: 1, max: maxTasks }),
      fc.option(fc.boolean(), { nil: undefined }),
    )
    .chain(([{ kernel, params }, mode, tasks, convoyProbe]) => {
      const options: Record<string, unknown> = { kernel, params, ...mode, tasks, threads: cheapThreads };
      if (convoyProbe !== undefined) options['convoyProbe'] = convoyProbe;
      return fc.record({
        base: fc.constant({ options }),
        mutation: fc.option(
          fc.oneof(
            setAny('options', 'object'),
            ...paramMutations(kernel, 'options.params'),
            ...optionMutations('options', BATCH_OPTION_SLOTS, Object.keys(options), cheapThreads, kernel),
          ),
          { freq: 6 },
        ),
      });
    });
}

async function checkBatch(
  name: string,
  { base, mutation }: { base: { options: Record<string, unknown> }; mutation: Mutation | null },
): Promise<void> {
  const a = mutation ? applyChange(base, mutation.change) : base;
  let r: BatchReport;
  try {
    r = await within(batch(a.options as never), HANG_MS, `batch ${show(mutation?.change)}`);
  } catch (err) {
    checkError(err, ['options'], mutation?.change, mutation?.slot, isAborted(a.options));
    return;
  }
  assert.equal(r.taskReports.length, r.tasks, show(mutation?.change));
  assert.ok(r.taskReports.every((t) => t.kernel === r.kernel));
  // released and gil batches with another pool size than this process's run in a fresh process.
  const { mode = 'released', threads } = a.options as { mode?: Mode; threads?: number };
  const pooled = mode === 'released' || mode === 'gil';
  await assertRanWhereModeRuns(mode, r.taskReports, pooled && threads !== undefined && threads !== poolSize());
  valid(name);
}

test('batch: any value in any position (held, released, gil, native)', async () => {
  await fc.assert(
    fc.asyncProperty(batchCases(['held', 'released', 'gil', 'native'], poolSize(), 3), async (c) => {
      count('batch');
      await checkBatch('batch', c);
    }),
    { numRuns: RUNS.batch },
  );
});

test('batch: any value in any position (worker, process)', async () => {
  await fc.assert(
    fc.asyncProperty(batchCases(['worker', 'process'], 1, 2), async (c) => {
      count('batchHosts');
      await checkBatch('batchHosts', c);
    }),
    { numRuns: RUNS.batchHosts },
  );
});

test("measure: any value as fn; a function's value or exception comes back unchanged", async () => {
  const fnCase = fc.oneof(
    anyValue
      .filter((v) => typeof v !== 'function')
      .map((v) => ({ fn: v, outcome: 'type-error' as const, value: undefined as unknown })),
    fc.tuple(anyValue, fc.constantFrom('return', 'throw', 'resolve', 'reject')).map(([value, how]) => ({
      fn:
        how === 'return'
          ? () => value
          : how === 'throw'
            ? () => {
                throw value;
              }
            : how === 'resolve'
              ? async () => value
              : async () => {
                  throw value;
                },
      outcome: how === 'return' || how === 'resolve' ? ('value' as const) : ('thrown' as const),
      value,
    })),
  );
  await fc.assert(
    fc.asyncProperty(fnCase, async ({ fn, outcome, value }) => {
      count('measure');
      if (typeof fn !== 'function') {
        await assert.rejects(within(measure(fn as never), HANG_MS, 'measure'), (err: Error) => {
          checkError(err, ['fn'], { kind: 'set', path: 'fn', value: fn }, 'function', false);
          return true;
        });
        return;
      }
      let got: { value: unknown } | undefined;
      let thrown: unknown;
      let threw = false;
      try {
        got = await within(measure(fn as () => unknown), HANG_MS, 'measure');
      } catch (err) {
        threw = true;
        thrown = err;
      }
      if (outcome === 'value') {
        assert.ok(!threw, 'a returning fn must not make measure reject');
        assert.ok(Object.is(got!.value, value), 'measure passes the value through');
        valid('measure');
      } else {
        assert.ok(threw && Object.is(thrown, value), 'measure rejects with what fn threw');
      }
    }),
    { numRuns: RUNS.measure },
  );
});

test('startupCost: any invalid options are refused, naming the option', async () => {
  const isValid = (o: unknown): boolean => {
    if (o === undefined) return true;
    if (typeof o !== 'object' || o === null || Array.isArray(o)) return false;
    const keys = Object.keys(o);
    const s = (o as { samples?: unknown }).samples;
    return (
      keys.every((k) => k === 'samples') &&
      (s === undefined || (Number.isInteger(s) && (s as number) >= 1 && (s as number) <= 50))
    );
  };
  const cases = fc.record({
    base: fc.constant({ options: { samples: 1 } as unknown }),
    mutation: fc.oneof(
      setAny('options', 'object?'),
      setAny('options.samples', 'int?'),
      addUnknown('options', ['samples']),
    ),
  });
  await fc.assert(
    fc.asyncProperty(cases, async ({ base, mutation }) => {
      const a = applyChange(base, mutation.change);
      // A valid call measures real workers and processes (seconds): those are tested in 26.
      fc.pre(!isValid(a.options));
      count('startupCost');
      await assert.rejects(within(startupCost(a.options as never), HANG_MS, 'startupCost'), (err: Error) => {
        checkError(err, ['options'], mutation.change, mutation.slot, false);
        return true;
      });
    }),
    { numRuns: RUNS.startupCost },
  );
});

test('readCpuPerWall: any value in either position', () => {
  const cases = fc.record({
    base: fc.record({
      cpuPerWall: fc.double({ min: 0, max: 256, noNaN: true }),
      cores: fc.integer({ min: 1, max: 1024 }),
    }),
    mutation: fc.option(fc.oneof(setAny('cpuPerWall', 'number'), setAny('cores', 'int')), { freq: 4 }),
  });
  fc.assert(
    fc.property(cases, ({ base, mutation }) => {
      count('readCpuPerWall');
      const a = mutation ? applyChange(base, mutation.change) : base;
      let s: string;
      try {
        s = readCpuPerWall(a.cpuPerWall, a.cores);
      } catch (err) {
        checkError(err, ['cpuPerWall', 'cores'], mutation?.change, mutation?.slot, false);
        return;
      }
      assert.equal(typeof s, 'string');
      assert.ok(s.length > 0);
      valid('readCpuPerWall');
    }),
    { numRuns: RUNS.readCpuPerWall },
  );
});

test('readAccount: any value in any field of an account, an unknown key or a missing one', async () => {
  const r = await batch({ kernel: 'spin', params: { cpuUs: 200 }, mode: 'gil', tasks: 2 });
  const base = {
    wallNs: r.wallNs,
    cores: r.cores,
    processCpuNs: (r.processUserUs + r.processSystemUs) * 1000,
    jsThreadCpuNs: r.jsThreadCpuNs,
    tasks: r.taskReports.map((t) => ({ ...t })),
    mode: r.mode,
    poolSize: r.poolSize,
    lockHeldFraction: r.lock!.heldFraction,
    speedup: { value: 1, tasks: 2 },
    roles: [{ role: 'pool', threads: 2, cpuNs: 1000 }],
  };
  const fields: [string, Slot][] = [
    ['account.wallNs', 'number'],
    ['account.cores', 'int'],
    ['account.processCpuNs', 'number'],
    ['account.jsThreadCpuNs', 'number'],
    ['account.tasks', 'array'],
    ['account.tasks[0]', 'object'],
    ['account.tasks[0].mode', 'enum'],
    ['account.tasks[0].cpuNs', 'number'],
    ['account.tasks[1].wallNs', 'number'],
    ['account.mode', 'enum'],
    ['account.poolSize', 'int'],
    ['account.speedup', 'object'],
    ['account.speedup.value', 'number'],
    ['account.roles', 'array'],
    ['account.roles[0].role', 'enum'],
    ['account.roles[0].cpuNs', 'number'],
  ];
  const drops: [string, Slot][] = [
    ['account.wallNs', 'number'],
    ['account.cores', 'int'],
    ['account.mode', 'enum?'],
    ['account.tasks', 'array?'],
  ];
  const cases = fc.record({
    mutation: fc.oneof(
      ...fields.map(([path, slot]) => setAny(path.replace(/^account\./, ''), slot).map((m) => ({ ...m, shown: path }))),
      ...drops.map(([path, slot]) =>
        fc.constant({ change: { kind: 'drop' as const, path: path.replace(/^account\./, '') }, slot, shown: path }),
      ),
      unknownKey(Object.keys(base)).map((k) => ({
        change: { kind: 'add' as const, path: k, value: 1 },
        slot: undefined,
        shown: `account.${k}`,
      })),
    ),
  });
  fc.assert(
    fc.property(cases, ({ mutation }) => {
      count('readAccount');
      const a = applyChange(base, mutation.change);
      let reading;
      try {
        reading = readAccount(a as never);
      } catch (err) {
        const named = { ...mutation.change, path: mutation.shown };
        checkError(err, ['account'], named, mutation.slot, false);
        return;
      }
      assert.equal(typeof reading.sentence, 'string');
      assert.ok(reading.findings.length >= 1 && reading.findings[0]!.kind === reading.kind);
      valid('readAccount');
    }),
    { numRuns: RUNS.readAccount },
  );
});

test('toChromeTrace: any value in any field of the reports', async () => {
  const reports = [
    await batch({
      kernel: 'mixed',
      params: { computeUs: 300, waitUs: 300, repeats: 2 },
      mode: 'gil',
      tasks: 2,
      trace: true,
      switchIntervalUs: 100,
    }),
    await batch({ kernel: 'sleep', params: { us: 100 }, mode: 'native', tasks: 2, trace: true }),
  ];
  // Every field toChromeTrace reads, with what it accepts.
  const fields: [string, Slot | undefined][] = [['reports', undefined]];
  reports.forEach((r, i) => {
    const p = `reports[${i}]`;
    fields.push(
      [p, 'object'],
      [`${p}.kernel`, 'string'],
      [`${p}.mode`, 'string'],
      [`${p}.tasks`, 'number'],
      [`${p}.timeline`, 'object'],
    );
    const tl = r.timeline!;
    for (const [k, slot] of [
      ['startNs', 'bigint'],
      ['endNs', 'bigint'],
      ['threads', 'array'],
      ['handoffs', 'array'],
      ['droppedEvents', 'number'],
    ] as const) {
      fields.push([`${p}.timeline.${k}`, slot]);
    }
    tl.threads.forEach((t, j) => {
      const tp = `${p}.timeline.threads[${j}]`;
      fields.push(
        [tp, 'object'],
        [`${tp}.pid`, 'number'],
        [`${tp}.tid`, 'number'],
        [`${tp}.role`, 'string'],
        [`${tp}.name`, 'string'],
        [`${tp}.spans`, 'array'],
        [`${tp}.instants`, 'array'],
      );
      t.spans.slice(0, 3).forEach((_, k) => {
        const sp = `${tp}.spans[${k}]`;
        fields.push(
          [sp, 'object'],
          [`${sp}.kind`, 'string'],
          [`${sp}.startNs`, 'bigint'],
          [`${sp}.endNs`, 'bigint'],
          [`${sp}.task`, 'number'],
        );
      });
      t.instants.slice(0, 2).forEach((_, k) => {
        const ip = `${tp}.instants[${k}]`;
        fields.push([ip, 'object'], [`${ip}.kind`, 'string'], [`${ip}.ns`, 'bigint'], [`${ip}.task`, 'number']);
      });
    });
    tl.handoffs.slice(0, 2).forEach((_, h) => {
      const hp = `${p}.timeline.handoffs[${h}]`;
      fields.push(
        [hp, 'object'],
        [`${hp}.fromTid`, 'number'],
        [`${hp}.toTid`, 'number'],
        [`${hp}.releasedNs`, 'bigint'],
        [`${hp}.acquiredNs`, 'bigint'],
      );
    });
  });
  assert.ok(fields.length > 40, `${fields.length} fields to fuzz`);
  const base = { reports };
  const cases = fc.option(
    fc.oneof(
      fc.constantFrom(...fields).chain(([path, slot]) => setAny(path, slot)),
      fc
        .constantFrom(...fields.filter(([p, s]) => s !== undefined && /\.\w+$/.test(p)))
        .map(([path, slot]) => ({ change: { kind: 'drop', path } as Change, slot })),
    ),
    { freq: 10 },
  );
  fc.assert(
    fc.property(cases, (mutation) => {
      count('toChromeTrace');
      const a = mutation ? applyChange(base, mutation.change) : base;
      let trace;
      try {
        trace = toChromeTrace(a.reports as never);
      } catch (err) {
        checkError(err, ['reports'], mutation?.change, mutation?.slot, false);
        return;
      }
      assert.ok(Array.isArray(trace.traceEvents));
      JSON.stringify(trace);
      valid('toChromeTrace');
    }),
    { numRuns: RUNS.toChromeTrace },
  );
});

// ---- The hazard experiments ----

/** Caps that keep every valid hazard run to a few milliseconds. */
const HAZARD_CAPS = { threads: 4, increments: 1000, durationMs: 10, timeoutMs: 50, timeLimitMs: 50 } as const;

interface HazardCase {
  name: string;
  fn: (options: unknown) => Promise<unknown>;
  base: fc.Arbitrary<Record<string, unknown>>;
  slots: Record<string, Slot>;
  /** Keys whose default is slow (hundreds of ms): never dropped. */
  keep: readonly string[];
}

const hazardCases: HazardCase[] = [
  {
    name: 'hazards.race',
    fn: (o) => hazards.race(o as never),
    base: fc.record({
      threads: fc.integer({ min: 1, max: 4 }),
      increments: fc.integer({ min: 1, max: 1000 }),
      strategy: fc.constantFrom(...raceStrategies),
      timeLimitMs: fc.integer({ min: 1, max: 50 }),
    }),
    slots: { threads: 'int?', increments: 'int?', strategy: 'enum?', timeLimitMs: 'int?' },
    keep: ['increments'],
  },
  {
    name: 'hazards.deadlock',
    fn: (o) => hazards.deadlock(o as never),
    base: fc.record({ timeoutMs: fc.integer({ min: 1, max: 50 }), ordering: fc.constantFrom(...lockOrderings) }),
    slots: { timeoutMs: 'int?', ordering: 'enum?' },
    keep: [],
  },
  {
    name: 'hazards.starvation',
    fn: (o) => hazards.starvation(o as never),
    base: fc.record({
      threads: fc.integer({ min: 1, max: 4 }),
      durationMs: fc.integer({ min: 1, max: 10 }),
      lock: fc.constantFrom(...starvationLocks),
    }),
    slots: { threads: 'int?', durationMs: 'int?', lock: 'enum?' },
    keep: ['durationMs'],
  },
  {
    name: 'hazards.livelock',
    fn: (o) => hazards.livelock(o as never),
    base: fc.record({ durationMs: fc.integer({ min: 1, max: 10 }), backoff: fc.constantFrom(...backoffs) }),
    slots: { durationMs: 'int?', backoff: 'enum?' },
    keep: ['durationMs'],
  },
  {
    name: 'runHazardSuite',
    fn: (o) => runHazardSuite(o as never),
    base: fc.record({
      threads: fc.integer({ min: 1, max: 2 }),
      increments: fc.integer({ min: 1, max: 100 }),
      durationMs: fc.integer({ min: 1, max: 3 }),
      timeoutMs: fc.integer({ min: 1, max: 20 }),
    }),
    slots: { threads: 'int?', increments: 'int?', durationMs: 'int?', timeoutMs: 'int?' },
    keep: ['increments', 'durationMs'],
  },
];

for (const h of hazardCases) {
  test(`${h.name}: any value in any option`, async () => {
    const cases = h.base.chain((options) =>
      fc.record({
        base: fc.constant({ options }),
        mutation: fc.option(
          fc.oneof(
            // A whole options value that is valid but empty would run the slow defaults: not generated.
            setAny('options', 'object?').filter((m) => !isEmptyOptions((m.change as { value: unknown }).value)),
            fc
              .constantFrom(...Object.keys(h.slots))
              .chain((k) => setAny(`options.${k}`, h.slots[k], poolSize(), HAZARD_CAPS)),
            addUnknown('options', Object.keys(h.slots)),
            fc
              .constantFrom(...Object.keys(h.slots).filter((k) => !h.keep.includes(k)))
              .map((k) => ({ change: { kind: 'drop', path: `options.${k}` } as Change, slot: h.slots[k] })),
          ),
          { freq: 5 },
        ),
      }),
    );
    await fc.assert(
      fc.asyncProperty(cases, async ({ base, mutation }) => {
        count('hazards');
        const a = mutation ? applyChange(base, mutation.change) : base;
        let r: unknown;
        try {
          r = await within(h.fn(a.options), HANG_MS, `${h.name} ${show(mutation?.change)}`);
        } catch (err) {
          checkError(err, ['options'], mutation?.change, mutation?.slot, false);
          return;
        }
        assert.equal(typeof r, 'object');
        valid('hazards');
      }),
      { numRuns: RUNS.hazards },
    );
  });
}

/** An options value that validation accepts and that sets nothing (so every default applies). */
function isEmptyOptions(v: unknown): boolean {
  return v === undefined || (typeof v === 'object' && v !== null && !Array.isArray(v) && Object.keys(v).length === 0);
}

// ---- The native functions, called directly ----

/** Every function the addon exports (read from the addon, so a new one is fuzzed too). */
function nativeFunctions(): string[] {
  const addon = native() as unknown as Record<string, unknown>;
  return Object.keys(addon)
    .filter((k) => typeof addon[k] === 'function')
    .sort();
}

/** Integers that a native function would accept as a long task or many threads become small. */
function defuse(v: unknown, depth = 0): unknown {
  if (typeof v === 'number' && Number.isInteger(v) && v > 64 && v <= 2 ** 28) return v % 65;
  if (depth > 3) return v;
  if (Array.isArray(v)) return v.map((x) => defuse(x, depth + 1));
  if (
    v !== null &&
    typeof v === 'object' &&
    (Object.getPrototypeOf(v) === Object.prototype || Object.getPrototypeOf(v) === null)
  ) {
    const out: Record<string, unknown> = Object.create(Object.getPrototypeOf(v) as object | null) as Record<
      string,
      unknown
    >;
    for (const k of Object.keys(v)) out[k] = defuse((v as Record<string, unknown>)[k], depth + 1);
    return out;
  }
  return v;
}

/** Values no validation expects: traps and getters that throw, revoked proxies, detached buffers. */
function hostile(): unknown[] {
  const trap = (): never => {
    throw new Error('fuzz: trap');
  };
  const throwing = new Proxy(
    {},
    { get: trap, has: trap, ownKeys: trap, getOwnPropertyDescriptor: trap, getPrototypeOf: trap },
  );
  const revocable = Proxy.revocable({}, {});
  revocable.revoke();
  const getterArray = [0];
  Object.defineProperty(getterArray, 0, { get: trap });
  const detached = new Int32Array(new ArrayBuffer(8));
  structuredClone(detached.buffer, { transfer: [detached.buffer] });
  return [
    throwing,
    revocable.proxy,
    getterArray,
    new Array(2 ** 32 - 1),
    detached,
    new Int32Array(0),
    new Int32Array(new SharedArrayBuffer(4)),
    new Float64Array(1),
    {
      get switchIntervalUs(): number {
        return trap();
      },
      forcedSwitching: true,
      workUs: 1,
      waitUs: 1,
    },
    { switchIntervalUs: 100, forcedSwitching: true },
    { switchIntervalUs: 100, workUs: 5, waitUs: 50 },
    { switchIntervalUs: 100, workUs: 5, waitUs: 50, traceCapacity: 32 },
  ];
}

const nativeArg: fc.Arbitrary<unknown> = fc.oneof(
  { arbitrary: anyValue.map((v) => defuse(v)), weight: 4 },
  { arbitrary: fc.constantFrom<unknown>(...kernelNames, 'nope', ''), weight: 3 },
  { arbitrary: fc.array(fc.integer({ min: -2, max: 64 }), { maxLength: 4 }), weight: 3 },
  { arbitrary: fc.constantFrom<unknown>('$cancelId', '$probe', '$doneProbe'), weight: 2 },
  // By index: fast-check itself must not touch them (a revoked proxy throws on any inspection).
  { arbitrary: fc.integer({ min: 0, max: hostile().length - 1 }).map((i) => `$hostile:${i}`), weight: 2 },
);

/** Replaces the markers of nativeArg by live values. */
function resolveArg(a: unknown, handles: Record<string, unknown>, bad: unknown[]): unknown {
  if (typeof a !== 'string' || !a.startsWith('$')) return a;
  if (a.startsWith('$hostile:')) return bad[Number(a.slice('$hostile:'.length))];
  return a in handles ? handles[a] : a;
}

test('the native functions throw JS errors for anything, never abort or hang', async () => {
  const addon = native() as unknown as Record<string, (...args: unknown[]) => unknown>;
  const names = nativeFunctions();
  assert.ok(names.length >= 20, `${names.length} native functions`);
  await fc.assert(
    fc.asyncProperty(fc.constantFrom(...names), fc.array(nativeArg, { maxLength: 5 }), async (name, rawArgs) => {
      count('native');
      // Live handles of each kind, made fresh for this call and cleaned up after it.
      const cancelId = nextCancelId();
      const tokenDone = native().submit('noop', [], undefined, undefined, cancelId);
      const probe = native().startConvoy({ switchIntervalUs: 100, workUs: 1, waitUs: 50 });
      const doneProbe = native().startConvoy({ switchIntervalUs: 100, workUs: 1, waitUs: 50 });
      native().stopConvoy(doneProbe);
      const bad = hostile();
      const args = rawArgs.map((a) =>
        resolveArg(a, { $cancelId: cancelId, $probe: probe, $doneProbe: doneProbe }, bad),
      );
      try {
        let out: unknown;
        try {
          out = addon[name]!(...args);
        } catch (err) {
          assert.ok(err instanceof Error, `${name} threw a non-Error: ${String(err)}`);
          return;
        }
        valid('native');
        // Settle whatever was started, within a bound.
        if (out instanceof Promise) {
          await within(
            out.catch((err: unknown) =>
              assert.ok(err instanceof Error, `${name} rejected with a non-Error: ${String(err)}`),
            ),
            HANG_MS,
            name,
          );
        } else if (name === 'startConvoy') {
          native().stopConvoy(out as never);
        }
      } finally {
        native().stopConvoy(probe);
        await within(tokenDone, HANG_MS, 'token task');
      }
    }),
    { numRuns: RUNS.native },
  );
  // Still healthy afterwards.
  assert.equal(native().runSync('primes', [100]).result, 25);
});

test(`at least 10,000 cases ran`, (t) => {
  const total = Object.values(executed).reduce((s, n) => s + n, 0);
  t.diagnostic(
    `fuzz cases: ${total} (${Object.entries(executed)
      .map(([k, n]) => `${k} ${n}, ${succeeded[k] ?? 0} valid`)
      .join('; ')})`,
  );
  assert.ok(total >= 10_000, `only ${total} cases ran`);
});
