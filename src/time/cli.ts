/**
 * `gilscope time [--json] [--interval MS] [-o FILE] -- command args...`: runs the command with this
 * terminal's stdin, stdout and stderr, forwards SIGINT and SIGTERM to it, prints the report on stderr
 * (or to FILE) and exits with the command's status (its exit code, or 128 + the signal's number).
 * A command that cannot be found exits 127 and one that cannot be executed 126, as in a shell; a
 * usage error exits 2 with the usage.
 */

import type { Command } from 'commander';

import {
  DEFAULT_INTERVAL_MS,
  HelperError,
  MAX_INTERVAL_MS,
  SpawnError,
  startTimed,
  type TimedCommand,
} from './command.js';
import { writeAtomic } from '../util/atomic-write.js';
import { helpAfter } from '../util/help-wrap.js';
import { formatTimeReport } from './report.js';
import { FORWARDED_SIGNALS, readSelfStat, shouldForward } from './signals.js';
import { describe } from '../validate.js';

/** Exit status of a usage error. */
export const USAGE_EXIT = 2;

/** Parses --interval: whole milliseconds in [1, MAX_INTERVAL_MS]. */
export function parseIntervalMs(raw: unknown): number {
  const range = `an integer number of milliseconds in [1, ${MAX_INTERVAL_MS}]`;
  if (typeof raw !== 'string') throw new TypeError(`--interval must be ${range}, received ${describe(raw)}`);
  const n = /^\d+$/.test(raw.trim()) ? Number(raw) : Number.NaN;
  if (!Number.isInteger(n) || n < 1 || n > MAX_INTERVAL_MS) {
    throw new RangeError(`--interval must be ${range}, received ${describe(raw)}`);
  }
  return n;
}

interface TimeCliOptions {
  json?: boolean;
  interval: string;
  output?: string;
}

async function action(command: string[], opts: TimeCliOptions, cmd: Command): Promise<void> {
  if (command.length === 0) {
    cmd.error('error: no command given: gilscope time [options] -- <command> [args...]', { exitCode: USAGE_EXIT });
  }
  let intervalMs = DEFAULT_INTERVAL_MS;
  try {
    intervalMs = parseIntervalMs(opts.interval);
  } catch (err) {
    cmd.error(`error: ${(err as Error).message}`, { exitCode: USAGE_EXIT });
  }
  // Handlers before the spawn: once the command runs, a signal must never find gilscope without
  // them (it would end gilscope and leave the command running unreported). A handler cannot run
  // before `timed` is set: both happen in this same synchronous stretch.
  let timed: TimedCommand | undefined;
  const forward = (signal: (typeof FORWARDED_SIGNALS)[number]): void => {
    if (shouldForward(signal, readSelfStat())) timed?.kill(signal);
  };
  for (const signal of FORWARDED_SIGNALS) process.on(signal, forward);
  let report;
  try {
    timed = startTimed(command, { intervalMs });
    report = await timed.done;
  } catch (err) {
    if (!(err instanceof SpawnError || err instanceof HelperError)) throw err;
    process.stderr.write(`gilscope: ${err.message}\n`);
    process.exit(err.status);
  } finally {
    for (const signal of FORWARDED_SIGNALS) process.off(signal, forward);
  }
  const text = opts.json ? `${JSON.stringify(report)}\n` : formatTimeReport(report);
  if (opts.output !== undefined)
    writeAtomic(opts.output, text); // never a truncated report
  else process.stderr.write(text);
  process.exit(report.status);
}

/** Registers `time` on the program. */
export function registerTime(program: Command): void {
  // `time`'s options end at the command's name, so the command's own options pass through untouched.
  program.enablePositionalOptions();
  program
    .command('time')
    .summary('run a command and say what its CPU time means, thread by thread')
    .description(
      'Runs a command (stdin, stdout and stderr passed through; SIGINT and SIGTERM forwarded) and reports ' +
        'real, user and sys, CPU-seconds per second read in plain words, max RSS, context switches, and ' +
        'which threads of it and of its child processes did the work, sampled from /proc. Exits with the ' +
        "command's status (128 + signal when a signal ended it; 127 when it is not found).",
    )
    .usage('[--json] [--interval <ms>] [-o <file>] -- <command> [args...]')
    .argument('[command...]', 'the program to run (found on PATH) and its arguments')
    .option('--json', 'print the report as one JSON object (one line)')
    .option(
      '--interval <ms>',
      `sample the command's threads every this many ms (1..${MAX_INTERVAL_MS})`,
      String(DEFAULT_INTERVAL_MS),
    )
    .option('-o, --output <file>', 'write the report to this file instead of stderr')
    .passThroughOptions()
    .exitOverride((err) => process.exit(err.exitCode === 0 ? 0 : USAGE_EXIT))
    .addHelpText(
      'after',
      helpAfter(
        "\nThe report goes to stderr so that the command's stdout stays its own. Threads or processes that " +
          'live shorter than the interval are not seen; the report says how much of user + sys the table ' +
          'accounts for.\n\nExample:\n  gilscope time -- python3 -c "sum(i * i for i in range(10**7))"',
      ),
    )
    .action(action);
}
