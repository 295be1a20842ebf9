/**
 * Comparing two results files configuration by configuration: the ratio of medians (b over a) with a
 * bootstrap 95% interval, and a Mann-Whitney U test on the raw samples. A change is flagged when it
 * is significant (p < alpha and the interval excludes 1) and larger than the threshold.
 */
import { readFileSync } from 'node:fs';

import { describe } from '../../src/internal.js';
import { sig } from '../report/format.js';
import { schemaErrors } from '../model/validate.js';
import { mannWhitney, ratioOfMediansCi } from './stats.js';
import {
  READABLE_SCHEMA_VERSIONS,
  SCHEMA_NAME,
  type BenchResults,
  type Interval,
  type Table,
} from '../model/results.js';

/** Reads and validates a results file; the error says which file and what is wrong with it. */
export function loadResults(path: string): BenchResults {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new Error(`${path}: cannot read: ${(err as Error).message}`, { cause: err });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new Error(
      `${path}: not JSON (${(err as Error).message}); expected a results.json written by \`gilscope bench\``,
      { cause: err },
    );
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new Error(
      `${path}: not a gilscope bench results file ` +
        `(it holds ${describe(value)}, expected an object with "schema": "${SCHEMA_NAME}")`,
    );
  }
  const header = value as { schema?: unknown; schemaVersion?: unknown };
  if (header.schema !== SCHEMA_NAME) {
    throw new Error(
      `${path}: not a gilscope bench results file ` +
        `(its "schema" is ${describe(header.schema)}, expected "${SCHEMA_NAME}")`,
    );
  }
  if (typeof header.schemaVersion !== 'number' || !READABLE_SCHEMA_VERSIONS.includes(header.schemaVersion)) {
    throw new Error(
      `${path}: results schema version ${describe(header.schemaVersion)}, ` +
        `this gilscope reads versions ${READABLE_SCHEMA_VERSIONS.join(', ')}`,
    );
  }
  const errors = schemaErrors(value);
  if (errors.length) throw new Error(`${path}: malformed results file:\n  ${errors.join('\n  ')}`);
  return value as BenchResults;
}

export interface CompareOptions {
  /** Smallest relative change worth flagging (0.05 = 5%). @default 0.05 */
  threshold?: number;
  /** Significance level of the test. @default 0.05 */
  alpha?: number;
}

export interface CompareRow {
  readonly key: string;
  readonly label: string;
  readonly metric: string;
  readonly medianA: number;
  readonly medianB: number;
  /** medianB / medianA: above 1 is slower (every metric is a time). */
  readonly ratio: number;
  readonly ci: Interval;
  readonly p: number;
  readonly verdict: 'slower' | 'faster' | 'no significant change' | 'not comparable';
  readonly note: string;
}

export interface Comparison {
  /** `partial`: the run was interrupted, so configurations may be missing from it. */
  readonly a: { readonly createdAt: string; readonly commit: string | null; readonly partial: boolean };
  readonly b: { readonly createdAt: string; readonly commit: string | null; readonly partial: boolean };
  readonly threshold: number;
  readonly alpha: number;
  readonly rows: readonly CompareRow[];
  readonly onlyInA: readonly string[];
  readonly onlyInB: readonly string[];
  readonly flagged: number;
}

export function compareResults(a: BenchResults, b: BenchResults, options: CompareOptions = {}): Comparison {
  const threshold = options.threshold ?? 0.05;
  const alpha = options.alpha ?? 0.05;
  if (!(threshold >= 0 && threshold < 10))
    throw new RangeError(`threshold must be a number in [0, 10), received ${describe(threshold)}`);
  if (!(alpha > 0 && alpha < 1)) throw new RangeError(`alpha must be a number in (0, 1), received ${describe(alpha)}`);
  const byKey = new Map(b.configurations.map((c) => [c.key, c]));
  const rows: CompareRow[] = [];
  for (const ca of a.configurations) {
    const cb = byKey.get(ca.key);
    if (!cb) continue;
    const { ratio, ci } = ratioOfMediansCi(ca.samples, cb.samples);
    const { p } = mannWhitney(ca.samples, cb.samples);
    let verdict: CompareRow['verdict'] = 'no significant change';
    let note = '';
    if (ca.metric.name !== cb.metric.name) {
      verdict = 'not comparable';
      note = `metric ${ca.metric.name} vs ${cb.metric.name}`;
    } else if (JSON.stringify(ca.params) !== JSON.stringify(cb.params)) {
      verdict = 'not comparable';
      note = `different kernel parameters: ${JSON.stringify(ca.params)} vs ${JSON.stringify(cb.params)}`;
    } else if (p < alpha && (ci.lo > 1 || ci.hi < 1) && Math.abs(ratio - 1) > threshold) {
      verdict = ratio > 1 ? 'slower' : 'faster';
    } else if (Math.abs(ratio - 1) > threshold) {
      note = `not significant (p = ${sig(p)}, n = ${ca.samples.length}/${cb.samples.length})`;
    }
    rows.push({
      key: ca.key,
      label: ca.label,
      metric: ca.metric.name,
      medianA: ca.summary.median,
      medianB: cb.summary.median,
      ratio,
      ci,
      p,
      verdict,
      note,
    });
  }
  const keysA = new Set(a.configurations.map((c) => c.key));
  return {
    a: { createdAt: a.createdAt, commit: a.context.gitCommit, partial: !!a.partial },
    b: { createdAt: b.createdAt, commit: b.context.gitCommit, partial: !!b.partial },
    threshold,
    alpha,
    rows,
    onlyInA: a.configurations.filter((c) => !byKey.has(c.key)).map((c) => c.key),
    onlyInB: b.configurations.filter((c) => !keysA.has(c.key)).map((c) => c.key),
    flagged: rows.filter((r) => r.verdict === 'slower' || r.verdict === 'faster').length,
  };
}

export function comparisonTable(c: Comparison): Table {
  return {
    columns: ['configuration', 'metric', 'median a', 'median b', 'b / a', '95% CI', 'p (Mann-Whitney)', 'verdict'],
    rows: c.rows.map((r) => [
      r.key,
      r.metric,
      sig(r.medianA),
      sig(r.medianB),
      sig(r.ratio),
      `${sig(r.ci.lo)}–${sig(r.ci.hi)}`,
      sig(r.p),
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
