/**
 * The results document of the bench (results.json, `gilscope bench --json`), defined once. Each part
 * is a TypeBox schema; its TypeScript type is derived from it (`Of<...>`: read-only all the way
 * down) and the whole is the JSON Schema that `compare` validates files against (validate.ts). The
 * plan a sweep runs and the configurations it measures are parts of the document, so they are here.
 *
 * The schema accepts every readable version: v2 only added optional fields, and v3 only dropped two
 * (kept optional for v1 and v2 files). Names (kernels, modes, runners) are any string to the JSON
 * Schema, so that a file of another gilscope version still reads, and literal unions to TypeScript.
 */
import { Type, type Static, type TNumber, type TObject, type TProperties, type TSchema } from '@sinclair/typebox';

import type { HazardSuiteReport, KernelName, Mode, StartupCostReport } from '../../src/index.js';

/**
 * Bump when a field is added, changes meaning or goes away. `compare` reads the versions in
 * READABLE_SCHEMA_VERSIONS and refuses others. v2 added `partial`, `traceCost`, `timelines`,
 * `hazards`, `traces` and `plan.hazards`, all optional: every v1 file is a valid v2 file. v3 drops
 * `configs[].probe.timerP99Ns` and `timerMaxNs`, copies of `eventLoop.delayP99Ns`/`delayMaxNs`, and
 * adds `configs[].reading` and the fits' `assumes` and `predictions[].cappedAt` (optional, so that
 * the v3 files written before them still read). v4 only adds optional fields, so every v3 file is a
 * valid v4 file: experiments 8-10 and their configuration kinds (`node-work`, `starvation`,
 * `latency`), the flood mode `run-released` and micro mode `raw-readings`, `experiments[].crossovers`,
 * `goals[].shownAs`, the rounds (`plan.rounds`, `configs[].rounds`) and `plan.sizesFrom`, and
 * `realGil`; each is documented where it is defined below.
 */
export const SCHEMA_NAME = 'gilscope-bench-results';
export const SCHEMA_VERSION = 4;
export const READABLE_SCHEMA_VERSIONS: readonly number[] = [1, 2, 3, 4];

export type ExperimentId = 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9 | 10;
export const EXPERIMENT_IDS: readonly ExperimentId[] = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];

// ---- How the parts are written

/** Read-only all the way down: a results document is built once, then only read. */
export type Frozen<T> = T extends readonly (infer U)[]
  ? readonly Frozen<U>[]
  : T extends object
    ? { readonly [K in keyof T]: Frozen<T[K]> }
    : T;

/** The TypeScript type of a part of the document. */
type Of<T extends TSchema> = Frozen<Static<T>>;

/** An object with exactly these properties (additionalProperties: false). */
function Strict<P extends TProperties>(properties: P): TObject<P> {
  return Type.Object(properties, { additionalProperties: false });
}

/** `schema` or null, as one JSON Schema `type` list (`['number', 'null']`; ajv's allowUnionTypes). */
function Nullable<T extends TSchema>(schema: T) {
  return Type.Unsafe<Static<T> | null>({ ...schema, type: [schema['type'], 'null'] });
}

/** A string to the JSON Schema, `T` to TypeScript (see the header). */
function Name<T extends string>() {
  return Type.Unsafe<T>(Type.String());
}

/** One of `values` (JSON Schema `enum`). */
function OneOf<const T extends readonly (string | number)[]>(values: T) {
  return Type.Unsafe<T[number]>({ enum: [...values] });
}

/** An object whose every property holds a `T` (JSON Schema `additionalProperties`). */
function Dict<T extends TSchema>(value: T) {
  return Type.Unsafe<Record<string, Static<T>>>({ type: 'object', additionalProperties: value });
}

const Num = Type.Number();
const NumOrNull = Nullable(Type.Number());
const Str = Type.String();
const StrOrNull = Nullable(Type.String());
const Bool = Type.Boolean();
const Count = Type.Integer({ minimum: 0 });
const Positive = Type.Integer({ minimum: 1 });
const Experiment = Type.Unsafe<ExperimentId>(Type.Integer({ minimum: 1, maximum: 10 }));

// ---- Statistics and fits

/** A confidence interval with the confidence it actually has (order statistics give discrete levels). */
const Interval = Strict({
  lo: Num,
  hi: Num,
  /** Achieved coverage, 0..1 (e.g. 0.9375 for the full range of 5 samples). */
  level: Type.Number({ minimum: 0, maximum: 1 }),
});
export type Interval = Of<typeof Interval>;

const Summary = Strict({
  n: Positive,
  median: Num,
  min: Num,
  max: Num,
  /** Median absolute deviation from the median (unscaled). */
  mad: Num,
  /** Confidence interval for the median (see `medianCi`). */
  ci: Interval,
});
export type Summary = Of<typeof Summary>;

const ScalingPoint = Strict({
  /** Processors in use, >= 1. */
  n: Num,
  /** Throughput at n over throughput at 1. */
  speedup: Num,
});
export type ScalingPoint = Of<typeof ScalingPoint>;

const AmdahlFit = Strict({
  /** Serial fraction s in S(n) = 1 / (s + (1 - s) / n); 0 = perfectly parallel, 1 = serial. */
  serialFraction: Num,
  /** Coefficient of determination of the fitted speed-ups (null with fewer than 2 distinct n). */
  r2: NumOrNull,
});
export type AmdahlFit = Of<typeof AmdahlFit>;

const UslFit = Strict({
  /** Contention (queueing on a shared resource) in S(n) = n / (1 + sigma (n-1) + kappa n (n-1)). */
  sigma: Num,
  /** Coherency (cost of keeping shared state consistent, grows with n^2). */
  kappa: Num,
  /**
   * False when the points span fewer than 3 distinct n: kappa cannot be told apart from sigma and is
   * fixed at 0, so predictions are an upper bound.
   */
  kappaIdentifiable: Bool,
  r2: NumOrNull,
});
export type UslFit = Of<typeof UslFit>;

/**
 * S(cores) by each law, capped at `cappedAt` where the mode cannot pass it on any machine (the
 * libuv pool's threads for released and gil, 1 for held); null where nothing caps it.
 */
const Prediction = Strict({ cores: Num, amdahl: Num, usl: Num, cappedAt: Type.Optional(Nullable(Num)) });
export type Prediction = Of<typeof Prediction>;

const FitResult = Strict({
  experiment: Type.Unsafe<ExperimentId>(Type.Integer()),
  kernel: Name<KernelName>(),
  mode: Name<Mode>(),
  points: Type.Array(ScalingPoint),
  amdahl: AmdahlFit,
  usl: UslFit,
  predictions: Type.Array(Prediction),
  /** What the predictions assume of the mode's threads or hosts (the pool size, one host per task). */
  assumes: Type.Optional(Type.String()),
  label: Type.String({ pattern: 'prediction' }),
});
export type FitResult = Of<typeof FitResult>;

// ---- The plan

/** Everything a sweep needs, resolved from a preset and the command-line options. */
const BenchPlan = Strict({
  preset: OneOf(['quick', 'full']),
  experiments: Type.Array(Type.Unsafe<ExperimentId>(Positive)),
  /** CPU-bound kernels of experiment 1 (and the fits); the first also drives experiment 5. */
  kernels: Type.Array(Name<KernelName>()),
  modes: Type.Array(Name<Mode>()),
  tasks: Type.Array(Positive),
  /** Passed to batch() as `threads` (the pool size); undefined: batch's default. */
  threads: Type.Optional(Positive),
  repeat: Positive,
  warmup: Count,
  /** Switch interval of the gil mode outside experiment 4's sweep. */
  switchIntervalUs: Positive,
  /** Target duration of one task (kernel parameters are calibrated to it). */
  taskMs: Num,
  /** Experiment 3: shares of each task spent waiting. */
  waitFractions: Type.Array(Type.Number({ minimum: 0, maximum: 1 })),
  /** Experiment 4: switch intervals swept. */
  intervalsUs: Type.Array(Positive),
  /** Experiment 6: empty tasks per flood, by runner. */
  flood: Strict({ asyncWork: Count, worker: Count, process: Count, piscina: Count }),
  /** Experiment 6: benchmark.js time budget per synchronous micro-benchmark (s). */
  microMaxTimeS: Num,
  /** Run the concurrency-hazard suite (`runHazardSuite()`) too (v2). @default false */
  hazards: Type.Optional(Bool),
  /**
   * v4 (issue 17): each configuration's `repeat` runs are split over this many interleaved rounds of
   * the sweep (round 1 of every configuration, then round 2 of every one...), after one warm-up
   * before the first, so that `configs[].rounds` holds one median per round. Absent: one round.
   */
  rounds: Type.Optional(Positive),
  /**
   * v4 (issue 17): the results file whose `calibrated` kernel sizes this run used instead of
   * calibrating (`--sizes-from`), so that every configuration runs the same work as in that file.
   */
  sizesFrom: Type.Optional(Str),
});
export type BenchPlan = Of<typeof BenchPlan>;

// ---- Configurations: how each runs (a union by kind), then what it measured

/** The identity every configuration has. */
const identity = {
  /** Stable identity across runs, used by `compare` (e.g. `cpu/primes/released/t2`). */
  key: Type.String({ minLength: 1 }),
  label: Str,
};

/** The fields a kind does not use: present all the same, null (one JSON shape for every kind). */
const NONE = {
  kernel: Type.Null(),
  params: Type.Null(),
  threads: Type.Null(),
  switchIntervalUs: Type.Null(),
  forcedSwitching: Type.Null(),
};

const Params = Dict(Num);
const Threads = Nullable(Type.Integer());
const Switching = { switchIntervalUs: Nullable(Type.Integer()), forcedSwitching: Nullable(Bool) };

/** A gilscope batch of `tasks` kernel tasks (sample: its wall time). */
const BatchSpec = Strict({
  ...identity,
  kind: Type.Literal('batch'),
  kernel: Name<KernelName>(),
  params: Params,
  mode: Name<Mode>(),
  tasks: Positive,
  threads: Threads,
  ...Switching,
});
export type BatchSpec = Of<typeof BatchSpec>;

/** `tasks` empty tasks of a gilscope mode submitted at once (sample: wall / tasks). */
const ModeFloodSpec = Strict({ ...BatchSpec.properties, kind: Type.Literal('flood') });

/**
 * A flood that is not one batch: bare napi_async_work round trips, piscina running the JS empty
 * kernel, or (v4) 'run-released': `tasks` concurrent run('noop', {}, { mode: 'released' }) calls.
 */
const BaselineFloodSpec = Strict({
  ...identity,
  kind: Type.Literal('flood'),
  ...NONE,
  mode: Name<'bare-async-work' | 'piscina' | 'run-released'>(),
  tasks: Positive,
  threads: Threads,
});
export type FloodSpec = Of<typeof ModeFloodSpec> | Of<typeof BaselineFloodSpec>;

/**
 * A synchronous call timed by benchmark.js (sample: ns per call); or (v4) 'raw-readings': the raw
 * readings runSync makes (two whole readings: CLOCK_MONOTONIC, thread CPU clock, getrusage,
 * schedstat, CLOCK_MONOTONIC), timed in a native loop (sample: ns for the two; `extra` holds each
 * call's ns timed alone and partsSumNs, their sum; until December 2026 the sample was that sum).
 */
const MicroSpec = Strict({
  ...identity,
  kind: Type.Literal('micro'),
  ...NONE,
  mode: Name<'js-call' | 'raw-napi' | 'napi-noop' | 'run-sync' | 'raw-readings'>(),
  tasks: Positive,
});
export type MicroSpec = Of<typeof MicroSpec>;

/**
 * v4: one awaited run() at a time in `mode` (hosts warm), sample: ns of one round trip (the mean
 * of a short sequence). Experiment 10's latency.
 */
const LatencySpec = Strict({ ...BatchSpec.properties, kind: Type.Literal('latency') });
export type LatencySpec = Of<typeof LatencySpec>;

/** startupCost() for one kind of unit (sample: its creation time). */
const StartupSpec = Strict({
  ...identity,
  kind: Type.Literal('startup'),
  ...NONE,
  mode: Name<'thread' | 'worker' | 'process'>(),
  tasks: Positive,
});
export type StartupSpec = Of<typeof StartupSpec>;

/** A kernel run on the JS thread, held (native) or as its TypeScript reference (sample: wall ns). */
const KernelSpec = Strict({
  ...identity,
  kind: Type.Literal('kernel'),
  ...NONE,
  kernel: Name<KernelName>(),
  params: Params,
  mode: Name<'native-held' | 'ts-reference'>(),
  tasks: Positive,
});
export type KernelSpec = Of<typeof KernelSpec>;

/** Node's own calls that experiments 8 and 9 run (bench/extras/node-work.ts). */
export type NodeCall = 'pbkdf2Sync' | 'pbkdf2' | 'gzipSync' | 'gzip' | 'readFileSync' | 'readFile';

/**
 * v4 (issue 13), experiment 8: `tasks` calls of one of Node's own functions under measure(), one
 * after another when synchronous, all at once when asynchronous (sample: wall time). params: the
 * call's size (pbkdf2 `iterations`, gzip `bytes`, readFile `bytes`); threads: the libuv pool size
 * it ran with (a size other than the bench process's runs in a fresh child process). Its figures:
 * cpuPerWall, speedup, and in extra the medians of jsCpuNs, poolCpuNs and otherCpuNs (measure's
 * byRole: the JS thread, the libuv pool, every other thread).
 */
const NodeWorkSpec = Strict({
  ...identity,
  kind: Type.Literal('node-work'),
  ...NONE,
  params: Params,
  threads: Threads,
  mode: Name<NodeCall>(),
  tasks: Positive,
});
export type NodeWorkSpec = Of<typeof NodeWorkSpec>;

/**
 * v4 (issue 13), experiment 9: `tasks` (k, 0 and up) long released tasks hold the libuv pool
 * (mode: gilscope's `spin` or crypto `pbkdf2`; params: their size) while small fs reads,
 * dns.lookup('localhost') and a tiny gilscope released task are issued (sample: the tiny task's
 * latency, ns). extra: p50 and p99 latency of each small operation (fsP50Ns, fsP99Ns, dnsP50Ns,
 * dnsP99Ns, tinyP50Ns, tinyP99Ns); threads: the pool size.
 */
const StarvationSpec = Strict({
  ...identity,
  kind: Type.Literal('starvation'),
  ...NONE,
  params: Params,
  threads: Threads,
  mode: Name<'spin' | 'pbkdf2'>(),
  tasks: Count,
});
export type StarvationSpec = Of<typeof StarvationSpec>;

/**
 * How one configuration runs: enough to run it again, and its identity (`key`). Every kind has the
 * same ten fields (null where it has none); `kind` tells them apart, and within `flood` the
 * kernel: null for a baseline (bare-async-work, piscina), the empty kernel for a gilscope mode.
 */
export type ConfigSpec =
  BatchSpec | FloodSpec | MicroSpec | StartupSpec | KernelSpec | NodeWorkSpec | StarvationSpec | LatencySpec;

const Metric = Strict({
  /** latencyNs: v4, experiment 9. */
  name: OneOf(['wallNs', 'nsPerTask', 'nsPerCall', 'createNs', 'latencyNs']),
  unit: Type.Literal('ns'),
  /** Always true here: every metric is a time. */
  lowerIsBetter: Bool,
});
export type Metric = Of<typeof Metric>;

/** The OS's own parts (cpu + runQueue) fit within each task's wall time, within tolerance. */
const BreakdownCheck = Strict({
  ok: Bool,
  /** Sum of the five parts over queue + wall (1 when they add up). */
  sumOverTotal: Num,
  /** Largest share of a task's wall time by which cpu + runQueue exceeded it (0 when none did). */
  worstOvershoot: Num,
  /** Tasks whose cpu + runQueue exceeded their wall time by more than the tolerance. */
  tasksOver: Count,
  tasks: Count,
  /** False where the OS gave no run-queue figure (counted as 0). */
  runQueueMeasured: Bool,
});
export type BreakdownCheck = Of<typeof BreakdownCheck>;

/**
 * Where the wall time of the average task went (ns), in disjoint parts: cpu and runQueue from the OS,
 * lockWait the time asleep waiting for the lock, blocked the rest of the time asleep (sleep, I/O);
 * queue is before the task started. cpu + runQueue + lockWait + blocked = taskWall.
 */
const Breakdown = Strict({
  cpuNs: Num,
  runQueueNs: Num,
  lockWaitNs: Num,
  /** Lock wait spent runnable after the wake-up (already in runQueueNs; not a part of the sum). */
  lockWakeNs: Num,
  blockedNs: Num,
  queueNs: Num,
  /** Mean task wall time (end - start). */
  taskWallNs: Num,
  /** queue + task wall: the time from submission to completion. */
  totalNs: Num,
  check: BreakdownCheck,
});
export type Breakdown = Of<typeof Breakdown>;

/** A finding of a reading: its kind, its words, the figures it rests on, what would help. */
const Finding = Strict({ kind: Type.String(), text: Type.String(), figures: Dict(Num), help: Nullable(Type.String()) });

/** A reading (src/types.ts Reading): the primary kind, the sentence, the findings (primary first). */
const Reading = Strict({ kind: Type.String(), sentence: Type.String(), findings: Type.Array(Finding) });
export type ConfigReading = Of<typeof Reading>;

/** What a configuration measured, beside its spec. */
const figures = {
  experiments: Type.Array(Experiment),
  metric: Metric,
  samples: Type.Array(Num, { minItems: 1 }),
  summary: Summary,
  /** Tasks per second at the median (batch and flood configurations). */
  throughputPerS: NumOrNull,
  /** Median throughput over the same mode's at tasks = 1, with a bootstrap 95% interval. */
  speedup: Nullable(Strict({ value: Num, ci: Interval })),
  /** speedup / min(tasks, cores). */
  efficiency: NumOrNull,
  cpuPerWall: NumOrNull,
  parallelism: NumOrNull,
  poolSize: Nullable(Type.Integer()),
  breakdown: Nullable(Breakdown),
  /** Medians over the repeats. */
  eventLoop: Nullable(
    Strict({ utilization: Num, delayP50Ns: NumOrNull, delayP99Ns: NumOrNull, delayMaxNs: NumOrNull }),
  ),
  probe: Nullable(
    Strict({
      /** v1 and v2 files only: a copy of eventLoop.delayP99Ns, dropped in v3. */
      timerP99Ns: Type.Optional(NumOrNull),
      /** v1 and v2 files only: a copy of eventLoop.delayMaxNs, dropped in v3. */
      timerMaxNs: Type.Optional(NumOrNull),
      convoyP50Ns: NumOrNull,
      convoyP99Ns: NumOrNull,
      convoyMaxNs: NumOrNull,
    }),
  ),
  lock: Nullable(Strict({ handoffs: Num, handoffsPerSecond: Num, heldFraction: Num, dropRequests: Num })),
  /**
   * The reading of the median run (readAccount, with this configuration's speed-up); batches only.
   * Absent in files written before v3's readings.
   */
  reading: Type.Optional(Nullable(Reading)),
  /** Extra figures of one configuration (resident memory for start-up, benchmark.js's rme...). */
  extra: Dict(NumOrNull),
  /**
   * v4 (issue 17): the median of each round's samples, in round order (plan.rounds >= 2; `samples`
   * holds the rounds' samples one round after another). Their spread is the noise between rounds that
   * `compare` judges a change against. Absent with one round.
   */
  rounds: Type.Optional(Type.Array(Num, { minItems: 2 })),
};

function measured<P extends TProperties>(spec: TObject<P>) {
  return Strict({ ...spec.properties, ...figures });
}

const ConfigResult = Type.Union([
  measured(BatchSpec),
  measured(ModeFloodSpec),
  measured(BaselineFloodSpec),
  measured(MicroSpec),
  measured(StartupSpec),
  measured(KernelSpec),
  measured(NodeWorkSpec),
  measured(StarvationSpec),
  measured(LatencySpec),
]);
/** A configuration's spec and figures, in one object (the spec's fields first). */
export type ConfigResult = Of<typeof ConfigResult>;

// ---- Experiments and goals

const Cell = Type.Unsafe<string | number | null>({ type: ['string', 'number', 'null'] });
export type Cell = Static<typeof Cell>;

const Table = Strict({ columns: Type.Array(Str), rows: Type.Array(Type.Array(Cell)) });
export type Table = Of<typeof Table>;

const ChartRef = Strict({
  file: Type.String({ pattern: '^[a-z0-9-]+\\.svg$' }),
  title: Str,
  /** Marks drawn (points or bars): what a viewer must find in the rendered SVG. */
  marks: Count,
});
export type ChartRef = Of<typeof ChartRef>;

/**
 * v4, experiment 10: from what task size `mode` beats `over` by `factor` (and keeps doing so at
 * every larger size measured), for `kernel`; fromUs null where no measured size did.
 */
const Crossover = Strict({
  kernel: Name<KernelName>(),
  mode: Name<Mode>(),
  over: Name<Mode>(),
  factor: Num,
  fromUs: NumOrNull,
});
export type Crossover = Of<typeof Crossover>;

const ExperimentResult = Strict({
  id: Experiment,
  slug: Str,
  title: Str,
  question: Str,
  configKeys: Type.Array(Str),
  table: Table,
  reading: Str,
  charts: Type.Array(ChartRef),
  /** v4: the crossover sizes an experiment names (experiment 10); absent elsewhere. */
  crossovers: Type.Optional(Type.Array(Crossover)),
});
export type ExperimentResult = Of<typeof ExperimentResult>;

const GoalResult = Strict({
  id: Str,
  goal: Str,
  /** The comparison, e.g. "ratio <= 1.5". */
  target: Str,
  ratio: NumOrNull,
  /** null: not measured in this run (the reason is in `detail`). */
  met: Nullable(Bool),
  detail: Str,
  /** How `ratio` reads in a report: "1.2x" or "0.4%". Absent in files written before it: 'times'. */
  shownAs: Type.Optional(Type.Union([Type.Literal('times'), Type.Literal('percent')])),
});
export type GoalResult = Of<typeof GoalResult>;

// ---- Provenance and the run

const StartupUnit = Type.Object({ createNsMedian: Num, createNs: Type.Array(Num), rssBytesMedian: Num });
const Startup = Type.Union([
  Type.Null(),
  Type.Unsafe<StartupCostReport>(
    Type.Object({ samples: Count, thread: StartupUnit, worker: StartupUnit, process: StartupUnit }),
  ),
]);

const BenchContext = Strict({
  cpuModel: Str,
  cores: Positive,
  availableParallelism: Positive,
  memoryBytes: Num,
  os: Type.Object({ platform: Str, release: Str, arch: Str }),
  versions: Type.Object({ node: Str, v8: Str, uv: Str, napi: StrOrNull, gilscope: Str }),
  poolSize: Positive,
  clocks: Dict(Str),
  loadAverage: Type.Array(Num),
  gitCommit: StrOrNull,
  gitDirty: Nullable(Bool),
  addonPath: Str,
  hostname: Str,
});
export type BenchContext = Of<typeof BenchContext>;

/** Why a results file holds only part of the planned run. */
const PartialInfo = Strict({
  reason: Type.Literal('interrupted'),
  /** The signal that interrupted the run (Ctrl-C is SIGINT). */
  signal: OneOf(['SIGINT', 'SIGTERM']),
  /** Configurations measured to the end (those in `configurations`), of those planned. */
  completedConfigurations: Count,
  plannedConfigurations: Count,
  /** The configuration that was running when the signal came (its runs were discarded); null if none. */
  interruptedConfiguration: StrOrNull,
  /** Parts of the run that did not run. */
  skipped: Type.Array(OneOf(['hazards', 'timelines', 'traceCost', 'realGil'])),
});
export type PartialInfo = Of<typeof PartialInfo>;

/** What recording one trace event costs, measured in this run. */
const TraceCostResult = Strict({
  /** Events recorded per measurement; `nsPerEvent.n` measurements were taken. */
  eventsPerSample: Positive,
  /** With recording on: one event into a task's buffer (a CLOCK_MONOTONIC read and a store). */
  nsPerEvent: Summary,
  /** With recording off: the check a disabled buffer makes. */
  nsPerEventOff: Summary,
});
export type TraceCostResult = Of<typeof TraceCostResult>;

/** The states a timeline draws; each span's innermost state wins. */
const STATES = ['running', 'holding the lock', 'waiting for the lock', 'blocked (I/O)', 'timer late'] as const;
export type TimelineState = (typeof STATES)[number];

const stateNs = Object.fromEntries(STATES.map((s) => [s, Type.Number({ minimum: 0 })]));

/** One traced run drawn as a timeline in report.html (a separate run, not one of the measured ones). */
const TimelineResult = Strict({
  /** e.g. `cpu-gil`, `switching-unforced`. */
  id: Type.String({ pattern: '^[a-z0-9-]+$' }),
  /** Runs of one group share their time axis. */
  group: OneOf(['cpu', 'switching']),
  experiment: Experiment,
  title: Str,
  file: Type.String({ pattern: '^timeline-[a-z0-9-]+\\.svg$' }),
  /** Bars drawn (one per state segment of a thread). */
  marks: Count,
  kernel: Name<KernelName>(),
  params: Params,
  mode: Name<Mode>(),
  tasks: Positive,
  ...Switching,
  wallNs: Num,
  /** Rows: the JS thread, the threads that ran tasks, the convoy probe. */
  threads: Positive,
  /** Time spent in each state, all threads together. */
  stateNs: Strict(stateNs as Record<TimelineState, TNumber>),
  handoffs: Count,
  /** Events the tasks recorded, and those dropped by any thread (a full buffer). */
  events: Count,
  droppedEvents: Count,
  /** The convoy probe's round latency in this run (gil only). */
  convoyP99Ns: NumOrNull,
  convoyMaxNs: NumOrNull,
});
export type TimelineResult = Of<typeof TimelineResult>;

export const HAZARD_NAMES = ['race', 'deadlock', 'starvation', 'livelock'] as const;
export type HazardName = (typeof HAZARD_NAMES)[number];

/** One hazard next to its remedies. */
const HazardTable = Strict({ hazard: OneOf(HAZARD_NAMES), title: Str, table: Table, reading: Str });
export type HazardTable = Of<typeof HazardTable>;

/** An object whose keys each hold an object with (at least) the listed object-valued keys. */
function objectsUnder(shape: Readonly<Record<string, readonly string[]>>): TObject {
  const inner = (keys: readonly string[]): TObject =>
    Type.Object(Object.fromEntries(keys.map((k) => [k, Type.Object({})])));
  return Type.Object(Object.fromEntries(Object.entries(shape).map(([k, keys]) => [k, inner(keys)])));
}

const HazardsResult = Strict({
  /** The suite's own report, kept whole; the tables are what the report shows. */
  report: Type.Unsafe<HazardSuiteReport>(
    objectsUnder({
      race: ['racy', 'mutex', 'atomic', 'sharded'],
      deadlock: ['opposite', 'global'],
      starvation: ['unfair', 'fair'],
      livelock: ['lockstep', 'random'],
    }),
  ),
  tables: Type.Array(HazardTable),
});
export type HazardsResult = Of<typeof HazardsResult>;

/** The Chrome traces written by `--trace DIR`: one per configuration that runs gilscope batches. */
const TracesResult = Strict({
  dir: Str,
  files: Type.Array(
    Strict({
      key: Str,
      file: Type.String({ pattern: '^[a-z0-9_-]+\\.json$' }),
      events: Count,
      droppedEvents: Count,
    }),
  ),
});
export type TracesResult = Of<typeof TracesResult>;

// ---- The real GIL beside the emulation (v4, issue 14)

/**
 * The interpreter the comparison ran in, as it described itself. gilEnabled: sys._is_gil_enabled()
 * where it exists (3.13+), else true; a build without an enabled GIL is compared with `released`.
 */
const PythonInterpreter = Strict({
  /** The --python PATH (or `python3`) as given. */
  path: Str,
  executable: Str,
  version: Str,
  implementation: Str,
  gilEnabled: Bool,
  freeThreadedBuild: Bool,
  switchIntervalS: Num,
});
export type PythonInterpreter = Of<typeof PythonInterpreter>;

/**
 * One compared figure: CPython's and gilscope's (each the median of `runs` runs), gilscope / CPython,
 * and the verdict of `rule` (agree / differ; `not compared` where a side has no figure).
 */
const RealGilRow = Strict({
  group: OneOf(['speed-up', 'convoy', 'hand-offs']),
  label: Str,
  unit: Str,
  cpython: NumOrNull,
  gilscope: NumOrNull,
  ratio: NumOrNull,
  rule: Str,
  verdict: OneOf(['agree', 'differ', 'not compared']),
});
export type RealGilRow = Of<typeof RealGilRow>;

/** One convoy case on one side: medians over the runs of the I/O thread's round latency (ms, the sleep included). */
const ConvoyFigures = Strict({ p50Ms: NumOrNull, p99Ms: NumOrNull, maxMs: NumOrNull, rounds: Count });
const ConvoyCase = Strict({
  cpuThreads: Count,
  intervalUs: Positive,
  /** Whether the I/O thread ran: its convoy figures; without it (null figures) the hand-off rate alone. */
  io: Bool,
  cpython: ConvoyFigures,
  gilscope: ConvoyFigures,
  /** Medians over the runs; 0 with fewer than two CPU-bound threads; compared only without the I/O thread. */
  cpythonHandoffsPerSecond: Num,
  gilscopeHandoffsPerSecond: Num,
});
export type ConvoyCase = Of<typeof ConvoyCase>;

/** The section "The real GIL beside the emulation": `gilscope bench --python [PATH]`. */
const RealGilResult = Strict({
  interpreter: PythonInterpreter,
  /** The gilscope mode CPython's threads are compared with: gil, or released for a free-threaded build. */
  threadsComparedWith: OneOf(['gil', 'released']),
  runs: Positive,
  rows: Type.Array(RealGilRow),
  convoy: Type.Array(ConvoyCase),
  /** The documents the scripts printed (bench/python/*.py), one per script run, as printed. */
  raw: Type.Array(Type.Unknown()),
  /** The chart of convoy latency against CPU-bound threads, both sides on one axis; null if not drawn. */
  chart: Nullable(ChartRef),
  /** Wall time the whole comparison took, both sides. */
  durationS: Num,
});
export type RealGilResult = Of<typeof RealGilResult>;

// ---- The document

const BenchResults = Type.Object(
  {
    schema: Type.Literal(SCHEMA_NAME),
    /** SCHEMA_VERSION when written by this gilscope; a file read back may be an older readable one. */
    schemaVersion: Type.Unsafe<number>({ enum: [...READABLE_SCHEMA_VERSIONS] }),
    createdAt: Type.String({ format: 'date-time' }),
    durationS: Num,
    context: BenchContext,
    plan: BenchPlan,
    /** Kernel parameters calibrated to `plan.taskMs` on this machine. */
    calibrated: Dict(Dict(Num)),
    configurations: Type.Array(ConfigResult),
    experiments: Type.Array(ExperimentResult),
    fits: Type.Array(FitResult),
    goals: Type.Array(GoalResult),
    startup: Startup,
    /** Things that did not run, and why. */
    notes: Type.Array(Str),
    /** v2: set when the run was interrupted; absent or null when it ran to the end. */
    partial: Type.Optional(Nullable(PartialInfo)),
    /** v2: the measured cost of recording one trace event; null when it did not run. */
    traceCost: Type.Optional(Nullable(TraceCostResult)),
    /** v2: the traced runs drawn as timelines in report.html. */
    timelines: Type.Optional(Type.Array(TimelineResult)),
    /** v2: the concurrency-hazard suite (`--hazards`); null when not asked for. */
    hazards: Type.Optional(Nullable(HazardsResult)),
    /** v2: the Chrome traces written (`--trace DIR`); null when not asked for. */
    traces: Type.Optional(Nullable(TracesResult)),
    /** v4: the real GIL beside the emulation (`--python`); null when skipped (results.notes says why). */
    realGil: Type.Optional(Nullable(RealGilResult)),
  },
  {
    $id: `https://gilscope.invalid/schema/${SCHEMA_NAME}/v${SCHEMA_VERSION}.json`,
    title: 'gilscope bench results',
    additionalProperties: false,
  },
);
/** results.json: exactly a `BenchResults`. */
export type BenchResults = Of<typeof BenchResults>;

/** The JSON Schema of results.json (every readable version). */
export const resultsSchema: TSchema = BenchResults;

// ---- Beside the document

/** A chart drawn for report.html; its SVG is a file of its own (results.json lists it as a ChartRef). */
export interface RenderedChart {
  readonly file: string;
  readonly title: string;
  readonly marks: number;
  readonly svg: string;
  readonly experiment: ExperimentId;
  /**
   * `timeline`: drawn in the report's Timelines section, not with its experiment's charts;
   * `realGil`: drawn in the section "The real GIL beside the emulation" (its experiment: 4).
   */
  readonly kind: 'chart' | 'timeline' | 'realGil';
}
