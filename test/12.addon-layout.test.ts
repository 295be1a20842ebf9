/**
 * The addon's own tables are the one source of the record layout, the trace event kinds, the
 * kernel table and the hazard choices; src/addon/layout.ts is generated from them. These tests
 * fail when the checked-in file and the loaded addon disagree, and show that the loader refuses
 * an addon whose tables differ (so a record is never decoded with the wrong layout).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { EVENT_KINDS, HAZARD_TABLE, KERNEL_TABLE, RECORD_FIELDS } from '../src/generated/layout.js';
import { addonPath, native } from '../src/addon/loader.js';
import { checkLayout, decodeEvents, unpackRecord, type PackedRecord } from '../src/addon/record.js';

test('the generated layout file matches the loaded addon (regenerate with npm run gen:layout)', () => {
  const addon = native();
  assert.deepEqual(addon.recordLayout(), [...RECORD_FIELDS], 'record layout');
  assert.deepEqual(addon.eventKinds(), [...EVENT_KINDS], 'event kinds');
  assert.deepEqual(addon.kernelTable(), KERNEL_TABLE, 'kernel table');
  assert.deepEqual(addon.hazardTable(), HAZARD_TABLE, 'hazard table');
});

test('the loader refuses an addon whose tables differ from the generated ones', () => {
  const raw = { ...(native() as unknown as Record<string, unknown>) };
  assert.doesNotThrow(() => checkLayout(raw, addonPath()));
  const swapped = [...RECORD_FIELDS];
  [swapped[7], swapped[8]] = [swapped[8]!, swapped[7]!];
  assert.throws(
    () => checkLayout({ ...raw, recordLayout: () => swapped }, 'fake.node'),
    /the addon at fake\.node was built from other sources .*record layout/,
  );
  assert.throws(
    () => checkLayout({ ...raw, eventKinds: undefined }, 'old.node'),
    /the addon at old\.node was built from other sources .*event kinds/,
  );
});

test('a record is decoded field by field from the layout, and an unknown kernel id or event code is an error', () => {
  const packed = new BigInt64Array(RECORD_FIELDS.length) as PackedRecord;
  RECORD_FIELDS.forEach((f, i) => (packed[i] = BigInt(i + 1)));
  packed[RECORD_FIELDS.indexOf('kernel')] = BigInt(KERNEL_TABLE.findIndex((k) => k.name === 'spin'));
  packed[RECORD_FIELDS.indexOf('runQueueNs')] = -1n;
  const r = unpackRecord(packed);
  assert.equal(r.kernel, 'spin');
  assert.equal(r.cpuNs, RECORD_FIELDS.indexOf('cpuNs') + 1);
  assert.equal(r.dropRequests, RECORD_FIELDS.indexOf('dropRequests') + 1);
  assert.equal(r.runQueueNs, null, '-1 means no schedstat');
  packed[RECORD_FIELDS.indexOf('kernel')] = BigInt(KERNEL_TABLE.length);
  assert.throws(() => unpackRecord(packed), /unknown kernel id/);
  const events = { ns: new BigUint64Array([1n, 2n]), kinds: new Uint8Array([0, EVENT_KINDS.length]) };
  assert.throws(() => decodeEvents(events, 0), new RegExp(`unknown code ${EVENT_KINDS.length}`));
  const ok = decodeEvents({ ns: new BigUint64Array([5n]), kinds: new Uint8Array([1]) }, 3);
  assert.deepEqual(ok, { events: [{ ns: 5n, kind: 'task-end' }], dropped: 3 });
});
