/**
 * The terminal report leads with findings: each experiment's table and reading, the fits, the
 * extras, the notes; then, closing it, "gilscope's own overhead": the goals.
 */
import { goalFigure } from './goal-figure.js';
import { sig } from './format.js';
import { realGilText } from './realgil.js';
import { extrasText, fitNote, fitsTable, partialText } from './sections.js';
import { textTable } from './tables.js';
import type { BenchResults, GoalResult, Table } from '../model/results.js';

export function goalsTable(goals: readonly GoalResult[]): Table {
  return {
    columns: ['goal', 'target', 'measured', 'verdict', 'detail'],
    rows: goals.map((g) => [
      g.goal,
      g.target,
      goalFigure(g),
      g.met === null ? 'NOT MEASURED' : g.met ? 'met' : 'MISSED',
      g.detail,
    ]),
  };
}

function experimentsText(results: BenchResults): string[] {
  const out: string[] = [];
  for (const e of results.experiments) {
    out.push(`\n== ${e.id}. ${e.title}`, e.question, '');
    if (e.table.rows.length) out.push(textTable(e.table), '');
    out.push(`Reading: ${e.reading}`);
  }
  if (results.fits.length) {
    out.push(
      '\n== Scaling-law fits (speed-up S(n) at n cores: a prediction, not a measurement)',
      '',
      textTable(fitsTable(results.fits)),
      '',
      fitNote(results),
    );
  }
  return out;
}

function goalsText(results: BenchResults): string[] {
  const { goals } = results;
  const missed = goals.filter((g) => g.met === false);
  const unmeasured = goals.filter((g) => g.met === null);
  return [
    "\n== gilscope's own overhead (its goals, each against a baseline measured in this run)",
    '',
    textTable(goalsTable(goals)),
    '',
    `${goals.length - missed.length - unmeasured.length} of ${goals.length} goals met` +
      (missed.length ? `; missed: ${missed.map((g) => g.id).join(', ')}` : '') +
      (unmeasured.length ? `; not measured: ${unmeasured.map((g) => g.id).join(', ')}` : '') +
      '.',
  ];
}

/** Whether the parts of each configuration's breakdown add up to its wall time; null when none has one. */
function wallTimeCheck(results: BenchResults): string | null {
  const bad = results.configurations.filter((c) => c.breakdown && !c.breakdown.check.ok);
  const withBreakdown = results.configurations.filter((c) => c.breakdown).length;
  if (!withBreakdown) return null;
  return (
    `Wall-time check: in ${withBreakdown - bad.length} of ${withBreakdown} configurations ` +
    'cpu + run-queue + lock wait + blocked + queue = queue + wall, ' +
    "with the measured parts within the task's wall time" +
    (bad.length ? `; NOT in ${bad.map((c) => c.key).join(', ')} (the measured parts overlap there).` : '.')
  );
}

/** The terminal report; `files` are the paths written, listed at its end. */
export function textReport(results: BenchResults, files: readonly string[]): string {
  const out: string[] = [];
  if (results.partial) out.push(partialText(results.partial));
  out.push(...experimentsText(results), ...realGilText(results), ...extrasText(results));
  const check = wallTimeCheck(results);
  if (check) out.push('', check);
  if (results.notes.length) out.push('', 'Notes:', ...results.notes.map((n) => `- ${n}`));
  out.push(...goalsText(results));
  out.push('', `Took ${sig(results.durationS)} s.`);
  if (results.partial) out.push(partialText(results.partial));
  if (files.length) out.push('Wrote:', ...files.map((f) => `  ${f}`));
  return out.join('\n') + '\n';
}
