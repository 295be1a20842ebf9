/**
 * The `gilscope time` report: built from the finished command's rusage, its real time and the
 * sampler's threads (pure), and rendered as text. JSON output is the report object itself.
 */
import { constants } from 'node:os';

import type { NodePreloadReport, ThreadReport, TimeReport, TimeRole } from '../types.js';
import { readMeasured } from '../measure/reading.js';
import { roleOf, type NodeRoles } from './node-roles.js';
import type { SeenThread } from './sampler.js';

/** The command's rusage as wait4() returned it (the command and its waited-for descendants). */
export interface CommandUsage {
  readonly userUs: number;
  readonly systemUs: number;
  readonly maxRssKb: number;
  readonly voluntarySwitches: number;
  readonly involuntarySwitches: number;
  readonly minorFaults: number;
  readonly majorFaults: number;
}

export interface TimeFacts {
  readonly command: readonly string[];
  readonly pid: number;
  readonly exitCode: number | null;
  readonly signal: string | null;
  readonly realNs: number;
  readonly usage: CommandUsage;
  readonly cores: number;
  readonly intervalMs: number;
  readonly samples: number;
  readonly processes: number;
  readonly meanSampleCpuNs: number;
  readonly threads: readonly SeenThread[];
  /** What the Node preload reported, when the command was Node; null otherwise. */
  readonly roles?: NodeRoles | null;
}

const TIME_ROLES: readonly TimeRole[] = ['js', 'pool', 'worker', 'other'];

/** How the report names a role. */
const ROLE_LABELS: Record<TimeRole, string> = {
  js: 'JS thread',
  pool: 'libuv pool',
  worker: 'worker',
  other: 'V8/other',
};

/** The Node part of the report: per-role totals over the threads with a role. */
function nodeReport(roles: NodeRoles, threads: readonly ThreadReport[]): NodePreloadReport {
  const byRole = TIME_ROLES.map((role) => {
    const mine = threads.filter((t) => t.role === role);
    return { role, threads: mine.length, cpuNs: mine.reduce((s, t) => s + t.cpuNs, 0) };
  }).filter((r) => r.threads > 0);
  return {
    processes: roles.size,
    poolsFound: [...roles.values()].filter((r) => r.pool.size > 0).length,
    preloadCostNs: [...roles.values()].reduce((s, r) => s + (r.preloadCostNs ?? 0), 0),
    byRole,
  };
}

/**
 * A thread counts as busy in the reading when it used at least BUSY_OF_TOP of the busiest thread's
 * CPU and at least BUSY_MIN_SHARE of the command's.
 */
export const BUSY_OF_TOP = 0.5;
export const BUSY_MIN_SHARE = 0.05;
/** Run-queue wait summed over the threads above this share of real time is worth saying. */
export const NOTABLE_RUN_QUEUE_SHARE = 0.1;

/** What a shell reports: the exit code, or 128 + the number of the signal that ended the command. */
export function exitStatus(exitCode: number | null, signal: string | null): number {
  if (exitCode !== null) return exitCode;
  const n = signal === null ? undefined : (constants.signals as Record<string, number>)[signal];
  return n === undefined ? 1 : 128 + n;
}

function pct(share: number, digits = 0): string {
  return `${(share * 100).toFixed(digits)}%`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : word.endsWith('s') ? 'es' : 's'}`;
}

function seconds(ns: number): string {
  return `${(ns / 1e9).toFixed(3)} s`;
}

/** "node [libuv pool]": a thread's name, with its role where the Node preload told it. */
function who(t: ThreadReport): string {
  return t.role ? `${t.name} [${ROLE_LABELS[t.role]}]` : t.name;
}

/** Which threads did the work, in plain words. threads: sorted by cpuNs, highest first. */
export function readThreads(threads: readonly ThreadReport[], intervalMs: number): string {
  if (threads.length === 0) {
    return `no thread was seen: the command ended before the first sample (interval ${intervalMs} ms)`;
  }
  const topNs = threads[0]!.cpuNs;
  const busy = threads.filter((t) => t.share >= BUSY_MIN_SHARE && t.cpuNs >= BUSY_OF_TOP * topNs);
  const together = pct(busy.reduce((sum, t) => sum + t.share, 0));
  let text: string;
  if (busy.length === 0) {
    text = `the CPU was spread over ${threads.length} threads, none with ${pct(BUSY_MIN_SHARE)} of it`;
  } else if (busy.length === 1) {
    text = `one thread did ${together} of the CPU: ${who(busy[0]!)} (tid ${busy[0]!.tid})`;
  } else {
    const named = busy.map((t) => `${who(t)} ${pct(t.share)} (tid ${t.tid})`);
    text = `${busy.length} threads did ${together} of the CPU: ${named.join(', ')}`;
  }
  return text;
}

/**
 * When the command's threads spent long runnable but without a core, CPU-s per s understates what
 * it asked for: says so, with CPU plus that wait per second. null when the wait was small or unknown.
 */
export function readContention(runQueueNs: number | null, cpuNs: number, realNs: number): string | null {
  if (runQueueNs === null || realNs <= 0 || runQueueNs <= NOTABLE_RUN_QUEUE_SHARE * realNs) return null;
  const readyPerWall = (cpuNs + runQueueNs) / realNs;
  return (
    `its threads also waited ${seconds(runQueueNs)} in all for a free core (other work on the machine, ` +
    'or more runnable threads than cores): counting that wait, it was ready to use ' +
    `${readyPerWall.toFixed(2)} CPU-s per s`
  );
}

/** The roles as the reading takes them: a thread on a CPU half the real time or more is busy. */
function roleAccounts(node: NodePreloadReport, threads: readonly ThreadReport[], realNs: number) {
  return node.byRole.map((r) => ({
    ...r,
    busy: threads.filter((t) => t.role === r.role && t.cpuNs >= 0.5 * realNs).length,
  }));
}

/** Builds the report from the facts gathered by a run. */
export function buildTimeReport(f: TimeFacts): TimeReport {
  const cpuUs = f.usage.userUs + f.usage.systemUs;
  const cpuNs = cpuUs * 1000;
  const cpuPerWall = f.realNs > 0 ? cpuNs / f.realNs : Number.NaN;
  const threads: ThreadReport[] = f.threads
    .map((t) => ({
      pid: t.pid,
      tid: t.tid,
      name: t.name,
      cpuNs: t.cpuNs,
      runQueueNs: t.runQueueNs,
      share: cpuNs > 0 ? t.cpuNs / cpuNs : 0,
      samples: t.samples,
      ...(f.roles && roleOf(f.roles, t.pid, t.tid) ? { role: roleOf(f.roles, t.pid, t.tid)! } : {}),
    }))
    .sort((a, b) => b.cpuNs - a.cpuNs || a.pid - b.pid || a.tid - b.tid);
  const accountedCpuNs = threads.reduce((s, t) => s + t.cpuNs, 0);
  const waits = threads.map((t) => t.runQueueNs);
  const runQueueNs = waits.length > 0 && !waits.includes(null) ? waits.reduce((s, w) => s! + w!, 0) : null;
  const node = f.roles && f.roles.size > 0 ? nodeReport(f.roles, threads) : null;
  const roles = node ? roleAccounts(node, threads, f.realNs) : [];
  const account = { wallNs: f.realNs, cores: f.cores, processCpuNs: cpuNs, runQueueNs };
  const reading = readMeasured(roles.length > 0 ? { ...account, roles } : account);
  return {
    command: [...f.command],
    pid: f.pid,
    exitCode: f.exitCode,
    signal: f.signal,
    status: exitStatus(f.exitCode, f.signal),
    realNs: f.realNs,
    userUs: f.usage.userUs,
    systemUs: f.usage.systemUs,
    cpuPerWall,
    cores: f.cores,
    maxRssKb: f.usage.maxRssKb,
    voluntarySwitches: f.usage.voluntarySwitches,
    involuntarySwitches: f.usage.involuntarySwitches,
    minorFaults: f.usage.minorFaults,
    majorFaults: f.usage.majorFaults,
    verdict: reading.sentence,
    reading,
    threadsVerdict: readThreads(threads, f.intervalMs),
    runQueueNs,
    contention: readContention(runQueueNs, cpuNs, f.realNs),
    threads,
    sampling: {
      intervalMs: f.intervalMs,
      samples: f.samples,
      processes: f.processes,
      threads: threads.length,
      accountedCpuNs,
      accountedShare: cpuNs > 0 ? accountedCpuNs / cpuNs : 0,
      meanSampleCpuNs: f.meanSampleCpuNs,
      source: f.threads.some((t) => t.source === 'stat') ? 'stat' : 'schedstat',
    },
    node,
  };
}

/** Quotes an argument the way a POSIX shell would need it. */
export function shellQuote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** The text table shows at most this many threads, each with at least TABLE_MIN_SHARE of the CPU;
 * the rest are summed on one line (the JSON report lists every thread). */
export const TABLE_ROWS = 12;
export const TABLE_MIN_SHARE = 0.005;

function table(r: TimeReport): string[] {
  const roles = r.node !== null;
  const row = (pid: string, tid: string, name: string, cpu: string, wait: string, share: string, role = ''): string =>
    `${pid.padStart(8)} ${tid.padStart(8)}  ${name.padEnd(16)} ${roles ? `${role.padEnd(11)} ` : ''}` +
    `${cpu.padStart(8)} ${wait.padStart(12)} ${share.padStart(7)}`;
  const lines = [row('pid', 'tid', 'name', 'CPU s', 'run-queue s', 'share', 'role')];
  const cut = r.threads.findIndex((t, i) => i >= TABLE_ROWS || (i > 0 && t.share < TABLE_MIN_SHARE));
  const shown = cut < 0 ? r.threads : r.threads.slice(0, cut);
  for (const t of shown) {
    const wait = t.runQueueNs === null ? '-' : (t.runQueueNs / 1e9).toFixed(3);
    const role = t.role ? ROLE_LABELS[t.role] : '';
    lines.push(row(String(t.pid), String(t.tid), t.name, (t.cpuNs / 1e9).toFixed(3), wait, pct(t.share, 1), role));
  }
  const rest = r.threads.slice(shown.length);
  if (rest.length > 0) {
    const restNs = rest.reduce((s, t) => s + t.cpuNs, 0);
    const restShare = rest.reduce((s, t) => s + t.share, 0);
    lines.push(row('', '', `(${rest.length} more)`, (restNs / 1e9).toFixed(3), '', pct(restShare, 1)));
  }
  const unseenNs = (r.userUs + r.systemUs) * 1000 - r.sampling.accountedCpuNs;
  if (r.threads.length > 0) {
    lines.push(
      row(
        '',
        '',
        '(not seen)',
        (Math.max(0, unseenNs) / 1e9).toFixed(3),
        '',
        pct(Math.max(0, 1 - r.sampling.accountedShare), 1),
      ),
    );
  }
  for (const t of r.node?.byRole ?? []) {
    const share = pct(r.userUs + r.systemUs > 0 ? t.cpuNs / ((r.userUs + r.systemUs) * 1000) : 0, 1);
    lines.push(
      row('', '', `(${plural(t.threads, 'thread')})`, (t.cpuNs / 1e9).toFixed(3), '', share, ROLE_LABELS[t.role]),
    );
  }
  return lines;
}

/** Width the text report wraps its prose at. */
export const TEXT_WIDTH = 100;

/** Word-wraps text to TEXT_WIDTH: the first line after `first`, the rest after `indent`. */
function wrap(first: string, indent: string, text: string): string[] {
  const lines: string[] = [];
  let line = first;
  for (const word of text.split(' ')) {
    if (line.length + word.length + 1 > TEXT_WIDTH && line.trim().length > first.trim().length) {
      lines.push(line.trimEnd());
      line = indent;
    }
    line += line === first || line === indent ? word : ` ${word}`;
  }
  lines.push(line.trimEnd());
  return lines;
}

/** One labelled field of the text report, wrapped under its value column. */
function field(label: string, text: string): string[] {
  return wrap(`  ${label.padEnd(15)}`, ' '.repeat(17), text);
}

/** The report as text, for people. */
export function formatTimeReport(r: TimeReport): string {
  let command = r.command.map(shellQuote).join(' ').replace(/\n/g, '\\n');
  if (command.length > TEXT_WIDTH) command = `${command.slice(0, TEXT_WIDTH - 1)}…`;
  const ended = r.signal === null ? `${r.status}` : `${r.status} (${r.signal})`;
  const s = r.sampling;
  const lines = [
    `gilscope time: ${command}`,
    ...field('exit status', ended),
    ...field('real', seconds(r.realNs)),
    ...field('user', seconds(r.userUs * 1000)),
    ...field('sys', seconds(r.systemUs * 1000)),
    ...field('CPU-s per s', `${r.cpuPerWall.toFixed(2)} on ${r.cores} cores`),
    ...field('max RSS', `${(r.maxRssKb / 1024).toFixed(1)} MiB`),
    ...field('ctx switches', `${r.voluntarySwitches} voluntary, ${r.involuntarySwitches} involuntary`),
    ...field('reading', r.verdict),
    ...(r.contention === null ? [] : field('run queue', r.contention)),
    ...field('threads', r.threadsVerdict),
    '',
    ...table(r).map((l) => `  ${l}`),
    '',
    ...wrap(
      '  ',
      '  ',
      `Sampled /proc every ${s.intervalMs} ms (${s.samples} samples, ${(s.meanSampleCpuNs / 1e6).toFixed(2)} ms of ` +
        `CPU each; ${plural(s.threads, 'thread')} in ${plural(s.processes, 'process')}): the table accounts for ` +
        `${pct(s.accountedShare, 1)} of user + sys. Sampling misses threads and processes that live shorter ` +
        "than the interval, and the CPU a thread uses after its last sample; '(not seen)' is that remainder." +
        (s.source === 'stat'
          ? ' This kernel has no schedstat: CPU comes from stat in 10 ms ticks and run-queue wait is unknown.'
          : '') +
        (r.node === null
          ? ''
          : ` Roles come from gilscope's Node preload in ${plural(r.node.processes, 'Node process')} ` +
            `(libuv pool found in ${r.node.poolsFound}); its own code took ` +
            `${(r.node.preloadCostNs / 1e6).toFixed(2)} ms on the JS thread.`),
    ),
  ];
  return lines.join('\n') + '\n';
}
