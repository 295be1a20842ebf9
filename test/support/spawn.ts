/**
 * A child process a test starts, watches and bounds in time: it is killed, with all it started,
 * once its limit has passed, or whenever the test calls killGroup.
 */
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';

/** How a child ended, with all it printed. */
export interface Ran {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface SpawnCollectingOptions extends Omit<SpawnOptions, 'stdio' | 'detached'> {
  /**
   * The hard bound in ms: past it the child's group is killed and `done` rejects, naming the bound
   * and the output so far. Without it the child runs until it ends or the test kills it.
   */
  readonly limitMs?: number;
  /** 'pipe' to write to the child's stdin (child.stdin); by default it reads nothing. */
  readonly stdin?: 'ignore' | 'pipe';
}

export interface Spawned {
  readonly child: ChildProcess;
  /** Its stdout and stderr so far, interleaved as they came. */
  readonly output: () => string;
  /** Its stdout so far. */
  readonly stdout: () => string;
  /** Its stderr so far. */
  readonly stderr: () => string;
  /** Settles once it has exited (code, or the signal that ended it); its output may still be arriving. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Settles once it has exited and its output is all read; rejects if it failed to start or ran past limitMs. */
  readonly done: Promise<Ran>;
  /** Resolves once its stdout has contained `text`; rejects if it ends first. */
  readonly saw: (text: string) => Promise<void>;
  /** SIGKILL to its whole process group (it is started as a group leader): it and what it started. */
  readonly killGroup: () => void;
}

/**
 * Starts `command args` detached (its own session and process group, with no controlling terminal:
 * a signal the test sends is one the child must handle or forward, and what it started can be found
 * and ended after it has gone) with stdout and stderr collected.
 */
export function spawnCollecting(
  command: string,
  args: readonly string[],
  options: SpawnCollectingOptions = {},
): Spawned {
  const { limitMs, stdin = 'ignore', ...rest } = options;
  const child = spawn(command, args, { ...rest, detached: true, stdio: [stdin, 'pipe', 'pipe'] });
  let text = '';
  let stdout = '';
  let stderr = '';
  const waiters: { text: string; resolve: () => void }[] = [];
  child.stdout!.setEncoding('utf8').on('data', (d: string) => {
    text += d;
    stdout += d;
    for (const w of waiters) if (stdout.includes(w.text)) w.resolve();
  });
  child.stderr!.setEncoding('utf8').on('data', (d: string) => {
    text += d;
    stderr += d;
  });
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
  const done = new Promise<Ran>((resolve, reject) => {
    const timer =
      limitMs === undefined
        ? undefined
        : setTimeout(() => {
            killGroup();
            reject(new Error(`${command} ${args.join(' ')} ran past its ${limitMs} ms bound; its output:\n${text}`));
          }, limitMs);
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.once('close', (code: number | null, signal: NodeJS.Signals | null) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
  done.catch(() => {}); // a test that never awaits `done` must not fail on its rejection
  const saw = (wanted: string): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      if (stdout.includes(wanted)) return resolve();
      waiters.push({ text: wanted, resolve });
      const ended = (): void =>
        reject(new Error(`it ended before printing ${JSON.stringify(wanted)}; its output:\n${text}`));
      done.then(ended, ended);
    });
  return { child, output: () => text, stdout: () => stdout, stderr: () => stderr, exited, done, saw, killGroup };
}
