/**
 * The section "The real GIL beside the emulation" in the text report and report.html, and its chart:
 * the I/O thread's round latency against the number of CPU-bound threads, CPython and gilscope on one
 * axis.
 */
import { interpreterLabel } from '../realgil/interpreter.js';
import { lineChart, type ChartSpec } from './charts.js';
import { round, sig } from './format.js';
import { esc, htmlTable, textTable } from './tables.js';
import type { BenchResults, RealGilResult, RenderedChart, Table } from '../model/results.js';

export const REAL_GIL_TITLE = 'The real GIL beside the emulation';
export const REAL_GIL_CHART = 'realgil-convoy.svg';

export function realGilTable(r: RealGilResult): Table {
  return {
    columns: ['group', 'figure', 'unit', 'CPython', 'gilscope', 'gilscope / CPython', 'rule', 'verdict'],
    rows: r.rows.map((x) => [
      x.group,
      x.label,
      x.unit,
      round(x.cpython),
      round(x.gilscope),
      round(x.ratio),
      x.rule,
      x.verdict === 'differ' ? 'DIFFER' : x.verdict,
    ]),
  };
}

/** One line: what was compared with what, how many rows agree. */
export function realGilSummary(r: RealGilResult): string {
  const compared = r.rows.filter((x) => x.verdict !== 'not compared');
  const agree = compared.filter((x) => x.verdict === 'agree').length;
  const differ = compared.filter((x) => x.verdict === 'differ').map((x) => x.label);
  return (
    `${interpreterLabel(r.interpreter)}, switch interval ${sig(r.interpreter.switchIntervalS * 1000)} ms by default; ` +
    `threads compared with gilscope's '${r.threadsComparedWith}' mode, processes with 'process'; ` +
    `each side the median of ${r.runs} runs, measured in this bench run (${sig(r.durationS)} s). ` +
    `${agree} of ${compared.length} compared rows agree` +
    (differ.length ? `; they differ in: ${differ.join('; ')}` : '') +
    '.'
  );
}

/** The convoy cases at the default interval, drawn as p50 and p99 against CPU-bound threads. */
export function realGilChart(r: RealGilResult, intervalUs: number): ChartSpec {
  const rows: Record<string, string | number>[] = [];
  for (const c of r.convoy.filter((x) => x.io && x.intervalUs === intervalUs)) {
    for (const [side, f] of [
      ['CPython', c.cpython],
      ['gilscope', c.gilscope],
    ] as const) {
      if (f.p50Ms !== null) rows.push({ series: `${side} p50`, cpuThreads: c.cpuThreads, latencyMs: f.p50Ms });
      if (f.p99Ms !== null) rows.push({ series: `${side} p99`, cpuThreads: c.cpuThreads, latencyMs: f.p99Ms });
    }
  }
  return lineChart({
    file: REAL_GIL_CHART,
    title: `I/O thread round latency (1 ms sleep + 20 us of work) vs CPU-bound threads, ${intervalUs} us interval`,
    rows,
    x: { field: 'cpuThreads', title: 'CPU-bound threads beside it', integer: true },
    y: { field: 'latencyMs', title: 'round latency (ms)' },
    series: 'series',
    seriesTitle: 'side',
  });
}

export function realGilText(results: BenchResults): string[] {
  const r = results.realGil;
  if (!r) return [];
  return [`\n== ${REAL_GIL_TITLE}`, '', realGilSummary(r), '', textTable(realGilTable(r))];
}

export function realGilHtml(
  results: BenchResults,
  charts: readonly RenderedChart[],
  svgOf: (c: RenderedChart) => string,
): string {
  const r = results.realGil;
  if (!r) return '';
  const figs = charts
    .filter((c) => c.kind === 'realGil')
    .map(
      (c) =>
        `<figure class="chart" data-file="${esc(c.file)}" data-marks="${c.marks}">${svgOf(c)}` +
        `<figcaption>${esc(c.title)} <span class="file">(${esc(c.file)})</span></figcaption></figure>`,
    )
    .join('\n');
  return (
    `<section id="real-gil"><h2>${esc(REAL_GIL_TITLE)}</h2>` +
    `<p class="reading">${esc(realGilSummary(r))}</p>\n${figs}\n${htmlTable(realGilTable(r))}</section>`
  );
}
