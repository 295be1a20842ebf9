/**
 * Decoding what the addon returns: the packed task record (a BigInt64Array laid out by
 * RECORD_FIELDS) and recorded trace events (codes laid out by EVENT_KINDS). Both layouts come from
 * the addon's own tables (src/generated/layout.ts); `checkLayout` refuses an addon whose
 * tables differ, so a record is never read with the wrong field order.
 */
import type { TaskTrace, TraceEvent } from '../types.js';
import { EVENT_KINDS, KERNEL_TABLE, RECORD_FIELDS } from '../generated/layout.js';
import type { NativeAddon, NativeEvents, NativeRecord } from './types.js';

type Field = (typeof RECORD_FIELDS)[number];

/** Each field's index in the packed record. */
const at = Object.fromEntries(RECORD_FIELDS.map((f, i) => [f, i])) as Record<Field, number>;

/** Flag bits of the record's `flags` field. */
const STARTED = 1;
const CANCELLED = 2;

/** A record as the addon packs it: the fields, plus `error` and the trace as properties. */
export type PackedRecord = BigInt64Array & { error?: string; events?: NativeEvents; eventsDropped?: number };

function num(p: PackedRecord, f: Field): number {
  return Number(p[at[f]]);
}

function big(p: PackedRecord, f: Field): bigint {
  return p[at[f]]!;
}

/** Unpacks one record. Throws when it names a kernel id the table does not have (a layout mismatch). */
export function unpackRecord(p: PackedRecord): NativeRecord {
  const kernelId = num(p, 'kernel');
  const kernel = KERNEL_TABLE[kernelId]?.name;
  if (kernel === undefined) throw new Error(`gilscope: the addon returned a record of unknown kernel id ${kernelId}`);
  const flags = num(p, 'flags');
  const runQueueNs = num(p, 'runQueueNs');
  const r: NativeRecord = {
    kernel,
    result: num(p, 'result'),
    started: (flags & STARTED) !== 0,
    cancelled: (flags & CANCELLED) !== 0,
    threadId: num(p, 'threadId'),
    submitNs: big(p, 'submitNs'),
    startNs: big(p, 'startNs'),
    endNs: big(p, 'endNs'),
    cpuNs: num(p, 'cpuNs'),
    userUs: num(p, 'userUs'),
    systemUs: num(p, 'systemUs'),
    voluntarySwitches: num(p, 'voluntarySwitches'),
    involuntarySwitches: num(p, 'involuntarySwitches'),
    runQueueNs: runQueueNs < 0 ? null : runQueueNs, // -1: no schedstat
    lockWaitNs: num(p, 'lockWaitNs'),
    lockHoldNs: num(p, 'lockHoldNs'),
    lockAcquisitions: num(p, 'lockAcquisitions'),
    dropRequests: num(p, 'dropRequests'),
  };
  if (p.error !== undefined) r.error = p.error;
  if (p.events !== undefined) {
    r.events = p.events;
    r.eventsDropped = p.eventsDropped ?? 0;
  }
  return r;
}

/** A thread's recorded events, decoded; undefined when it did not record. Throws on an unknown event code. */
export function decodeEvents(events: NativeEvents | undefined, dropped: number | undefined): TaskTrace | undefined {
  if (!events) return undefined;
  const out: TraceEvent[] = new Array(events.kinds.length);
  for (let i = 0; i < events.kinds.length; i++) {
    const code = events.kinds[i]!;
    const kind = EVENT_KINDS[code];
    if (kind === undefined) throw new Error(`gilscope: the addon recorded an event of unknown code ${code}`);
    out[i] = { ns: events.ns[i]!, kind };
  }
  return { events: out, dropped: dropped ?? 0 };
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * Throws when the loaded module's own tables differ from the ones this TypeScript was generated
 * from (an addon built from other sources): records and events would be misread.
 */
export function checkLayout(raw: Record<string, unknown>, path: string): void {
  const table = (name: string): unknown =>
    typeof raw[name] === 'function' ? (raw[name] as () => unknown)() : `no ${name}() export`;
  const differs = [
    ['record layout', table('recordLayout'), RECORD_FIELDS],
    ['event kinds', table('eventKinds'), EVENT_KINDS],
    ['kernel table', table('kernelTable'), KERNEL_TABLE],
  ].filter(([, got, want]) => !same(got, want));
  if (differs.length > 0) {
    throw new Error(
      `gilscope: the addon at ${path} was built from other sources than this TypeScript ` +
        `(its ${differs.map(([what]) => what).join(', ')} differ); rebuild it with \`npm install\``,
    );
  }
}

/** The raw module with records unpacked: callers see NativeRecord objects. */
export function wrapAddon(raw: Record<string, unknown>): NativeAddon {
  const r = raw as unknown as {
    runSync(...a: unknown[]): PackedRecord;
    submit(...a: unknown[]): Promise<PackedRecord>;
    runNative(...a: unknown[]): Promise<PackedRecord[]>;
  };
  return {
    ...(raw as unknown as NativeAddon),
    runSync: (...a: unknown[]) => unpackRecord(r.runSync(...a)),
    submit: (...a: unknown[]) => r.submit(...a).then(unpackRecord),
    runNative: (...a: unknown[]) => r.runNative(...a).then((ps) => ps.map(unpackRecord)),
  } as NativeAddon;
}
