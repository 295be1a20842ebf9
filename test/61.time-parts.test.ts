// The pure parts of `gilscope time`: /proc and helper-protocol parsing, the sampler's bookkeeping
// (on a fake /proc), the report and its reading, signal forwarding rules, --interval parsing.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { parseIntervalMs } from '../src/time/cli.js';
import { parseHelperLine } from '../src/time/helper-protocol.js';
import { parseSchedstat, parseStat, type ProcStat, type SchedStat } from '../src/time/procfs.js';
import {
  buildTimeReport,
  exitStatus,
  formatTimeReport,
  readContention,
  readThreads,
  shellQuote,
  TABLE_ROWS,
  type TimeFacts,
} from '../src/time/report.js';
import { ThreadSampler, type ProcReader, type SeenThread } from '../src/time/sampler.js';
import { keyboardReachesCommand, shouldForward } from '../src/time/signals.js';
import type { ThreadReport } from '../src/types.js';

function statLine(
  tid: number,
  comm: string,
  o: Partial<Record<'ppid' | 'pgrp' | 'tpgid' | 'utime' | 'stime' | 'start', number>> = {},
): string {
  // Fields 3..22 after comm: state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt
  // utime stime cutime cstime priority nice threads itrealvalue starttime, then more.
  const f = [
    'S',
    o.ppid ?? 1,
    o.pgrp ?? tid,
    1,
    0,
    o.tpgid ?? -1,
    0,
    0,
    0,
    0,
    0,
    o.utime ?? 0,
    o.stime ?? 0,
    0,
    0,
    20,
    0,
    1,
    0,
    o.start ?? 1000,
    123,
    456,
  ];
  return `${tid} (${comm}) ${f.join(' ')}\n`;
}

test('parseStat finds comm by the last parenthesis and reads the numeric fields', () => {
  const s = parseStat(statLine(42, 'a) (b c)', { ppid: 7, pgrp: 40, tpgid: 40, utime: 12, stime: 3, start: 999 }));
  assert.deepEqual(s, {
    tid: 42,
    name: 'a) (b c)',
    state: 'S',
    ppid: 7,
    pgrp: 40,
    tpgid: 40,
    utimeTicks: 12,
    stimeTicks: 3,
    startTicks: 999,
  });
  assert.equal(parseStat(''), null);
  assert.equal(parseStat('42 (x) S 1 2'), null, 'too few fields');
  assert.equal(parseStat('x (y) ' + 'S 1'.padEnd(60, ' 1')), null, 'a tid that is not a number');
});

test('parseSchedstat reads on-CPU ns, run-queue ns and timeslices', () => {
  assert.deepEqual(parseSchedstat('123456789 2000 31\n'), { cpuNs: 123456789, runQueueNs: 2000, timeslices: 31 });
  assert.equal(parseSchedstat(''), null);
  assert.equal(parseSchedstat('1 2'), null);
  assert.equal(parseSchedstat('1 x 3'), null);
});

test("parseHelperLine reads gilscope-wait's three kinds of line and rejects anything else", () => {
  assert.deepEqual(parseHelperLine('pid 1234'), { kind: 'pid', pid: 1234 });
  assert.deepEqual(parseHelperLine('error 2'), { kind: 'error', errno: 2, code: 'ENOENT' });
  assert.deepEqual(parseHelperLine('error 13'), { kind: 'error', errno: 13, code: 'EACCES' });
  const done = parseHelperLine('done -1 15 300000000 1000 2000 1664 2 1 100 0');
  assert.deepEqual(done, {
    kind: 'done',
    exitCode: null,
    signal: 'SIGTERM',
    realNs: 300_000_000,
    usage: {
      userUs: 1000,
      systemUs: 2000,
      maxRssKb: 1664,
      voluntarySwitches: 2,
      involuntarySwitches: 1,
      minorFaults: 100,
      majorFaults: 0,
    },
  });
  const ok = parseHelperLine('done 3 0 5 0 0 1 0 0 0 0');
  assert.equal(ok?.kind === 'done' && ok.exitCode, 3);
  assert.equal(ok?.kind === 'done' && ok.signal, null);
  for (const bad of ['', 'pid', 'pid 0', 'pid x', 'done 0 0 1', 'done 0 0 -5 0 0 0 0 0 0 0', 'hello 1', 'error -1']) {
    assert.equal(parseHelperLine(bad), null, bad);
  }
});

test('exitStatus is what a shell reports', () => {
  assert.equal(exitStatus(0, null), 0);
  assert.equal(exitStatus(3, null), 3);
  assert.equal(exitStatus(null, 'SIGTERM'), 143);
  assert.equal(exitStatus(null, 'SIGINT'), 130);
  assert.equal(exitStatus(null, 'SIGKILL'), 137);
});

/** A fake /proc: processes with threads, children, and schedstat values that change per sample. */
class FakeProc implements ProcReader {
  threads = new Map<number, number[]>();
  children = new Map<number, number[]>();
  stats = new Map<number, ProcStat>();
  sched = new Map<number, SchedStat | null>();
  names = new Map<number, string>();
  statReads = 0;
  listThreads(pid: number): number[] {
    return this.threads.get(pid) ?? [];
  }
  listChildren(pid: number): number[] {
    return this.children.get(pid) ?? [];
  }
  readStat(_pid: number, tid: number): ProcStat | null {
    this.statReads += 1;
    return this.stats.get(tid) ?? null;
  }
  readSchedstat(_pid: number, tid: number): SchedStat | null {
    return this.sched.get(tid) ?? null;
  }
  readComm(_pid: number, tid: number): string | null {
    return this.names.get(tid) ?? this.stats.get(tid)?.name ?? null;
  }
  thread(pid: number, tid: number, name: string, cpuNs: number, start = 1000): void {
    this.threads.set(pid, [...new Set([...(this.threads.get(pid) ?? []), tid])]);
    this.stats.set(tid, {
      tid,
      name,
      state: 'R',
      ppid: 1,
      pgrp: pid,
      tpgid: -1,
      utimeTicks: 0,
      stimeTicks: 0,
      startTicks: start,
    });
    this.sched.set(tid, { cpuNs, runQueueNs: cpuNs / 10, timeslices: 1 });
  }
}

test('the sampler walks the process tree, keeps each thread as last seen and reads stat once', () => {
  const proc = new FakeProc();
  proc.thread(100, 100, 'main', 1e6);
  proc.thread(100, 101, 'worker', 2e6);
  proc.children.set(100, [200]);
  proc.thread(200, 200, 'child', 5e5);
  const s = new ThreadSampler(100, proc);
  s.sample();
  assert.equal(proc.statReads, 3);
  proc.sched.set(101, { cpuNs: 9e6, runQueueNs: 4e6, timeslices: 9 });
  proc.names.set(101, 'renamed');
  proc.threads.set(200, []); // the child process ended
  s.sample();
  assert.equal(proc.statReads, 3, 'stat is read once per thread');
  const byTid = new Map(s.threads().map((t) => [t.tid, t]));
  assert.equal(s.samples, 2);
  assert.equal(s.processes, 2);
  assert.equal(byTid.get(101)?.cpuNs, 9e6);
  assert.equal(byTid.get(101)?.runQueueNs, 4e6);
  assert.equal(byTid.get(101)?.name, 'renamed');
  assert.equal(byTid.get(101)?.samples, 2);
  assert.equal(byTid.get(200)?.cpuNs, 5e5, 'an ended thread keeps its last reading');
  assert.equal(byTid.get(200)?.pid, 200);
  assert.ok(s.meanSampleCpuNs > 0);
});

test('a reused tid is a new thread; without schedstat, CPU comes from stat ticks', () => {
  const proc = new FakeProc();
  proc.thread(1, 1, 'main', 0);
  proc.thread(1, 5, 'first', 8e6, 1000);
  const s = new ThreadSampler(1, proc);
  s.sample();
  proc.thread(1, 5, 'second', 1e6, 2000); // CPU went down: another thread now has tid 5
  s.sample();
  const fives = s.threads().filter((t) => t.tid === 5);
  assert.deepEqual(fives.map((t) => [t.name, t.cpuNs]).sort(), [
    ['first', 8e6],
    ['second', 1e6],
  ]);

  const old = new FakeProc();
  old.thread(9, 9, 'old', 0);
  old.sched.set(9, null);
  old.stats.set(9, { ...old.stats.get(9)!, utimeTicks: 30, stimeTicks: 2 });
  const t = new ThreadSampler(9, old);
  t.sample();
  assert.deepEqual([t.threads()[0]?.cpuNs, t.threads()[0]?.runQueueNs, t.threads()[0]?.source], [320e6, null, 'stat']);
});

function facts(threads: SeenThread[], o: Partial<TimeFacts> = {}): TimeFacts {
  return {
    command: ['prog', 'an arg'],
    pid: 1,
    exitCode: 0,
    signal: null,
    realNs: 1e9,
    usage: {
      userUs: 900_000,
      systemUs: 100_000,
      maxRssKb: 2048,
      voluntarySwitches: 1,
      involuntarySwitches: 2,
      minorFaults: 3,
      majorFaults: 0,
    },
    cores: 2,
    intervalMs: 20,
    samples: 50,
    processes: 1,
    meanSampleCpuNs: 1e5,
    threads,
    ...o,
  };
}

function seen(tid: number, cpuNs: number, runQueueNs: number | null = 0): SeenThread {
  return { pid: 1, tid, name: `t${tid}`, startTicks: 1, cpuNs, runQueueNs, source: 'schedstat', samples: 3 };
}

test('the report sorts threads by CPU, gives shares of user + sys and says what the table covers', () => {
  const r = buildTimeReport(facts([seen(2, 100e6), seen(1, 850e6, 5e6)]));
  assert.deepEqual(
    r.threads.map((t) => t.tid),
    [1, 2],
  );
  assert.equal(r.threads[0]?.share, 0.85);
  assert.equal(r.sampling.accountedCpuNs, 950e6);
  assert.equal(r.sampling.accountedShare, 0.95);
  assert.equal(r.cpuPerWall, 1);
  assert.equal(r.verdict, 'one thread busy: 1.00 CPU-s per s: 1 of 2 cores busy');
  assert.equal(r.threadsVerdict, 'one thread did 85% of the CPU: t1 (tid 1)');
  assert.equal(r.status, 0);
  const text = formatTimeReport(r);
  assert.match(text, /^gilscope time: prog 'an arg'$/m);
  assert.match(text, /^ +\(not seen\) +0\.050 +5\.0%$/m);
  assert.match(text, /accounts\s+for\s+95\.0%\s+of\s+user\s+\+\s+sys/);
});

test('the thread reading names busy threads and says when they waited for a core', () => {
  const t = (tid: number, share: number, runQueueNs: number | null = 0): ThreadReport => ({
    pid: 1,
    tid,
    name: 'w',
    cpuNs: share * 1e9,
    runQueueNs,
    share,
    samples: 1,
  });
  assert.match(readThreads([], 20), /no thread was seen: .*before the first sample \(interval 20 ms\)/);
  assert.equal(
    readThreads([t(1, 0.5), t(2, 0.45), t(3, 0.01)], 20),
    '2 threads did 95% of the CPU: w 50% (tid 1), w 45% (tid 2)',
  );
  assert.equal(
    readThreads([t(1, 0.43), t(2, 0.43), t(3, 0.13)], 20),
    '2 threads did 86% of the CPU: w 43% (tid 1), w 43% (tid 2)',
    'under half the busiest is not busy',
  );
  assert.equal(readThreads([t(1, 0.04), t(2, 0.04)], 20), 'the CPU was spread over 2 threads, none with 5% of it');
});

test('a long run-queue wait is read as contention, with CPU plus wait per second', () => {
  assert.equal(readContention(null, 1e9, 1e9), null, 'unknown without schedstat');
  assert.equal(readContention(0.05e9, 1e9, 1e9), null, 'small');
  assert.match(
    readContention(0.9e9, 1e9, 1e9)!,
    /waited 0\.900 s in all for a free core.*ready to use 1\.90 CPU-s per s$/,
  );
  const r = buildTimeReport(facts([seen(1, 500e6, 400e6), seen(2, 500e6, 400e6)]));
  assert.equal(r.runQueueNs, 800e6);
  assert.match(r.contention!, /ready to use 1\.80 CPU-s per s/);
  assert.match(formatTimeReport(r), /^ {2}run queue {6}its threads also waited 0\.800 s/m);
  assert.equal(buildTimeReport(facts([seen(1, 500e6, null)])).runQueueNs, null);
});

test('the text table shows the busiest threads and sums the rest', () => {
  const many = Array.from({ length: TABLE_ROWS + 5 }, (_, i) => seen(i + 1, 50e6));
  const text = formatTimeReport(buildTimeReport(facts(many)));
  assert.match(text, /\(5 more\) +0\.250 +25\.0%/);
  const small = formatTimeReport(buildTimeReport(facts([seen(1, 900e6), seen(2, 1e6), seen(3, 1e6)])));
  assert.match(small, /\(2 more\) +0\.002/, 'threads under 0.5% of the CPU are summed');
});

test('SIGINT is forwarded unless the terminal already sent it to the command', () => {
  const stat = (pgrp: number, tpgid: number): ProcStat => ({
    tid: 1,
    name: 'node',
    state: 'S',
    ppid: 1,
    pgrp,
    tpgid,
    utimeTicks: 0,
    stimeTicks: 0,
    startTicks: 0,
  });
  assert.equal(keyboardReachesCommand(stat(10, 10)), true, 'foreground group of a terminal');
  assert.equal(keyboardReachesCommand(stat(10, 11)), false, 'in the background');
  assert.equal(keyboardReachesCommand(stat(10, -1)), false, 'no terminal');
  assert.equal(keyboardReachesCommand(null), false);
  assert.equal(shouldForward('SIGINT', stat(10, 10)), false);
  assert.equal(shouldForward('SIGINT', stat(10, -1)), true);
  assert.equal(shouldForward('SIGTERM', stat(10, 10)), true);
});

test('parseIntervalMs accepts whole milliseconds in range and names --interval otherwise', () => {
  assert.equal(parseIntervalMs('20'), 20);
  assert.equal(parseIntervalMs('60000'), 60000);
  for (const bad of ['0', '60001', '1.5', '-1', 'abc', '', '1e3']) {
    assert.throws(
      () => parseIntervalMs(bad),
      (e: Error) => e instanceof RangeError && /--interval must be .*received "/.test(e.message),
      bad,
    );
  }
  assert.throws(() => parseIntervalMs(20), TypeError);
});

test('shellQuote leaves plain words alone and quotes the rest', () => {
  assert.equal(shellQuote('python3'), 'python3');
  assert.equal(shellQuote('a b'), "'a b'");
  assert.equal(shellQuote("it's"), "'it'\\''s'");
});
