// `gilscope time`: its numbers agree with /usr/bin/time on the same run, it sees which threads did
// the work, it reads the numbers in plain words, and it is transparent: exit codes and signals pass
// through, bad input gets a clear error. The CLI runs from source (tsx) in a fresh process each time.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';

import { readCpuPerWall, timeCommand } from '../src/index.js';
import type { TimeReport } from '../src/types.js';
import { rejectsNamed } from './support/assert.js';
import { cliArgv, cliResult, ROOT, startCli } from './support/cli.js';
import { spawnCollecting, type Ran } from './support/spawn.js';

const TWO_RELEASED = join(ROOT, 'test', 'fixtures', 'two-released.mjs');
const scratch = mkdtempSync(join(tmpdir(), 'gilscope-time-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

/** A CPU-bound Python loop of about 0.3 s. */
const PY_LOOP = 'x = 0\nfor i in range(3_000_000):\n    x += i\nprint(x)';

let reports = 0;
/** Runs `gilscope time --json -o FILE -- <command>` and returns the report with the run. */
async function timeJson(command: string[], extra: string[] = []): Promise<{ report: TimeReport; ran: Ran }> {
  const file = join(scratch, `report-${++reports}.json`);
  const ran = await cliResult(['time', '--json', '-o', file, ...extra, '--', ...command]);
  assert.ok(existsSync(file), `no report written; exit ${ran.code}, stderr:\n${ran.stderr}`);
  return { report: JSON.parse(readFileSync(file, 'utf8')) as TimeReport, ran };
}

/** One "<label>: <value>" line of `/usr/bin/time -v`. */
function timeV(stderr: string, label: string): string {
  const line = stderr.split('\n').find((l) => l.trim().startsWith(`${label}:`));
  assert.ok(line, `/usr/bin/time -v printed no "${label}" line:\n${stderr}`);
  return line.slice(line.indexOf(label) + label.length + 1).trim();
}

/** "h:mm:ss" or "m:ss.ss" as seconds. */
function clockSeconds(text: string): number {
  return text.split(':').reduce((s, part) => s * 60 + Number(part), 0);
}

test('real, user, sys and max RSS agree with /usr/bin/time -v on the same run', async (t) => {
  assert.ok(
    existsSync('/usr/bin/time'),
    '/usr/bin/time is missing: this test compares against GNU time; install it with `apt-get install time`',
  );
  // /usr/bin/time runs under gilscope and the Python loop under /usr/bin/time: one run, two reports.
  // gilscope's also holds /usr/bin/time's own few milliseconds.
  const { report, ran } = await timeJson(['/usr/bin/time', '-v', 'python3', '-c', PY_LOOP]);
  assert.equal(ran.code, 0, ran.stderr);
  const gnu = {
    user: Number(timeV(ran.stderr, 'User time (seconds)')),
    sys: Number(timeV(ran.stderr, 'System time (seconds)')),
    real: clockSeconds(timeV(ran.stderr, 'Elapsed (wall clock) time (h:mm:ss or m:ss)')),
    maxRssKb: Number(timeV(ran.stderr, 'Maximum resident set size (kbytes)')),
  };
  const ours = {
    user: report.userUs / 1e6,
    sys: report.systemUs / 1e6,
    real: report.realNs / 1e9,
    maxRssKb: report.maxRssKb,
  };
  t.diagnostic(`gilscope ${JSON.stringify(ours)} vs /usr/bin/time ${JSON.stringify(gnu)}`);
  assert.ok(gnu.user > 0.1, 'the workload is CPU-bound enough to compare');
  // GNU time prints hundredths of a second: allow that rounding (and /usr/bin/time's own start for
  // real) plus 3%.
  const close = (a: number, b: number): boolean => Math.abs(a - b) <= 0.03 * b + 0.02;
  assert.ok(close(ours.user, gnu.user), `user ${ours.user} vs ${gnu.user}`);
  assert.ok(close(ours.sys, gnu.sys), `sys ${ours.sys} vs ${gnu.sys}`);
  assert.ok(close(ours.real, gnu.real) && ours.real >= gnu.real - 0.005, `real ${ours.real} vs ${gnu.real}`);
  assert.ok(
    Math.abs(ours.maxRssKb - gnu.maxRssKb) <= 0.03 * gnu.maxRssKb,
    `max RSS ${ours.maxRssKb} vs ${gnu.maxRssKb} KiB`,
  );
  // The reading follows from the numbers (which one it is depends on what else the machine runs).
  assertReadsByTheRules(report);
  assert.equal(report.threads[0]?.name, 'python3', 'the Python thread did the work');
  assert.ok(report.threads[0]!.share > 0.5, `python3 holds ${report.threads[0]!.share} of the CPU`);
});

/**
 * A command's reading is the one-thread rules' (readCpuPerWall) unless its threads waited for a
 * core a large share of the time they were ready to run: then it reads as oversubscribed.
 */
function assertReadsByTheRules(report: TimeReport): void {
  assert.equal(report.verdict, report.reading.sentence);
  const first = report.reading.findings[0]!;
  if (report.reading.kind === 'oversubscribed') assert.ok(first.figures['runQueueShare']! >= 0.25, first.text);
  else assert.equal(first.text, readCpuPerWall(report.cpuPerWall, report.cores));
}

test('a node script with two released CPU-bound tasks shows two busy threads and about 2 CPU-s per s', async (t) => {
  // 0.6 s of CPU per task: node's own start-up on the main thread (0.1-0.17 s of CPU here, more on a
  // loaded machine) then stays under half a task thread's CPU, so only the two tasks count as busy.
  const { report, ran } = await timeJson(['node', TWO_RELEASED, '600000']);
  assert.equal(ran.code, 0, ran.stderr);
  const { threadIds } = JSON.parse(ran.stdout) as { threadIds: number[] };
  const busy = report.threads.slice(0, 2);
  t.diagnostic(
    `${report.verdict} | ${report.contention ?? 'no contention'} | ${report.threadsVerdict} | ` +
      `tasks ran on ${threadIds.join(', ')}`,
  );
  // The two busiest threads are the pool threads the tasks ran on, each with a large share.
  assert.deepEqual(busy.map((b) => b.tid).sort(), [...threadIds].sort());
  for (const b of busy) {
    assert.ok(b.share >= 0.3, `thread ${b.tid} holds ${b.share} of the CPU`);
    assert.ok(b.cpuNs >= 0.57e9, `thread ${b.tid} ran its 0.6 s task: ${b.cpuNs} ns seen`);
  }
  assert.match(report.threadsVerdict, /^2 threads did \d+% of the CPU/);
  for (const tid of threadIds) assert.match(report.threadsVerdict, new RegExp(`\\(tid ${tid}\\)`));
  assertReadsByTheRules(report);
  // About 2 CPU-s per s on 2 cores. Other processes on the machine can take cores away; then the
  // threads wait on the run queue instead, and CPU plus that wait still shows two threads' demand.
  const readyPerWall = ((report.userUs + report.systemUs) * 1000 + (report.runQueueNs ?? 0)) / report.realNs;
  assert.ok(
    report.cpuPerWall >= 1.5 || (report.contention !== null && readyPerWall >= 1.5),
    `cpuPerWall ${report.cpuPerWall.toFixed(2)}; counting run-queue wait ${readyPerWall.toFixed(2)}`,
  );
  if (report.cpuPerWall >= 1.5 && report.cores === 2) {
    assert.ok(['cpu-bound', 'oversubscribed'].includes(report.reading.kind), report.verdict);
  }
  assert.ok(
    report.sampling.accountedShare > 0.8 && report.sampling.accountedShare <= 1.01,
    `table covers ${report.sampling.accountedShare}`,
  );
});

test('sleep 0.3 reads as waiting, in text and in JSON', async () => {
  const text = await cliResult(['time', '--', 'sleep', '0.3']);
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stderr, /^gilscope time: sleep 0\.3$/m);
  assert.match(text.stderr, /^ {2}reading {8}waiting: 0\.\d\d CPU-s per s: \d+% of the time blocked$/m);
  assert.match(text.stderr, /pid +tid +name +CPU s +run-queue s +share/);
  assert.match(text.stderr, /the table\s+accounts\s+for\s+\d+\.\d%\s+of\s+user\s+\+\s+sys/);
  assert.match(text.stderr, /shorter\s+than\s+the\s+interval/);

  const json = await cliResult(['time', '--json', '--', 'sleep', '0.3']);
  const report = JSON.parse(json.stderr.trim().split('\n').at(-1)!) as TimeReport;
  assert.ok(report.realNs >= 0.3e9, `real ${report.realNs} ns`);
  assert.ok(report.cpuPerWall < 0.2, `cpuPerWall ${report.cpuPerWall}`);
  assert.match(report.verdict, /^waiting/);
  assert.deepEqual(report.command, ['sleep', '0.3']);
  assert.ok(report.maxRssKb > 0 && report.maxRssKb < 16 * 1024, `sleep's own peak, not Node's: ${report.maxRssKb} KiB`);
  assert.ok(report.voluntarySwitches >= 1, 'sleeping is a voluntary switch');
});

test('the exit code and a signal that ends the command pass through', async () => {
  const three = await timeJson(['sh', '-c', 'exit 3']);
  assert.equal(three.ran.code, 3);
  assert.equal(three.report.exitCode, 3);
  assert.equal(three.report.status, 3);
  const term = await timeJson(['sh', '-c', 'kill -TERM $$']);
  assert.equal(term.ran.code, 143);
  assert.equal(term.report.signal, 'SIGTERM');
  assert.equal(term.report.exitCode, null);
});

test('SIGINT and SIGTERM sent to gilscope are forwarded to the command', async () => {
  const handler =
    'process.on("SIGINT", () => { console.log("got SIGINT"); process.exit(42); }); ' +
    'console.log("ready"); setTimeout(() => {}, 20000);';
  const handled = startCli(['time', '--', 'node', '-e', handler]);
  await handled.saw('ready');
  handled.child.kill('SIGINT');
  const h = await handled.done;
  assert.equal(h.code, 42, `the command's own exit code; stderr:\n${h.stderr}`);
  assert.match(h.stdout, /got SIGINT/);
  assert.match(h.stderr, /exit status {4}42/, 'the report is still printed');

  for (const [signal, status] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const) {
    const started = startCli(['time', '--', 'sh', '-c', 'echo ready; exec sleep 20']);
    await started.saw('ready');
    started.child.kill(signal);
    const r = await started.done;
    assert.equal(
      r.code,
      status,
      `${signal}: ended by ${r.signal}; stdout ${JSON.stringify(r.stdout)}; stderr:\n${r.stderr}`,
    );
    assert.match(r.stderr, new RegExp(`exit status {4}${status} \\(${signal}\\)`));
  }
});

test('a Ctrl-C typed in the terminal reaches the command once, not twice', async () => {
  // The command counts SIGINTs for a second after it is ready; gilscope runs as the terminal's
  // foreground job in a pseudo-terminal (test/fixtures/ctrl-c.py), which types Ctrl-C.
  const counter = [
    'import signal, time',
    'n = 0',
    'def count(*_):',
    '    global n',
    '    n += 1',
    'signal.signal(signal.SIGINT, count)',
    'print("ready", flush=True)',
    'end = time.monotonic() + 1',
    'while time.monotonic() < end:',
    '    time.sleep(0.01)',
    'print("SIGINTs:", n, flush=True)',
  ].join('\n');
  const cliArgs = [process.execPath, ...cliArgv(['time', '--', 'python3', '-c', counter])];
  // ctrl-c.py gives up after 30 s; the bound here only catches a hang of its own.
  const ran = await spawnCollecting('python3', [join(ROOT, 'test', 'fixtures', 'ctrl-c.py'), ...cliArgs], {
    cwd: ROOT,
    limitMs: 60_000,
  }).done;
  assert.equal(ran.code, 0, ran.stderr);
  const result = JSON.parse(ran.stdout) as { status: number; sent: boolean; output: string };
  assert.ok(result.sent, `Ctrl-C was typed; the terminal showed:\n${result.output}`);
  assert.match(result.output, /SIGINTs: 1\b/, `the command got exactly one SIGINT:\n${result.output}`);
  assert.equal(result.status, 0, 'gilscope survived the Ctrl-C and exited with the command status');
  assert.match(result.output, /exit status {4}0/, 'and still reported');
});

test("stdin, stdout and stderr are the command's own", async () => {
  const file = join(scratch, 'stdio.json');
  const started = startCli(['time', '-o', file, '--', 'sh', '-c', 'cat; echo to-stderr >&2'], { stdin: 'pipe' });
  started.child.stdin!.end('from stdin\n');
  const { code, stdout, stderr } = await started.done;
  assert.equal(code, 0, stderr);
  assert.equal(stdout, 'from stdin\n');
  assert.equal(stderr, 'to-stderr\n', 'with -o, the report stays out of stderr');
  assert.match(readFileSync(file, 'utf8'), /^gilscope time: sh -c /);
});

test('bad input: no command, a missing or unrunnable command, a bad interval, an unknown option', async () => {
  const none = await cliResult(['time']);
  assert.equal(none.code, 2);
  assert.match(none.stderr, /no command given/);
  assert.match(none.stderr, /Usage: gilscope time/);

  const missing = await cliResult(['time', '--', 'no-such-command-gilscope']);
  assert.equal(missing.code, 127);
  assert.match(missing.stderr, /^gilscope: no-such-command-gilscope: command not found$/m);

  const notExecutable = await cliResult(['time', '--', join(ROOT, 'package.json')]);
  assert.equal(notExecutable.code, 126);
  assert.match(notExecutable.stderr, /package\.json: permission denied/);

  for (const bad of ['0', 'abc', '1.5', '-5', '60001']) {
    const r = await cliResult(['time', '--interval', bad, '--', 'true']);
    assert.equal(r.code, 2, `--interval ${bad}`);
    assert.match(r.stderr, /--interval must be an integer number of milliseconds in \[1, 60000\], received "/);
  }
  const unknown = await cliResult(['time', '--jsn', '--', 'true']);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /unknown option '--jsn'/);

  const help = await cliResult(['time', '--help']);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /Usage: gilscope time \[--json\] \[--interval <ms>\]/);
  assert.match(help.stdout, /shorter than the interval/);
});

test("the command's own options are not taken for gilscope's", async () => {
  const r = await cliResult([
    'time',
    '-o',
    join(scratch, 'own.json'),
    '--json',
    'sh',
    '-c',
    'echo "$@"',
    'sh',
    '--json',
    '--interval',
    'x',
  ]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, '--json --interval x\n');
});

test('timeCommand validates its arguments', async () => {
  await rejectsNamed(timeCommand([] as never), TypeError, /command must be a non-empty array of strings/);
  await rejectsNamed(timeCommand('ls' as never), TypeError, /command/);
  await rejectsNamed(timeCommand([''] as never), RangeError, /command\[0\]/);
  await rejectsNamed(
    timeCommand(['true'], { intervalMs: 0 }),
    RangeError,
    /options\.intervalMs must be an integer in \[1, 60000\], received 0/,
  );
  await rejectsNamed(timeCommand(['true'], { intervalMs: '5' as never }), TypeError, /options\.intervalMs/);
  await rejectsNamed(timeCommand(['true'], { stdio: 'pipe' as never }), RangeError, /options\.stdio/);
  await rejectsNamed(
    timeCommand(['true'], { interval: 5 } as never),
    TypeError,
    /options\.interval is not a known option/,
  );
  const r = await timeCommand(['sh', '-c', 'exit 7'], { stdio: 'ignore', intervalMs: 5 });
  assert.equal(r.status, 7);
  assert.equal(r.sampling.intervalMs, 5);
});
