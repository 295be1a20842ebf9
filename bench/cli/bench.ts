/**
 * `gilscope bench`: runs a sweep (quick preset by default, --full for the thorough one), shows a
 * progress bar on stderr, prints the tables and readings (or, with --json, the results document) and
 * writes results.json, results.csv, the charts and report.html to --out, each atomically.
 *
 * Ctrl-C (SIGINT; SIGTERM alike): the sweep stops, what finished is written marked partial, every
 * pool and child process is ended and reaped, and the exit status is 128 + the signal's number
 * (130 for SIGINT). A second signal, or INTERRUPT_BOUND_MS without an end, kills the children and
 * exits at once without writing.
 */
import { constants } from 'node:os';
import { join, resolve } from 'node:path';

import { SingleBar } from 'cli-progress';
import type { Command } from 'commander';

import { defaultOutDir, resolvePlan, type RawBenchOptions } from '../plan.js';
import { writeAtomic, killChildren, killChildrenNow } from '../../src/internal.js';
import { csvReport } from '../report/csv.js';
import { htmlReport } from '../report/html.js';
import { textReport } from '../report/text.js';
import { runSweep, type SweepHooks, type SweepOutput } from '../sweep.js';

interface BenchCliOptions extends RawBenchOptions {
  out?: string;
  json?: boolean;
  trace?: string;
}

/** The longest an interrupted bench may take to stop and write what it has. */
export const INTERRUPT_BOUND_MS = 20_000;

const INTERRUPTS = ['SIGINT', 'SIGTERM'] as const;
type Interrupt = (typeof INTERRUPTS)[number];

const exitStatus = (signal: Interrupt): number => 128 + constants.signals[signal];

/** The progress bar on stderr: started by the sweep's onStart, advanced by onTick, stopped at the end. */
function progress(): { hooks: SweepHooks; stop: () => void; suppress: () => void } {
  const bar = new SingleBar({
    stream: process.stderr,
    format: 'bench [{bar}] {percentage}% | ETA {eta_formatted} | {value}/{total} runs | {label}',
    etaBuffer: 50,
    hideCursor: true,
    clearOnComplete: true,
  });
  let started = false;
  let suppressed = false;
  const stop = (): void => {
    if (started) bar.stop();
    started = false;
  };
  const hooks: SweepHooks = {
    onStart(total) {
      if (suppressed) return;
      bar.start(total, 0, { label: '' });
      started = true;
    },
    onTick(label) {
      if (started) bar.increment(1, { label: label.slice(0, 40) });
    },
  };
  // After an interrupt the bar stays away: the notice on stderr is the last word.
  const suppress = (): void => {
    suppressed = true;
    stop();
  };
  return { hooks, stop, suppress };
}

/**
 * SIGINT and SIGTERM while the sweep runs: the first aborts it (what finished is still written),
 * a second one, or INTERRUPT_BOUND_MS without an end, kills the children and exits at once.
 */
function interrupts(outDir: string, onFirst: () => void) {
  const controller = new AbortController();
  let interrupted: Interrupt | null = null;
  const quit = (why: string): never => {
    killChildrenNow();
    process.stderr.write(`gilscope bench: ${why}: exiting without writing results\n`);
    process.exit(exitStatus(interrupted ?? 'SIGINT'));
  };
  const onInterrupt = (signal: Interrupt): void => {
    if (interrupted !== null) quit(`${signal} again`);
    interrupted = signal;
    onFirst();
    process.stderr.write(
      `\ngilscope bench: ${signal}: stopping; what finished goes to ${outDir}, marked partial ` +
        `(${signal} again to quit at once)\n`,
    );
    controller.abort(signal);
    const bound = (): never => quit(`not stopped within ${INTERRUPT_BOUND_MS / 1000} s of ${signal}`);
    setTimeout(bound, INTERRUPT_BOUND_MS).unref();
  };
  for (const signal of INTERRUPTS) process.on(signal, onInterrupt);
  return {
    signal: controller.signal,
    /** The signal that interrupted the sweep, or null. */
    interrupted: (): Interrupt | null => interrupted,
    off: (): void => {
      for (const signal of INTERRUPTS) process.off(signal, onInterrupt);
    },
  };
}

async function bench(options: BenchCliOptions): Promise<void> {
  const plan = resolvePlan(options);
  const outDir = options.out ? resolve(options.out) : defaultOutDir();
  const traceDir = options.trace === undefined ? undefined : resolve(options.trace);
  const bar = progress();
  const stop = interrupts(outDir, bar.suppress);
  try {
    process.stderr.write(`gilscope bench (${plan.preset} preset): calibrating kernels to ${plan.taskMs} ms tasks...\n`);
    const sweepOptions = { signal: stop.signal, ...(traceDir === undefined ? {} : { traceDir }) };
    const { results, charts } = await runSweep(plan, bar.hooks, sweepOptions).finally(bar.stop);
    writeOutputs(results, charts, outDir, options.json === true);
  } finally {
    stop.off();
  }
  const interrupted = stop.interrupted();
  if (interrupted !== null) {
    const status = exitStatus(interrupted);
    await killChildren(); // the sweep ended them; make sure each has been reaped
    process.exitCode = status;
    setTimeout(() => process.exit(status), 5000).unref(); // should anything still hold the event loop
  }
}

/** Writes every output file atomically, then prints the tables (or the results document). */
function writeOutputs(
  results: SweepOutput['results'],
  charts: SweepOutput['charts'],
  outDir: string,
  json: boolean,
): void {
  const files: string[] = [];
  const write = (name: string, data: string): void => {
    const path = join(outDir, name);
    writeAtomic(path, data);
    files.push(path);
  };
  const text = JSON.stringify(results, null, 2) + '\n';
  write('results.json', text);
  write('results.csv', csvReport(results));
  for (const chart of charts) write(chart.file, chart.svg);
  write('report.html', htmlReport(results, charts));

  if (json) process.stdout.write(text);
  else process.stdout.write(textReport(results, files));
}

export function registerBench(program: Command): void {
  program
    .command('bench')
    .description('Scaling sweeps across the modes: statistics, wall-time breakdowns, fits, charts and an HTML report.')
    .option('--full', 'the thorough preset (more kernels, repeats and sweep points) instead of the quick one')
    .option(
      '--kernel <names>',
      'CPU-bound kernel(s) of experiment 1, comma-separated (primes, mandelbrot, hash, stream, spin)',
    )
    .option('--modes <modes>', 'modes to sweep, comma-separated (default: all)')
    .option('--tasks <list>', 'task counts, e.g. 1,2,4 or 1-4 (default: 1 to 2x cores)')
    .option(
      '--threads <n>',
      "pool size passed to batch() (a libuv size other than this process's runs in a fresh child process)",
    )
    .option('--repeat <n>', 'measured runs per configuration')
    .option('--warmup <n>', 'discarded runs before measuring each configuration')
    .option('--interval <us>', 'GIL switch interval for the gil mode (default 5000, as CPython)')
    .option('--task-ms <ms>', 'target duration of one task; kernel sizes are calibrated to it')
    .option('--flood <n>', 'empty tasks per flood in experiment 6 (worker, process and piscina get fewer)')
    .option('--experiments <ids>', 'run only these experiments, e.g. 1,6 (default: all)')
    .option(
      '--hazards',
      'also run the concurrency-hazard suite (race, deadlock, starvation, livelock, each next to its remedy)',
    )
    .option(
      '--trace <dir>',
      'write one Chrome trace (Perfetto) per configuration to <dir>, from one extra traced run of each',
    )
    .option(
      '--out <dir>',
      'where to write results.json, results.csv, the charts and report.html (default: bench-results/<timestamp>/)',
    )
    .option('--json', 'print the results document (results.json) on stdout instead of the tables')
    .action(bench);
}
