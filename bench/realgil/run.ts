/**
 * The section "The real GIL beside the emulation": runs CPython's scripts and gilscope's same
 * cases, each REAL_GIL_RUNS times (the convoy runs alternate between the two sides, so that a
 * change of load falls on both), and compares the medians by the rules of agreement.ts.
 */
import type { KernelName, Mode } from '../../src/index.js';
import { medianOf } from '../analysis/stats.js';
import type { BenchPlan, ConvoyCase, PythonInterpreter, RealGilResult, RealGilRow } from '../model/results.js';
import { convoyRow, minus, rateRow } from './agreement.js';
import { caseKey, casesArg, convoyCases, REAL_GIL_RUNS, taskCounts, type ConvoyCaseSpec } from './cases.js';
import { gilscopeConvoy, gilscopeTasks, type ConvoyRun } from './gilscope-side.js';
import { runScript, type PythonDocument } from './scripts.js';
import { CONVOY_WAIT_US, CONVOY_WORK_US } from '../../src/internal.js';

export interface RealGilInput {
  readonly plan: BenchPlan;
  readonly cores: number;
  /** The run's kernel sizes (calibrated once per run, or from --sizes-from): ExpContext.params. */
  readonly params: (kernel: KernelName) => Record<string, number>;
  readonly interpreter: PythonInterpreter;
  readonly signal?: AbortSignal | undefined;
  readonly onTick?: (label: string) => void;
}

/** Every run of every case, per side. */
type CaseRuns = Map<string, { spec: ConvoyCaseSpec; cpython: ConvoyRun[]; gilscope: ConvoyRun[] }>;

/** A hard bound for one script run: what it is asked to do, many times over, plus start-up. */
const boundMs = (seconds: number): number => Math.round(seconds * 4000) + 60_000;

/** The Python document's runs as the gilscope side's shape. */
function pythonRuns(doc: PythonDocument): Map<string, ConvoyRun[]> {
  const out = new Map<string, ConvoyRun[]>();
  for (const c of doc.results) {
    const runs = (c['runs'] as Record<string, number | null>[]).map((r) => ({
      p50Ns: r['p50Ns'] ?? null,
      p99Ns: r['p99Ns'] ?? null,
      maxNs: r['maxNs'] ?? null,
      rounds: r['rounds'] ?? 0,
      handoffsPerSecond: r['handoffsPerSecond'] ?? 0,
    }));
    out.set(caseKey(Number(c['cpuThreads']), Number(c['intervalUs']), c['io'] === true), runs);
  }
  return out;
}

async function convoyAll(input: RealGilInput, raw: PythonDocument[]): Promise<CaseRuns> {
  const cases = convoyCases(input.plan, input.cores);
  const runs: CaseRuns = new Map(
    cases.map((c) => [caseKey(c.cpuThreads, c.intervalUs, c.io), { spec: c, cpython: [], gilscope: [] }]),
  );
  const seconds = cases.reduce((s, c) => s + c.seconds, 0);
  const args = [
    '--cases',
    casesArg(cases),
    '--runs',
    '1',
    '--work-us',
    String(CONVOY_WORK_US),
    '--wait-us',
    String(CONVOY_WAIT_US),
  ];
  for (let i = 0; i < REAL_GIL_RUNS; i++) {
    const doc = await runScript(input.interpreter.path, 'convoy.py', 'convoy', args, boundMs(seconds), input.signal);
    raw.push(doc);
    for (const [k, r] of pythonRuns(doc)) runs.get(k)?.cpython.push(...r);
    input.onTick?.(`real GIL: CPython convoy run ${i + 1}`);
    for (const c of cases)
      runs.get(caseKey(c.cpuThreads, c.intervalUs, c.io))!.gilscope.push(await gilscopeConvoy(c, input.signal));
    input.onTick?.(`real GIL: gilscope convoy run ${i + 1}`);
  }
  return runs;
}

/** Wall time (s) per `executor/kind/tasks`, per side: one per round, in round order. */
type Walls = Map<string, { cpython: number[]; gilscope: number[] }>;
const wallKey = (executor: string, kind: string, tasks: number): string => `${executor}/${kind}/${tasks}`;

async function tasksAll(input: RealGilInput, threadsMode: Mode, raw: PythonDocument[]): Promise<Walls> {
  const { plan, cores, signal } = input;
  const counts = taskCounts(plan, cores);
  const doc = await runScript(
    input.interpreter.path,
    'threads_vs_processes.py',
    'threads-vs-processes',
    ['--tasks', counts.join(','), '--task-ms', String(plan.taskMs), '--runs', String(REAL_GIL_RUNS)],
    boundMs((counts.reduce((s, n) => s + n, 0) * 4 * plan.taskMs * REAL_GIL_RUNS) / 1000),
    signal,
  );
  raw.push(doc);
  input.onTick?.('real GIL: CPython threads vs processes');
  const walls: Walls = new Map();
  for (const r of doc.results) {
    const reals = (r['runs'] as { realS: number }[]).map((x) => x.realS);
    walls.set(wallKey(String(r['executor']), String(r['kind']), Number(r['tasks'])), { cpython: reals, gilscope: [] });
  }
  const kinds: [string, KernelName, Record<string, number>][] = [
    // A fixed amount of work, as the Python loop is (calibrate_spin sizes it once, alone on a core;
    // primes is the run's own size for it, calibrated once to the task length):
    // where two busy cores slow each other (SMT siblings, a shared host core), both sides see it.
    // spin, sized by CPU time, could not: it burns its CPU time however little work that time does.
    ['cpu', 'primes', input.params('primes')],
    ['wait', 'sleep', { us: Math.round(plan.taskMs * 1000) }],
  ];
  for (const [executor, mode] of [
    ['threads', threadsMode],
    ['processes', 'process'],
  ] as const) {
    await gilscopeTasks('sleep', { us: 1000 }, mode, Math.max(...counts), signal); // pools up before the clock
    for (const [kind, kernel, params] of kinds) {
      // Rounds outermost, as the Python script runs them.
      for (let i = 0; i < REAL_GIL_RUNS; i++) {
        for (const n of counts) {
          const k = wallKey(executor, kind, n);
          const w = walls.get(k) ?? { cpython: [], gilscope: [] };
          w.gilscope.push(await gilscopeTasks(kernel, params, mode, n, signal));
          walls.set(k, w);
        }
      }
    }
  }
  input.onTick?.('real GIL: gilscope threads vs processes');
  return walls;
}

/**
 * n tasks' speed-up over one, taken within each round (n x the round's one-task wall / its n-task
 * wall), then the median over rounds; null without a complete round.
 */
export function roundSpeedup(
  one: readonly number[] | undefined,
  n: number,
  walls: readonly number[] | undefined,
): number | null {
  if (!one || !walls) return null;
  const per: number[] = [];
  for (let i = 0; i < Math.min(one.length, walls.length); i++) {
    if (walls[i]! > 0) per.push((n * one[i]!) / walls[i]!);
  }
  return medianOf(per);
}

export function speedupRows(walls: Walls, counts: readonly number[], threadsMode: Mode): RealGilRow[] {
  const rows: RealGilRow[] = [];
  for (const executor of ['threads', 'processes']) {
    const mode = executor === 'threads' ? threadsMode : 'process';
    for (const kind of ['cpu', 'wait']) {
      const one = walls.get(wallKey(executor, kind, 1));
      for (const n of counts.filter((c) => c > 1)) {
        const w = walls.get(wallKey(executor, kind, n));
        rows.push(
          rateRow(
            'speed-up',
            `${executor} vs ${mode}, ${kind === 'cpu' ? 'CPU-bound' : 'waiting'}, ${n} tasks`,
            'x',
            roundSpeedup(one?.cpython, n, w?.cpython),
            roundSpeedup(one?.gilscope, n, w?.gilscope),
          ),
        );
      }
    }
  }
  return rows;
}

const ms = (ns: number | null): number | null => (ns === null ? null : ns / 1e6);
const med = (runs: readonly ConvoyRun[], f: (r: ConvoyRun) => number | null): number | null => medianOf(runs.map(f));

function convoyCaseOf(r: { spec: ConvoyCaseSpec; cpython: ConvoyRun[]; gilscope: ConvoyRun[] }): ConvoyCase {
  const figures = (runs: ConvoyRun[]) => ({
    p50Ms: ms(med(runs, (x) => x.p50Ns)),
    p99Ms: ms(med(runs, (x) => x.p99Ns)),
    maxMs: ms(med(runs, (x) => x.maxNs)),
    rounds: Math.round(medianOf(runs.map((x) => x.rounds)) ?? 0),
  });
  return {
    cpuThreads: r.spec.cpuThreads,
    intervalUs: r.spec.intervalUs,
    io: r.spec.io,
    cpython: figures(r.cpython),
    gilscope: figures(r.gilscope),
    cpythonHandoffsPerSecond: medianOf(r.cpython.map((x) => x.handoffsPerSecond)) ?? 0,
    gilscopeHandoffsPerSecond: medianOf(r.gilscope.map((x) => x.handoffsPerSecond)) ?? 0,
  };
}

/**
 * Convoy rows (excess over the no-CPU-thread case) from the cases with the I/O thread, hand-off rows
 * from those without it; null-safe when a side is missing.
 */
export function convoyRows(cases: readonly ConvoyCase[], intervalUs: number, gilEnabled: boolean): RealGilRow[] {
  const rows: RealGilRow[] = [];
  const base = cases.find((c) => c.io && c.cpuThreads === 0 && c.intervalUs === intervalUs);
  for (const c of cases.filter((x) => x.io)) {
    const label = `${c.cpuThreads} CPU threads, ${c.intervalUs} us`;
    for (const which of ['p50', 'p99'] as const) {
      const k = `${which}Ms` as const;
      if (!gilEnabled) rows.push(convoyRow(label, which, false, c.cpython[k], null));
      else if (c === base) rows.push(convoyRow(label, which, false, c.cpython[k], c.gilscope[k]));
      else
        rows.push(
          convoyRow(
            label,
            which,
            true,
            minus(c.cpython[k], base?.cpython[k] ?? null),
            minus(c.gilscope[k], base?.gilscope[k] ?? null),
          ),
        );
    }
  }
  for (const c of cases.filter((x) => !x.io && x.cpuThreads >= 2)) {
    rows.push(
      rateRow(
        'hand-offs',
        `2 CPU threads, ${c.intervalUs} us`,
        '/s',
        c.cpythonHandoffsPerSecond,
        gilEnabled ? c.gilscopeHandoffsPerSecond : null,
      ),
    );
  }
  return rows;
}

/** The gilscope mode CPython's threads are compared with: 'gil', or 'released' where the GIL is off. */
export const threadsModeFor = (interpreter: PythonInterpreter): 'gil' | 'released' =>
  interpreter.gilEnabled ? 'gil' : 'released';

export async function runRealGil(input: RealGilInput): Promise<RealGilResult> {
  const started = process.hrtime.bigint();
  const { interpreter } = input;
  const threadsMode = threadsModeFor(interpreter);
  const raw: PythonDocument[] = [];
  const runs = await convoyAll(input, raw);
  const walls = await tasksAll(input, threadsMode, raw);
  const cases = [...runs.values()].map(convoyCaseOf);
  const rows = [
    ...speedupRows(walls, taskCounts(input.plan, input.cores), threadsMode),
    ...convoyRows(cases, input.plan.switchIntervalUs, interpreter.gilEnabled),
  ];
  return {
    interpreter,
    threadsComparedWith: threadsMode,
    runs: REAL_GIL_RUNS,
    rows,
    convoy: cases,
    raw,
    chart: null,
    durationS: Number(process.hrtime.bigint() - started) / 1e9,
  };
}
