/**
 * The kinds of timeline spans and instants (SpanKind, InstantKind in types.ts), each with what the
 * code needs of it: a span kind's nesting depth (outer spans first when two start together) and its
 * name in a Chrome trace. `satisfies` makes the table cover every kind and nothing else, so the
 * trace writer, its input check and the span sort cannot drift from the types.
 */
import type { InstantKind, SpanKind } from '../types.js';

export const SPAN_KINDS = {
  task: { depth: 0, traceName: 'task' },
  'lock-wait': { depth: 1, traceName: 'waiting for the lock' },
  'lock-held': { depth: 1, traceName: 'holding the lock' },
  blocked: { depth: 1, traceName: 'blocked (I/O stand-in)' },
  'timer-delay': { depth: 0, traceName: 'event loop blocked (timer late)' },
} as const satisfies Record<SpanKind, { depth: number; traceName: string }>;

export const SPAN_KIND_NAMES: readonly SpanKind[] = Object.freeze(Object.keys(SPAN_KINDS) as SpanKind[]);

const INSTANTS = { 'drop-request-set': true, 'drop-request-seen': true } as const satisfies Record<InstantKind, true>;
export const INSTANT_KIND_NAMES: readonly InstantKind[] = Object.freeze(Object.keys(INSTANTS) as InstantKind[]);
