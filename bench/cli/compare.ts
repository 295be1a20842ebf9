/**
 * `gilscope compare a.json b.json`, or `gilscope compare a1.json a2.json -- b1.json b2.json`: what
 * changed between bench runs, each configuration judged against the noise between runs (see
 * bench/analysis/compare.ts). Options go before `--`.
 */
import type { Command } from 'commander';

import { compareResults, comparisonTable, loadResults, type Comparison } from '../analysis/compare.js';
import { pct } from '../report/format.js';
import { textTable } from '../report/tables.js';
import { describe } from '../../src/internal.js';

interface CompareCliOptions {
  threshold?: string;
  json?: boolean;
  failOnChange?: boolean;
}

function threshold(text: string | undefined): number {
  if (text === undefined) return 0.05;
  const pct = Number(text);
  if (text.trim() === '' || !Number.isFinite(pct) || pct < 0 || pct >= 1000) {
    throw new RangeError(`--threshold must be a percentage in [0, 1000), received ${describe(text)}`);
  }
  return pct / 100;
}

/**
 * The a files and the b files: two operands without `--`, else those before and after it (commander
 * drops the `--` from the operands, so where it stood is read from the raw arguments, process.argv).
 */
export function splitSides(files: readonly string[], rawArgs: readonly string[]): { a: string[]; b: string[] } {
  const at = rawArgs.indexOf('compare');
  const dash = rawArgs.indexOf('--', at + 1);
  if (dash < 0) {
    if (files.length !== 2)
      throw new RangeError(
        `compare takes two results files (a b), or several a files, --, several b files; received ${files.length} ` +
          `file(s) without --`,
      );
    return { a: [files[0]!], b: [files[1]!] };
  }
  const option = rawArgs.slice(dash + 1).find((x) => x.startsWith('--'));
  if (option !== undefined)
    throw new RangeError(`compare: options go before --, received ${option} after it (where only b files go)`);
  const after = rawArgs.length - dash - 1;
  const a = files.slice(0, files.length - after);
  const b = files.slice(files.length - after);
  if (a.length === 0 || b.length === 0)
    throw new RangeError(
      `compare needs at least one results file on each side of --, received ${a.length} before and ${b.length} after`,
    );
  return { a, b };
}

/** The comparison in words: the files, how a row is flagged, the table, the count. */
function report(c: Comparison, a: readonly string[], b: readonly string[]): string {
  const name = (files: readonly string[], sides: Comparison['files']['a']): string =>
    files.map((f, i) => `${f} (${sides[i]!.createdAt}, commit ${sides[i]!.commit ?? '?'})`).join(', ');
  const within = c.rows.filter((r) => r.noise === 'within run' && r.verdict !== 'not comparable').length;
  const out = [
    `a: ${name(a, c.files.a)}`,
    `b: ${name(b, c.files.b)}`,
    "ratio = b / a of each configuration's metric (a time: above 1 is slower). Each row is judged against the " +
      'noise between runs where the files carry it (between files: one median per file; between rounds: the ' +
      "files' round medians; Welch's t-test on their logarithms, the interval from the same t), else within " +
      'one run (Mann-Whitney U, bootstrap interval: this understates the noise between runs). p-values are ' +
      `adjusted across the rows (Benjamini-Hochberg: q); flagged when q < ${c.alpha}, the 95% CI excludes 1 ` +
      `and the change exceeds ${pct(c.threshold, 'sig')}.`,
    '',
    textTable(comparisonTable(c)),
    '',
    `${c.flagged} of ${c.rows.length} configurations changed significantly.`,
  ];
  if (within > 0)
    out.push(
      `${within} row(s) had no noise between runs to be judged against (files without rounds, one file a side): ` +
        'within-run test only. Run the bench with --rounds 3 or more, or compare several files a side.',
    );
  for (const [n, sides] of [
    ['a', c.files.a],
    ['b', c.files.b],
  ] as const) {
    sides.forEach((s, i) => {
      const which = sides.length > 1 ? `${n} file ${i + 1}` : n;
      if (s.partial)
        out.push(`${which} is a partial run (interrupted): configurations it did not finish are missing from it.`);
    });
  }
  if (c.onlyInA.length) out.push(`Only in a: ${c.onlyInA.join(', ')}`);
  if (c.onlyInB.length) out.push(`Only in b: ${c.onlyInB.join(', ')}`);
  return out.join('\n') + '\n';
}

function compare(files: string[], options: CompareCliOptions): void {
  const t = threshold(options.threshold);
  const { a, b } = splitSides(files, process.argv);
  const c = compareResults(a.map(loadResults), b.map(loadResults), { threshold: t });
  process.stdout.write(options.json ? JSON.stringify(c, null, 2) + '\n' : report(c, a, b));
  if (options.failOnChange && c.flagged > 0) process.exitCode = 2;
}

export function registerCompare(program: Command): void {
  program
    .command('compare')
    .description(
      'Compare bench results files (a b, or a1 a2 ... -- b1 b2 ...): per configuration, the ratio b / a judged ' +
        'against the noise between runs (rounds or files), with a 95% CI, adjusted across rows.',
    )
    .argument('<files...>', 'a.json b.json, or the a files, then --, then the b files (options before --)')
    .option('--threshold <percent>', 'smallest change to flag, in percent', '5')
    .option('--json', 'print the comparison as JSON')
    .option('--fail-on-change', 'exit with status 2 when any configuration changed significantly')
    .action(compare);
}
