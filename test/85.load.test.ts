// Load: floods of tasks all settle, a batch runs on 1,024 pool threads, memory returns to where it
// was after repeated rounds, and a leak check (LeakSanitizer, with the ASan build) finds nothing
// allocated by the addon.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';

import { batch, shutdownPools } from '../src/index.js';
import { ROOT } from './support/cli.js';
import { sanitizedAddon } from './support/sanitizer.js';
import { spawnCollecting, type Ran } from './support/spawn.js';
import { assertRanWhereModeRuns } from './support/where.js';

after(() => shutdownPools());

/** Runs a fixture in a fresh node; resolves with its exit and output; past `limitMs` it is killed and rejects. */
function runNode(args: string[], env: NodeJS.ProcessEnv, limitMs: number): Promise<Ran> {
  return spawnCollecting(process.execPath, args, { cwd: ROOT, env, limitMs }).done;
}

test('100,000 empty tasks queued at once in released mode all settle', async (t) => {
  const r = await batch({ kernel: 'noop', params: {}, mode: 'released', tasks: 100_000 });
  assert.equal(r.tasks, 100_000);
  assert.equal(r.taskReports.length, 100_000);
  assert.ok(r.taskReports.every((x) => x.result === 0 && x.endNs >= x.startNs));
  const threads = new Set(r.taskReports.map((x) => x.threadId));
  assert.ok(threads.size <= r.poolSize, 'only the pool threads ran them');
  await assertRanWhereModeRuns('released', r.taskReports);
  t.diagnostic(`100,000 released tasks in ${(r.wallNs / 1e6).toFixed(0)} ms on ${threads.size} pool threads`);
});

test('10,000 empty tasks queued at once in gil mode all settle, each taking the lock once', async (t) => {
  const r = await batch({ kernel: 'noop', params: {}, mode: 'gil', tasks: 10_000 });
  assert.equal(r.taskReports.length, 10_000);
  assert.ok(r.taskReports.every((x) => x.result === 0));
  await assertRanWhereModeRuns('gil', r.taskReports);
  assert.ok(
    r.taskReports.every((x) => x.lockAcquisitions === 1),
    'a noop task acquires the lock exactly once',
  );
  assert.ok(r.lock !== null && r.lock.heldFraction <= 1);
  t.diagnostic(`10,000 gil tasks in ${(r.wallNs / 1e6).toFixed(0)} ms`);
});

test('a batch with 1,024 libuv pool threads runs (in a child process with that pool size)', async (t) => {
  const r = await batch({ kernel: 'sleep', params: { us: 20_000 }, mode: 'released', tasks: 1024, threads: 1024 });
  assert.equal(r.poolSize, 1024);
  assert.equal(r.taskReports.length, 1024);
  await assertRanWhereModeRuns('released', r.taskReports, true); // all in one child process
  const threads = new Set(r.taskReports.map((x) => x.threadId)).size;
  // Sleeping tasks overlap, so far more than the default 4 threads served them.
  assert.ok(threads > 4, `only ${threads} pool threads ran 1,024 sleeping tasks`);
  t.diagnostic(`1,024 sleeping tasks ran on ${threads} distinct pool threads`);
});

test('a native batch starts 1,024 raw threads', async () => {
  const r = await batch({ kernel: 'sleep', params: { us: 20_000 }, mode: 'native', tasks: 1024 });
  assert.equal(r.poolSize, 1024);
  assert.equal(new Set(r.taskReports.map((x) => x.threadId)).size, 1024);
  await assertRanWhereModeRuns('native', r.taskReports); // and every one of them has ended
});

/** Allowed growth of resident memory from the warmed-up baseline over the later rounds. */
const RSS_BOUND_BYTES = 8 * 1024 * 1024;
const RSS_ROUNDS = 10;
const RSS_WARMUP = 3;

test('resident memory after repeated rounds stays within 8 MiB of the warmed-up baseline', async (t) => {
  if (sanitizedAddon()) {
    t.skip(
      'the ASan allocator keeps freed memory in quarantine: resident memory is not comparable ' +
        '(the leak check covers this build)',
    );
    return;
  }
  const out = await runNode(
    ['--expose-gc', '--import', 'tsx', 'test/fixtures/rss-rounds.ts', String(RSS_ROUNDS)],
    process.env,
    240_000,
  );
  assert.equal(out.code, 0, out.stderr);
  const { rss, tasksPerRound } = JSON.parse(out.stdout.trim().split('\n').at(-1)!) as {
    rss: number[];
    tasksPerRound: number;
  };
  assert.equal(rss.length, RSS_ROUNDS);
  const baseline = rss[RSS_WARMUP - 1]!;
  const later = rss.slice(RSS_WARMUP);
  const maxGrowth = Math.max(...later) - baseline;
  const finalGrowth = rss.at(-1)! - baseline;
  const mib = (b: number): string => (b / 2 ** 20).toFixed(1);
  const tasks = tasksPerRound * later.length;
  t.diagnostic(`RSS per round (MiB): ${rss.map(mib).join(' ')}; baseline ${mib(baseline)} after ${RSS_WARMUP} rounds`);
  t.diagnostic(
    `growth over ${later.length} more rounds (${tasks} tasks): max ${mib(maxGrowth)} MiB, ` +
      `final ${mib(finalGrowth)} MiB; bound ${mib(RSS_BOUND_BYTES)} MiB ` +
      `(a leak of ${Math.ceil(RSS_BOUND_BYTES / tasks)} bytes per task would cross it)`,
  );
  assert.ok(maxGrowth <= RSS_BOUND_BYTES, `resident memory grew by ${mib(maxGrowth)} MiB`);
  assert.ok(finalGrowth <= RSS_BOUND_BYTES, `resident memory ended ${mib(finalGrowth)} MiB above the baseline`);
});

/** A leak report's stack comes from the addon when any frame is in gilscope's code. */
function fromAddon(stack: string): boolean {
  return /gilscope\.node|gilscope::|\/native\/(kernels|runtime|bindings)\/|napi-inl\.h/.test(stack);
}

test('LeakSanitizer finds no leak allocated by the addon over a short run of every mode', async (t) => {
  if (!sanitizedAddon()) {
    t.skip('needs the ASan build of the addon (CI builds it: see .ci/run)');
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'gilscope-lsan-'));
  try {
    const env = {
      ...process.env,
      ASAN_OPTIONS: `detect_leaks=1:log_path=${join(dir, 'lsan')}`,
      LSAN_OPTIONS: `suppressions=${join(ROOT, 'test/fixtures/lsan-node.supp')}:print_suppressions=1`,
    };
    const out = await runNode(['--import', 'tsx', 'test/fixtures/leak-run.ts'], env, 240_000);
    assert.match(out.stdout, /leak-run done/, out.stderr);
    const logs = readdirSync(dir).map((f) => readFileSync(join(dir, f), 'utf8'));
    const reports = logs.flatMap((l) =>
      l.split(/\n(?=(?:Direct|Indirect) leak of )/).filter((b) => /^(Direct|Indirect) leak of /.test(b)),
    );
    const ours = reports.filter(fromAddon);
    const suppressed = logs
      .map((l) => /Suppressions used:[\s\S]*?(\d+)\s+(\d+)\s+napi_create_external/.exec(l))
      .filter(Boolean);
    t.diagnostic(
      `LSan: ${logs.length} process log(s), ${reports.length} unsuppressed leak report(s), ` +
        `${ours.length} from the addon; Node's own napi_create_external bookkeeping suppressed ` +
        `in ${suppressed.length} process(es)`,
    );
    assert.equal(ours.length, 0, `leaks from the addon:\n${ours.join('\n')}`);
    const errors = logs.filter((l) => /ERROR: AddressSanitizer/.test(l));
    assert.equal(errors.length, 0, `AddressSanitizer errors:\n${errors.join('\n')}`);
    // Exit 1: AddressSanitizer's exit code after LeakSanitizer reported leaks that are Node's, not the addon's.
    assert.ok(
      out.signal === null && (out.code === 0 || (out.code === 1 && reports.length > 0)),
      `exit ${out.code} ${out.signal ?? ''}\n${out.stderr}`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
