/**
 * The optional hazards experiment of the bench (`--hazards`): `runHazardSuite()` once, each hazard
 * in a table next to its remedies, with a one-line reading of the measured numbers.
 */
import { runHazardSuite } from '../../src/index.js';
import type { DeadlockReport, HazardSuiteReport, WaitForEdge } from '../../src/index.js';
import { fmtDuration, ms, pct, round, sig } from '../report/format.js';
import type { HazardTable, HazardsResult } from '../model/results.js';

function graph(cycle: readonly WaitForEdge[]): string {
  return cycle
    .map((e) => `${e.thread} holds ${e.holds.join('+') || 'nothing'}, waits for ${e.waitsFor ?? 'nothing'}`)
    .join('; ');
}

function raceTable(r: HazardSuiteReport['race']): HazardTable {
  const rows = (['racy', 'mutex', 'atomic', 'sharded'] as const).map((k) => {
    const x = r[k];
    return [
      k,
      k === 'racy' ? 'hazard' : 'remedy',
      x.threads,
      x.expected,
      x.actual,
      x.lostUpdates,
      round(x.nsPerIncrement),
      ms(x.wallNs),
      x.stoppedEarly ? 'yes' : 'no',
    ];
  });
  const racy = r.racy;
  const remedies = (['mutex', 'atomic', 'sharded'] as const).map((k) => r[k]);
  const exact = remedies.every((x) => x.actual === x.expected);
  const cheapest = [...remedies].sort((a, b) => a.nsPerIncrement - b.nsPerIncrement);
  const n = (x: number): string => x.toLocaleString('en-US');
  const first =
    racy.lostUpdates > 0
      ? `racy lost ${n(racy.lostUpdates)} of ${n(racy.expected)} increments (${pct(racy.lostUpdates / racy.expected)})`
      : `racy lost no update this time (its ${racy.threads} threads did not overlap: ` +
        'on a busy machine they may run one after the other)';
  const lost = remedies.filter((x) => x.actual !== x.expected).map((x) => x.strategy);
  const second = exact
    ? 'mutex, atomic and sharded counted exactly; the cheapest remedy was ' +
      `${cheapest.map((x) => `${x.strategy} ${sig(x.nsPerIncrement)} ns`).join(', ')} per increment`
    : `a remedy lost updates: ${lost.join(', ')} (this should never happen)`;
  return {
    hazard: 'race',
    title: `Race condition: ${racy.threads} threads add 1 to one counter, ${n(racy.incrementsPerThread)} times each`,
    table: {
      columns: [
        'strategy',
        'role',
        'threads',
        'expected',
        'actual',
        'lost updates',
        'ns per increment',
        'wall ms',
        'stopped early',
      ],
      rows,
    },
    reading: `${first}; ${second}.`,
  };
}

function deadlockRow(d: DeadlockReport): (string | number | null)[] {
  const victim = d.victim ? `${d.victim}` : null;
  return [
    d.ordering,
    d.ordering === 'opposite' ? 'hazard' : 'remedy',
    d.deadlocked ? 'yes' : 'no',
    d.detectedAfterNs === null ? null : round(d.detectedAfterNs / 1e6, 3),
    d.cycle.length ? graph(d.cycle) : null,
    victim,
    d.recovered ? 'yes' : d.deadlocked ? 'no' : null,
    d.timedOut ? 'yes' : 'no',
    ms(d.wallNs),
  ];
}

function deadlockTable(r: HazardSuiteReport['deadlock']): HazardTable {
  const o = r.opposite;
  const g = r.global;
  const first = o.deadlocked
    ? `taking the two locks in opposite order deadlocked; the cycle (${graph(o.cycle)}) was found after ` +
      `${fmtDuration(o.detectedAfterNs)} and ${o.victim ?? 'a thread'} backed out, after which ` +
      (o.recovered ? 'both threads completed' : 'they did not both complete')
    : 'taking the two locks in opposite order did not deadlock this time' +
      (o.timedOut ? ` (a wait timed out after ${o.timeoutMs} ms)` : '');
  const second = g.deadlocked
    ? 'one global order deadlocked too (this should never happen)'
    : 'in one global order they never formed a cycle';
  return {
    hazard: 'deadlock',
    title: `Deadlock: two threads, two locks (every wait bounded by ${o.timeoutMs} ms)`,
    table: {
      columns: [
        'ordering',
        'role',
        'deadlocked',
        'detected after ms',
        'wait-for graph at detection',
        'backed out',
        'recovered',
        'timed out',
        'wall ms',
      ],
      rows: [deadlockRow(o), deadlockRow(g)],
    },
    reading: `${first}; ${second}.`,
  };
}

const jain = (x: { readonly fairnessIndex: number | null }): string =>
  x.fairnessIndex === null ? '–' : sig(x.fairnessIndex);

function starvationTable(r: HazardSuiteReport['starvation']): HazardTable {
  const rows = (['unfair', 'fair'] as const).map((k) => {
    const x = r[k];
    const per = x.acquisitionsPerThread;
    return [
      k === 'unfair' ? 'unfair (plain mutex)' : 'fair (ticket lock)',
      k === 'unfair' ? 'hazard' : 'remedy',
      x.threads,
      x.totalAcquisitions,
      per.length ? `${Math.min(...per)} / ${Math.max(...per)}` : null,
      round(x.fairnessIndex),
      ms(x.longestWaitNs),
    ];
  });
  const u = r.unfair;
  const f = r.fair;
  return {
    hazard: 'starvation',
    title: `Starvation: ${u.threads} threads take one lock over and over for ${u.durationMs} ms`,
    table: {
      columns: [
        'lock',
        'role',
        'threads',
        'acquisitions',
        'fewest / most per thread',
        'Jain fairness',
        'longest wait ms',
      ],
      rows,
    },
    reading:
      `with the plain mutex a thread waited up to ${fmtDuration(u.longestWaitNs)} (Jain index ${jain(u)}); ` +
      `the FIFO ticket lock's longest wait was ${fmtDuration(f.longestWaitNs)} (Jain index ${jain(f)}; ` +
      '1 = every thread got an equal share).',
  };
}

function livelockTable(r: HazardSuiteReport['livelock']): HazardTable {
  const rows = (['lockstep', 'random'] as const).map((k) => {
    const x = r[k];
    return [
      k,
      k === 'lockstep' ? 'hazard' : 'remedy',
      x.attempts,
      x.progress,
      x.backoffs,
      round(x.progressPerAttempt),
      x.exclusionViolations,
    ];
  });
  const l = r.lockstep;
  const x = r.random;
  return {
    hazard: 'livelock',
    title: `Livelock: two polite threads retry for ${l.durationMs} ms`,
    table: {
      columns: [
        'backoff',
        'role',
        'attempts',
        'got through',
        'backed off',
        'progress per attempt',
        'exclusion violations',
      ],
      rows,
    },
    reading:
      `retrying in lockstep, ${l.progress} of ${l.attempts} attempts got through; ` +
      `with random backoff ${x.progress} of ${x.attempts} did.`,
  };
}

/** The suite's tables, one per hazard. */
export function hazardTables(report: HazardSuiteReport): HazardTable[] {
  return [
    raceTable(report.race),
    deadlockTable(report.deadlock),
    starvationTable(report.starvation),
    livelockTable(report.livelock),
  ];
}

/** Runs the suite (about a second on 2 cores, each part bounded) and builds its tables. */
export async function runHazards(): Promise<HazardsResult> {
  const report = await runHazardSuite();
  return { report, tables: hazardTables(report) };
}
