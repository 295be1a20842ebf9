/** Running the `gilscope` CLI from its TypeScript sources, as the CLI tests do. */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

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
