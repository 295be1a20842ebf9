/**
 * The soak: random batches (every mode, kernel and a random task count; some traced, some aborted,
 * some with a host killed mid-task) for a set time, with this process's resources sampled every
 * few seconds between batches, and every QUIET_EVERY-th sample taken with the host pools ended
 * (what such a sample sees is what stayed behind). The warm-up runs every mode once, traced, then
 * random batches for a quarter of the run (at most a minute). After it, the run fails (exit code 1)
 * when a quiet sample passes a bound:
 *   - open fds and threads: at most the warm-up baseline + FD_SLACK / THREAD_SLACK;
 *   - child processes: none left (and no zombie);
 *   - RSS: the least-squares slope over the quiet samples after the warm-up under RSS_SLOPE_MIB_PER_MIN,
 *     when they span RSS_MIN_SPAN_MS (so not in the 60 s CI run, which says so).
 * Usage: node dist/bench/soak/main.js [--seconds N | --minutes N] [--seed N]   (npm run soak: 10 min)
 */
import { linearRegression } from 'simple-statistics';

import { batch, type BatchOptions, type KernelName, type Mode } from '../../src/index.js';
import { endPool, killBusyHost, liveChildPids } from '../../src/internal.js';
import { sampleResources, type ResourceSample } from './sample.js';

export const FD_SLACK = 4;
export const THREAD_SLACK = 4;
export const RSS_SLOPE_MIB_PER_MIN = 8;
/** The RSS slope is checked over at least this long after the warm-up (4 minutes). */
const RSS_MIN_SPAN_MS = 240_000;
const SAMPLE_EVERY_MS = 3000;
const QUIET_EVERY = 4;
const MODES: readonly Mode[] = ['held', 'released', 'gil', 'worker', 'process', 'native'];

/** mulberry32: a small seeded generator, so that a failing run can be replayed with its seed. */
function generator(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const KERNELS: readonly { kernel: KernelName; params: Record<string, number> }[] = [
  { kernel: 'noop', params: {} },
  { kernel: 'primes', params: { n: 20_000 } },
  { kernel: 'spin', params: { cpuUs: 20_000 } },
  { kernel: 'sleep', params: { us: 20_000 } },
  { kernel: 'mixed', params: { computeUs: 2000, waitUs: 2000, repeats: 3 } },
  { kernel: 'hash', params: { bytes: 1 << 16, rounds: 2 } },
  { kernel: 'stream', params: { bytes: 1 << 20, passes: 1 } },
];

interface Tally {
  batches: number;
  aborted: number;
  killed: number;
  traced: number;
}

/** One random batch; an abort or a killed host is an expected failure, anything else is thrown. */
async function randomBatch(random: () => number, tally: Tally): Promise<void> {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
  const mode = pick(MODES);
  const { kernel, params } = pick(KERNELS);
  const trace = random() < 0.25;
  const ac = new AbortController();
  const hosted = mode === 'worker' || mode === 'process';
  const tasks = 1 + Math.floor(random() * 8);
  const threads = hosted ? { threads: 1 + Math.floor(random() * 4) } : {};
  const options = { kernel, params, mode, tasks, ...threads, trace, signal: ac.signal };
  const fault = random();
  const p = batch(options as BatchOptions<KernelName>);
  tally.batches++;
  if (trace) tally.traced++;
  if (fault < 0.15 && mode !== 'held') setTimeout(() => ac.abort(), Math.floor(random() * 30));
  if (fault >= 0.15 && fault < 0.25 && hosted) setTimeout(() => killBusyHost(mode) && tally.killed++, 15);
  try {
    await p;
  } catch (err) {
    const e = err as Error;
    if (e.name === 'AbortError') tally.aborted++;
    // A host killed mid-task, or (the kill landed on a replacement still starting) before it was ready.
    else if (
      !/failed: its (worker|process) (exited|was killed|could not start)|could not start .*SIGKILL/.test(e.message)
    ) {
      throw err;
    }
  }
}

interface Sample extends ResourceSample {
  /** Taken with the host pools ended. */
  readonly quiet: boolean;
}

async function sampleQuiet(): Promise<Sample> {
  await endPool('worker');
  await endPool('process');
  return { ...sampleResources(), quiet: true };
}

/** Every mode once, traced, and an aborted batch: what first use opens once is open before the baseline. */
async function firstUses(): Promise<void> {
  for (const mode of MODES) await batch({ kernel: 'primes', params: { n: 1000 }, mode, tasks: 2, trace: true });
  const ac = new AbortController();
  setTimeout(() => ac.abort(), 20);
  await batch({ kernel: 'spin', params: { cpuUs: 500_000 }, mode: 'released', tasks: 2, signal: ac.signal }).catch(
    () => undefined,
  );
}

const mib = (b: number): number => Math.round((b / 2 ** 20) * 10) / 10;

function summary(samples: readonly ResourceSample[]): Record<string, { start: number; end: number; max: number }> {
  const row = (f: (s: ResourceSample) => number): { start: number; end: number; max: number } => ({
    start: f(samples[0]!),
    end: f(samples.at(-1)!),
    max: Math.max(...samples.map(f)),
  });
  return {
    rssMiB: row((s) => mib(s.rssBytes)),
    fds: row((s) => s.fds),
    threads: row((s) => s.threads),
    children: row((s) => s.children + s.zombies),
  };
}

/** The bounds a run's samples after the warm-up passed, as sentences (empty: none). */
export function boundsPassed(base: ResourceSample, after: readonly ResourceSample[]): string[] {
  const out: string[] = [];
  for (const s of after) {
    if (s.fds > base.fds + FD_SLACK) out.push(`at ${s.atMs} ms: ${s.fds} fds, baseline ${base.fds} + ${FD_SLACK}`);
    if (s.threads > base.threads + THREAD_SLACK) {
      out.push(`at ${s.atMs} ms: ${s.threads} threads, baseline ${base.threads} + ${THREAD_SLACK}`);
    }
    if (s.children > base.children || s.zombies > 0) {
      out.push(`at ${s.atMs} ms: ${s.children} children and ${s.zombies} zombies left between rounds`);
    }
  }
  // A slope needs a span: over less than RSS_MIN_SPAN_MS it says more about the heap settling.
  const spanMs = after.length > 0 ? after.at(-1)!.atMs - after[0]!.atMs : 0;
  if (spanMs < RSS_MIN_SPAN_MS) {
    console.log(`soak: RSS slope not checked (${Math.round(spanMs / 1000)} s after the warm-up; it needs 240 s)`);
  } else {
    const perMs = linearRegression(after.map((s) => [s.atMs, s.rssBytes])).m;
    const slope = (perMs * 60_000) / 2 ** 20;
    console.log(`soak: RSS slope after the warm-up ${slope.toFixed(2)} MiB/min over ${Math.round(spanMs / 1000)} s`);
    if (slope > RSS_SLOPE_MIB_PER_MIN) out.push(`RSS grew ${slope.toFixed(1)} MiB/min, bound ${RSS_SLOPE_MIB_PER_MIN}`);
  }
  return out;
}

function parseArgs(argv: readonly string[]): { seconds: number; seed: number } {
  const value = (name: string): number | undefined => {
    const i = argv.indexOf(name);
    if (i < 0) return undefined;
    const n = Number(argv[i + 1]);
    if (!Number.isFinite(n) || n <= 0)
      throw new RangeError(`${name} must be a positive number, received ${argv[i + 1]}`);
    return n;
  };
  const seconds = value('--seconds') ?? (value('--minutes') ?? 10) * 60;
  return { seconds, seed: value('--seed') ?? Math.floor(Math.random() * 2 ** 31) };
}

async function main(): Promise<void> {
  const { seconds, seed } = parseArgs(process.argv.slice(2));
  const random = generator(seed);
  const warmUpMs = Math.min(60_000, seconds * 250); // a quarter of the run, at most a minute
  const tally: Tally = { batches: 0, aborted: 0, killed: 0, traced: 0 };
  const samples: Sample[] = [await sampleQuiet()];
  await firstUses();
  samples.push(await sampleQuiet()); // the earliest the baseline can be
  console.log(
    `soak: ${seconds} s, seed ${seed}, warm-up ${warmUpMs / 1000} s, sampling every ${SAMPLE_EVERY_MS / 1000} s`,
  );
  const startMs = Date.now();
  let nextSampleMs = startMs + SAMPLE_EVERY_MS;
  while (Date.now() - startMs < seconds * 1000) {
    await randomBatch(random, tally);
    if (Date.now() >= nextSampleMs) {
      samples.push(samples.length % QUIET_EVERY === 0 ? await sampleQuiet() : { ...sampleResources(), quiet: false });
      nextSampleMs = Date.now() + SAMPLE_EVERY_MS;
    }
  }
  samples.push(await sampleQuiet());
  const quiet = samples.filter((s) => s.quiet);
  const firstAfter = quiet.findIndex((s, i) => i >= 2 && s.atMs - samples[0]!.atMs >= warmUpMs);
  const base = quiet[Math.max(1, firstAfter - 1)]!;
  const passed =
    firstAfter <= 0 ? ['no quiet sample after the warm-up: run longer'] : boundsPassed(base, quiet.slice(firstAfter));
  const after = firstAfter > 0 ? quiet.slice(firstAfter) : [];
  const rssChecked = after.length > 0 && after.at(-1)!.atMs - after[0]!.atMs >= RSS_MIN_SPAN_MS;
  const counts = { samples: samples.length, quietSamples: quiet.length };
  console.log(JSON.stringify({ seed, seconds, ...tally, ...counts, all: summary(samples), quiet: summary(quiet) }));
  console.log(`children still tracked: ${liveChildPids().length}`);
  if (passed.length > 0) {
    console.error(`soak: FAILED\n  ${passed.join('\n  ')}`);
    process.exitCode = 1;
  } else {
    console.log(
      `soak: ok (fds <= ${base.fds}+${FD_SLACK}, threads <= ${base.threads}+${THREAD_SLACK}, no child left` +
        (rssChecked ? `, RSS slope < ${RSS_SLOPE_MIB_PER_MIN} MiB/min after the warm-up)` : '; RSS slope not checked)'),
    );
  }
}

await main();
