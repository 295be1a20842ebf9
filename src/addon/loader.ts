/**
 * The one loader of the native addon. Lookup order:
 *   1. `GILSCOPE_ADDON` (an explicit path, used by CI to test the cmake-js build),
 *   2. `build/Release/gilscope.node` (node-gyp, what `npm install` builds),
 *   3. `build-cmake/Release/gilscope.node` (cmake-js: `npm run build:cmake`),
 *   4. `build/Debug/gilscope.node`.
 * When none loads, one error says how to build. The gilscope-wait helper is found next to the addon.
 */
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

import { packageRoot } from '../util/package-root.js';
import { checkNodeVersion } from './node-version.js';
import { checkLayout, wrapAddon } from './record.js';
import type { NativeAddon } from './types.js';

/**
 * The addon a build directory holds (node-gyp's and cmake-js's layout: `<dir>/<config>/gilscope.node`),
 * relative paths taken from the package root. The scripts that build into their own directories
 * (.ci/run, tools/test-asan.sh, tools/node-versions.sh) ask tools/addon-path.ts, which calls this.
 */
export function addonIn(buildDir: string, config: 'Release' | 'Debug' = 'Release'): string {
  return resolve(packageRoot, buildDir, config, 'gilscope.node');
}

/** Where the addon may be, in lookup order. */
export function addonCandidates(): string[] {
  const list: string[] = [];
  const explicit = process.env['GILSCOPE_ADDON'];
  if (explicit) list.push(resolve(explicit));
  list.push(addonIn('build'), addonIn('build-cmake'), addonIn('build', 'Debug'));
  return list;
}

let cached: { addon: NativeAddon; path: string } | undefined;

function load(): { addon: NativeAddon; path: string } {
  if (cached) return cached;
  checkNodeVersion();
  const require = createRequire(import.meta.url);
  const explicit = process.env['GILSCOPE_ADDON'];
  const failures: string[] = [];
  for (const path of addonCandidates()) {
    if (!existsSync(path)) {
      if (explicit && resolve(explicit) === path)
        failures.push(`${path}: GILSCOPE_ADDON names a file that does not exist`);
      continue;
    }
    try {
      const raw = require(path) as Record<string, unknown>;
      checkLayout(raw, path);
      cached = { addon: wrapAddon(raw), path };
      return cached;
    } catch (err) {
      failures.push(`${path}: ${(err as Error).message}`);
    }
    if (explicit) break; // an explicit choice is never silently replaced by another build
  }
  throw new Error(
    'gilscope: the native addon is not built' +
      (failures.length ? ` or failed to load:\n  ${failures.join('\n  ')}` : '.') +
      '\nBuild it with `npm install` (node-gyp) or `npm run build:cmake` (cmake-js), from the package root ' +
      packageRoot,
  );
}

/** The loaded addon (loaded on first use). */
export function native(): NativeAddon {
  return load().addon;
}

/** The file the addon was loaded from. */
export function addonPath(): string {
  return load().path;
}

/**
 * gilscope-wait, the small executable that runs a command for `gilscope time` and reports its
 * wait4() rusage (native/helper/wait.cc). Both builds put it next to the addon, so it comes from
 * the same build as the addon in use.
 */
export function waitHelperPath(): string {
  return helperPath('gilscope-wait');
}

/**
 * gilscope-host, the small executable that process hosts are started through: it sets the kernel's
 * parent-death signal before exec'ing node, so no host outlives this process (native/helper/host.cc).
 */
export function hostLauncherPath(): string {
  return helperPath('gilscope-host');
}

function helperPath(name: string): string {
  const path = join(dirname(addonPath()), name);
  if (!existsSync(path)) {
    throw new Error(
      `gilscope: the helper ${path} is not built (it comes with the addon).\n` +
        'Build it with `npm install` (node-gyp) or `npm run build:cmake` (cmake-js), from the package root ' +
        packageRoot,
    );
  }
  return path;
}
