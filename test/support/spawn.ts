/** A child process a test starts, watches and, should the test fail, kills with all it started. */
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';

export interface Spawned {
  readonly child: ChildProcess;
  /** Its stdout and stderr so far, interleaved as they came. */
  readonly output: () => string;
  /** Settles once it has exited (code, or the signal that ended it). */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGKILL to its whole process group (it is started as a group leader): it and what it started. */
  readonly killGroup: () => void;
}

/**
 * Starts `command args` detached (its own process group, so that what it started can be found and
 * ended after it has gone) with stdout and stderr collected.
 */
export function spawnCollecting(command: string, args: readonly string[], options: SpawnOptions = {}): Spawned {
  const child = spawn(command, args, { ...options, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  child.stdout!.on('data', (d: Buffer) => (text += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (text += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const killGroup = (): void => {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // already gone
    }
  };
  return { child, output: () => text, exited, killGroup };
}
