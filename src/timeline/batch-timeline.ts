/** A batch's timeline: its tasks' rows, the JS thread's late timers, and the convoy probe's row. */
import type { NativeEvents } from '../addon/types.js';
import { decodeEvents } from '../addon/record.js';
import type { TaskReport, Timeline, TimelineSpan } from '../types.js';
import { buildTimeline, spansOf, type ExtraThread } from './build.js';

/** The convoy probe's thread and what it recorded. */
export interface ConvoyTrace {
  readonly threadId: number;
  readonly events?: NativeEvents;
  readonly eventsDropped?: number;
}

/**
 * The JS thread's timer-delay spans. A late timer's span starts where the held calls that delayed
 * it ended, so the JS thread's spans nest properly: the held call itself is already on this row.
 */
function timerSpans(tasks: readonly TaskReport[], pings: readonly (readonly [bigint, bigint])[]): TimelineSpan[] {
  const held = tasks.filter((t) => t.mode === 'held');
  const spans: TimelineSpan[] = [];
  for (const [due, fired] of pings) {
    let start = due;
    for (const t of held) if (t.startNs < fired && t.endNs > start) start = t.endNs < fired ? t.endNs : fired;
    if (fired > start) spans.push({ kind: 'timer-delay', startNs: start, endNs: fired, task: -1 });
  }
  return spans;
}

/**
 * Builds the timeline of a traced batch that ran from `startNs` to `endNs`: `pings` are the JS
 * thread's timer probe ([due, fired] pairs), `jsTid` that thread's id.
 */
export function batchTimeline(
  tasks: readonly TaskReport[],
  pings: readonly (readonly [bigint, bigint])[],
  jsTid: number,
  startNs: bigint,
  endNs: bigint,
  convoy: ConvoyTrace | undefined,
): Timeline {
  const spans = timerSpans(tasks, pings);
  const extra: ExtraThread[] = [
    { pid: process.pid, tid: jsTid, role: 'js', name: `js ${jsTid}`, spans, instants: [], dropped: 0 },
  ];
  const convoyTrace = convoy && decodeEvents(convoy.events, convoy.eventsDropped);
  if (convoy && convoyTrace) {
    const { spans: cs, instants } = spansOf(convoyTrace, -1, endNs);
    const name = `convoy probe ${convoy.threadId}`;
    extra.push({
      pid: process.pid,
      tid: convoy.threadId,
      role: 'native',
      name,
      spans: cs,
      instants,
      dropped: convoyTrace.dropped,
    });
  }
  return buildTimeline(tasks, extra, startNs, endNs);
}
