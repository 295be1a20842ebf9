/**
 * `gilscope bench --trace DIR`: one Chrome trace per configuration that runs gilscope batches, from
 * one extra traced run after its measured ones. Files are named by experiment, kernel, mode and
 * tasks, plus what else tells two configurations apart (switch interval and switching, wait, pool
 * size, flood), e.g. `cpu-modes_primes_gil_t2_i5000us_forced.json`.
 */
import { join } from 'node:path';

import { toChromeTrace } from '../../src/index.js';
import type { BatchReport } from '../../src/index.js';
import { writeAtomic } from '../../src/internal.js';
import type { ConfigSpec, TracesResult } from '../model/results.js';

const safe = (s: string): string =>
  s
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '');

/** The file name (without directory) for `spec`, first used by the experiment `slug`. */
export function traceFileName(spec: ConfigSpec, slug: string): string {
  const parts = [slug, spec.kernel ?? 'none', spec.mode, `t${spec.tasks}`];
  if (spec.kernel === 'mixed' && spec.params) parts.push(`wait${spec.params['waitUs']}us`);
  if (spec.kernel === 'sleep' && spec.params) parts.push(`sleep${spec.params['us']}us`);
  if (spec.switchIntervalUs !== null) parts.push(`i${spec.switchIntervalUs}us`);
  if (spec.forcedSwitching !== null) parts.push(spec.forcedSwitching ? 'forced' : 'unforced');
  if (spec.threads !== null) parts.push(`pool${spec.threads}`);
  if (spec.kind === 'flood') parts.push('flood');
  return `${parts.map(safe).join('_')}.json`;
}

/** Writes traces into one directory, each atomically, never two under one name. */
export class TraceWriter {
  private readonly taken = new Set<string>();
  private readonly files: { key: string; file: string; events: number; droppedEvents: number }[] = [];

  constructor(readonly dir: string) {}

  write(spec: ConfigSpec, slug: string, report: BatchReport): string {
    let file = traceFileName(spec, slug);
    for (let i = 2; this.taken.has(file); i++) file = traceFileName(spec, slug).replace(/\.json$/, `_${i}.json`);
    this.taken.add(file);
    const trace = toChromeTrace(report);
    writeAtomic(join(this.dir, file), JSON.stringify(trace) + '\n');
    const events = report.taskReports.reduce((n, t) => n + (t.trace?.events.length ?? 0), 0);
    this.files.push({ key: spec.key, file, events, droppedEvents: report.timeline?.droppedEvents ?? 0 });
    return file;
  }

  result(): TracesResult {
    return { dir: this.dir, files: [...this.files] };
  }
}
