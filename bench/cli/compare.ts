/** `gilscope compare a.json b.json`: what changed between two bench runs, with significance. */
import type { Command } from 'commander';

import { compareResults, comparisonTable, loadResults } from '../analysis/compare.js';
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

function compare(fileA: string, fileB: string, options: CompareCliOptions): void {
  const t = threshold(options.threshold);
  const a = loadResults(fileA);
  const b = loadResults(fileB);
  const c = compareResults(a, b, { threshold: t });
  if (options.json) {
    process.stdout.write(JSON.stringify(c, null, 2) + '\n');
  } else {
    const out = [
      `a: ${fileA} (${c.a.createdAt}, commit ${c.a.commit ?? '?'})`,
      `b: ${fileB} (${c.b.createdAt}, commit ${c.b.commit ?? '?'})`,
      "ratio = median b / median a of each configuration's metric (a time: above 1 is slower); " +
        `flagged when p < ${c.alpha}, the 95% CI excludes 1 and the change exceeds ${pct(t, 'sig')}.`,
      '',
      textTable(comparisonTable(c)),
      '',
      `${c.flagged} of ${c.rows.length} configurations changed significantly.`,
    ];
    for (const [name, side] of [
      ['a', c.a],
      ['b', c.b],
    ] as const) {
      if (side.partial)
        out.push(`${name} is a partial run (interrupted): configurations it did not finish are missing from it.`);
    }
    if (c.onlyInA.length) out.push(`Only in a: ${c.onlyInA.join(', ')}`);
    if (c.onlyInB.length) out.push(`Only in b: ${c.onlyInB.join(', ')}`);
    process.stdout.write(out.join('\n') + '\n');
  }
  if (options.failOnChange && c.flagged > 0) process.exitCode = 2;
}

export function registerCompare(program: Command): void {
  program
    .command('compare')
    .description(
      'Compare two bench results files: ratio of medians with a 95% CI and a Mann-Whitney U test per configuration.',
    )
    .argument('<a>', 'the baseline results.json')
    .argument('<b>', 'the results.json to compare with it')
    .option('--threshold <percent>', 'smallest change to flag, in percent', '5')
    .option('--json', 'print the comparison as JSON')
    .option('--fail-on-change', 'exit with status 2 when any configuration changed significantly')
    .action(compare);
}
