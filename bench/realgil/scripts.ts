/**
 * The Python scripts shipped in bench/python/ and how one is run: in a child process, bounded in
 * time, ended on abort; its stdout must be exactly one JSON document of the expected kind.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The document schema every script prints (bench/python/gilscope_common.py). */
export const PYTHON_SCHEMA = 'gilscope-python/1';

/** bench/python/, found from this module whether it runs from the sources or from dist/. */
export function pythonScriptsDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const candidate = join(dir, 'bench', 'python');
    if (existsSync(join(candidate, 'gilscope_common.py'))) return candidate;
    if (existsSync(join(dir, 'python', 'gilscope_common.py'))) return join(dir, 'python');
    dir = dirname(dir);
  }
  throw new Error('gilscope: bench/python/ (the Python scripts) is missing from this installation');
}

/** One script's document. */
export interface PythonDocument {
  readonly schema: string;
  readonly kind: string;
  readonly interpreter: Record<string, unknown>;
  readonly parameters: Record<string, unknown>;
  readonly results: readonly Record<string, unknown>[];
}

/** Checks that `text` is one document of `kind`; throws an Error saying what is wrong. */
export function parseDocument(text: string, kind: string): PythonDocument {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw new Error(`the ${kind} script did not print one JSON document`);
  }
  const d = doc as Partial<PythonDocument> | null;
  if (!d || d.schema !== PYTHON_SCHEMA || d.kind !== kind || !Array.isArray(d.results))
    throw new Error(`the ${kind} script printed a document of another shape (schema ${String(d?.schema)})`);
  return d as PythonDocument;
}

/** Runs bench/python/<script> in `python` with `args`; resolves with its document. */
export function runScript(
  python: string,
  script: string,
  kind: string,
  args: readonly string[],
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<PythonDocument> {
  const path = join(pythonScriptsDir(), script);
  return new Promise((resolve, reject) => {
    execFile(
      python,
      [path, ...args],
      { timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: 16 << 20, ...(signal ? { signal } : {}) },
      (err, stdout, stderr) => {
        if (err) {
          const last = String(stderr).trim().split('\n').pop() ?? '';
          reject(new Error(`${script} failed: ${last || err.message}`));
          return;
        }
        try {
          resolve(parseDocument(String(stdout), kind));
        } catch (e) {
          reject(e as Error);
        }
      },
    );
  });
}
