/**
 * `gilscope bench`: runs a sweep (quick preset by default, --full for the thorough one), shows a
 * progress bar on stderr, prints the tables and readings (or, with --json, the results document) and
 * writes results.json, results.csv, the charts and report.html to --out.
 */
import { join, resolve } from 'node:path';

import { SingleBar } from 'cli-progress';
import type { Command } from 'commander';

import { resolvePlan, type RawBenchOptions } from '../bench/plan.js';
import { writeAtomic, defaultOutDir } from '../bench/output.js';
import { csvReport, htmlReport, textReport } from '../bench/report.js';
import { runSweep } from '../bench/sweep.js';

interface BenchCliOptions extends RawBenchOptions {
  out?: string;
  json?: boolean;
}

async function bench(options: BenchCliOptions): Promise<void> {
  const plan = resolvePlan(options);
  const outDir = options.out ? resolve(options.out) : defaultOutDir();
  const bar = new SingleBar({
    stream: process.stderr,
    format: 'bench [{bar}] {percentage}% | ETA {eta_formatted} | {value}/{total} runs | {label}',
    etaBuffer: 50,
    hideCursor: true,
    clearOnComplete: true,
  });
  let started = false;
  process.stderr.write(`gilscope bench (${plan.preset} preset): calibrating kernels to ${plan.taskMs} ms tasks...\n`);
  const { results, charts } = await runSweep(plan, {
    onStart(total) {
      bar.start(total, 0, { label: '' });
      started = true;
    },
    onTick(label) {
      bar.increment(1, { label: label.slice(0, 40) });
    },
  }).finally(() => {
    if (started) bar.stop();
  });

  const files: string[] = [];
  const write = (name: string, data: string): void => {
    const path = join(outDir, name);
    writeAtomic(path, data);
    files.push(path);
  };
  const json = JSON.stringify(results, null, 2) + '\n';
  write('results.json', json);
  write('results.csv', csvReport(results));
  for (const chart of charts) write(chart.file, chart.svg);
  write('report.html', htmlReport(results, charts));

  if (options.json) process.stdout.write(json);
  else process.stdout.write(textReport(results, files));
}

export function registerBench(program: Command): void {
  program
    .command('bench')
    .description('Scaling sweeps across the modes: statistics, wall-time breakdowns, fits, charts and an HTML report.')
    .option('--full', 'the thorough preset (more kernels, repeats and sweep points) instead of the quick one')
    .option('--kernel <names>', 'CPU-bound kernel(s) of experiment 1, comma-separated (primes, mandelbrot, hash, stream, spin)')
    .option('--modes <modes>', 'modes to sweep, comma-separated (default: all)')
    .option('--tasks <list>', 'task counts, e.g. 1,2,4 or 1-4 (default: 1 to 2x cores)')
    .option('--threads <n>', 'pool size passed to batch() (a libuv size other than this process\'s runs in a fresh child process)')
    .option('--repeat <n>', 'measured runs per configuration')
    .option('--warmup <n>', 'discarded runs before measuring each configuration')
    .option('--interval <us>', 'GIL switch interval for the gil mode (default 5000, as CPython)')
    .option('--task-ms <ms>', 'target duration of one task; kernel sizes are calibrated to it')
    .option('--flood <n>', 'empty tasks per flood in experiment 6 (worker, process and piscina get fewer)')
    .option('--experiments <ids>', 'run only these experiments, e.g. 1,6 (default: all seven)')
    .option('--out <dir>', 'where to write results.json, results.csv, the charts and report.html (default: bench/results/<timestamp>/)')
    .option('--json', 'print the results document (results.json) on stdout instead of the tables')
    .action(bench);
}
