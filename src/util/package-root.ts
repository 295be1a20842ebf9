/**
 * The package's root folder (the one holding gilscope's package.json), found by walking up from
 * this file: the same answer from the TypeScript sources (src/util/) and from the compiled
 * package (dist/src/util/), where counting '..' would differ.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function isGilscopeRoot(dir: string): boolean {
  const file = join(dir, 'package.json');
  if (!existsSync(file)) return false;
  try {
    return (JSON.parse(readFileSync(file, 'utf8')) as { name?: unknown }).name === 'gilscope';
  } catch {
    return false;
  }
}

function find(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (isGilscopeRoot(dir)) return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error(`gilscope: no package.json of gilscope above ${fileURLToPath(import.meta.url)}`);
    dir = up;
  }
}

/** The package root, as an absolute path (found once). */
export const packageRoot: string = find();
