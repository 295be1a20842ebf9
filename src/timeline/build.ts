/**
 * Timelines: turning each thread's recorded events into spans, and spans into a Chrome Trace Event
 * Format file that Perfetto and chrome://tracing open.
 */
import type { NativeEvents } from '../addon/loader.js';
import { expectTracedReports } from './check.js';
import type {
  BatchReport,
  Handoff,
  TaskReport,
  TaskTrace,
  ThreadRole,
  Timeline,
  TimelineInstant,
  TimelineSpan,
  TimelineThread,
  TraceEvent,
  TraceEventKind,
} from '../types.js';

/** Event kinds by their native code (native/runtime/trace.h, EventKind). */
export const EVENT_KINDS: readonly TraceEventKind[] = Object.freeze([
  'task-start',
  'task-end',
  'lock-wait-start',
  'lock-acquired',
  'lock-released',
  'drop-request-set',
  'drop-request-seen',
  'block-start',
  'block-end',
  'lock-wait-cancelled',
]);

export const DEFAULT_TRACE_CAPACITY = 65_536;

export function decodeEvents(events: NativeEvents | undefined, dropped: number | undefined): TaskTrace | undefined {
  if (!events) return undefined;
  const out: TraceEvent[] = new Array(events.kinds.length);
  for (let i = 0; i < events.kinds.length; i++) {
    out[i] = { ns: events.ns[i]!, kind: EVENT_KINDS[events.kinds[i]!] ?? 'task-end' };
  }
  return { events: out, dropped: dropped ?? 0 };
}

/**
 * Pairs a thread's events into spans: task, lock-wait, lock-held, blocked. A start whose end was
 * dropped is closed at `closeNs` and marked truncated.
 */
export function spansOf(
  trace: TaskTrace,
  task: number,
  closeNs: bigint,
): { spans: TimelineSpan[]; instants: TimelineInstant[] } {
  const spans: TimelineSpan[] = [];
  const instants: TimelineInstant[] = [];
  const open = new Map<TimelineSpan['kind'], bigint>();
  const close = (kind: TimelineSpan['kind'], ns: bigint): void => {
    const start = open.get(kind);
    if (start === undefined) return;
    open.delete(kind);
    spans.push({ kind, startNs: start, endNs: ns, task });
  };
  for (const e of trace.events) {
    switch (e.kind) {
      case 'task-start':
        open.set('task', e.ns);
        break;
      case 'task-end':
        close('task', e.ns);
        break;
      case 'lock-wait-start':
        open.set('lock-wait', e.ns);
        break;
      case 'lock-acquired':
        close('lock-wait', e.ns);
        open.set('lock-held', e.ns);
        break;
      case 'lock-wait-cancelled':
        close('lock-wait', e.ns);
        break;
      case 'lock-released':
        close('lock-held', e.ns);
        break;
      case 'block-start':
        open.set('blocked', e.ns);
        break;
      case 'block-end':
        close('blocked', e.ns);
        break;
      case 'drop-request-set':
      case 'drop-request-seen':
        instants.push({ kind: e.kind, ns: e.ns, task });
        break;
    }
  }
  for (const [kind, start] of open)
    spans.push({ kind, startNs: start, endNs: closeNs > start ? closeNs : start, task, truncated: true });
  // Outer spans first, so a reader sees each thread's spans nested by start time.
  const depth = { task: 0, 'lock-wait': 1, 'lock-held': 1, blocked: 1, 'timer-delay': 0 } as const;
  spans.sort((a, b) => (a.startNs < b.startNs ? -1 : a.startNs > b.startNs ? 1 : depth[a.kind] - depth[b.kind]));
  return { spans, instants };
}

export function roleOf(mode: TaskReport['mode']): ThreadRole {
  switch (mode) {
    case 'held':
      return 'js';
    case 'released':
    case 'gil':
      return 'pool';
    default:
      return mode;
  }
}

/**
 * Hand-offs of the emulated lock: consecutive lock-held spans (by start) of different tasks, where
 * the earlier span was not its task's last hold (the task needed the lock again), as the native
 * counter counts them.
 */
export function handoffsOf(threads: readonly TimelineThread[]): Handoff[] {
  const held: { tid: number; span: TimelineSpan }[] = [];
  const lastHoldStart = new Map<number, bigint>();
  for (const t of threads) {
    for (const s of t.spans) {
      if (s.kind === 'lock-held' && s.task >= 0) {
        held.push({ tid: t.tid, span: s });
        const last = lastHoldStart.get(s.task);
        if (last === undefined || s.startNs > last) lastHoldStart.set(s.task, s.startNs);
      }
    }
  }
  held.sort((a, b) => (a.span.startNs < b.span.startNs ? -1 : a.span.startNs > b.span.startNs ? 1 : 0));
  const out: Handoff[] = [];
  for (let i = 1; i < held.length; i++) {
    const prev = held[i - 1]!;
    const next = held[i]!;
    const wasLast = lastHoldStart.get(prev.span.task) === prev.span.startNs;
    if (prev.span.task !== next.span.task && !wasLast) {
      out.push({ fromTid: prev.tid, toTid: next.tid, releasedNs: prev.span.endNs, acquiredNs: next.span.startNs });
    }
  }
  return out;
}

export interface ExtraThread {
  pid: number;
  tid: number;
  role: ThreadRole;
  name: string;
  spans: TimelineSpan[];
  instants: TimelineInstant[];
  dropped: number;
}

/** Builds a batch's timeline from its traced task reports and extra rows (JS thread, probes). */
export function buildTimeline(
  tasks: readonly TaskReport[],
  extra: readonly ExtraThread[],
  startNs: bigint,
  endNs: bigint,
): Timeline {
  const rows = new Map<
    string,
    { pid: number; tid: number; role: ThreadRole; name: string; spans: TimelineSpan[]; instants: TimelineInstant[] }
  >();
  let dropped = 0;
  tasks.forEach((t, i) => {
    if (!t.trace) return;
    dropped += t.trace.dropped;
    const key = `${t.pid}:${t.threadId}`;
    let row = rows.get(key);
    if (!row) {
      const role = roleOf(t.mode);
      row = { pid: t.pid, tid: t.threadId, role, name: `${role} ${t.threadId}`, spans: [], instants: [] };
      rows.set(key, row);
    }
    const { spans, instants } = spansOf(t.trace, i, t.endNs);
    row.spans.push(...spans);
    row.instants.push(...instants);
  });
  for (const x of extra) {
    dropped += x.dropped;
    const key = `${x.pid}:${x.tid}`;
    const row = rows.get(key);
    if (row) {
      row.spans.push(...x.spans);
      row.instants.push(...x.instants);
    } else {
      rows.set(key, {
        pid: x.pid,
        tid: x.tid,
        role: x.role,
        name: x.name,
        spans: [...x.spans],
        instants: [...x.instants],
      });
    }
  }
  const threads: TimelineThread[] = [...rows.values()].map((r) => ({
    ...r,
    spans: r.spans.sort((a, b) => (a.startNs < b.startNs ? -1 : a.startNs > b.startNs ? 1 : 0)),
  }));
  return { startNs, endNs, threads, handoffs: handoffsOf(threads), droppedEvents: dropped };
}

// ---- Chrome Trace Event Format ----

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

const SPAN_NAMES: Record<TimelineSpan['kind'], string> = {
  task: 'task',
  'lock-wait': 'waiting for the lock',
  'lock-held': 'holding the lock',
  blocked: 'blocked (I/O stand-in)',
  'timer-delay': 'event loop blocked (timer late)',
};

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
  const events: ChromeTraceEvent[] = [];
  let flowId = 1;
  list.forEach((r, bi) => {
    const tl = r.timeline!;
    // One trace "process" per batch keeps batches apart even when they share OS threads.
    const groupPid = bi + 1;
    events.push({
      name: 'process_name',
      ph: 'M',
      pid: groupPid,
      tid: 0,
      args: { name: `batch ${bi + 1}: ${r.kernel} ${r.mode} x${r.tasks}` },
    });
    events.push({ name: 'process_sort_index', ph: 'M', pid: groupPid, tid: 0, args: { sort_index: bi } });
    for (const t of tl.threads) {
      events.push({
        name: 'thread_name',
        ph: 'M',
        pid: groupPid,
        tid: t.tid,
        args: { name: `${t.name} (pid ${t.pid})` },
      });
      for (const s of t.spans) {
        events.push({
          name: SPAN_NAMES[s.kind],
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
        events.push({
          name: i.kind,
          cat: 'lock',
          ph: 'i',
          s: 't',
          pid: groupPid,
          tid: t.tid,
          ts: us(i.ns),
          args: { task: i.task },
        });
      }
    }
    for (const h of tl.handoffs) {
      const id = flowId++;
      events.push({
        name: 'lock hand-off',
        cat: 'handoff',
        ph: 's',
        id,
        pid: groupPid,
        tid: h.fromTid,
        ts: us(h.releasedNs),
      });
      events.push({
        name: 'lock hand-off',
        cat: 'handoff',
        ph: 'f',
        bp: 'e',
        id,
        pid: groupPid,
        tid: h.toTid,
        ts: us(h.acquiredNs),
      });
    }
  });
  return {
    traceEvents: events,
    displayTimeUnit: 'ns',
    otherData: {
      producer: 'gilscope',
      clock: 'CLOCK_MONOTONIC',
      originNs: origin.toString(),
      droppedEvents: list.reduce((s, r) => s + r.timeline!.droppedEvents, 0),
    },
  };
}
