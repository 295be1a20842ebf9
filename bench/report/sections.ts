/**
 * The sections the text and HTML reports share, each built once: the fits, the interruption notice,
 * the timelines with the measured cost of a trace event, the hazard tables and the list of traces.
 */
import { CONVOY_WAIT_US, CONVOY_WORK_US } from '../../src/internal.js';
import { fmtDuration, ms, round, sig } from './format.js';
import { esc, htmlTable, textTable } from './tables.js';
import { TIMELINE_STATES } from './timeline-states.js';
import type {
  BenchResults,
  FitResult,
  PartialInfo,
  RenderedChart,
  Table,
  TimelineResult,
  TraceCostResult,
} from '../model/results.js';

// ---- Scaling-law fits

/** A prediction the mode's own limit cut down (older files have no cap). */
function capped(p: FitResult['predictions'][number]): boolean {
  const cap = p.cappedAt;
  return cap !== null && cap !== undefined && (p.amdahl >= cap || p.usl >= cap);
}

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
      'assumes',
    ],
    rows: fits.map((f) => [
      f.kernel,
      f.mode,
      round(f.amdahl.serialFraction),
      round(f.usl.sigma),
      f.usl.kappaIdentifiable ? round(f.usl.kappa) : `${round(f.usl.kappa)} (fixed)`,
      round(f.amdahl.r2),
      ...f.predictions.map((p) => `${sig(p.amdahl)} / ${sig(p.usl)}${capped(p) ? ' (capped)' : ''}`),
      f.assumes ?? null,
    ]),
  };
}

/** What the fits' predictions are, and when kappa could not be fitted. */
export function fitNote(results: BenchResults): string {
  const f = results.fits[0];
  if (!f) return '';
  const kappa = results.fits.some((x) => !x.usl.kappaIdentifiable)
    ? ` With ${results.context.availableParallelism} cores the points span too few core counts to tell kappa ` +
      'from sigma: kappa is fixed at 0 and the USL column is an upper bound.'
    : '';
  const caps = results.fits.some((x) => x.predictions.some((p) => capped(p)))
    ? ' A prediction marked (capped) is cut to what its mode can reach on any machine (see "assumes": ' +
      'released and gil tasks run on the libuv pool, so they cannot pass its size).'
    : '';
  return `Each S(n) is a ${f.label}.${kappa}${caps}`;
}

// ---- Interrupted runs

export function partialText(p: PartialInfo): string {
  const running = p.interruptedConfiguration
    ? `; ${p.interruptedConfiguration} was running and its runs were dropped`
    : '';
  const skipped = p.skipped.length ? `; not run: ${p.skipped.join(', ')}` : '';
  return (
    `INTERRUPTED (${p.signal}): partial results. ` +
    `${p.completedConfigurations} of ${p.plannedConfigurations} configurations finished${running}${skipped}. ` +
    "Tables show '–' where a configuration did not finish."
  );
}

// ---- Timelines

export function timelinesTable(timelines: readonly TimelineResult[]): Table {
  return {
    columns: [
      'timeline',
      'threads',
      'wall ms',
      ...TIMELINE_STATES.map((s) => `${s.name} ms`),
      'hand-offs',
      'convoy p99 ms',
      'convoy max ms',
      'events',
      'dropped',
    ],
    rows: timelines.map((t) => [
      t.id,
      t.threads,
      ms(t.wallNs),
      ...TIMELINE_STATES.map((s) => ms(t.stateNs[s.name])),
      t.handoffs,
      ms(t.convoyP99Ns),
      ms(t.convoyMaxNs),
      t.events,
      t.droppedEvents,
    ]),
  };
}

/** One sentence per group, from the traced runs' own numbers. */
export function timelineReadings(timelines: readonly TimelineResult[]): string[] {
  const out: string[] = [];
  const cpu = timelines.filter((t) => t.group === 'cpu');
  if (cpu.length) {
    const parts = cpu.map((t) => {
      const wait = t.stateNs['waiting for the lock'];
      const how =
        t.mode === 'held'
          ? ' (one task after another on the JS thread)'
          : t.mode === 'gil'
            ? ` (its threads waited ${fmtDuration(wait)} for the lock in all, ${t.handoffs} hand-offs)`
            : '';
      return `${t.mode} ${fmtDuration(t.wallNs)}${how}`;
    });
    out.push(`${cpu[0]!.kernel} x${cpu[0]!.tasks}, one traced run each: ${parts.join(', ')}.`);
  }
  const forced = timelines.find((t) => t.id === 'switching-forced');
  const unforced = timelines.find((t) => t.id === 'switching-unforced');
  if (forced && unforced) {
    const battle =
      unforced.handoffs < forced.handoffs ? ': the releaser took the lock straight back (the GIL battle)' : '';
    const convoy =
      forced.convoyMaxNs !== null && unforced.convoyMaxNs !== null
        ? `; the convoy probe, which needs the lock for ${fmtDuration(CONVOY_WORK_US * 1000)} ` +
          `after each ${fmtDuration(CONVOY_WAIT_US * 1000)} wait, ` +
          `waited up to ${fmtDuration(forced.convoyMaxNs)} for a round with forced switching ` +
          `and ${fmtDuration(unforced.convoyMaxNs)} without (the convoy effect)`
        : '';
    out.push(
      `Under the GIL with forced switching the lock changed hands ${forced.handoffs} times; ` +
        `without it ${unforced.handoffs} times${battle}${convoy}.`,
    );
  }
  return out;
}

export function traceCostText(c: TraceCostResult, timelines: readonly TimelineResult[]): string {
  const ns = c.nsPerEvent.median;
  const events = timelines.reduce((n, t) => n + t.events, 0);
  const count = events.toLocaleString('en-US');
  const spent =
    events > 0
      ? ` The traced runs' tasks recorded ${count} events: ` +
        `${count} x ${sig(ns)} ns = ${fmtDuration(events * ns)} of recording in all.`
      : '';
  return (
    `Recording one trace event costs ${sig(ns)} ns (median of ${c.nsPerEvent.n} runs of ` +
    `${c.eventsPerSample.toLocaleString('en-US')} events, ` +
    `95% CI ${sig(c.nsPerEvent.ci.lo)}–${sig(c.nsPerEvent.ci.hi)} ns); ` +
    `with recording off the check costs ${sig(c.nsPerEventOff.median)} ns.${spent}`
  );
}

// ---- Text

export function extrasText(results: BenchResults): string[] {
  const out: string[] = [];
  const timelines = results.timelines ?? [];
  if (timelines.length || results.traceCost) {
    out.push('\n== Timelines (one extra traced run each, not among the measured runs; drawn in report.html)', '');
    if (timelines.length)
      out.push(textTable(timelinesTable(timelines)), '', ...timelineReadings(timelines).map((r) => `Reading: ${r}`));
    if (results.traceCost) out.push(traceCostText(results.traceCost, timelines));
  }
  if (results.hazards) {
    out.push('\n== Concurrency hazards (--hazards): each hazard next to its remedies');
    for (const h of results.hazards.tables) out.push('', h.title, '', textTable(h.table), '', `Reading: ${h.reading}`);
  }
  if (results.traces) {
    out.push(
      '',
      `Chrome traces: ${results.traces.files.length} in ${results.traces.dir} ` +
        '(open in ui.perfetto.dev or chrome://tracing).',
    );
  }
  return out;
}

// ---- HTML

export function timelineFigure(chart: RenderedChart, svg: string, t: TimelineResult | undefined): string {
  return (
    `<figure class="chart timeline" data-file="${esc(chart.file)}" data-marks="${chart.marks}" ` +
    `data-threads="${t?.threads ?? 0}" data-timeline="${esc(t?.id ?? '')}">${svg}` +
    `<figcaption>${esc(chart.title)} <span class="file">(${esc(chart.file)})</span></figcaption></figure>`
  );
}

const TIMELINES_INTRO =
  '<p>One extra run of each headline configuration with tracing on (never one of the measured runs): ' +
  'one row per thread, its time coloured by state: running (in a task without the lock: on a core, ' +
  'or runnable and waiting for one, which a trace cannot tell apart; the run-queue columns of the tables can), ' +
  'holding the emulated lock, waiting for it, blocked (sleep or I/O, the lock released), ' +
  'and on the JS thread a timer that fired late. A span shorter than a pixel is drawn one pixel wide. ' +
  'The runs of one group share their time axis.</p>';

export function timelinesHtml(results: BenchResults, figures: readonly string[]): string {
  const timelines = results.timelines ?? [];
  if (!timelines.length && !results.traceCost) return '';
  const readings = timelineReadings(timelines)
    .map((r) => `<p class="reading"><strong>Reading:</strong> ${esc(r)}</p>`)
    .join('\n');
  const cost = results.traceCost ? `<p id="trace-cost">${esc(traceCostText(results.traceCost, timelines))}</p>` : '';
  return [
    '<section id="timelines"><h2>Timelines</h2>',
    TIMELINES_INTRO,
    readings,
    figures.join('\n'),
    htmlTable(timelinesTable(timelines)),
    `${cost}</section>`,
  ].join('\n');
}

export function hazardsHtml(results: BenchResults): string {
  if (!results.hazards) return '';
  const parts = results.hazards.tables.map(
    (h) =>
      `<div class="hazard" data-hazard="${esc(h.hazard)}"><h3>${esc(h.title)}</h3>` +
      `<p class="reading"><strong>Reading:</strong> ${esc(h.reading)}</p>${htmlTable(h.table, 'hazard')}</div>`,
  );
  return (
    '<section id="hazards"><h2>Concurrency hazards</h2><p>Each hazard run on native threads next to its remedy ' +
    `(<code>runHazardSuite()</code>), every run bounded in time.</p>\n${parts.join('\n')}</section>`
  );
}

export function partialHtml(results: BenchResults): string {
  return results.partial ? `<p id="partial" class="partial">${esc(partialText(results.partial))}</p>` : '';
}

export function tracesHtml(results: BenchResults): string {
  const t = results.traces;
  if (!t) return '';
  const files = t.files.map((f) => esc(f.file)).join(', ') || 'none';
  return `<p>Chrome traces (open in ui.perfetto.dev or chrome://tracing), in ${esc(t.dir)}: ${files}.</p>`;
}
