/**
 * The JSON Schema of results.json (and of `gilscope bench --json`), and its validator (ajv). `compare`
 * validates both files with it before reading a number from them. It accepts every readable version:
 * v2 only added optional fields, so one schema covers v1 and v2.
 */
import { Ajv, type ErrorObject } from 'ajv';

import { READABLE_SCHEMA_VERSIONS, SCHEMA_NAME, SCHEMA_VERSION, type BenchResults } from './types.js';

const num = { type: 'number' } as const;
const numOrNull = { type: ['number', 'null'] } as const;
const str = { type: 'string' } as const;
const strOrNull = { type: ['string', 'null'] } as const;
const int = { type: 'integer', minimum: 0 } as const;

const interval = {
  type: 'object',
  required: ['lo', 'hi', 'level'],
  additionalProperties: false,
  properties: { lo: num, hi: num, level: { type: 'number', minimum: 0, maximum: 1 } },
} as const;

const summary = {
  type: 'object',
  required: ['n', 'median', 'min', 'max', 'mad', 'ci'],
  additionalProperties: false,
  properties: { n: { type: 'integer', minimum: 1 }, median: num, min: num, max: num, mad: num, ci: interval },
} as const;

const breakdown = {
  type: ['object', 'null'],
  required: [
    'cpuNs',
    'runQueueNs',
    'lockWaitNs',
    'lockWakeNs',
    'blockedNs',
    'queueNs',
    'taskWallNs',
    'totalNs',
    'check',
  ],
  additionalProperties: false,
  properties: {
    cpuNs: num,
    runQueueNs: num,
    lockWaitNs: num,
    lockWakeNs: num,
    blockedNs: num,
    queueNs: num,
    taskWallNs: num,
    totalNs: num,
    check: {
      type: 'object',
      required: ['ok', 'sumOverTotal', 'worstOvershoot', 'tasksOver', 'tasks', 'runQueueMeasured'],
      additionalProperties: false,
      properties: {
        ok: { type: 'boolean' },
        sumOverTotal: num,
        worstOvershoot: num,
        tasksOver: int,
        tasks: int,
        runQueueMeasured: { type: 'boolean' },
      },
    },
  },
} as const;

const configuration = {
  type: 'object',
  required: [
    'key',
    'label',
    'kind',
    'kernel',
    'params',
    'mode',
    'tasks',
    'threads',
    'switchIntervalUs',
    'forcedSwitching',
    'experiments',
    'metric',
    'samples',
    'summary',
    'throughputPerS',
    'speedup',
    'efficiency',
    'cpuPerWall',
    'parallelism',
    'poolSize',
    'breakdown',
    'eventLoop',
    'probe',
    'lock',
    'extra',
  ],
  additionalProperties: false,
  properties: {
    key: { type: 'string', minLength: 1 },
    label: str,
    kind: { enum: ['batch', 'micro', 'flood', 'startup', 'kernel'] },
    kernel: strOrNull,
    params: { type: ['object', 'null'], additionalProperties: num },
    mode: str,
    tasks: { type: 'integer', minimum: 1 },
    threads: { type: ['integer', 'null'] },
    switchIntervalUs: { type: ['integer', 'null'] },
    forcedSwitching: { type: ['boolean', 'null'] },
    experiments: { type: 'array', items: { type: 'integer', minimum: 1, maximum: 7 } },
    metric: {
      type: 'object',
      required: ['name', 'unit', 'lowerIsBetter'],
      additionalProperties: false,
      properties: {
        name: { enum: ['wallNs', 'nsPerTask', 'nsPerCall', 'createNs'] },
        unit: { const: 'ns' },
        lowerIsBetter: { type: 'boolean' },
      },
    },
    samples: { type: 'array', minItems: 1, items: num },
    summary,
    throughputPerS: numOrNull,
    speedup: {
      type: ['object', 'null'],
      required: ['value', 'ci'],
      additionalProperties: false,
      properties: { value: num, ci: interval },
    },
    efficiency: numOrNull,
    cpuPerWall: numOrNull,
    parallelism: numOrNull,
    poolSize: { type: ['integer', 'null'] },
    breakdown,
    eventLoop: {
      type: ['object', 'null'],
      required: ['utilization', 'delayP50Ns', 'delayP99Ns', 'delayMaxNs'],
      additionalProperties: false,
      properties: { utilization: num, delayP50Ns: numOrNull, delayP99Ns: numOrNull, delayMaxNs: numOrNull },
    },
    probe: {
      type: ['object', 'null'],
      required: ['timerP99Ns', 'timerMaxNs', 'convoyP50Ns', 'convoyP99Ns', 'convoyMaxNs'],
      additionalProperties: false,
      properties: {
        timerP99Ns: numOrNull,
        timerMaxNs: numOrNull,
        convoyP50Ns: numOrNull,
        convoyP99Ns: numOrNull,
        convoyMaxNs: numOrNull,
      },
    },
    lock: {
      type: ['object', 'null'],
      required: ['handoffs', 'handoffsPerSecond', 'heldFraction', 'dropRequests'],
      additionalProperties: false,
      properties: { handoffs: num, handoffsPerSecond: num, heldFraction: num, dropRequests: num },
    },
    extra: { type: 'object', additionalProperties: numOrNull },
  },
} as const;

const cell = { type: ['string', 'number', 'null'] } as const;

const experiment = {
  type: 'object',
  required: ['id', 'slug', 'title', 'question', 'configKeys', 'table', 'reading', 'charts'],
  additionalProperties: false,
  properties: {
    id: { type: 'integer', minimum: 1, maximum: 7 },
    slug: str,
    title: str,
    question: str,
    configKeys: { type: 'array', items: str },
    table: {
      type: 'object',
      required: ['columns', 'rows'],
      additionalProperties: false,
      properties: {
        columns: { type: 'array', items: str },
        rows: { type: 'array', items: { type: 'array', items: cell } },
      },
    },
    reading: str,
    charts: {
      type: 'array',
      items: {
        type: 'object',
        required: ['file', 'title', 'marks'],
        additionalProperties: false,
        properties: { file: { type: 'string', pattern: '^[a-z0-9-]+\\.svg$' }, title: str, marks: int },
      },
    },
  },
} as const;

const fit = {
  type: 'object',
  required: ['experiment', 'kernel', 'mode', 'points', 'amdahl', 'usl', 'predictions', 'label'],
  additionalProperties: false,
  properties: {
    experiment: { type: 'integer' },
    kernel: str,
    mode: str,
    points: {
      type: 'array',
      items: {
        type: 'object',
        required: ['n', 'speedup'],
        additionalProperties: false,
        properties: { n: num, speedup: num },
      },
    },
    amdahl: {
      type: 'object',
      required: ['serialFraction', 'r2'],
      additionalProperties: false,
      properties: { serialFraction: num, r2: numOrNull },
    },
    usl: {
      type: 'object',
      required: ['sigma', 'kappa', 'kappaIdentifiable', 'r2'],
      additionalProperties: false,
      properties: { sigma: num, kappa: num, kappaIdentifiable: { type: 'boolean' }, r2: numOrNull },
    },
    predictions: {
      type: 'array',
      items: {
        type: 'object',
        required: ['cores', 'amdahl', 'usl'],
        additionalProperties: false,
        properties: { cores: num, amdahl: num, usl: num },
      },
    },
    label: { type: 'string', pattern: 'prediction' },
  },
} as const;

const goal = {
  type: 'object',
  required: ['id', 'goal', 'target', 'ratio', 'met', 'detail'],
  additionalProperties: false,
  properties: { id: str, goal: str, target: str, ratio: numOrNull, met: { type: ['boolean', 'null'] }, detail: str },
} as const;

const startupUnit = {
  type: 'object',
  required: ['createNsMedian', 'createNs', 'rssBytesMedian'],
  properties: { createNsMedian: num, createNs: { type: 'array', items: num }, rssBytesMedian: num },
} as const;

const context = {
  type: 'object',
  required: [
    'cpuModel',
    'cores',
    'availableParallelism',
    'memoryBytes',
    'os',
    'versions',
    'poolSize',
    'clocks',
    'loadAverage',
    'gitCommit',
    'gitDirty',
    'addonPath',
    'hostname',
  ],
  additionalProperties: false,
  properties: {
    cpuModel: str,
    cores: { type: 'integer', minimum: 1 },
    availableParallelism: { type: 'integer', minimum: 1 },
    memoryBytes: num,
    os: {
      type: 'object',
      required: ['platform', 'release', 'arch'],
      properties: { platform: str, release: str, arch: str },
    },
    versions: {
      type: 'object',
      required: ['node', 'v8', 'uv', 'napi', 'gilscope'],
      properties: { node: str, v8: str, uv: str, napi: strOrNull, gilscope: str },
    },
    poolSize: { type: 'integer', minimum: 1 },
    clocks: { type: 'object', additionalProperties: str },
    loadAverage: { type: 'array', items: num },
    gitCommit: strOrNull,
    gitDirty: { type: ['boolean', 'null'] },
    addonPath: str,
    hostname: str,
  },
} as const;

const ints = { type: 'array', items: { type: 'integer', minimum: 1 } } as const;

const plan = {
  type: 'object',
  required: [
    'preset',
    'experiments',
    'kernels',
    'modes',
    'tasks',
    'repeat',
    'warmup',
    'switchIntervalUs',
    'taskMs',
    'waitFractions',
    'intervalsUs',
    'flood',
    'microMaxTimeS',
  ],
  additionalProperties: false,
  properties: {
    preset: { enum: ['quick', 'full'] },
    experiments: ints,
    kernels: { type: 'array', items: str },
    modes: { type: 'array', items: str },
    tasks: ints,
    threads: { type: 'integer', minimum: 1 },
    repeat: { type: 'integer', minimum: 1 },
    warmup: int,
    switchIntervalUs: { type: 'integer', minimum: 1 },
    taskMs: num,
    waitFractions: { type: 'array', items: { type: 'number', minimum: 0, maximum: 1 } },
    intervalsUs: ints,
    flood: {
      type: 'object',
      required: ['asyncWork', 'worker', 'process', 'piscina'],
      additionalProperties: false,
      properties: { asyncWork: int, worker: int, process: int, piscina: int },
    },
    microMaxTimeS: num,
    hazards: { type: 'boolean' },
  },
} as const;

// ---- v2 additions (all optional: a v1 file is a valid v2 file)

const partial = {
  type: ['object', 'null'],
  required: [
    'reason',
    'signal',
    'completedConfigurations',
    'plannedConfigurations',
    'interruptedConfiguration',
    'skipped',
  ],
  additionalProperties: false,
  properties: {
    reason: { const: 'interrupted' },
    signal: { enum: ['SIGINT', 'SIGTERM'] },
    completedConfigurations: int,
    plannedConfigurations: int,
    interruptedConfiguration: strOrNull,
    skipped: { type: 'array', items: { enum: ['hazards', 'timelines', 'traceCost'] } },
  },
} as const;

const traceCost = {
  type: ['object', 'null'],
  required: ['eventsPerSample', 'nsPerEvent', 'nsPerEventOff'],
  additionalProperties: false,
  properties: { eventsPerSample: { type: 'integer', minimum: 1 }, nsPerEvent: summary, nsPerEventOff: summary },
} as const;

const STATES = ['running', 'holding the lock', 'waiting for the lock', 'blocked (I/O)', 'timer late'] as const;

const timeline = {
  type: 'object',
  required: [
    'id',
    'group',
    'experiment',
    'title',
    'file',
    'marks',
    'kernel',
    'params',
    'mode',
    'tasks',
    'switchIntervalUs',
    'forcedSwitching',
    'wallNs',
    'threads',
    'stateNs',
    'handoffs',
    'events',
    'droppedEvents',
    'convoyP99Ns',
    'convoyMaxNs',
  ],
  additionalProperties: false,
  properties: {
    id: { type: 'string', pattern: '^[a-z0-9-]+$' },
    group: { enum: ['cpu', 'switching'] },
    experiment: { type: 'integer', minimum: 1, maximum: 7 },
    title: str,
    file: { type: 'string', pattern: '^timeline-[a-z0-9-]+\\.svg$' },
    marks: int,
    kernel: str,
    params: { type: 'object', additionalProperties: num },
    mode: str,
    tasks: { type: 'integer', minimum: 1 },
    switchIntervalUs: { type: ['integer', 'null'] },
    forcedSwitching: { type: ['boolean', 'null'] },
    wallNs: num,
    threads: { type: 'integer', minimum: 1 },
    stateNs: {
      type: 'object',
      required: [...STATES],
      additionalProperties: false,
      properties: Object.fromEntries(STATES.map((k) => [k, { type: 'number', minimum: 0 }])),
    },
    handoffs: int,
    events: int,
    droppedEvents: int,
    convoyP99Ns: numOrNull,
    convoyMaxNs: numOrNull,
  },
} as const;

const table = {
  type: 'object',
  required: ['columns', 'rows'],
  additionalProperties: false,
  properties: {
    columns: { type: 'array', items: str },
    rows: { type: 'array', items: { type: 'array', items: cell } },
  },
} as const;

/** An object whose keys each hold an object with (at least) the listed object-valued keys. */
function objectsUnder(shape: Record<string, readonly string[]>): object {
  const inner = (keys: readonly string[]): object => ({
    type: 'object',
    required: [...keys],
    properties: Object.fromEntries(keys.map((k) => [k, { type: 'object' }])),
  });
  return {
    type: 'object',
    required: Object.keys(shape),
    properties: Object.fromEntries(Object.entries(shape).map(([k, keys]) => [k, inner(keys)])),
  };
}

const hazards = {
  type: ['object', 'null'],
  required: ['report', 'tables'],
  additionalProperties: false,
  properties: {
    // The suite's own report (HazardSuiteReport), kept whole; the tables are what the report shows.
    report: objectsUnder({
      race: ['racy', 'mutex', 'atomic', 'sharded'],
      deadlock: ['opposite', 'global'],
      starvation: ['unfair', 'fair'],
      livelock: ['lockstep', 'random'],
    }),
    tables: {
      type: 'array',
      items: {
        type: 'object',
        required: ['hazard', 'title', 'table', 'reading'],
        additionalProperties: false,
        properties: {
          hazard: { enum: ['race', 'deadlock', 'starvation', 'livelock'] },
          title: str,
          table,
          reading: str,
        },
      },
    },
  },
} as const;

const traces = {
  type: ['object', 'null'],
  required: ['dir', 'files'],
  additionalProperties: false,
  properties: {
    dir: str,
    files: {
      type: 'array',
      items: {
        type: 'object',
        required: ['key', 'file', 'events', 'droppedEvents'],
        additionalProperties: false,
        properties: {
          key: str,
          file: { type: 'string', pattern: '^[a-z0-9_-]+\\.json$' },
          events: int,
          droppedEvents: int,
        },
      },
    },
  },
} as const;

export const resultsSchema = {
  $id: `https://gilscope.invalid/schema/${SCHEMA_NAME}/v${SCHEMA_VERSION}.json`,
  title: 'gilscope bench results',
  type: 'object',
  required: [
    'schema',
    'schemaVersion',
    'createdAt',
    'durationS',
    'context',
    'plan',
    'calibrated',
    'configurations',
    'experiments',
    'fits',
    'goals',
    'startup',
    'notes',
  ],
  additionalProperties: false,
  properties: {
    schema: { const: SCHEMA_NAME },
    schemaVersion: { enum: [...READABLE_SCHEMA_VERSIONS] },
    createdAt: { type: 'string', format: 'date-time' },
    durationS: num,
    context,
    plan,
    calibrated: { type: 'object', additionalProperties: { type: 'object', additionalProperties: num } },
    configurations: { type: 'array', items: configuration },
    experiments: { type: 'array', items: experiment },
    fits: { type: 'array', items: fit },
    goals: { type: 'array', items: goal },
    startup: {
      anyOf: [
        { type: 'null' },
        {
          type: 'object',
          required: ['samples', 'thread', 'worker', 'process'],
          properties: { samples: int, thread: startupUnit, worker: startupUnit, process: startupUnit },
        },
      ],
    },
    notes: { type: 'array', items: str },
    partial,
    traceCost,
    timelines: { type: 'array', items: timeline },
    hazards,
    traces,
  },
} as const;

let compiled: ReturnType<Ajv['compile']> | undefined;

function validator(): ReturnType<Ajv['compile']> {
  if (!compiled) {
    const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true, formats: { 'date-time': true } });
    compiled = ajv.compile(resultsSchema);
  }
  return compiled;
}

/** The schema errors of `value` as readable lines; empty when it is a valid results document. */
export function schemaErrors(value: unknown): string[] {
  const validate = validator();
  if (validate(value)) return [];
  return (validate.errors ?? [])
    .slice(0, 10)
    .map((e: ErrorObject) => `${e.instancePath || '(root)'} ${e.message ?? 'is invalid'}`);
}

export function isBenchResults(value: unknown): value is BenchResults {
  return schemaErrors(value).length === 0;
}
