/**
 * The results in three forms: plain-text tables for the terminal, results.csv (one row per
 * configuration) and report.html (self-contained: inline CSS and SVG, no script, no external URL).
 */
import { fmtDuration, round, sig, times } from './format.js';
import type { RenderedChart } from '../sweep.js';
import {
  extrasText,
  hazardsHtml,
  partialHtml,
  partialText,
  timelineFigure,
  timelinesHtml,
  tracesHtml,
} from './sections.js';
import { esc, htmlTable, textTable } from './tables.js';
import type { BenchResults, FitResult, GoalResult, Table } from '../model/types.js';

export { textTable } from './tables.js';

export function fitsTable(fits: readonly FitResult[]): Table {
  return {
    columns: [
      'kernel',
      'mode',
      'Amdahl serial fraction',
      'USL sigma',
      'USL kappa',
      'R2 (Amdahl)',
      ...(fits[0]?.predictions.map((p) => `S(${p.cores}) Amdahl / USL`) ?? []),
    ],
    rows: fits.map((f) => [
      f.kernel,
      f.mode,
      round(f.amdahl.serialFraction),
      round(f.usl.sigma),
      f.usl.kappaIdentifiable ? round(f.usl.kappa) : `${round(f.usl.kappa)} (fixed)`,
      round(f.amdahl.r2),
      ...f.predictions.map((p) => `${sig(p.amdahl)} / ${sig(p.usl)}`),
    ]),
  };
}

export function goalsTable(goals: readonly GoalResult[]): Table {
  return {
    columns: ['goal', 'target', 'measured', 'verdict', 'detail'],
    rows: goals.map((g) => [
      g.goal,
      g.target,
      g.ratio === null ? null : g.id === 'accounting-overhead' ? `${sig(g.ratio * 100)}%` : times(g.ratio),
      g.met === null ? 'NOT MEASURED' : g.met ? 'met' : 'MISSED',
      g.detail,
    ]),
  };
}

function fitNote(results: BenchResults): string {
  const f = results.fits[0];
  if (!f) return '';
  const kappa = results.fits.some((x) => !x.usl.kappaIdentifiable)
    ? ` With ${results.context.availableParallelism} cores the points span too few core counts to tell kappa from sigma: kappa is fixed at 0 and the USL column is an upper bound.`
    : '';
  return `Each S(n) is a ${f.label}.${kappa}`;
}

/** The terminal report: each experiment's table and reading, the fits, the goals. */
export function textReport(results: BenchResults, files: readonly string[]): string {
  const out: string[] = [];
  if (results.partial) out.push(partialText(results.partial));
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
  out.push(...extrasText(results));
  const bad = results.configurations.filter((c) => c.breakdown && !c.breakdown.check.ok);
  const withBreakdown = results.configurations.filter((c) => c.breakdown).length;
  if (withBreakdown) {
    out.push(
      '',
      `Wall-time check: in ${withBreakdown - bad.length} of ${withBreakdown} configurations cpu + run-queue + lock wait + blocked + queue = queue + wall, with the measured parts within the task's wall time` +
        (bad.length ? `; NOT in ${bad.map((c) => c.key).join(', ')} (the measured parts overlap there).` : '.'),
    );
  }
  out.push('\n== Goals (against baselines from this run)', '', textTable(goalsTable(results.goals)));
  const missed = results.goals.filter((g) => g.met === false);
  const unmeasured = results.goals.filter((g) => g.met === null);
  out.push(
    '',
    `${results.goals.length - missed.length - unmeasured.length} of ${results.goals.length} goals met` +
      (missed.length ? `; missed: ${missed.map((g) => g.id).join(', ')}` : '') +
      (unmeasured.length ? `; not measured: ${unmeasured.map((g) => g.id).join(', ')}` : '') +
      '.',
  );
  if (results.notes.length) out.push('', 'Notes:', ...results.notes.map((n) => `- ${n}`));
  out.push('', `Took ${sig(results.durationS)} s.`);
  if (results.partial) out.push(partialText(results.partial));
  if (files.length) out.push('Wrote:', ...files.map((f) => `  ${f}`));
  return out.join('\n') + '\n';
}

// ---- CSV

const CSV_COLUMNS = [
  'key', 'experiments', 'kind', 'kernel', 'mode', 'tasks', 'threads', 'poolSize', 'switchIntervalUs', 'forcedSwitching',
  'metric', 'n', 'median', 'min', 'max', 'mad', 'ciLo', 'ciHi', 'ciLevel', 'throughputPerS', 'speedup', 'speedupCiLo',
  'speedupCiHi', 'efficiency', 'cpuPerWall', 'parallelism', 'cpuNs', 'runQueueNs', 'lockWaitNs', 'lockWakeNs', 'blockedNs', 'queueNs',
  'taskWallNs', 'partsAddUp', 'eventLoopDelayP99Ns', 'eventLoopDelayMaxNs', 'handoffs', 'handoffsPerSecond', 'convoyP99Ns',
  'params',
] as const; // prettier-ignore

function csvField(v: unknown): string {
  if (v === null || v === undefined) return '';
  const s = typeof v === 'number' ? (Number.isFinite(v) ? String(v) : '') : String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function csvReport(results: BenchResults): string {
  const lines = [CSV_COLUMNS.join(',')];
  for (const c of results.configurations) {
    const b = c.breakdown;
    const row: unknown[] = [
      c.key, c.experiments.join(' '), c.kind, c.kernel, c.mode, c.tasks, c.threads, c.poolSize, c.switchIntervalUs, c.forcedSwitching,
      c.metric.name, c.summary.n, c.summary.median, c.summary.min, c.summary.max, c.summary.mad, c.summary.ci.lo, c.summary.ci.hi,
      c.summary.ci.level, c.throughputPerS, c.speedup?.value, c.speedup?.ci.lo, c.speedup?.ci.hi, c.efficiency, c.cpuPerWall,
      c.parallelism, b?.cpuNs, b?.runQueueNs, b?.lockWaitNs, b?.lockWakeNs, b?.blockedNs, b?.queueNs, b?.taskWallNs, b ? b.check.ok : null,
      c.eventLoop?.delayP99Ns, c.eventLoop?.delayMaxNs, c.lock?.handoffs, c.lock?.handoffsPerSecond, c.probe?.convoyP99Ns,
      c.params ? JSON.stringify(c.params) : null,
    ]; // prettier-ignore
    lines.push(row.map(csvField).join(','));
  }
  return lines.join('\n') + '\n';
}

// ---- HTML

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

function figure(chart: RenderedChart): string {
  const prefix = chart.file.replace(/\.svg$/, '');
  return `<figure class="chart" data-file="${esc(chart.file)}" data-marks="${chart.marks}">${inlineSvg(chart.svg, prefix)}<figcaption>${esc(chart.title)} <span class="file">(${esc(chart.file)})</span></figcaption></figure>`;
}

const CSS = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:2em auto;max-width:1200px;padding:0 1em;color:#222}
h1{font-size:1.6em}h2{font-size:1.25em;margin-top:2em;border-bottom:1px solid #ddd;padding-bottom:.2em}
table{border-collapse:collapse;font-size:12px;margin:.5em 0}th,td{border:1px solid #ddd;padding:2px 6px;text-align:left;white-space:nowrap}
th{background:#f4f4f4}td.num{text-align:right;font-variant-numeric:tabular-nums}.scroll{overflow-x:auto}
.reading{background:#f6f9ff;border-left:4px solid #4c78a8;padding:.5em .8em}
.partial{background:#fff4e5;border-left:4px solid #b00020;padding:.5em .8em;font-weight:600}
h3{font-size:1.05em;margin-top:1.2em}figure.timeline{display:block}
.met{color:#176b2c;font-weight:600}.missed{color:#b00020;font-weight:600}.unmeasured{color:#8a6d00;font-weight:600}
figure.chart{display:inline-block;margin:.5em 1em .5em 0;vertical-align:top}figcaption{font-size:12px;color:#555}.file{color:#999}
dl.context{display:grid;grid-template-columns:max-content auto;gap:.1em 1em;font-size:12px}dt{font-weight:600}dd{margin:0}
`;

function goalsHtml(goals: readonly GoalResult[]): string {
  const rows = goals
    .map((g) => {
      const verdict =
        g.met === null
          ? '<span class="unmeasured">not measured</span>'
          : g.met
            ? '<span class="met">met</span>'
            : '<span class="missed">MISSED</span>';
      const measured =
        g.ratio === null ? '–' : g.id === 'accounting-overhead' ? `${sig(g.ratio * 100)}%` : times(g.ratio);
      return `<tr data-goal="${esc(g.id)}"><td>${esc(g.goal)}</td><td>${esc(g.target)}</td><td class="num">${esc(measured)}</td><td>${verdict}</td><td>${esc(g.detail)}</td></tr>`;
    })
    .join('\n');
  return `<table class="goals"><thead><tr><th>goal</th><th>target</th><th>measured</th><th>verdict</th><th>detail</th></tr></thead><tbody>\n${rows}\n</tbody></table>`;
}

export function htmlReport(results: BenchResults, charts: readonly RenderedChart[]): string {
  const c = results.context;
  const ctx: [string, string][] = [
    ['CPU', `${c.cpuModel} (${c.cores} cores, ${c.availableParallelism} available)`],
    ['memory', `${sig(c.memoryBytes / 2 ** 30)} GiB`],
    ['OS', `${c.os.platform} ${c.os.release} ${c.os.arch}`],
    [
      'versions',
      `Node ${c.versions.node}, V8 ${c.versions.v8}, libuv ${c.versions.uv}, N-API ${c.versions.napi ?? '?'}, gilscope ${c.versions.gilscope}`,
    ],
    ['libuv pool size', String(c.poolSize)],
    [
      'clocks',
      Object.entries(c.clocks)
        .map(([k, v]) => `${k}: ${v}`)
        .join('; '),
    ],
    ['load average', c.loadAverage.map((x) => x.toFixed(2)).join(' ')],
    ['commit', `${c.gitCommit ?? 'unknown'}${c.gitDirty ? ' (with uncommitted changes)' : ''}`],
    [
      'preset',
      `${results.plan.preset}: tasks ${results.plan.tasks.join(',')}, ${results.plan.repeat} repeats after ${results.plan.warmup} warm-up, task about ${results.plan.taskMs} ms`,
    ],
    [
      'calibrated',
      Object.entries(results.calibrated)
        .map(([k, p]) => `${k} ${JSON.stringify(p)}`)
        .join('; '),
    ],
    ['run', `${results.createdAt}, took ${sig(results.durationS)} s`],
  ];
  const missed = results.goals.filter((g) => g.met === false).length;
  const unmeasured = results.goals.filter((g) => g.met === null).length;
  const sections = results.experiments.map((e) => {
    const figs = charts
      .filter((ch) => ch.kind === 'chart' && ch.experiment === e.id)
      .map(figure)
      .join('\n');
    return `<section id="exp-${e.id}" data-experiment="${e.id}"><h2>${e.id}. ${esc(e.title)}</h2><p><em>${esc(e.question)}</em></p>
<p class="reading"><strong>Reading:</strong> ${esc(e.reading)}</p>
${figs}
${htmlTable(e.table)}</section>`;
  });
  const fits = results.fits.length
    ? `<section id="fits"><h2>Scaling-law fits</h2><p>${esc(fitNote(results))} Amdahl: S(n) = 1 / (s + (1 - s)/n). USL: S(n) = n / (1 + &sigma;(n - 1) + &kappa;n(n - 1)); n = min(tasks, cores).</p>${htmlTable(fitsTable(results.fits))}</section>`
    : '';
  const timelineFigures = charts
    .filter((ch) => ch.kind === 'timeline')
    .map((ch) =>
      timelineFigure(
        ch,
        inlineSvg(ch.svg, ch.file.replace(/\.svg$/, '')),
        results.timelines?.find((t) => t.file === ch.file),
      ),
    );
  const bad = results.configurations.filter((x) => x.breakdown && !x.breakdown.check.ok);
  const notes = results.notes.length
    ? `<section id="notes"><h2>Notes</h2><ul>${results.notes.map((n) => `<li>${esc(n)}</li>`).join('')}</ul></section>`
    : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>gilscope bench report ${esc(results.createdAt)}</title><style>${CSS}</style></head>
<body>
<h1>gilscope bench report</h1>
${partialHtml(results)}
<p>What a global lock does to parallel speed-up, measured on this machine. Every figure below was measured in this run; predictions are labelled as such.</p>
<section id="goals"><h2>Goals</h2><p>${results.goals.length - missed - unmeasured} of ${results.goals.length} met${missed ? `, <span class="missed">${missed} missed</span>` : ''}${unmeasured ? `, <span class="unmeasured">${unmeasured} not measured</span>` : ''}. Each is checked against a baseline measured in the same run.</p>${goalsHtml(results.goals)}</section>
<section id="context"><h2>Machine and run</h2><dl class="context">${ctx.map(([k, v]) => `<dt>${esc(k)}</dt><dd>${esc(v)}</dd>`).join('')}</dl>
<p>Wall-time breakdown per task: CPU (thread CPU clock), run-queue wait (schedstat), lock wait (emulated GIL), blocked (the rest of the task's wall time: sleep, I/O), queue wait (submitted to started). ${bad.length ? `<span class="missed">The measured parts exceeded the wall time in ${bad.length} configuration(s): ${esc(bad.map((x) => x.key).join(', '))}.</span>` : 'In every configuration the measured parts fit within the wall time and the five parts add up to it.'}</p></section>
${sections.join('\n')}
${timelinesHtml(results, timelineFigures)}
${hazardsHtml(results)}
${fits}
${notes}
<footer><p>Durations: ${esc(fmtDuration(results.durationS * 1e9))} in all. Files: results.json (schema ${esc(results.schema)} v${results.schemaVersion}), results.csv, ${charts.map((ch) => esc(ch.file)).join(', ')}.</p>${tracesHtml(results)}</footer>
</body></html>
`;
}
