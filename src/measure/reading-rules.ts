/**
 * The rules of a reading. PRIMARY_RULES are tried in order and the first that applies gives the
 * reading its kind; that order is the precedence where rules overlap:
 *   1. pool-bound      tasks queued for a pool thread (or host) a large share of their time
 *   2. lock-bound      the emulated lock held nearly all the wall time
 *   3. oversubscribed  tasks runnable without a core a large share of their time
 *   4. not-cpu-limited the cores busy, the speed-up well below them
 *   5. waiting         tasks blocked most of their time (without tasks: CPU-s per s under 0.85)
 *   6. cpu-bound       the rest: one thread, some cores or all of them busy
 * A pool that is full or a saturated lock hides every other limit behind it, so they come first;
 * run-queue wait makes the CPU figures understate the demand, so it comes before the rules that
 * read them. Every SECONDARY_RULE that applies adds its finding after the primary one.
 */
import {
  computeShare,
  coresWord,
  finding,
  HELD_FROM,
  LOCK_BOUND_FROM,
  LOCK_NEAR_FROM,
  pct,
  perS,
  plural,
  pooled,
  poolHelp,
  QUEUE_NOTE,
  QUEUE_SHARE,
  REST_NOTE_PER_WALL,
  RUN_QUEUE_NOTE,
  RUN_QUEUE_SHARE,
  splitText,
  times,
  UNPRODUCTIVE_BELOW,
  WAITING_SHARE,
  type Facts,
} from './reading-facts.js';
import type { Finding, RoleAccount } from '../types.js';
import { ONE_THREAD_BELOW, readCpuPerWall, SATURATED_FROM, WAITING_BELOW } from './verdict.js';

type Rule = (f: Facts) => Finding | null;

/** " (CPU 19%, blocked 81%)", or nothing when blocked is the only part. */
function splitNote(s: Facts['shares'] & object): string {
  const split = splitText(s);
  return split.includes(',') ? ` (${split})` : '';
}

const poolBound: Rule = (f) => {
  const s = f.shares;
  const pool = f.a.poolSize;
  if (!s || pool === undefined || f.tasks <= pool || s.queue < QUEUE_SHARE) return null;
  const where = pooled(f.a.mode) ? `libuv pool's ${plural(pool, 'thread')}` : `pool's ${plural(pool, 'host')}`;
  return finding(
    'pool-bound',
    `pool-bound: ${f.tasks} tasks for the ${where}: each waited ${pct(s.queue)} of its time in the queue`,
    { queueShare: s.queue, poolSize: pool, tasks: f.tasks },
    poolHelp(f),
  );
};

const lockBound: Rule = (f) => {
  const held = f.a.lockHeldFraction;
  if (held === null || held === undefined || held < LOCK_BOUND_FROM) return null;
  const s = f.shares;
  const wait = s ? `; each task waited ${pct(s.lock)} of its time for it` : '';
  return finding(
    'lock-bound',
    `lock-bound: the lock was held ${pct(held)} of the wall time${wait}; ${perS(f.ownPerWall)}: ` +
      'one task computes at a time, and more threads cannot help',
    { heldFraction: held, lockWaitShare: s?.lock ?? 0, cpuPerWall: f.ownPerWall },
    'release the lock around the compute (mode released), or use processes (each has its own lock)',
  );
};

/** "each task waited 40% of its time" / "its threads waited 40% of the time they were ready to run". */
function waitedText(f: Facts, share: number): string {
  return f.shares
    ? `each task waited ${pct(share)} of its time for a core`
    : `its threads waited for a core ${pct(share)} of the time they were ready to run`;
}

const oversubscribed: Rule = (f) => {
  const rq = f.runQueueShare;
  if (rq === null || rq < RUN_QUEUE_SHARE) return null;
  const demand = f.ownPerWall / Math.max(1e-9, 1 - rq);
  const who = f.shares
    ? `${plural(f.concurrent, 'runnable thread')} for ${plural(f.a.cores, 'core')}, or other load on the machine`
    : 'more runnable threads than cores, or other load on the machine';
  return finding(
    'oversubscribed',
    `oversubscribed: ${waitedText(f, rq)} (${who}); ` +
      `${perS(f.ownPerWall)} understates the demand, about ${demand.toFixed(2)} with the wait`,
    { runQueueShare: rq, runnable: f.concurrent, cores: f.a.cores, cpuPerWall: f.ownPerWall, demand },
    'no more runnable threads than cores at once, or a quieter machine',
  );
};

const notCpuLimited: Rule = (f) => {
  const sp = f.a.speedup;
  if (!sp || sp.tasks < 2 || f.usable < 2) return null;
  if (f.ownPerWall < SATURATED_FROM * f.usable || sp.value >= UNPRODUCTIVE_BELOW * f.usable) return null;
  return finding(
    'not-cpu-limited',
    `not CPU-limited: ${perS(f.ownPerWall)} keeps ${f.usable} cores busy, but the speed-up is ${times(sp.value)} ` +
      `of an ideal ${times(f.usable)}: the cores are busy but not productive (memory bandwidth, contention or ` +
      'spinning; CPU time cannot tell these apart)',
    { cpuPerWall: f.ownPerWall, speedup: sp.value, ideal: f.usable },
    'a profile with hardware counters (cache misses, stalled cycles) tells which it is',
  );
};

const waiting: Rule = (f) => {
  const s = f.shares;
  if (s) {
    if (s.blocked < WAITING_SHARE && s.blocked <= s.cpu) return null;
    return finding(
      'waiting',
      `waiting: each task was blocked ${pct(s.blocked)} of its wall time${splitNote(s)}; ` +
        `${perS(f.ownPerWall)} over ${plural(f.tasks, 'task')}`,
      { blockedShare: s.blocked, cpuShare: s.cpu, cpuPerWall: f.ownPerWall, tasks: f.tasks },
      'more tasks at once overlap more of the waiting, in any mode that releases the JS thread',
    );
  }
  // Without tasks: the seed's one-thread rules, as readCpuPerWall words them.
  if (f.ownPerWall >= WAITING_BELOW) return null;
  return finding('waiting', readCpuPerWall(f.ownPerWall, f.a.cores), { cpuPerWall: f.ownPerWall });
};

const cpuBound: Rule = (f) => {
  const r = f.ownPerWall;
  const cores = f.a.cores;
  const figures = { cpuPerWall: r, cores, ...(f.shares ? { cpuShare: f.shares.cpu } : {}) };
  if (!f.shares) return finding('cpu-bound', readCpuPerWall(r, cores), figures);
  if (r < ONE_THREAD_BELOW || cores === 1) {
    const held = f.a.mode === 'held' && f.tasks > 1 ? ': the tasks ran one after another on the JS thread' : '';
    const help = cores > 1 ? 'run it off the JS thread (released, worker or process) to use the other cores' : null;
    return finding(
      'cpu-bound',
      `CPU-bound on one thread: ${perS(r)}: 1 of ${plural(cores, 'core')} busy${held}`,
      {
        ...figures,
        threads: 1,
      },
      help,
    );
  }
  if (r >= SATURATED_FROM * cores) {
    return finding('cpu-bound', `CPU-bound: ${perS(r)} on ${cores} cores: ${coresWord(cores)} saturated`, figures);
  }
  return finding('cpu-bound', `CPU-bound: ${perS(r)}: about ${Math.round(r)} of ${cores} cores busy`, figures);
};

/** In precedence order; cpuBound always applies. */
export const PRIMARY_RULES: readonly Rule[] = [poolBound, lockBound, oversubscribed, notCpuLimited, waiting, cpuBound];

const timeSplit: Rule = (f) =>
  f.shares && f.tasks > 1
    ? finding('time-split', `each task's time: ${splitText(f.shares)}`, {
        cpuShare: f.shares.cpu,
        runQueueShare: f.shares.runQueue,
        lockWaitShare: f.shares.lock,
        blockedShare: f.shares.blocked,
      })
    : null;

const lockNearLimit: Rule = (f) => {
  const held = f.a.lockHeldFraction;
  if (held === null || held === undefined || held < LOCK_NEAR_FROM || held >= LOCK_BOUND_FROM || !f.shares) return null;
  const c = computeShare(f.shares);
  const most = 1 / c;
  return finding(
    'lock-near-limit',
    `the lock was held ${pct(held)} of the wall: close to its limit, where one more task adds nothing ` +
      `(at ${pct(c)} compute, at most ${most.toFixed(1)} tasks can overlap)`,
    { heldFraction: held, computeShare: c, mostOverlapping: most },
    'release the lock around the compute to go past it',
  );
};

const demandUnderstated: Rule = (f) => {
  const rq = f.runQueueShare;
  if (rq === null || rq < RUN_QUEUE_NOTE || rq >= RUN_QUEUE_SHARE) return null;
  const demand = f.ownPerWall / (1 - rq);
  return finding(
    'demand-understated',
    `${waitedText(f, rq)}: CPU-s per s understates the demand (about ${demand.toFixed(2)} with the wait)`,
    { runQueueShare: rq, demand },
  );
};

const queueNote: Rule = (f) => {
  const s = f.shares;
  if (!s || s.queue < QUEUE_NOTE || (s.queue >= QUEUE_SHARE && f.a.poolSize !== undefined && f.tasks > f.a.poolSize)) {
    return null;
  }
  return finding('queue', `tasks queued ${pct(s.queue)} of their time before they started`, { queueShare: s.queue });
};

const poolCap: Rule = (f) => {
  const pool = f.a.poolSize;
  if (!pooled(f.a.mode) || pool === undefined || f.tasks <= pool) return null;
  return finding(
    'pool-cap',
    `${f.a.mode} tops out at the pool's ${plural(pool, 'thread')}: at most ${pool} of the ${f.tasks} tasks run at once`,
    { poolSize: pool, tasks: f.tasks },
    poolHelp(f),
  );
};

const speedup: Rule = (f) => {
  const sp = f.a.speedup;
  if (!sp || sp.tasks < 2) return null;
  const ideal = Math.min(sp.tasks, f.a.cores, f.a.poolSize ?? sp.tasks);
  return finding(
    'speedup',
    `speed-up ${times(sp.value)} with ${sp.tasks} tasks on ${plural(f.a.cores, 'core')} (at most ${times(ideal)})`,
    { speedup: sp.value, tasks: sp.tasks, ideal },
  );
};

const ROLE_NAMES: Record<string, string> = {
  js: 'the JS thread',
  pool: 'libuv pool thread',
  worker: 'worker thread',
  process: 'child process',
  native: 'native thread',
  other: 'other thread',
};

/** "4 libuv pool threads (all 4 busy)", "the JS thread". */
function roleWho(r: RoleAccount): string {
  if (r.role === 'js') return ROLE_NAMES['js']!;
  const who = plural(r.threads, ROLE_NAMES[r.role] ?? `${r.role} thread`);
  if (r.busy === undefined || r.threads < 2 || r.busy === 0) return who;
  return `${who} (${r.busy === r.threads ? `all ${r.threads}` : `${r.busy} of ${r.threads}`} busy)`;
}

/**
 * Where the CPU went, by thread role, led by what it says of the work: "held" when the JS thread
 * did at least HELD_FROM of it, "released" when the libuv pool did the most; then how busy the JS
 * thread was.
 */
const roles: Rule = (f) => {
  const list = (f.a.roles ?? []).filter((r) => r.cpuNs > 0).sort((x, y) => y.cpuNs - x.cpuNs);
  const total = list.reduce((s, r) => s + r.cpuNs, 0);
  if (list.length === 0 || total <= 0) return null;
  const top = list[0]!;
  const share = (r: RoleAccount): number => r.cpuNs / total;
  let lead: string;
  if (top.role === 'js' && share(top) >= HELD_FROM) lead = `held: the JS thread did ${pct(share(top))} of the CPU`;
  else if (top.role === 'pool') lead = `released: ${pct(share(top))} of the CPU ran on ${roleWho(top)}`;
  else lead = `${pct(share(top))} of the CPU ran on ${roleWho(top)}`;
  const rest = list
    .slice(1)
    .filter((r) => share(r) >= 0.005)
    .map((r) => `${pct(share(r))} on ${roleWho(r)}`);
  const js = list.find((r) => r.role === 'js');
  const jsBusy = js ? js.cpuNs / f.a.wallNs : 0;
  const busyText = top.role === 'js' ? '' : `; the JS thread was busy ${pct(jsBusy)} of the time`;
  const figures: Record<string, number> = Object.fromEntries(list.map((r) => [`${r.role}Share`, share(r)]));
  figures['jsBusy'] = jsBusy;
  return finding('roles', `${lead}${rest.length > 0 ? ` (then ${rest.join(', ')})` : ''}${busyText}`, figures);
};

const poolPartial: Rule = (f) => {
  const p = f.a.poolRoll;
  if (!p || p.complete || !f.a.roles) return null;
  return finding(
    'pool-partial',
    `the pool census knew ${p.known} of the ${plural(p.size, 'pool thread')} (it timed out: the pool was busy), ` +
      'so the pool threads it did not reach count as other',
    { poolKnown: p.known, poolSize: p.size },
    'measure again once the pool is idle (a complete census is kept for the rest of the process)',
  );
};

const restOfProcess: Rule = (f) => {
  if (f.tasks === 0 || f.restPerWall < REST_NOTE_PER_WALL) return null;
  return finding(
    'rest-of-process',
    `the rest of the process used ${perS(f.restPerWall)} meanwhile (other batches or workers, GC, compilation), ` +
      'not counted in this reading',
    { restCpuPerWall: f.restPerWall },
  );
};

/** Each adds its finding when it applies (and says something the primary one did not). */
export const SECONDARY_RULES: readonly Rule[] = [
  timeSplit,
  lockNearLimit,
  demandUnderstated,
  queueNote,
  poolCap,
  speedup,
  roles,
  poolPartial,
  restOfProcess,
];
