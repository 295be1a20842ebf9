/** The provenance block of every results file: machine, versions, pool size, clocks, load, commit. */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism, cpus, hostname, loadavg, release, totalmem } from 'node:os';
import { join } from 'node:path';

import { addonPath, poolSize } from '../src/index.js';
import { addonNapiVersion, packageRoot } from '../src/internal.js';
import type { BenchContext } from './model/results.js';

function git(args: string[]): string | null {
  try {
    return execFileSync('git', args, {
      cwd: packageRoot,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      timeout: 5000,
    }).trim();
  } catch {
    return null;
  }
}

function packageVersion(): string {
  try {
    return (JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

export function collectContext(): BenchContext {
  const list = cpus();
  const commit = git(['rev-parse', 'HEAD']);
  const status = commit === null ? null : git(['status', '--porcelain', '--untracked-files=no']);
  return {
    cpuModel: list[0]?.model.trim() ?? 'unknown',
    cores: list.length,
    availableParallelism: availableParallelism(),
    memoryBytes: totalmem(),
    os: { platform: process.platform, release: release(), arch: process.arch },
    versions: {
      node: process.versions.node,
      v8: process.versions.v8,
      uv: process.versions.uv ?? 'unknown',
      napi: process.versions.napi ?? null,
      gilscope: packageVersion(),
    },
    poolSize: poolSize(),
    clocks: {
      wall: 'CLOCK_MONOTONIC (process.hrtime.bigint and the addon)',
      taskCpu: 'CLOCK_THREAD_CPUTIME_ID, read on the thread that ran the task',
      runQueue: '/proc/thread-self/schedstat (run-queue wait)',
      processCpu: 'getrusage(RUSAGE_SELF)',
      micro: 'benchmark.js (process.hrtime)',
      addonNapiVersion: String(addonNapiVersion()),
    },
    loadAverage: loadavg(),
    gitCommit: commit,
    gitDirty: status === null ? null : status.length > 0,
    addonPath: addonPath(),
    hostname: hostname(),
  };
}
