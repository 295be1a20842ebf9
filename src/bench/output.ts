/** Writing result files: each written whole to a temporary file, then renamed into place. */
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** Writes `data` to `path` atomically: a reader sees the old file or the whole new one, never a part. */
export function writeAtomic(path: string, data: string): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.tmp-${process.pid}-${Date.now()}`;
  try {
    writeFileSync(tmp, data);
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}

/** bench/results/<timestamp>/ under `cwd`, the timestamp safe in file names (2026-11-25T08-30-00Z). */
export function defaultOutDir(cwd = process.cwd(), now = new Date()): string {
  const stamp = now
    .toISOString()
    .replace(/\.\d+Z$/, 'Z')
    .replace(/:/g, '-');
  return resolve(join(cwd, 'bench', 'results', stamp));
}
