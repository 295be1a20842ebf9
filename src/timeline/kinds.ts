/**
 * The kinds of timeline spans and instants, in one place: each span kind's nesting depth (outer
 * spans first when two start together) and its name in a Chrome trace. The types (TimelineSpan,
 * TimelineInstant), the Chrome trace writer, its input check and the bench's timeline charts all
 * take them from here.
 */
export const SPAN_KINDS = {
  task: { depth: 0, traceName: 'task' },
  'lock-wait': { depth: 1, traceName: 'waiting for the lock' },
  'lock-held': { depth: 1, traceName: 'holding the lock' },
  blocked: { depth: 1, traceName: 'blocked (I/O stand-in)' },
  'timer-delay': { depth: 0, traceName: 'event loop blocked (timer late)' },
} as const;

export type SpanKind = keyof typeof SPAN_KINDS;
export const SPAN_KIND_NAMES: readonly SpanKind[] = Object.freeze(Object.keys(SPAN_KINDS) as SpanKind[]);

/** Instants: a waiter set the drop request; the holder saw it. */
export const INSTANT_KIND_NAMES = Object.freeze(['drop-request-set', 'drop-request-seen'] as const);
export type InstantKind = (typeof INSTANT_KIND_NAMES)[number];
