/**
 * Thread roles of a timed Node command: when the command is Node, `gilscope time` adds a preload
 * (node-preload.cts, through NODE_OPTIONS `--require`) that writes each Node process's JS thread,
 * libuv pool and worker_threads' JS threads to a file; this module decides when to add it, adds it,
 * and reads the file back.
 *
 * The rule for "the command is Node": its program's basename is `node` or `node` followed by digits
 * (node20, node22), or the program, found on PATH as a shell would, is the same file as
 * process.execPath (after resolving symlinks). Any other command runs as before, without a preload.
 */
import { existsSync, mkdtempSync, readFileSync, realpathSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import type { TimeRole } from '../types.js';
import { packageRoot } from '../util/package-root.js';

/** What the preload said about one process. */
export interface NodeProcessRoles {
  readonly js: number | null;
  readonly pool: ReadonlySet<number>;
  readonly workers: ReadonlySet<number>;
  /** Wall time of the preload's own code on the JS thread (an upper bound of its CPU); null: not reported. */
  readonly preloadCostNs: number | null;
}

export type NodeRoles = ReadonlyMap<number, NodeProcessRoles>;

function onPath(program: string, env: NodeJS.ProcessEnv): string | null {
  if (program.includes('/')) return existsSync(program) ? program : null;
  for (const dir of (env['PATH'] ?? '').split(delimiter)) {
    const candidate = join(dir || '.', program);
    try {
      if (statSync(candidate).isFile()) return candidate;
    } catch {
      // not here
    }
  }
  return null;
}

/** Whether `program` is Node by the rule above. */
export function isNodeCommand(program: string, env: NodeJS.ProcessEnv = process.env): boolean {
  if (/^node\d*$/.test(basename(program))) return true;
  const found = onPath(program, env);
  if (found === null) return false;
  try {
    return realpathSync(found) === realpathSync(process.execPath);
  } catch {
    return false;
  }
}

/** The compiled preload: next to this module in dist/, or in the package's dist/ when run from src/. */
export function preloadPath(): string | null {
  const here = fileURLToPath(new URL('./node-preload.cjs', import.meta.url));
  const dist = join(packageRoot, 'dist', 'src', 'time', 'node-preload.cjs');
  return [here, dist].find((p) => existsSync(p)) ?? null;
}

/** A NODE_OPTIONS value quoted for Node's own parser (double quotes, with \ and " escaped). */
function quoted(path: string): string {
  return `"${path.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

/** An environment with the preload added (NODE_OPTIONS appended to), and where it will write. */
export function withPreload(env: NodeJS.ProcessEnv, preload: string): { env: NodeJS.ProcessEnv; file: string } {
  const dir = mkdtempSync(join(tmpdir(), 'gilscope-time-roles-'));
  const file = join(dir, 'roles.jsonl');
  const options = [env['NODE_OPTIONS'], `--require ${quoted(preload)}`].filter((x) => x).join(' ');
  return { env: { ...env, NODE_OPTIONS: options, GILSCOPE_TIME_ROLES: file }, file };
}

/** Reads what the preloads wrote, then removes the file; a missing or torn line is skipped. */
export function readRoles(file: string): NodeRoles {
  const roles = new Map<number, { js: number | null; pool: Set<number>; workers: Set<number>; cost: number | null }>();
  let text = '';
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    // no Node process started, or none reached its preload
  }
  rmSync(join(file, '..'), { recursive: true, force: true });
  for (const line of text.split('\n')) {
    let o: Record<string, unknown>;
    try {
      o = JSON.parse(line) as Record<string, unknown>;
    } catch {
      continue;
    }
    if (typeof o['pid'] !== 'number') continue;
    const r = roles.get(o['pid']) ?? { js: null, pool: new Set(), workers: new Set(), cost: null };
    roles.set(o['pid'], r);
    if (typeof o['js'] === 'number') r.js = o['js'];
    if (Array.isArray(o['pool'])) for (const t of o['pool']) if (typeof t === 'number') r.pool.add(t);
    if (typeof o['worker'] === 'number') r.workers.add(o['worker']);
    if (typeof o['preloadCostNs'] === 'number') r.cost = o['preloadCostNs'];
  }
  return new Map(
    [...roles].map(([pid, r]) => [pid, { js: r.js, pool: r.pool, workers: r.workers, preloadCostNs: r.cost }]),
  );
}

/** A thread's role, or undefined when its process had no preload (not Node, or not reached). */
export function roleOf(roles: NodeRoles, pid: number, tid: number): TimeRole | undefined {
  const r = roles.get(pid);
  if (!r) return undefined;
  if (tid === r.js) return 'js';
  if (r.pool.has(tid)) return 'pool';
  if (r.workers.has(tid)) return 'worker';
  return 'other';
}
