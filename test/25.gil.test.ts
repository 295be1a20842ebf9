// The emulated GIL follows CPython's rules: compute takes turns, waiting overlaps, hand-offs come at
// the switch interval with forced switching, and without it the releaser keeps winning.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { batch } from '../src/index.js';
import type { BatchReport, TimelineSpan } from '../src/types.js';

function spansOfKind(r: BatchReport, kind: TimelineSpan['kind']): TimelineSpan[] {
  assert.ok(r.timeline, 'traced batch has a timeline');
  return r.timeline.threads.flatMap((t) => t.spans.filter((s) => s.kind === kind && s.task >= 0));
}

function overlapping(spans: TimelineSpan[]): [TimelineSpan, TimelineSpan][] {
  const out: [TimelineSpan, TimelineSpan][] = [];
  for (let i = 0; i < spans.length; i++) {
    for (let j = i + 1; j < spans.length; j++) {
      const a = spans[i]!;
      const b = spans[j]!;
      if (a.task !== b.task && a.startNs < b.endNs && b.startNs < a.endNs) out.push([a, b]);
    }
  }
  return out;
}

test('gil: compute phases of different tasks never overlap, their sleep phases do', async () => {
  const r = await batch({
    kernel: 'mixed',
    params: { computeUs: 3_000, waitUs: 15_000, repeats: 4 },
    mode: 'gil',
    tasks: 3,
    trace: true,
  });
  const held = spansOfKind(r, 'lock-held');
  assert.ok(held.length >= 12, `every compute phase holds the lock (${held.length} holds)`);
  assert.deepEqual(overlapping(held), [], 'no two tasks hold the lock at once');
  assert.ok(overlapping(spansOfKind(r, 'blocked')).length > 0, 'blocking phases of different tasks overlap');
  assert.ok(r.lock && r.lock.heldFraction <= 1.0001, `heldFraction ${r.lock?.heldFraction} <= 1`);
  for (const t of r.taskReports) {
    assert.ok(t.lockAcquisitions >= 4, 'each compute phase re-acquires after its wait');
    assert.ok(t.lockHoldNs >= 4 * 3_000_000 * 0.99, 'held at least for its compute');
  }
});

test('gil: CPU-bound tasks take turns (about one CPU-s per s in total)', async () => {
  const r = await batch({ kernel: 'spin', params: { cpuUs: 100_000 }, mode: 'gil', tasks: 2, convoyProbe: false });
  // Turn-taking: spin's 100 ms of CPU is spent holding the lock, except the lock protocol's own CPU,
  // which counts in spin's budget: release, re-acquire and the forced-switch wait (waits are not
  // sliced, so a waiter does not wake every 1 ms). Measured: 0.1 to 2.2 ms per task (it grows with
  // the time spent waiting), so at least 90% of the compute must be under the lock. The holds of
  // different tasks never overlap (the traced test above checks that span by span), so together
  // they fit in the wall time.
  for (const t of r.taskReports) {
    assert.ok(t.lockHoldNs >= 90_000_000, `the compute was done holding the lock (held ${t.lockHoldNs} ns)`);
    assert.ok(t.lockWaitNs > 0, 'each task waited for the other');
  }
  const holdNs = r.taskReports.reduce((s, t) => s + t.lockHoldNs, 0);
  assert.ok(holdNs <= r.wallNs * 1.001, `total hold time ${holdNs} fits in the wall time ${r.wallNs}`);
  assert.ok(r.parallelism < 1.2, `about one CPU-s per s in total (parallelism ${r.parallelism.toFixed(2)})`);
});

test('gil: with forced switching, 2 CPU-bound tasks hand off about every switch interval', async () => {
  const intervalUs = 5_000;
  const r = await batch({
    kernel: 'spin',
    params: { cpuUs: 150_000 },
    mode: 'gil',
    tasks: 2,
    switchIntervalUs: intervalUs,
    forcedSwitching: true,
    convoyProbe: false,
  });
  const expected = r.wallNs / (intervalUs * 1000);
  const got = r.lock!.handoffs;
  assert.ok(got >= 0.5 * expected && got <= 1.5 * expected, `hand-offs ${got}, wall/interval ${expected.toFixed(1)}`);
  assert.ok(r.lock!.dropRequests >= got * 0.8, 'each hand-off was asked for with a drop request');
});

/** Times a task that saw a drop request and released took the lock straight back itself. */
function selfRegrabs(r: BatchReport): number {
  const events = r.taskReports.flatMap((t, task) => (t.trace?.events ?? []).map((e) => ({ ...e, task })));
  events.sort((a, b) => (a.ns < b.ns ? -1 : a.ns > b.ns ? 1 : 0));
  let count = 0;
  let yielding: number | undefined; // task that released because of a drop request
  for (const e of events) {
    if (e.kind === 'drop-request-seen') yielding = e.task;
    else if (e.kind === 'lock-acquired' && yielding !== undefined) {
      if (e.task === yielding) count++;
      yielding = undefined;
    }
  }
  return count;
}

test('gil: with forced switching a yielding holder never takes the lock straight back', async () => {
  const r = await batch({
    kernel: 'spin',
    params: { cpuUs: 100_000 },
    mode: 'gil',
    tasks: 2,
    convoyProbe: false,
    trace: true,
  });
  assert.ok(r.lock!.handoffs > 0);
  assert.equal(selfRegrabs(r), 0);
});

test('gil: without forced switching the releaser can win the "GIL battle"', async (t) => {
  // The battle is the OS's doing: the releaser is running and re-takes the lock before the woken
  // waiter is scheduled. On a quiet machine it wins nearly every time (far fewer hand-offs). When
  // more threads want the CPUs than there are cores, the scheduler's wake-up preemption runs the
  // woken waiter first and the battle can vanish: that is measured (run-queue wait of the tasks),
  // and only then is the check skipped, saying so. Forced switching never allows a re-grab
  // (previous test), so one re-grab here proves the rule differs. Up to three tries.
  const common = {
    kernel: 'spin',
    params: { cpuUs: 150_000 },
    mode: 'gil',
    tasks: 2,
    convoyProbe: false,
    trace: true,
  } as const;
  const seen: string[] = [];
  let busiest = 0;
  for (let attempt = 0; attempt < 3; attempt++) {
    const forced = await batch({ ...common, forcedSwitching: true });
    const battle = await batch({ ...common, forcedSwitching: false });
    const runQueueNs = battle.taskReports.reduce((s, r) => s + (r.runQueueNs ?? 0), 0);
    const share = runQueueNs / battle.taskReports.reduce((s, r) => s + r.wallNs, 0);
    busiest = Math.max(busiest, share);
    seen.push(
      `forced ${forced.lock!.handoffs} / battle ${battle.lock!.handoffs} hand-offs, ` +
        `${selfRegrabs(battle)} re-grabs, run-queue ${(share * 100).toFixed(1)}%`,
    );
    if (selfRegrabs(battle) > 0) return;
  }
  if (busiest > 0.05) {
    t.skip(
      `machine too busy to show the battle (tasks spent up to ${(busiest * 100).toFixed(0)}% of their time ` +
        `waiting for a CPU): ${seen.join('; ')}`,
    );
    return;
  }
  assert.fail(`the releaser never won the battle on a quiet machine: ${seen.join('; ')}`);
});

test('gil: the convoy probe measures how long a lock-needing waiter is held up', async () => {
  const cpu = await batch({ kernel: 'spin', params: { cpuUs: 60_000 }, mode: 'gil', tasks: 2 });
  assert.ok(cpu.probe.convoy && cpu.probe.convoy.samples > 0, 'the probe completed rounds');
  assert.ok(cpu.probe.convoy.p50Ns! > 0);
  const released = await batch({ kernel: 'spin', params: { cpuUs: 10_000 }, mode: 'released', tasks: 2 });
  assert.equal(released.probe.convoy, null, 'no convoy probe outside gil mode');
  assert.ok(released.eventLoop.samples > 0, "the JS thread's timer probe took samples");
});
