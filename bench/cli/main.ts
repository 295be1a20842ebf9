#!/usr/bin/env node
/**
 * The `gilscope` command. Each subcommand lives in its own module (bench/cli/, and `time` in
 * src/time/cli.ts) and registers itself on the program here.
 */
import { Command } from 'commander';

import { registerBench } from './bench.js';
import { registerCompare } from './compare.js';
import { registerTime } from '../../src/internal.js';

const program = new Command();
program
  .name('gilscope')
  .description('Measure what a global lock does to parallel speed-up.')
  .showHelpAfterError()
  .configureOutput({ outputError: (str, write) => write(str) });

registerBench(program);
registerCompare(program);
registerTime(program);

program.parseAsync(process.argv).catch((err: unknown) => {
  process.stderr.write(`gilscope: ${(err as Error).message}\n`);
  process.exitCode = 1;
});
