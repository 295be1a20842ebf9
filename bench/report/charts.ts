/**
 * Charts as static SVG, rendered in Node with Vega-Lite (spec) and Vega (layout, SVG renderer): no
 * browser, no canvas, no network. Every chart names its data layer `datapoints`, so its marks land in
 * an SVG group of class `datapoints_marks` that a viewer (or a test) can count.
 */
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

/** A chart ready to render: the file it goes to, its title and how many data marks it draws. */
export interface ChartSpec {
  readonly file: string;
  readonly title: string;
  readonly marks: number;
  readonly spec: TopLevelSpec;
}

export const DATA_LAYER = 'datapoints';

const WIDTH = 420;
const HEIGHT = 240;

type Row = Record<string, string | number | boolean | null>;

interface Axis {
  readonly field: string;
  readonly title: string;
  readonly log?: boolean;
  /** 'ordinal' draws categories; default quantitative. */
  readonly type?: 'quantitative' | 'ordinal' | 'nominal';
  readonly sort?: readonly (string | number)[];
  /** Whole numbers only on the axis (task counts). */
  readonly integer?: boolean;
}

const VEGA_LITE_SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';

/** A chart of `marks` data marks: its Vega-Lite spec is `body` under the chart's title. */
function chart(o: { file: string; title: string }, marks: number, body: Record<string, unknown>): ChartSpec {
  return {
    file: o.file,
    title: o.title,
    marks,
    spec: { $schema: VEGA_LITE_SCHEMA, title: o.title, ...body } as TopLevelSpec,
  };
}

/** The rows whose `field` holds a finite number (above 0 where `positive`): those a chart can draw. */
function drawable(rows: readonly Row[], field: string, positive: boolean): Row[] {
  return rows.filter((r) => {
    const v = r[field];
    return typeof v === 'number' && Number.isFinite(v) && (!positive || v > 0);
  });
}

/** Points joined by lines, one colour per series, with optional reference lines (no points). */
export function lineChart(o: {
  file: string;
  title: string;
  rows: readonly Row[];
  x: Axis;
  y: Axis;
  series: string;
  seriesTitle: string;
  /** Dashed reference curves, e.g. the ideal speed-up or a model's prediction. */
  reference?: { rows: readonly Row[]; series: string; title: string };
}): ChartSpec {
  const rows = drawable(o.rows, o.y.field, o.y.log === true);
  const x = {
    field: o.x.field,
    type: o.x.type ?? 'quantitative',
    title: o.x.title,
    ...(o.x.log ? { scale: { type: 'log' } } : {}),
    ...(o.x.sort ? { sort: o.x.sort } : {}),
    ...(o.x.integer ? { axis: { tickMinStep: 1, format: 'd' } } : {}),
  };
  const y = {
    field: o.y.field,
    type: 'quantitative',
    title: o.y.title,
    ...(o.y.log ? { scale: { type: 'log' } } : {}),
  };
  const color = { field: o.series, type: 'nominal', title: o.seriesTitle };
  const layers: unknown[] = [];
  if (o.reference) {
    layers.push({
      data: { values: o.reference.rows },
      mark: { type: 'line', strokeDash: [5, 4], color: '#888' },
      encoding: { x: { ...x }, y: { ...y }, detail: { field: o.reference.series, type: 'nominal' } },
    });
  }
  layers.push(
    { data: { values: rows }, mark: { type: 'line' }, encoding: { x, y, color } },
    {
      name: DATA_LAYER,
      data: { values: rows },
      mark: { type: 'point', filled: true, size: 50, opacity: 1 },
      encoding: { x, y, color, tooltip: [{ field: o.series }, { field: o.x.field }, { field: o.y.field }] },
    },
  );
  return chart(o, rows.length, { width: WIDTH, height: HEIGHT, layer: layers });
}

/** Bars on a linear scale from zero, optionally stacked by `stack` (zero-height parts are left out). */
export function barChart(o: {
  file: string;
  title: string;
  rows: readonly Row[];
  x: Axis;
  y: Axis;
  /** Colour (and stack) by this field. */
  stack?: { field: string; title: string; order?: readonly string[] };
}): ChartSpec {
  const rows = drawable(o.rows, o.y.field, true);
  const encoding: Record<string, unknown> = {
    x: {
      field: o.x.field,
      type: o.x.type ?? 'nominal',
      title: o.x.title,
      ...(o.x.sort ? { sort: o.x.sort } : { sort: null }),
    },
    y: { field: o.y.field, type: 'quantitative', title: o.y.title, ...(o.stack ? { stack: 'zero' } : {}) },
    tooltip: [{ field: o.x.field }, { field: o.y.field }, ...(o.stack ? [{ field: o.stack.field }] : [])],
  };
  if (o.stack) {
    encoding['color'] = {
      field: o.stack.field,
      type: 'nominal',
      title: o.stack.title,
      ...(o.stack.order ? { sort: o.stack.order, scale: { domain: o.stack.order } } : {}),
    };
    if (o.stack.order) encoding['order'] = { field: '__order', type: 'quantitative' };
  }
  const values = o.stack?.order
    ? rows.map((r) => ({ ...r, __order: o.stack!.order!.indexOf(String(r[o.stack!.field])) }))
    : rows;
  const spec = { data: { values }, width: WIDTH, height: HEIGHT, name: DATA_LAYER, mark: { type: 'bar' }, encoding };
  return chart(o, rows.length, spec);
}

/**
 * A dot plot: one point per category (and per series), for values spanning orders of magnitude on a
 * log scale, where a bar's length from an arbitrary baseline would mislead.
 */
export function dotChart(o: {
  file: string;
  title: string;
  rows: readonly Row[];
  x: Axis;
  y: Axis;
  series?: { field: string; title: string };
}): ChartSpec {
  const rows = drawable(o.rows, o.y.field, true);
  const encoding: Record<string, unknown> = {
    x: {
      field: o.x.field,
      type: o.x.type ?? 'nominal',
      title: o.x.title,
      sort: o.x.sort ?? null,
      axis: { grid: true },
    },
    y: { field: o.y.field, type: 'quantitative', title: o.y.title, ...(o.y.log ? { scale: { type: 'log' } } : {}) },
    tooltip: [{ field: o.x.field }, { field: o.y.field }, ...(o.series ? [{ field: o.series.field }] : [])],
    ...(o.series
      ? {
          color: { field: o.series.field, type: 'nominal', title: o.series.title },
          shape: { field: o.series.field, type: 'nominal', title: o.series.title },
        }
      : {}),
  };
  return chart(o, rows.length, {
    width: WIDTH,
    height: HEIGHT,
    data: { values: rows },
    layer: [{ name: DATA_LAYER, mark: { type: 'point', filled: true, size: 80, opacity: 1 }, encoding }],
  });
}

/** Timeline geometry: plot width (px) and the height of one thread's row. */
export const TIMELINE_WIDTH = 640;
const TIMELINE_ROW_PX = 22;

/**
 * A timeline: one row per thread, one bar per state segment (x from startMs to endMs), coloured by
 * state from a fixed palette so that every timeline reads alike. A bar shorter than one pixel is
 * drawn one pixel wide (`startVisMs`..`endVisMs`, kept inside the axis), so that a 20 us lock hold
 * stays visible; the tooltip keeps its true start and duration. `xMaxMs` fixes the time axis, so
 * that the runs of one group can be compared.
 */
export function timelineChart(o: {
  file: string;
  title: string;
  rows: readonly { thread: string; state: string; startMs: number; endMs: number; durMs: number; task: number }[];
  threads: readonly string[];
  states: readonly { name: string; color: string }[];
  xMaxMs: number;
}): ChartSpec {
  const minMs = o.xMaxMs / TIMELINE_WIDTH;
  const values = o.rows
    .filter((r) => r.endMs > r.startMs)
    .map((r) => {
      const startVisMs = Math.min(Math.max(0, r.startMs), o.xMaxMs - minMs);
      return { ...r, startVisMs, endVisMs: Math.min(o.xMaxMs, Math.max(r.endMs, startVisMs + minMs)) };
    });
  const encoding = {
    x: {
      field: 'startVisMs',
      type: 'quantitative',
      title: 'time since the batch started (ms)',
      scale: { domain: [0, o.xMaxMs], nice: false, clamp: true },
    },
    x2: { field: 'endVisMs' },
    y: {
      field: 'thread',
      type: 'nominal',
      title: null,
      sort: [...o.threads],
      scale: { domain: [...o.threads] },
      axis: { labelLimit: 160 },
    },
    color: {
      field: 'state',
      type: 'nominal',
      title: 'state',
      scale: { domain: o.states.map((s) => s.name), range: o.states.map((s) => s.color) },
      legend: { labelLimit: 200 },
    },
    tooltip: [
      { field: 'thread' },
      { field: 'state' },
      { field: 'startMs', title: 'start ms', format: '.3f' },
      { field: 'durMs', title: 'duration ms', format: '.3f' },
      { field: 'task' },
    ],
  };
  return chart(o, values.length, {
    width: TIMELINE_WIDTH,
    height: Math.max(1, o.threads.length) * TIMELINE_ROW_PX,
    data: { values },
    name: DATA_LAYER,
    mark: { type: 'bar', cornerRadius: 0 },
    encoding,
  });
}

/** Renders a chart to a standalone SVG document. */
export async function renderSvg(chart: ChartSpec): Promise<string> {
  const compiled = compile(chart.spec).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none', logLevel: vega.Error });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
