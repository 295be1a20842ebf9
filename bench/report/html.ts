/**
 * report.html: self-contained (inline CSS and SVG, no script, no external URL). It leads with
 * findings: the machine and run, each experiment with its charts and table, the timelines, the
 * hazards, the fits, the notes; then, closing it, "gilscope's own overhead" (the goals).
 */
import { goalFigure } from './goal-figure.js';
import { fmtDuration, sig } from './format.js';
import { fitNote, fitsTable, hazardsHtml, partialHtml, timelineFigure, timelinesHtml, tracesHtml } from './sections.js';
import { esc, htmlTable } from './tables.js';
import { realGilHtml } from './realgil.js';
import type { BenchResults, ExperimentResult, GoalResult, RenderedChart } from '../model/results.js';

/**
 * An SVG document made fit to sit inline in HTML beside others: its XML prologue dropped and its ids
 * (Vega numbers clip paths from 1 in every chart) prefixed so that they stay unique in the page.
 */
export function inlineSvg(svg: string, prefix: string): string {
  return svg
    .replace(/^<\?xml[^>]*>\s*/, '')
    .replace(/\bid="([^"]+)"/g, (_m, id: string) => `id="${prefix}-${id}"`)
    .replace(/url\(#([^)]+)\)/g, (_m, id: string) => `url(#${prefix}-${id})`)
    .replace(/href="#([^"]+)"/g, (_m, id: string) => `href="#${prefix}-${id}"`);
}

const svgOf = (chart: RenderedChart): string => inlineSvg(chart.svg, chart.file.replace(/\.svg$/, ''));

function figure(chart: RenderedChart): string {
  return (
    `<figure class="chart" data-file="${esc(chart.file)}" data-marks="${chart.marks}">${svgOf(chart)}` +
    `<figcaption>${esc(chart.title)} <span class="file">(${esc(chart.file)})</span></figcaption></figure>`
  );
}

const CSS = [
  '',
  'body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:2em auto;max-width:1200px;' +
    'padding:0 1em;color:#222}',
  'h1{font-size:1.6em}h2{font-size:1.25em;margin-top:2em;border-bottom:1px solid #ddd;padding-bottom:.2em}',
  'table{border-collapse:collapse;font-size:12px;margin:.5em 0}' +
    'th,td{border:1px solid #ddd;padding:2px 6px;text-align:left;white-space:nowrap}',
  'th{background:#f4f4f4}td.num{text-align:right;font-variant-numeric:tabular-nums}.scroll{overflow-x:auto}',
  '.reading{background:#f6f9ff;border-left:4px solid #4c78a8;padding:.5em .8em}',
  '.partial{background:#fff4e5;border-left:4px solid #b00020;padding:.5em .8em;font-weight:600}',
  'h3{font-size:1.05em;margin-top:1.2em}figure.timeline{display:block}',
  '.met{color:#176b2c;font-weight:600}.missed{color:#b00020;font-weight:600}' +
    '.unmeasured{color:#8a6d00;font-weight:600}',
  'figure.chart{display:inline-block;margin:.5em 1em .5em 0;vertical-align:top}' +
    'figcaption{font-size:12px;color:#555}.file{color:#999}',
  'dl.context{display:grid;grid-template-columns:max-content auto;gap:.1em 1em;font-size:12px}' +
    'dt{font-weight:600}dd{margin:0}',
  '',
].join('\n');

function goalRow(g: GoalResult): string {
  const verdict =
    g.met === null
      ? '<span class="unmeasured">not measured</span>'
      : g.met
        ? '<span class="met">met</span>'
        : '<span class="missed">MISSED</span>';
  const cells = [esc(g.goal), esc(g.target), esc(goalFigure(g) ?? '–'), verdict, esc(g.detail)];
  const td = cells.map((c, i) => (i === 2 ? `<td class="num">${c}</td>` : `<td>${c}</td>`)).join('');
  return `<tr data-goal="${esc(g.id)}">${td}</tr>`;
}

function goalsSection(goals: readonly GoalResult[]): string {
  const missed = goals.filter((g) => g.met === false).length;
  const unmeasured = goals.filter((g) => g.met === null).length;
  const head = ['goal', 'target', 'measured', 'verdict', 'detail'].map((c) => `<th>${c}</th>`).join('');
  return (
    `<section id="goals"><h2>gilscope's own overhead</h2>` +
    '<p>How small a task gilscope can study is set by its own cost: these goals compare it with baselines ' +
    `measured in the same run. ${goals.length - missed - unmeasured} of ${goals.length} met` +
    (missed ? `, <span class="missed">${missed} missed</span>` : '') +
    (unmeasured ? `, <span class="unmeasured">${unmeasured} not measured</span>` : '') +
    '. Each is checked against a baseline measured in the same run.</p>' +
    `<table class="goals"><thead><tr>${head}</tr></thead><tbody>\n${goals.map(goalRow).join('\n')}\n</tbody></table>` +
    '</section>'
  );
}

/** The machine and the run, as label and text pairs. */
function contextRows(results: BenchResults): [string, string][] {
  const { context: c, plan } = results;
  const v = c.versions;
  const pairs = (o: Readonly<Record<string, unknown>>, show: (v: unknown) => string): string =>
    Object.entries(o)
      .map(([k, x]) => `${k}${show(x)}`)
      .join('; ');
  return [
    ['CPU', `${c.cpuModel} (${c.cores} cores, ${c.availableParallelism} available)`],
    ['memory', `${sig(c.memoryBytes / 2 ** 30)} GiB`],
    ['OS', `${c.os.platform} ${c.os.release} ${c.os.arch}`],
    ['versions', `Node ${v.node}, V8 ${v.v8}, libuv ${v.uv}, N-API ${v.napi ?? '?'}, gilscope ${v.gilscope}`],
    ['libuv pool size', String(c.poolSize)],
    ['clocks', pairs(c.clocks, (x) => `: ${String(x)}`)],
    ['load average', c.loadAverage.map((x) => x.toFixed(2)).join(' ')],
    ['commit', `${c.gitCommit ?? 'unknown'}${c.gitDirty ? ' (with uncommitted changes)' : ''}`],
    [
      'preset',
      `${plan.preset}: tasks ${plan.tasks.join(',')}, ${plan.repeat} repeats in ${plan.rounds ?? 1} ` +
        `interleaved round(s), each after ${plan.warmup} warm-up, task about ${plan.taskMs} ms` +
        (plan.sizesFrom === undefined ? '' : `, kernel sizes from ${plan.sizesFrom}`),
    ],
    ['calibrated', pairs(results.calibrated, (p) => ` ${JSON.stringify(p)}`)],
    ['run', `${results.createdAt}, took ${sig(results.durationS)} s`],
  ];
}

function contextSection(results: BenchResults): string {
  const bad = results.configurations.filter((x) => x.breakdown && !x.breakdown.check.ok);
  const check = bad.length
    ? `<span class="missed">The measured parts exceeded the wall time in ${bad.length} configuration(s): ` +
      `${esc(bad.map((x) => x.key).join(', '))}.</span>`
    : 'In every configuration the measured parts fit within the wall time and the five parts add up to it.';
  const dl = contextRows(results)
    .map(([k, v]) => `<dt>${esc(k)}</dt><dd>${esc(v)}</dd>`)
    .join('');
  return (
    `<section id="context"><h2>Machine and run</h2><dl class="context">${dl}</dl>\n` +
    '<p>Wall-time breakdown per task: CPU (thread CPU clock), run-queue wait (schedstat), ' +
    "lock wait (emulated GIL), blocked (the rest of the task's wall time: sleep, I/O), " +
    `queue wait (submitted to started). ${check}</p></section>`
  );
}

function experimentSection(e: ExperimentResult, charts: readonly RenderedChart[]): string {
  const figs = charts
    .filter((ch) => ch.kind === 'chart' && ch.experiment === e.id)
    .map(figure)
    .join('\n');
  return [
    `<section id="exp-${e.id}" data-experiment="${e.id}"><h2>${e.id}. ${esc(e.title)}</h2>` +
      `<p><em>${esc(e.question)}</em></p>`,
    `<p class="reading"><strong>Reading:</strong> ${esc(e.reading)}</p>`,
    figs,
    `${htmlTable(e.table)}</section>`,
  ].join('\n');
}

function fitsSection(results: BenchResults): string {
  if (!results.fits.length) return '';
  return (
    `<section id="fits"><h2>Scaling-law fits</h2><p>${esc(fitNote(results))} ` +
    'Amdahl: S(n) = 1 / (s + (1 - s)/n). USL: S(n) = n / (1 + &sigma;(n - 1) + &kappa;n(n - 1)); ' +
    `n = min(tasks, cores).</p>${htmlTable(fitsTable(results.fits))}</section>`
  );
}

function notesSection(notes: readonly string[]): string {
  if (!notes.length) return '';
  return `<section id="notes"><h2>Notes</h2><ul>${notes.map((n) => `<li>${esc(n)}</li>`).join('')}</ul></section>`;
}

function footer(results: BenchResults, charts: readonly RenderedChart[]): string {
  return (
    `<footer><p>Durations: ${esc(fmtDuration(results.durationS * 1e9))} in all. ` +
    `Files: results.json (schema ${esc(results.schema)} v${results.schemaVersion}), results.csv, ` +
    `${charts.map((ch) => esc(ch.file)).join(', ')}.</p>${tracesHtml(results)}</footer>`
  );
}

export function htmlReport(results: BenchResults, charts: readonly RenderedChart[]): string {
  const timelineFigures = charts
    .filter((ch) => ch.kind === 'timeline')
    .map((ch) =>
      timelineFigure(
        ch,
        svgOf(ch),
        results.timelines?.find((t) => t.file === ch.file),
      ),
    );
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">',
    `<title>gilscope bench report ${esc(results.createdAt)}</title><style>${CSS}</style></head>`,
    '<body>',
    '<h1>gilscope bench report</h1>',
    partialHtml(results),
    '<p>What a global lock does to parallel speed-up, measured on this machine. ' +
      'Every figure below was measured in this run; predictions are labelled as such.</p>',
    contextSection(results),
    results.experiments.map((e) => experimentSection(e, charts)).join('\n'),
    realGilHtml(results, charts, svgOf),
    timelinesHtml(results, timelineFigures),
    hazardsHtml(results),
    fitsSection(results),
    notesSection(results.notes),
    goalsSection(results.goals),
    footer(results, charts),
    '</body></html>',
    '',
  ].join('\n');
}
