// Timelines: valid Chrome Trace Event Format, proper nesting, spans that agree with the counters,
// dropped events reported, and nothing recorded when tracing is off.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';

import { batch, run, shutdownPools, toChromeTrace } from '../src/index.js';
import type { ChromeTraceEvent } from '../src/index.js';
import type { BatchReport } from '../src/types.js';

after(() => shutdownPools());

function checkNesting(events: ChromeTraceEvent[]): void {
  const byThread = new Map<string, ChromeTraceEvent[]>();
  for (const e of events) {
    if (e.ph !== 'X') continue;
    const key = `${e.pid}:${e.tid}`;
    byThread.set(key, [...(byThread.get(key) ?? []), e]);
  }
  const eps = 0.002; // microseconds: float rounding of ns timestamps
  for (const [key, list] of byThread) {
    list.sort((a, b) => a.ts! - b.ts! || b.dur! - a.dur!);
    const stack: ChromeTraceEvent[] = [];
    for (const e of list) {
      while (stack.length && stack.at(-1)!.ts! + stack.at(-1)!.dur! <= e.ts! + eps) stack.pop();
      const top = stack.at(-1);
      if (top) {
        assert.ok(
          e.ts! + e.dur! <= top.ts! + top.dur! + eps,
          `thread ${key}: "${e.name}" at ${e.ts} crosses the end of "${top.name}"`,
        );
      }
      stack.push(e);
    }
  }
}

test('the Chrome trace of every mode is valid and its spans nest properly', async () => {
  const reports: BatchReport[] = [];
  for (const mode of ['held', 'released', 'gil', 'worker', 'process', 'native'] as const) {
    reports.push(
      await batch({
        kernel: 'mixed',
        params: { computeUs: 3_000, waitUs: 2_000, repeats: 3 },
        mode,
        tasks: 2,
        trace: true,
      }),
    );
  }
  const trace = toChromeTrace(reports);
  const parsed = JSON.parse(JSON.stringify(trace)) as typeof trace;
  assert.ok(Array.isArray(parsed.traceEvents) && parsed.traceEvents.length > 0);
  for (const e of parsed.traceEvents) {
    assert.equal(typeof e.name, 'string');
    assert.ok(['X', 'i', 'M', 's', 'f'].includes(e.ph), `phase ${e.ph}`);
    assert.ok(Number.isInteger(e.pid) && Number.isInteger(e.tid));
    if (e.ph === 'M')
      assert.equal(typeof e.args?.['name'] === 'string' || typeof e.args?.['sort_index'] === 'number', true);
    if (e.ph === 'X') {
      assert.ok(typeof e.ts === 'number' && Number.isFinite(e.ts));
      assert.ok(typeof e.dur === 'number' && e.dur >= 0, 'durations are non-negative');
    }
    if (e.ph === 'i') assert.equal(e.s, 't');
    if (e.ph === 's' || e.ph === 'f') assert.ok(Number.isInteger(e.id));
  }
  const names = parsed.traceEvents
    .filter((e) => e.ph === 'M' && e.name === 'thread_name')
    .map((e) => String(e.args!['name']));
  for (const role of ['js', 'pool', 'worker', 'process', 'native']) {
    assert.ok(
      names.some((n) => n.startsWith(role)),
      `a ${role} thread is named`,
    );
  }
  checkNesting(parsed.traceEvents);
  assert.ok(
    parsed.traceEvents.some((e) => e.ph === 's'),
    'gil hand-offs appear as flow events',
  );
});

test('gil: no two threads hold the lock at once, and span totals match the counters within 1%', async () => {
  const r = await batch({ kernel: 'spin', params: { cpuUs: 60_000 }, mode: 'gil', tasks: 3, trace: true });
  const held = r.timeline!.threads.flatMap((t) =>
    t.spans.filter((s) => s.kind === 'lock-held').map((s) => ({ ...s, tid: t.tid })),
  );
  held.sort((a, b) => (a.startNs < b.startNs ? -1 : a.startNs > b.startNs ? 1 : 0));
  for (let i = 1; i < held.length; i++) {
    assert.ok(held[i]!.startNs >= held[i - 1]!.endNs, 'lock-held spans are disjoint');
  }
  r.taskReports.forEach((t, task) => {
    const spans = r.timeline!.threads.flatMap((th) => th.spans.filter((s) => s.task === task));
    const sum = (kind: string): number =>
      spans.filter((s) => s.kind === kind).reduce((a, s) => a + Number(s.endNs - s.startNs), 0);
    const hold = sum('lock-held');
    const wait = sum('lock-wait');
    assert.ok(
      Math.abs(hold - t.lockHoldNs) <= 0.01 * t.lockHoldNs,
      `task ${task} hold: spans ${hold} vs ${t.lockHoldNs}`,
    );
    assert.ok(
      Math.abs(wait - t.lockWaitNs) <= 0.01 * t.lockWaitNs + 10_000,
      `task ${task} wait: spans ${wait} vs ${t.lockWaitNs}`,
    );
  });
  assert.equal(r.timeline!.handoffs.length, r.lock!.handoffs, 'timeline hand-offs match the lock counter');
});

test('a full buffer reports its dropped events', async () => {
  const r = await batch({
    kernel: 'spin',
    params: { cpuUs: 60_000 },
    mode: 'gil',
    tasks: 2,
    trace: true,
    traceCapacity: 16,
  });
  assert.ok(r.timeline!.droppedEvents > 0, 'events were dropped and counted');
  assert.ok(r.taskReports.some((t) => t.trace!.dropped > 0));
  assert.ok(r.taskReports.every((t) => t.trace!.events.length <= 16));
  assert.equal(toChromeTrace(r).otherData['droppedEvents'], r.timeline!.droppedEvents);
});

test('tracing off records nothing', async () => {
  const r = await batch({
    kernel: 'mixed',
    params: { computeUs: 1_000, waitUs: 1_000, repeats: 2 },
    mode: 'gil',
    tasks: 2,
  });
  assert.equal(r.timeline, null);
  assert.ok(r.taskReports.every((t) => t.trace === undefined));
  const one = await run('sleep', { us: 1_000 });
  assert.equal(one.trace, undefined);
  assert.throws(() => toChromeTrace(r), { name: 'TypeError', message: /no timeline/ });
  assert.throws(() => toChromeTrace([]), RangeError);
});

test('run() can trace a single task', async () => {
  const r = await run('mixed', { computeUs: 1_000, waitUs: 1_000, repeats: 2 }, { mode: 'gil', trace: true });
  const kinds = r.trace!.events.map((e) => e.kind);
  assert.equal(kinds[0], 'task-start');
  assert.equal(kinds.at(-1), 'task-end');
  assert.ok(kinds.includes('lock-acquired') && kinds.includes('block-start'));
});

test('the cost of recording an event is measured, not assumed', async () => {
  const { native } = await import('../src/addon/loader.js');
  const c = native().traceCost(100_000);
  assert.ok(c.nsPerEvent > 0 && Number.isFinite(c.nsPerEvent));
  assert.ok(c.nsPerEventOff >= 0 && c.nsPerEventOff <= c.nsPerEvent);
  assert.throws(() => native().traceCost(0), RangeError);
});
