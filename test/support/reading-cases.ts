/**
 * The table of reading cases (issue: readings an expert would give): each a real batch, the
 * reading kind it must get, and a check of the figures that kind rests on. Shared by
 * test/32.readings.test.ts and the recorder of their fixtures (test/fixtures/readings/record.ts).
 */
import { Worker } from 'node:worker_threads';

import { batch, cores, type Account, type BatchReport, type Reading, type ReadingKind } from '../../src/index.js';

export interface ReadingCase {
  readonly name: string;
  readonly kind: ReadingKind;
  /**
   * Whether the case's own run-queue share tells a busy machine from a quiet one. False where
   * run-queue wait is the point (oversubscribed): those read the same on a busy machine.
   */
  readonly needsQuiet: boolean;
  /** Runs the batch (and whatever runs beside it). */
  run(): Promise<BatchReport>;
  /** Checks the figures the kind rests on; throws an AssertionError-like Error when one is off. */
  check(r: Reading): void;
}

/** The finding's figure, or an error naming the finding and figure that are missing. */
export function figure(r: Reading, kind: string, name: string): number {
  const f = r.findings.find((x) => x.kind === kind);
  if (!f) throw new Error(`no '${kind}' finding in: ${r.sentence}`);
  const v = f.figures[name];
  if (typeof v !== 'number') throw new Error(`the '${kind}' finding has no figure '${name}': ${r.sentence}`);
  return v;
}

function expect(cond: boolean, what: string, r: Reading): void {
  if (!cond) throw new Error(`${what}: ${r.sentence}`);
}

/** The account a BatchReport's reading was made from (what the recorder keeps). */
export function accountOf(r: BatchReport): Account {
  return {
    wallNs: r.wallNs,
    cores: r.cores,
    processCpuNs: (r.processUserUs + r.processSystemUs) * 1000,
    jsThreadCpuNs: r.jsThreadCpuNs,
    tasks: r.taskReports.map((t) => ({
      mode: t.mode,
      cpuNs: t.cpuNs,
      runQueueNs: t.runQueueNs,
      lockWaitNs: t.lockWaitNs,
      queueNs: t.queueNs,
      wallNs: t.wallNs,
    })),
    mode: r.mode,
    poolSize: r.poolSize,
    lockHeldFraction: r.lock?.heldFraction ?? null,
  };
}

/** The mean task's run-queue share: the case's own sign of a busy machine. */
export function runQueueShare(r: BatchReport): number {
  const wall = r.taskReports.reduce((s, t) => s + t.wallNs, 0);
  const rq = r.taskReports.reduce((s, t) => s + (t.runQueueNs ?? 0), 0);
  return wall > 0 ? rq / wall : 0;
}

/**
 * Below this run-queue share the machine was quiet enough for a live case to be asserted. On a quiet
 * 2-core VM the cases wait 0-4% of their time for a core; at a load average of 8 the gil mixed case
 * waited 9% and its lock was held under 70% of the wall, so 10% was too lenient.
 */
export const QUIET_RUN_QUEUE_SHARE = 0.05;

const SPIN = { cpuUs: 60_000 };
const MIXED = { computeUs: 2000, waitUs: 8000, repeats: 20 }; // 20% compute

/** A worker_thread that keeps one core busy (a JS loop) until stopped. */
async function busyWorker(): Promise<{ stop: () => Promise<void> }> {
  const code =
    "const { parentPort } = require('node:worker_threads'); let stop = false;" +
    "parentPort.on('message', () => { stop = true; });" +
    "parentPort.postMessage('ready'); const spin = () => { const t = Date.now(); while (Date.now() - t < 20);" +
    'if (!stop) setImmediate(spin); else parentPort.close(); }; spin();';
  const w = new Worker(code, { eval: true });
  await new Promise<void>((resolve) => w.once('message', () => resolve()));
  return {
    stop: async () => {
      w.postMessage('stop');
      await w.terminate();
    },
  };
}

export const READING_CASES: readonly ReadingCase[] = [
  {
    name: 'held spin x2',
    kind: 'cpu-bound',
    needsQuiet: true,
    run: () => batch({ kernel: 'spin', params: SPIN, mode: 'held', tasks: 2 }),
    check: (r) => expect(figure(r, 'cpu-bound', 'threads') === 1, 'one thread', r),
  },
  {
    name: 'released spin x2',
    kind: 'cpu-bound',
    needsQuiet: true,
    run: () => batch({ kernel: 'spin', params: SPIN, mode: 'released', tasks: 2 }),
    check: (r) => expect(figure(r, 'cpu-bound', 'cpuPerWall') >= 0.9 * cores(), 'the cores saturated', r),
  },
  {
    name: 'gil spin x2',
    kind: 'lock-bound',
    needsQuiet: true,
    run: () => batch({ kernel: 'spin', params: SPIN, mode: 'gil', tasks: 2 }),
    check: (r) => expect(figure(r, 'lock-bound', 'heldFraction') >= 0.9, 'the lock held >= 90%', r),
  },
  {
    name: 'released sleep x4',
    kind: 'waiting',
    needsQuiet: true,
    run: () => batch({ kernel: 'sleep', params: { us: 50_000 }, mode: 'released', tasks: 4 }),
    check: (r) => expect(figure(r, 'waiting', 'blockedShare') >= 0.95, 'blocked >= 95%', r),
  },
  {
    name: 'released mixed x4 at 20% compute',
    kind: 'waiting',
    needsQuiet: true,
    run: () => batch({ kernel: 'mixed', params: MIXED, mode: 'released', tasks: 4 }),
    check: (r) => {
      const blocked = figure(r, 'waiting', 'blockedShare');
      expect(blocked >= 0.7 && blocked <= 0.85, 'about 80% blocked', r);
    },
  },
  {
    name: 'gil mixed x4 at 20% compute',
    kind: 'waiting',
    needsQuiet: true,
    run: () => batch({ kernel: 'mixed', params: MIXED, mode: 'gil', tasks: 4 }),
    check: (r) => {
      expect(figure(r, 'waiting', 'blockedShare') >= 0.6, 'mostly blocked', r);
      const held = figure(r, 'lock-near-limit', 'heldFraction');
      expect(held >= 0.7 && held < 0.9, 'the lock near its limit', r);
    },
  },
  {
    name: 'native spin x(4 x cores)',
    kind: 'oversubscribed',
    needsQuiet: false,
    run: () => batch({ kernel: 'spin', params: { cpuUs: 30_000 }, mode: 'native', tasks: 4 * cores() }),
    check: (r) => expect(figure(r, 'oversubscribed', 'runQueueShare') >= 0.5, 'run queue >= 50%', r),
  },
  {
    name: 'a pool of 1 thread with 4 tasks',
    kind: 'pool-bound',
    needsQuiet: true,
    run: () => batch({ kernel: 'spin', params: { cpuUs: 20_000 }, mode: 'released', tasks: 4, threads: 1 }),
    check: (r) => {
      expect(figure(r, 'pool-bound', 'poolSize') === 1, 'a pool of 1', r);
      expect(figure(r, 'pool-bound', 'queueShare') >= 0.4, 'queued >= 40%', r);
    },
  },
  {
    name: 'gil spin x2 beside a busy worker',
    kind: 'lock-bound',
    // The worker takes a core, so the tasks' run-queue wait is part of the case, not a busy machine.
    needsQuiet: false,
    run: async () => {
      const w = await busyWorker();
      try {
        return await batch({ kernel: 'spin', params: SPIN, mode: 'gil', tasks: 2 });
      } finally {
        await w.stop();
      }
    },
    check: (r) => {
      expect(figure(r, 'lock-bound', 'heldFraction') >= 0.9, 'the lock held >= 90%', r);
      expect(figure(r, 'rest-of-process', 'restCpuPerWall') >= 0.5, "the worker's CPU reported apart", r);
    },
  },
];
