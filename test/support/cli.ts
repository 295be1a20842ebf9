/**
 * Running the `gilscope` CLI from its TypeScript sources, as the CLI tests do. Two contracts, two names:
 * `cli` is for runs that must succeed (it rejects on a non-zero exit); `cliResult` and `startCli` are
 * for tests of the exit itself (they resolve with whatever code or signal ended it). All are bounded.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { spawnCollecting, type Ran, type Spawned, type SpawnCollectingOptions } from './spawn.js';

/** The repository root. */
export const ROOT = join(import.meta.dirname, '..', '..');

/** argv (after the node binary) that runs `gilscope <args>` from its sources under tsx. */
export function cliArgv(args: readonly string[]): string[] {
  return ['--import', 'tsx', join(ROOT, 'bench', 'cli', 'main.ts'), ...args];
}

const execFileAsync = promisify(execFile);

/** Runs `gilscope <args>` to completion; rejects on a non-zero exit or after `timeout` ms. */
export function cli(args: readonly string[], timeout = 120_000): Promise<{ stdout: string; stderr: string }> {
  return execFileAsync(process.execPath, cliArgv(args), { cwd: ROOT, timeout, maxBuffer: 64 << 20 });
}

/** How long a CLI run started by startCli or cliResult may take before it is killed and the test fails. */
export const CLI_LIMIT_MS = 60_000;

/**
 * Starts `gilscope <args>` in the repository root, detached (see spawnCollecting: a signal the test
 * sends is one gilscope must forward); killed with all it started after `options.limitMs`.
 */
export function startCli(args: readonly string[], options: SpawnCollectingOptions = {}): Spawned {
  return spawnCollecting(process.execPath, cliArgv(args), { cwd: ROOT, limitMs: CLI_LIMIT_MS, ...options });
}

/**
 * Runs `gilscope <args>` to completion and resolves with its exit code (or signal) and output,
 * whatever the code; rejects only when it ran past `limitMs` (then it is killed with all it started).
 */
export function cliResult(args: readonly string[], limitMs = CLI_LIMIT_MS): Promise<Ran> {
  return startCli(args, { limitMs }).done;
}
