/**
 * What this process holds, as the OS sees it: resident memory, open file descriptors, threads and
 * live child processes (from /proc). The soak (bench/soak/main.ts) and the leak test (test/89)
 * sample it between rounds.
 */
import { readdirSync, readFileSync } from 'node:fs';

export interface ResourceSample {
  /** ms since the sampler's start (monotonic). */
  readonly atMs: number;
  readonly rssBytes: number;
  readonly fds: number;
  readonly threads: number;
  /** This process's children that have not exited (zombies counted apart). */
  readonly children: number;
  readonly zombies: number;
}

function children(): { live: number; zombies: number } {
  let live = 0;
  let zombies = 0;
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[1]) !== process.pid) continue;
      if (fields[0] === 'Z') zombies++;
      else live++;
    } catch {
      // gone meanwhile
    }
  }
  return { live, zombies };
}

const originMs = performance.now();

/** One sample of this process now. */
export function sampleResources(): ResourceSample {
  const status = readFileSync('/proc/self/status', 'utf8');
  const rssKb = Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? 0);
  const { live, zombies } = children();
  return {
    atMs: Math.round(performance.now() - originMs),
    rssBytes: rssKb * 1024,
    fds: readdirSync('/proc/self/fd').length,
    threads: readdirSync('/proc/self/task').length,
    children: live,
    zombies,
  };
}
