/**
 * Timelines: turning each thread's recorded events into spans, rows and the lock's hand-offs.
 * (chrome-trace.ts writes them out for Perfetto.)
 */
import type {
  Handoff,
  TaskReport,
  TaskTrace,
  ThreadRole,
  Timeline,
  TimelineInstant,
  TimelineSpan,
  TimelineThread,
} from '../types.js';
import { SPAN_KINDS } from './kinds.js';

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
  spans.sort((a, b) =>
    a.startNs < b.startNs ? -1 : a.startNs > b.startNs ? 1 : SPAN_KINDS[a.kind].depth - SPAN_KINDS[b.kind].depth,
  );
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
