/**
 * Comparing bench results configuration by configuration, each row judged against the noise between
 * runs where the files carry it (README "How compare decides"):
 *
 * - several files on each side: one median per file, Welch's t-test on their logarithms ("between
 *   files": the spread among the files is the noise between runs);
 * - one file a side (or a mix), every file with rounds: the round medians (`configs[].rounds`) of each
 *   side's files, the same test ("between rounds");
 * - otherwise (v1-v3 files, one round): the pooled samples, a Mann-Whitney U test and a bootstrap
 *   interval on the ratio of medians, as before ("within-run test only": it understates the noise).
 *
 * Every row's p-value is then adjusted across the rows (Benjamini-Hochberg); a change is flagged only
 * when the adjusted p (q) < alpha, the interval excludes 1 and the ratio is beyond the threshold.
 */
import { median } from 'simple-statistics';

import { describe } from '../../src/internal.js';
import { sig } from '../report/format.js';
import { mannWhitney, ratioOfMediansCi } from './stats.js';
import { benjaminiHochberg, welchLogRatio } from './welch.js';
import type { BenchResults, ConfigResult, Interval, Table } from '../model/results.js';

export { loadResults } from './load.js';

export interface CompareOptions {
  /** Smallest relative change worth flagging (0.05 = 5%). @default 0.05 */
  threshold?: number;
  /** Significance level of the test, after the Benjamini-Hochberg adjustment. @default 0.05 */
  alpha?: number;
}

/** What a row was judged against: see the header. */
export type Noise = 'between files' | 'between rounds' | 'within run';

export interface CompareRow {
  readonly key: string;
  readonly label: string;
  readonly metric: string;
  /** Medians of each side's samples (all its files together). */
  readonly medianA: number;
  readonly medianB: number;
  /**
   * b over a, above 1 is slower (every metric is a time): the ratio of the geometric means of the
   * per-run figures when judged between runs, the ratio of the medians when within one run.
   */
  readonly ratio: number;
  readonly ci: Interval;
  /** The test's own p-value, and q: it adjusted across the rows (Benjamini-Hochberg). */
  readonly p: number;
  readonly q: number;
  readonly noise: Noise;
  /** Per-run figures (files or rounds) or samples the test had on each side. */
  readonly n: { readonly a: number; readonly b: number };
  readonly verdict: 'slower' | 'faster' | 'no significant change' | 'not comparable';
  readonly note: string;
}

export interface Side {
  readonly createdAt: string;
  readonly commit: string | null;
  /** `partial`: the run was interrupted, so configurations may be missing from it. */
  readonly partial: boolean;
}

export interface Comparison {
  /** The first file of each side (`files` has them all). */
  readonly a: Side;
  readonly b: Side;
  readonly files: { readonly a: readonly Side[]; readonly b: readonly Side[] };
  readonly threshold: number;
  readonly alpha: number;
  readonly rows: readonly CompareRow[];
  readonly onlyInA: readonly string[];
  readonly onlyInB: readonly string[];
  readonly flagged: number;
}

/** One row's test before the adjustment across rows. */
interface Tested {
  readonly ratio: number;
  readonly ci: Interval;
  readonly p: number;
  readonly noise: Noise;
  readonly n: { readonly a: number; readonly b: number };
}

const roundsOf = (c: ConfigResult): readonly number[] | undefined => c.rounds;

/** The between-runs test where the files allow one, else the within-run test (see the header). */
function judge(as: readonly ConfigResult[], bs: readonly ConfigResult[], alpha: number): Tested {
  let noise: Noise = 'within run';
  let runsA: number[] = [];
  let runsB: number[] = [];
  if (as.length >= 2 && bs.length >= 2) {
    noise = 'between files';
    runsA = as.map((c) => c.summary.median);
    runsB = bs.map((c) => c.summary.median);
  } else if ([...as, ...bs].every((c) => (roundsOf(c)?.length ?? 0) >= 2)) {
    noise = 'between rounds';
    runsA = as.flatMap((c) => [...roundsOf(c)!]);
    runsB = bs.flatMap((c) => [...roundsOf(c)!]);
  }
  // No spread on either side (the same file twice) is no measured noise: the within-run test then.
  const spread = (xs: readonly number[]): boolean => xs.some((x) => x !== xs[0]);
  if (noise !== 'within run' && [...runsA, ...runsB].every((x) => x > 0) && (spread(runsA) || spread(runsB))) {
    const w = welchLogRatio(runsA, runsB, alpha);
    return { ratio: w.ratio, ci: w.ci, p: w.p, noise, n: { a: runsA.length, b: runsB.length } };
  }
  const sa = as.flatMap((c) => [...c.samples]);
  const sb = bs.flatMap((c) => [...c.samples]);
  const { ratio, ci } = ratioOfMediansCi(sa, sb);
  return { ratio, ci, p: mannWhitney(sa, sb).p, noise: 'within run', n: { a: sa.length, b: sb.length } };
}

/** Why the two sides' configurations do not measure the same thing; null when they do. */
function notComparable(as: readonly ConfigResult[], bs: readonly ConfigResult[]): string | null {
  const first = as[0]!;
  for (const c of [...as, ...bs]) {
    if (c.metric.name !== first.metric.name) return `metric ${first.metric.name} vs ${c.metric.name}`;
    if (JSON.stringify(c.params) !== JSON.stringify(first.params))
      return (
        `different kernel parameters: ${JSON.stringify(first.params)} vs ${JSON.stringify(c.params)} ` +
        '(run b with --sizes-from a/results.json)'
      );
  }
  return null;
}

/** Each file's configuration of each key, keys in the order of their first appearance. */
function byKey(files: readonly BenchResults[]): Map<string, ConfigResult[]> {
  const out = new Map<string, ConfigResult[]>();
  for (const f of files) for (const c of f.configurations) out.set(c.key, [...(out.get(c.key) ?? []), c]);
  return out;
}

function side(r: BenchResults): Side {
  return { createdAt: r.createdAt, commit: r.context.gitCommit, partial: !!r.partial };
}

function checkOptions(options: CompareOptions): { threshold: number; alpha: number } {
  const threshold = options.threshold ?? 0.05;
  const alpha = options.alpha ?? 0.05;
  if (!(threshold >= 0 && threshold < 10))
    throw new RangeError(`threshold must be a number in [0, 10), received ${describe(threshold)}`);
  if (!(alpha > 0 && alpha < 1)) throw new RangeError(`alpha must be a number in (0, 1), received ${describe(alpha)}`);
  return { threshold, alpha };
}

/** The verdict of a tested row, after the adjustment (q) across rows. */
function verdictOf(t: Tested, q: number, alpha: number, threshold: number): Pick<CompareRow, 'verdict' | 'note'> {
  const beyond = Math.abs(t.ratio - 1) > threshold;
  if (q < alpha && (t.ci.lo > 1 || t.ci.hi < 1) && beyond)
    return { verdict: t.ratio > 1 ? 'slower' : 'faster', note: '' };
  const note = beyond ? `not significant (q = ${sig(q)}, n = ${t.n.a}/${t.n.b})` : '';
  return { verdict: 'no significant change', note };
}

/**
 * Compares side b with side a, each one results file or several (runs of one build: their spread is
 * the noise between runs). See the header for how each row is judged.
 */
export function compareResults(
  a: BenchResults | readonly BenchResults[],
  b: BenchResults | readonly BenchResults[],
  options: CompareOptions = {},
): Comparison {
  const { threshold, alpha } = checkOptions(options);
  const filesA = Array.isArray(a) ? (a as readonly BenchResults[]) : [a as BenchResults];
  const filesB = Array.isArray(b) ? (b as readonly BenchResults[]) : [b as BenchResults];
  if (filesA.length === 0 || filesB.length === 0)
    throw new RangeError(`each side needs at least one results file, received ${filesA.length} and ${filesB.length}`);
  const keysA = byKey(filesA);
  const keysB = byKey(filesB);
  const pending: { as: ConfigResult[]; bs: ConfigResult[]; why: string | null; t: Tested }[] = [];
  for (const [key, as] of keysA) {
    const bs = keysB.get(key);
    if (!bs) continue;
    pending.push({ as, bs, why: notComparable(as, bs), t: judge(as, bs, alpha) });
  }
  const tested = pending.filter((r) => r.why === null);
  const qs = benjaminiHochberg(tested.map((r) => r.t.p));
  const qOf = new Map(tested.map((r, i) => [r, qs[i]!]));
  const rows: CompareRow[] = pending.map((r) => {
    const q = qOf.get(r) ?? 1;
    const first = r.as[0]!;
    return {
      key: first.key,
      label: first.label,
      metric: first.metric.name,
      medianA: median(r.as.flatMap((c) => [...c.samples])),
      medianB: median(r.bs.flatMap((c) => [...c.samples])),
      ...r.t,
      q,
      ...(r.why === null ? verdictOf(r.t, q, alpha, threshold) : { verdict: 'not comparable' as const, note: r.why }),
    };
  });
  return {
    a: side(filesA[0]!),
    b: side(filesB[0]!),
    files: { a: filesA.map(side), b: filesB.map(side) },
    threshold,
    alpha,
    rows,
    onlyInA: [...keysA.keys()].filter((k) => !keysB.has(k)),
    onlyInB: [...keysB.keys()].filter((k) => !keysA.has(k)),
    flagged: rows.filter((r) => r.verdict === 'slower' || r.verdict === 'faster').length,
  };
}

/** What a row was judged against, in words: the kind of noise and how many figures on each side. */
export function noiseLabel(r: Pick<CompareRow, 'noise' | 'n'>): string {
  if (r.noise === 'within run') return `within-run test only (${r.n.a}/${r.n.b} samples)`;
  return `${r.noise} (${r.n.a}/${r.n.b} ${r.noise === 'between files' ? 'files' : 'rounds'})`;
}

export function comparisonTable(c: Comparison): Table {
  return {
    columns: [
      'configuration',
      'metric',
      'median a',
      'median b',
      'b / a',
      '95% CI',
      'p',
      'q (BH)',
      'judged against',
      'verdict',
    ],
    rows: c.rows.map((r) => [
      r.key,
      r.metric,
      sig(r.medianA),
      sig(r.medianB),
      sig(r.ratio),
      `${sig(r.ci.lo)}–${sig(r.ci.hi)}`,
      sig(r.p),
      r.verdict === 'not comparable' ? null : sig(r.q),
      r.verdict === 'not comparable' ? null : noiseLabel(r),
      r.verdict === 'no significant change'
        ? r.note
          ? `same (${r.note})`
          : 'same'
        : r.note
          ? `${r.verdict}: ${r.note}`
          : r.verdict.toUpperCase(),
    ]),
  };
}
