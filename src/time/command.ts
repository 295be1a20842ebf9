/**
 * Runs a command and measures it: `timeCommand` behind `gilscope time`.
 *
 * Where real, user, sys, max RSS and the context switches come from: the command runs under
 * gilscope-wait (native/helper/wait.cc), a small executable that forks it, wait4()s for it and
 * reports the rusage on a pipe, the accounting of /usr/bin/time. Node cannot give it: child_process
 * exposes no rusage; a wait4() of our own would race libuv, which reaps its children itself; and
 * getrusage(RUSAGE_CHILDREN) after libuv has reaped the child gets user and sys right but not the
 * peak memory, because a child forked from Node starts with a copy of Node's memory (`sleep` would
 * show about 18 MiB instead of under 2). Meanwhile this module samples the command's threads.
 */
import { spawn } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';

import { waitHelperPath } from '../addon/loader.js';
import type { TimeOptions, TimeReport } from '../types.js';
import { describe, expectInteger, expectKnownKeys, expectObject, expectOneOf } from '../validate.js';
import { parseHelperLine, type HelperLine } from './helper-protocol.js';
import { isNodeCommand, preloadPath, readRoles, withPreload } from './node-roles.js';
import { buildTimeReport, exitStatus } from './report.js';
import { ThreadSampler } from './sampler.js';

/** @see TimeOptions.intervalMs */
export const DEFAULT_INTERVAL_MS = 20;
export const MAX_INTERVAL_MS = 60_000;

/** The command could not be started: not found (status 127) or not executable (126), as a shell says. */
export class SpawnError extends Error {
  /** The errno name, e.g. 'ENOENT'. */
  readonly code: string;
  /** The status a shell exits with for this failure. */
  readonly status: number;
  constructor(file: string, code: string) {
    const reason =
      code === 'ENOENT' ? 'command not found' : code === 'EACCES' ? 'permission denied' : `cannot run (${code})`;
    super(`${file}: ${reason}`);
    this.name = 'SpawnError';
    this.code = code;
    this.status = code === 'ENOENT' ? 127 : 126;
  }
}

/**
 * gilscope-wait ended without a report: a signal ended it before it could start the command (status
 * 128 + that signal), or it failed (status 1).
 */
export class HelperError extends Error {
  readonly status: number;
  constructor(code: number | null, signal: NodeJS.Signals | null) {
    super(
      signal !== null
        ? `${signal} arrived before the command had started; it did not run`
        : `gilscope-wait ended without a report (exit code ${code})`,
    );
    this.name = 'HelperError';
    this.status = signal !== null ? exitStatus(null, signal) : 1;
  }
}

/** A command being timed. */
export interface TimedCommand {
  /** Passes a signal on to the command (through gilscope-wait; ignored once it has ended). */
  kill(signal: NodeJS.Signals): void;
  /** The report once the command has ended; a SpawnError if it could not start. */
  readonly done: Promise<TimeReport>;
}

function checkCommand(command: unknown): string[] {
  const ok = Array.isArray(command) && command.length > 0 && command.every((a) => typeof a === 'string');
  if (!ok) {
    throw new TypeError(
      `command must be a non-empty array of strings (the program and its arguments), received ${describe(command)}`,
    );
  }
  if (command[0] === '') throw new RangeError('command[0] must name a program, received ""');
  return command as string[];
}

interface CheckedTimeOptions {
  readonly intervalMs: number;
  readonly stdio: 'inherit' | 'ignore';
  readonly env: NodeJS.ProcessEnv;
}

function checkTimeOptions(options: unknown): CheckedTimeOptions {
  const o = expectObject(options, 'options');
  expectKnownKeys(o, 'options', ['intervalMs', 'stdio', 'env']);
  return {
    intervalMs:
      o['intervalMs'] === undefined
        ? DEFAULT_INTERVAL_MS
        : expectInteger(o['intervalMs'], 'options.intervalMs', 1, MAX_INTERVAL_MS),
    stdio:
      o['stdio'] === undefined ? 'inherit' : expectOneOf(o['stdio'], 'options.stdio', ['inherit', 'ignore'] as const),
    env: o['env'] === undefined ? process.env : (expectObject(o['env'], 'options.env') as NodeJS.ProcessEnv),
  };
}

/** What the helper has said so far, and the sampler it started once the command's pid was known. */
class HelperWatch {
  pid = -1;
  sampler: ThreadSampler | undefined;
  last: HelperLine | null = null;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly intervalMs: number) {}

  /** One line of the report pipe: the pid starts the sampler; the final line stops it. */
  onLine(line: string): void {
    const parsed = parseHelperLine(line);
    if (parsed?.kind === 'pid') {
      this.pid = parsed.pid;
      const sampler = (this.sampler = new ThreadSampler(parsed.pid));
      sampler.sample();
      this.timer = setInterval(() => sampler.sample(), this.intervalMs);
    } else if (parsed !== null) {
      this.last = parsed;
      this.stop();
    }
  }

  stop(): void {
    clearInterval(this.timer);
  }

  report(argv: string[], done: Extract<HelperLine, { kind: 'done' }>, rolesFile: string | null): TimeReport {
    const s = this.sampler;
    return buildTimeReport({
      command: argv,
      pid: this.pid,
      exitCode: done.exitCode,
      signal: done.signal,
      realNs: done.realNs,
      usage: done.usage,
      cores: availableParallelism(),
      intervalMs: this.intervalMs,
      samples: s?.samples ?? 0,
      processes: s?.processes ?? 0,
      meanSampleCpuNs: s?.meanSampleCpuNs ?? 0,
      threads: s?.threads() ?? [],
      roles: rolesFile === null ? null : readRoles(rolesFile),
    });
  }
}

/**
 * Starts `command` (program and arguments; the program is found on PATH like a shell does) and
 * samples its threads and descendants every `intervalMs` until it ends. Throws synchronously on bad
 * arguments or when the helper is not built.
 */
export function startTimed(command: readonly string[], options: TimeOptions = {}): TimedCommand {
  const argv = checkCommand(command);
  const { intervalMs, stdio, env: given } = checkTimeOptions(options);
  // A Node command gets the roles preload (node-roles.ts): the same command, NODE_OPTIONS appended to.
  const preload = isNodeCommand(argv[0]!, given) ? preloadPath() : null;
  const withRoles = preload === null ? null : withPreload(given, preload);
  const env = withRoles?.env ?? given;
  const rolesFile = withRoles?.file ?? null;
  const helper = spawn(waitHelperPath(), ['3', ...argv], { stdio: [stdio, stdio, stdio, 'pipe'], env });
  let ended = false;
  const watch = new HelperWatch(intervalMs);
  const pipe = helper.stdio[3] as Readable;
  pipe.setEncoding('latin1');
  createInterface({ input: pipe, crlfDelay: Infinity }).on('line', (line) => {
    watch.onLine(line);
    if (watch.last) ended = true;
  });
  const done = new Promise<TimeReport>((resolve, reject) => {
    helper.once('error', (err) => {
      ended = true;
      reject(err);
    });
    helper.once('close', (code, signal) => {
      ended = true;
      watch.stop();
      const result = watch.last;
      if (result?.kind !== 'done' && rolesFile !== null) readRoles(rolesFile); // removes its directory
      if (result?.kind === 'error') return reject(new SpawnError(argv[0]!, result.code));
      if (result?.kind !== 'done') return reject(new HelperError(code, signal));
      resolve(watch.report(argv, result, rolesFile));
    });
  });
  return {
    kill(signal: NodeJS.Signals): void {
      if (!ended) helper.kill(signal);
    },
    done,
  };
}

/** Runs `command` to its end and reports on it (see startTimed). */
export function timeCommand(command: readonly string[], options: TimeOptions = {}): Promise<TimeReport> {
  try {
    return startTimed(command, options).done;
  } catch (err) {
    return Promise.reject(err);
  }
}
