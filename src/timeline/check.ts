/**
 * Checks the reports given to toChromeTrace: every field it reads has the right type, so a report
 * that was hand-made, edited or read back from JSON gets a TypeError naming the field (for example
 * `reports[0].timeline.threads[2].spans[5].startNs must be a bigint`) instead of a crash deep inside
 * the conversion. Timestamps must be bigints: JSON loses them, so a parsed report needs them revived.
 */
import type { BatchReport } from '../types.js';
import { describe } from '../validate.js';
import { INSTANT_KIND_NAMES, SPAN_KIND_NAMES } from './kinds.js';

type Obj = Record<string, unknown>;

function obj(value: unknown, name: string, what: string): Obj {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new TypeError(`${name} must be ${what}, received ${describe(value)}`);
  }
  return value as Obj;
}

/** Checks each element, holes included (forEach would skip a hole that for...of later reads). */
function each(value: unknown, name: string, check: (item: unknown, itemName: string) => void): void {
  if (!Array.isArray(value)) throw new TypeError(`${name} must be an array, received ${describe(value)}`);
  for (let i = 0; i < value.length; i++) check(value[i], `${name}[${i}]`);
}

function field(o: Obj, key: string, name: string, type: 'bigint' | 'number' | 'string'): unknown {
  const v = o[key];
  if (typeof v !== type) throw new TypeError(`${name}.${key} must be a ${type}, received ${describe(v)}`);
  return v;
}

function kind(o: Obj, name: string, accepted: readonly string[]): void {
  const v = field(o, 'kind', name, 'string') as string;
  if (!accepted.includes(v)) {
    throw new RangeError(
      `${name}.kind must be one of ${accepted.map((k) => `'${k}'`).join(', ')}, received ${describe(v)}`,
    );
  }
}

function checkTimeline(value: unknown, name: string): void {
  if (value === null || value === undefined) {
    throw new TypeError(`${name} is ${describe(value)}: the batch had no timeline (run it with trace: true)`);
  }
  const tl = obj(value, name, 'a Timeline');
  field(tl, 'startNs', name, 'bigint');
  field(tl, 'endNs', name, 'bigint');
  field(tl, 'droppedEvents', name, 'number');
  each(tl['threads'], `${name}.threads`, (t, tn) => {
    const thread = obj(t, tn, 'a TimelineThread');
    field(thread, 'pid', tn, 'number');
    field(thread, 'tid', tn, 'number');
    field(thread, 'role', tn, 'string');
    field(thread, 'name', tn, 'string');
    each(thread['spans'], `${tn}.spans`, (s, sn) => {
      const span = obj(s, sn, 'a TimelineSpan');
      kind(span, sn, SPAN_KIND_NAMES);
      field(span, 'startNs', sn, 'bigint');
      field(span, 'endNs', sn, 'bigint');
      field(span, 'task', sn, 'number');
    });
    each(thread['instants'], `${tn}.instants`, (i, inName) => {
      const instant = obj(i, inName, 'a TimelineInstant');
      kind(instant, inName, INSTANT_KIND_NAMES);
      field(instant, 'ns', inName, 'bigint');
      field(instant, 'task', inName, 'number');
    });
  });
  each(tl['handoffs'], `${name}.handoffs`, (h, hn) => {
    const handoff = obj(h, hn, 'a Handoff');
    field(handoff, 'fromTid', hn, 'number');
    field(handoff, 'toTid', hn, 'number');
    field(handoff, 'releasedNs', hn, 'bigint');
    field(handoff, 'acquiredNs', hn, 'bigint');
  });
}

/** The reports as a list, each checked; throws TypeError/RangeError naming the first bad field. */
export function expectTracedReports(reports: unknown): readonly BatchReport[] {
  if (typeof reports !== 'object' || reports === null) {
    throw new TypeError(`reports must be a traced BatchReport or an array of them, received ${describe(reports)}`);
  }
  const checkReport = (r: unknown, name: string): void => {
    const report = obj(r, name, 'a BatchReport');
    field(report, 'kernel', name, 'string');
    field(report, 'mode', name, 'string');
    field(report, 'tasks', name, 'number');
    checkTimeline(report['timeline'], `${name}.timeline`);
  };
  if (!Array.isArray(reports)) {
    checkReport(reports, 'reports');
    return [reports as BatchReport];
  }
  if (reports.length === 0)
    throw new RangeError('reports must hold at least one batch report, received an empty array');
  each(reports, 'reports', checkReport);
  return reports as readonly BatchReport[];
}
