/**
 * A batch's timeline as a Chrome Trace Event Format file, which Perfetto and chrome://tracing open:
 * one trace "process" per batch, one row per thread, a complete event per span, an instant per
 * drop request and a flow arrow per hand-off of the lock.
 */
import type { BatchReport, Handoff, TimelineThread } from '../types.js';
import { expectTracedReports } from './check.js';
import { SPAN_KINDS } from './kinds.js';

/** One event of the Chrome Trace Event Format (the fields gilscope writes). */
export interface ChromeTraceEvent {
  name: string;
  ph: 'X' | 'i' | 'M' | 's' | 'f';
  pid: number;
  tid: number;
  /** Microseconds since the trace's origin (the first batch's start). */
  ts?: number;
  /** Microseconds (complete events only). */
  dur?: number;
  cat?: string;
  s?: 't';
  id?: number;
  bp?: 'e';
  args?: Record<string, unknown>;
}

export interface ChromeTrace {
  traceEvents: ChromeTraceEvent[];
  displayTimeUnit: 'ns' | 'ms';
  otherData: Record<string, unknown>;
}

/** Microseconds since the trace's origin. */
type ToUs = (ns: bigint) => number;

/** One thread's rows: its name, a complete event per span, an instant per drop request. */
function threadEvents(t: TimelineThread, groupPid: number, us: ToUs): ChromeTraceEvent[] {
  const events: ChromeTraceEvent[] = [
    { name: 'thread_name', ph: 'M', pid: groupPid, tid: t.tid, args: { name: `${t.name} (pid ${t.pid})` } },
  ];
  for (const s of t.spans) {
    events.push({
      name: SPAN_KINDS[s.kind].traceName,
      cat: s.kind,
      ph: 'X',
      pid: groupPid,
      tid: t.tid,
      ts: us(s.startNs),
      dur: Number(s.endNs - s.startNs) / 1000,
      args: { task: s.task, ...(s.truncated ? { truncated: true } : {}) },
    });
  }
  for (const i of t.instants) {
    const ts = us(i.ns);
    events.push({ name: i.kind, cat: 'lock', ph: 'i', s: 't', pid: groupPid, tid: t.tid, ts, args: { task: i.task } });
  }
  return events;
}

/** A flow arrow from the releasing thread to the acquiring one, per hand-off; ids from `nextId`. */
function handoffEvents(handoffs: readonly Handoff[], groupPid: number, us: ToUs, nextId: () => number) {
  return handoffs.flatMap((h): ChromeTraceEvent[] => {
    const id = nextId();
    const name = 'lock hand-off';
    return [
      { name, cat: 'handoff', ph: 's', id, pid: groupPid, tid: h.fromTid, ts: us(h.releasedNs) },
      { name, cat: 'handoff', ph: 'f', bp: 'e', id, pid: groupPid, tid: h.toTid, ts: us(h.acquiredNs) },
    ];
  });
}

/** Batch `index`'s events: one trace "process" per batch keeps batches apart even when they share OS threads. */
function batchEvents(r: BatchReport, index: number, us: ToUs, nextId: () => number): ChromeTraceEvent[] {
  const tl = r.timeline!;
  const groupPid = index + 1;
  const name = `batch ${index + 1}: ${r.kernel} ${r.mode} x${r.tasks}`;
  return [
    { name: 'process_name', ph: 'M', pid: groupPid, tid: 0, args: { name } },
    { name: 'process_sort_index', ph: 'M', pid: groupPid, tid: 0, args: { sort_index: index } },
    ...tl.threads.flatMap((t) => threadEvents(t, groupPid, us)),
    ...handoffEvents(tl.handoffs, groupPid, us, nextId),
  ];
}

/**
 * Converts one or several traced batch reports to Chrome Trace Event Format JSON (an object;
 * `JSON.stringify` it to write a file). Each batch becomes a trace "process" row group named after
 * its mode, so several batches can be compared in one file. Throws a TypeError when a report was not
 * traced, or a TypeError/RangeError naming the first field of a report that is not what it should be.
 */
export function toChromeTrace(reports: BatchReport | readonly BatchReport[]): ChromeTrace {
  const list = expectTracedReports(reports);
  const origin = list.reduce((m, r) => (r.timeline!.startNs < m ? r.timeline!.startNs : m), list[0]!.timeline!.startNs);
  const us = (ns: bigint): number => Number(ns - origin) / 1000;
  let flowId = 1;
  const nextId = (): number => flowId++;
  return {
    traceEvents: list.flatMap((r, i) => batchEvents(r, i, us, nextId)),
    displayTimeUnit: 'ns',
    otherData: {
      producer: 'gilscope',
      clock: 'CLOCK_MONOTONIC',
      originNs: origin.toString(),
      droppedEvents: list.reduce((s, r) => s + r.timeline!.droppedEvents, 0),
    },
  };
}
