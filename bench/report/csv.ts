/** results.csv: one row per configuration, one column per figure (an empty field where it has none). */
import type { BenchResults, ConfigResult } from '../model/results.js';

/** Each column: its header and its value in a configuration, in column order. */
const COLUMNS: readonly (readonly [string, (c: ConfigResult) => unknown])[] = [
  ['key', (c) => c.key],
  ['experiments', (c) => c.experiments.join(' ')],
  ['kind', (c) => c.kind],
  ['kernel', (c) => c.kernel],
  ['mode', (c) => c.mode],
  ['tasks', (c) => c.tasks],
  ['threads', (c) => c.threads],
  ['poolSize', (c) => c.poolSize],
  ['switchIntervalUs', (c) => c.switchIntervalUs],
  ['forcedSwitching', (c) => c.forcedSwitching],
  ['metric', (c) => c.metric.name],
  ['n', (c) => c.summary.n],
  ['median', (c) => c.summary.median],
  ['min', (c) => c.summary.min],
  ['max', (c) => c.summary.max],
  ['mad', (c) => c.summary.mad],
  ['ciLo', (c) => c.summary.ci.lo],
  ['ciHi', (c) => c.summary.ci.hi],
  ['ciLevel', (c) => c.summary.ci.level],
  ['throughputPerS', (c) => c.throughputPerS],
  ['speedup', (c) => c.speedup?.value],
  ['speedupCiLo', (c) => c.speedup?.ci.lo],
  ['speedupCiHi', (c) => c.speedup?.ci.hi],
  ['efficiency', (c) => c.efficiency],
  ['cpuPerWall', (c) => c.cpuPerWall],
  ['parallelism', (c) => c.parallelism],
  ['readingKind', (c) => c.reading?.kind],
  ['reading', (c) => c.reading?.sentence],
  ['cpuNs', (c) => c.breakdown?.cpuNs],
  ['runQueueNs', (c) => c.breakdown?.runQueueNs],
  ['lockWaitNs', (c) => c.breakdown?.lockWaitNs],
  ['lockWakeNs', (c) => c.breakdown?.lockWakeNs],
  ['blockedNs', (c) => c.breakdown?.blockedNs],
  ['queueNs', (c) => c.breakdown?.queueNs],
  ['taskWallNs', (c) => c.breakdown?.taskWallNs],
  ['partsAddUp', (c) => (c.breakdown ? c.breakdown.check.ok : null)],
  ['eventLoopDelayP99Ns', (c) => c.eventLoop?.delayP99Ns],
  ['eventLoopDelayMaxNs', (c) => c.eventLoop?.delayMaxNs],
  ['handoffs', (c) => c.lock?.handoffs],
  ['handoffsPerSecond', (c) => c.lock?.handoffsPerSecond],
  ['convoyP99Ns', (c) => c.probe?.convoyP99Ns],
  ['params', (c) => (c.params ? JSON.stringify(c.params) : null)],
];

function csvField(v: unknown): string {
  if (v === null || v === undefined) return '';
  const s = typeof v === 'number' ? (Number.isFinite(v) ? String(v) : '') : String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function csvReport(results: BenchResults): string {
  const lines = [COLUMNS.map(([name]) => name).join(',')];
  for (const c of results.configurations) lines.push(COLUMNS.map(([, value]) => csvField(value(c))).join(','));
  return lines.join('\n') + '\n';
}
