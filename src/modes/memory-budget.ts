/**
 * Whether a batch fits in memory, before it starts anything: its tasks' buffers and, in modes
 * 'worker' and 'process', the hosts it still has to start. One check for both, against the memory
 * this machine has available now (MemAvailable, capped by the cgroup's limit where there is one).
 */
import { readFileSync } from 'node:fs';

import type { KernelName } from '../types.js';

/** Share of the available memory that a batch may plan to take (its hosts grow once they run). */
export const MEMORY_BUDGET_FRACTION = 0.5;

/** Limits above this are "no limit" (cgroup v1 writes 2^63 rounded to a page). */
const NO_LIMIT_BYTES = 2 ** 60;

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** A /proc key-value file's field in kB (as in "MemAvailable:   123 kB"), in bytes; undefined if absent. */
export function kbField(text: string | undefined, key: string): number | undefined {
  const m = text?.match(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm'));
  return m ? Number(m[1]) * 1024 : undefined;
}

/** Room left under this process's cgroup memory limit (v2, else v1), in bytes; undefined when unlimited. */
export function cgroupHeadroomBytes(): number | undefined {
  const pairs = [
    ['/sys/fs/cgroup/memory.max', '/sys/fs/cgroup/memory.current'],
    ['/sys/fs/cgroup/memory/memory.limit_in_bytes', '/sys/fs/cgroup/memory/memory.usage_in_bytes'],
  ] as const;
  for (const [maxPath, usedPath] of pairs) {
    const max = Number(readText(maxPath)?.trim());
    const used = Number(readText(usedPath)?.trim());
    if (Number.isFinite(max) && Number.isFinite(used) && max < NO_LIMIT_BYTES) return Math.max(0, max - used);
  }
  return undefined;
}

/** The memory available now, and where the figure comes from. */
export interface AvailableMemory {
  readonly bytes: number;
  /** e.g. "MemAvailable" or "the cgroup's limit". */
  readonly source: string;
}

/** MemAvailable from /proc/meminfo, capped by the cgroup's headroom. */
export function availableMemory(): AvailableMemory {
  const memAvailable = kbField(readText('/proc/meminfo'), 'MemAvailable') ?? 0;
  const cgroup = cgroupHeadroomBytes();
  if (cgroup !== undefined && cgroup < memAvailable) {
    return { bytes: cgroup, source: "the room left under this process's cgroup memory limit" };
  }
  return { bytes: memAvailable, source: 'MemAvailable' };
}

/** A process's proportional set size (its private pages plus its share of shared ones), in bytes. */
export function pssBytes(pid: number | 'self'): number | undefined {
  return kbField(readText(`/proc/${pid}/smaps_rollup`), 'Pss');
}

/** Hosts a batch still has to start, and what one costs as measured from a first host. */
export interface HostsToStart {
  readonly kind: 'worker' | 'process';
  /** Hosts the batch's pool will have. */
  readonly total: number;
  /** Of those, the ones not running yet. */
  readonly toStart: number;
  readonly bytesEach: number;
  /** 'options.threads' when the caller sized the pool, else 'options.tasks' (one host per task). */
  readonly sizedBy: 'options.tasks' | 'options.threads';
}

const gib = (n: number): string => `${(n / 2 ** 30).toFixed(1)} GiB`;
const mib = (n: number): string => `${(n / 2 ** 20).toFixed(1)} MiB`;

function hostAdvice(h: HostsToStart, budget: number, buffersBytes: number): string {
  const fit = Math.max(0, Math.floor((budget - buffersBytes) / Math.max(1, h.bytesEach)) + h.total - h.toStart);
  return h.sizedBy === 'options.threads'
    ? `pass a smaller options.threads (about ${fit} hosts fit now)`
    : `pass options.threads to run the tasks on fewer hosts (about ${fit} fit now)`;
}

/**
 * Rejects (RangeError, before anything starts) a batch whose tasks' buffers running at once (each
 * hash or stream task allocates its `bytes` buffer), plus the hosts it still has to start, would
 * take more than MEMORY_BUDGET_FRACTION of the memory available now: such a batch ends in the OOM
 * killer, not in an error.
 */
export function checkMemory(
  kernel: KernelName,
  args: number[],
  concurrent: number,
  hosts?: HostsToStart,
  available: AvailableMemory = availableMemory(),
): void {
  const bytes = kernel === 'hash' || kernel === 'stream' ? args[0]! : 0;
  const buffersBytes = bytes * concurrent;
  const hostsBytes = hosts ? hosts.toStart * hosts.bytesEach : 0;
  const budget = Math.floor(available.bytes * MEMORY_BUDGET_FRACTION);
  if (buffersBytes + hostsBytes <= budget) return;
  const share = `${MEMORY_BUDGET_FRACTION * 100}%`;
  const of = `more than ${share} of the ${gib(available.bytes)} available (${available.source})`;
  if (hostsBytes === 0 || buffersBytes > budget) {
    throw new RangeError(
      `options.tasks: ${concurrent} ${kernel} tasks at once with params.bytes = ${bytes} need ${gib(buffersBytes)}, ` +
        `${of}; use fewer tasks, threads or bytes`,
    );
  }
  const h = hosts!;
  throw new RangeError(
    `${h.sizedBy}: ${h.total} ${h.kind} hosts` +
      (h.sizedBy === 'options.tasks' ? ' (one per task, as options.threads was not given)' : '') +
      ` would need an estimated ${gib(hostsBytes + buffersBytes)} ` +
      `(${h.toStart} to start at ${mib(h.bytesEach)} each, ` +
      `the PSS of a first host${buffersBytes > 0 ? `, plus ${gib(buffersBytes)} of task buffers` : ''}), ${of}; ` +
      `nothing was started; ${hostAdvice(h, budget, buffersBytes)}`,
  );
}
