/**
 * Which Python the real-GIL comparison runs in: `--python PATH`, else `python3` on PATH, else none.
 * Detection runs the interpreter once, bounded, and asks it to describe itself with the same code the
 * scripts report with (bench/python/gilscope_common.py): a PATH that does not answer as a Python 3
 * interpreter is a RangeError naming it.
 */
import { execFileSync } from 'node:child_process';
import { accessSync, constants, existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';

import type { PythonInterpreter } from '../model/results.js';
import { pythonScriptsDir } from './scripts.js';

/** The longest detection may take (a cold interpreter on a loaded machine starts in well under this). */
export const DETECT_TIMEOUT_MS = 15_000;

/** `name` resolved on `PATH` (the first executable match), or null. */
export function onPath(name: string, path = process.env['PATH'] ?? ''): string | null {
  for (const dir of path.split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return null;
}

const DESCRIBE = (dir: string): string =>
  `import sys, json; sys.path.insert(0, ${JSON.stringify(dir)}); import gilscope_common as g; ` +
  'print(json.dumps(g.interpreter()))';

/** Runs `path` and returns its description; throws a RangeError naming `option` when it is not Python 3. */
export function detectPython(path: string, option = '--python'): PythonInterpreter {
  const bad = (why: string): RangeError =>
    new RangeError(`${option} must name a Python 3 interpreter, received ${JSON.stringify(path)}: ${why}`);
  if (path.includes('/') && !existsSync(path)) throw bad('no such file');
  let stdout: string;
  try {
    stdout = execFileSync(path, ['-c', DESCRIBE(pythonScriptsDir())], {
      timeout: DETECT_TIMEOUT_MS,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { stderr?: string };
    const detail = e.code === 'ENOENT' ? 'not found' : (e.stderr ?? '').trim().split('\n').pop() || e.message;
    throw bad(detail.split('\n')[0]!);
  }
  return parseDescription(stdout, path, bad);
}

/** The interpreter's self-description, checked: a Python 3 with every field the comparison records. */
function parseDescription(stdout: string, path: string, bad: (why: string) => RangeError): PythonInterpreter {
  let d: Record<string, unknown>;
  try {
    d = JSON.parse(stdout.trim().split('\n').pop() ?? '') as Record<string, unknown>;
  } catch {
    throw bad('it did not describe itself (not a Python interpreter?)');
  }
  const version = d['version'];
  if (typeof version !== 'string' || !/^3\./.test(version)) throw bad(`version ${String(version)}, not 3.x`);
  return {
    path,
    executable: String(d['executable'] ?? path),
    version,
    implementation: String(d['implementation'] ?? 'unknown'),
    gilEnabled: d['gilEnabled'] !== false,
    freeThreadedBuild: d['freeThreadedBuild'] === true,
    switchIntervalS: typeof d['switchIntervalS'] === 'number' ? d['switchIntervalS'] : 0.005,
  };
}

/** How the interpreter is labelled in the report. */
export function interpreterLabel(i: PythonInterpreter): string {
  const build = i.gilEnabled ? (i.freeThreadedBuild ? 'free-threaded build, GIL enabled' : 'GIL') : 'free-threaded';
  return `${i.implementation} ${i.version} (${build}) at ${i.executable}`;
}
