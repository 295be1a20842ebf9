/**
 * Readings: the numbers of a batch, a `measure` or a timed command read back in plain words, the
 * way an expert reads several threads at once. CPU-seconds per second is the first clue; the rest
 * of the account says which limit the work met: where each task's wall time went (CPU, run queue,
 * lock, blocked, queue), how full the lock was, how the speed-up compares with the cores, and which
 * threads the CPU ran on.
 *
 * A reading is one primary finding (its kind picked by PRIMARY_RULES, in their stated order of
 * precedence: reading-rules.ts) plus secondary findings, each with the figures it rests on and,
 * where one exists, what would help. Only the batch's own threads (its tasks and its JS thread)
 * decide the primary kind; what the rest of the process did meanwhile (other batches, workers, GC)
 * is a secondary finding, so it can never change a batch's reading.
 */
import type { Account, Finding, Mode, Reading, RoleAccount } from '../types.js';
import {
  describe,
  expectBoolean,
  expectInteger,
  expectKnownKeys,
  expectNumber,
  expectObject,
  expectOneOf,
} from '../validate.js';
import { factsOf, finding } from './reading-facts.js';
import { PRIMARY_RULES, SECONDARY_RULES } from './reading-rules.js';
import { MAX_CORES } from './verdict.js';

/** Secondary findings that would only repeat the primary one. */
const REPEATS: Partial<Record<Finding['kind'], readonly Finding['kind'][]>> = {
  waiting: ['time-split'],
  'pool-bound': ['pool-cap'],
};

const MODES: readonly Mode[] = ['held', 'released', 'gil', 'worker', 'process', 'native'];
const ROLES: readonly RoleAccount['role'][] = ['js', 'pool', 'worker', 'process', 'native', 'other'];
const BIG = Number.MAX_SAFE_INTEGER;

/** Checks `o[key]` unless it is undefined (or null, where the field's type allows null). */
function optional(
  o: Record<string, unknown>,
  key: string,
  check: (v: unknown, name: string) => unknown,
  nullable = false,
): void {
  const v = o[key];
  if (v === undefined || (nullable && v === null)) return;
  check(v, `account.${key}`);
}

const ACCOUNT_KEYS = [
  'wallNs',
  'cores',
  'processCpuNs',
  'jsThreadCpuNs',
  'tasks',
  'mode',
  'poolSize',
  'lockHeldFraction',
  'speedup',
  'roles',
  'runQueueNs',
  'poolRoll',
] as const;

function checkList(value: unknown, name: string, each: (o: Record<string, unknown>, name: string) => void): void {
  if (!Array.isArray(value)) throw new TypeError(`${name} must be an array, received ${describe(value)}`);
  // A for loop, not forEach: a hole in a sparse array is checked too (and is no object).
  for (let i = 0; i < value.length; i++) each(expectObject(value[i], `${name}[${i}]`), `${name}[${i}]`);
}

function checkTask(t: Record<string, unknown>, name: string): void {
  expectOneOf(t['mode'], `${name}.mode`, MODES);
  for (const key of ['cpuNs', 'lockWaitNs', 'queueNs', 'wallNs']) expectNumber(t[key], `${name}.${key}`, 0, BIG);
  if (t['runQueueNs'] !== null) expectNumber(t['runQueueNs'], `${name}.runQueueNs`, 0, BIG);
}

/** Checks the account's shape and ranges: a TypeError or RangeError naming the first bad field. */
function checkAccount(account: unknown): Account {
  const o = expectObject(account, 'account');
  expectKnownKeys(o, 'account', ACCOUNT_KEYS);
  expectNumber(o['wallNs'], 'account.wallNs', 0, BIG);
  expectInteger(o['cores'], 'account.cores', 1, MAX_CORES);
  expectNumber(o['processCpuNs'], 'account.processCpuNs', 0, BIG);
  optional(o, 'jsThreadCpuNs', (v, n) => expectNumber(v, n, 0, BIG));
  optional(o, 'tasks', (v, n) => checkList(v, n, checkTask));
  optional(o, 'mode', (v, n) => expectOneOf(v, n, MODES));
  optional(o, 'poolSize', (v, n) => expectInteger(v, n, 1, BIG));
  optional(o, 'lockHeldFraction', (v, n) => expectNumber(v, n, 0, 1.5), true);
  optional(o, 'runQueueNs', (v, n) => expectNumber(v, n, 0, BIG), true);
  optional(
    o,
    'speedup',
    (v, n) => {
      const s = expectObject(v, n);
      expectNumber(s['value'], `${n}.value`, 0, BIG);
      expectInteger(s['tasks'], `${n}.tasks`, 1, BIG);
    },
    true,
  );
  optional(o, 'poolRoll', (v, n) => {
    const p = expectObject(v, n);
    const size = expectInteger(p['size'], `${n}.size`, 1, 1024);
    expectInteger(p['known'], `${n}.known`, 0, size);
    expectBoolean(p['complete'], `${n}.complete`);
  });
  optional(o, 'roles', (v, n) =>
    checkList(v, n, (r, rn) => {
      expectOneOf(r['role'], `${rn}.role`, ROLES);
      expectInteger(r['threads'], `${rn}.threads`, 0, BIG);
      expectNumber(r['cpuNs'], `${rn}.cpuNs`, 0, BIG);
      if (r['busy'] !== undefined) expectInteger(r['busy'], `${rn}.busy`, 0, expectInteger(r['threads'], rn, 0, BIG));
    }),
  );
  return o as unknown as Account;
}

/**
 * Reads an account (see Account: only wallNs, cores and processCpuNs are required). A wall time of
 * 0 (a run too short to measure) reads as 'no-reading'. Bad input gets a TypeError or RangeError
 * naming the field.
 */
export function readAccount(account: Account): Reading {
  return readMeasured(checkAccount(account));
}

/** readAccount for an account gilscope measured itself (its figures are in range by construction). */
export function readMeasured(account: Account): Reading {
  if (!(account.wallNs > 0) || !Number.isFinite(account.wallNs) || !Number.isFinite(account.processCpuNs)) {
    const none = finding('no-reading', 'no reading: the run was too short to measure', {});
    return { kind: 'no-reading', sentence: none.text, findings: [none] };
  }
  const facts = factsOf(account);
  let primary: Finding | null = null;
  for (const rule of PRIMARY_RULES) if ((primary = rule(facts))) break;
  const first = primary!; // cpu-bound always applies
  const skip = REPEATS[first.kind] ?? [];
  const secondary = SECONDARY_RULES.map((rule) => rule(facts)).filter(
    (x): x is Finding => x !== null && !skip.includes(x.kind),
  );
  const findings = [first, ...secondary];
  return { kind: first.kind as Reading['kind'], sentence: findings.map((x) => x.text).join('; '), findings };
}
