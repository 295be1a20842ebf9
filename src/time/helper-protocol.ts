/**
 * The lines gilscope-wait writes on its report pipe (see native/helper/wait.cc), parsed.
 */
import { constants } from 'node:os';
import { getSystemErrorName } from 'node:util';

import type { CommandUsage } from './report.js';

export type HelperLine =
  | { readonly kind: 'pid'; readonly pid: number }
  | { readonly kind: 'error'; readonly errno: number; readonly code: string }
  | {
      readonly kind: 'done';
      readonly exitCode: number | null;
      readonly signal: string | null;
      readonly realNs: number;
      readonly usage: CommandUsage;
    };

/** The name of an errno value ('ENOENT'), or 'E<n>' when unknown. */
export function errnoName(errno: number): string {
  if (!Number.isSafeInteger(errno) || errno <= 0) return `E${errno}`;
  const name = getSystemErrorName(-errno); // libuv's names are negated errnos
  return name.startsWith('Unknown system error') ? `E${errno}` : name;
}

/** The name of a signal number ('SIGTERM'), or 'SIG<n>' when unknown. */
export function signalName(signal: number): string {
  const found = Object.entries(constants.signals).find(([, n]) => n === signal);
  return found ? found[0] : `SIG${signal}`;
}

function naturals(words: readonly string[]): number[] | null {
  const numbers = words.map((w) => (/^-?\d+$/.test(w) ? Number(w) : Number.NaN));
  return numbers.every(Number.isSafeInteger) ? numbers : null;
}

/** Parses one line (without its newline); null when it is not one of the three kinds. */
export function parseHelperLine(line: string): HelperLine | null {
  const [kind, ...words] = line.trim().split(' ');
  const n = naturals(words);
  if (n === null) return null;
  if (kind === 'pid' && n.length === 1 && n[0]! > 0) return { kind, pid: n[0]! };
  if (kind === 'error' && n.length === 1 && n[0]! >= 0) return { kind, errno: n[0]!, code: errnoName(n[0]!) };
  if (kind !== 'done' || n.length !== 10 || n.slice(2).some((x) => x < 0)) return null;
  const [exitCode, signal, realNs, userUs, systemUs, maxRssKb, voluntary, involuntary, minor, major] = n as [
    number,
    number,
    number,
    number,
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  return {
    kind,
    exitCode: exitCode >= 0 ? exitCode : null,
    signal: signal > 0 ? signalName(signal) : null,
    realNs,
    usage: {
      userUs,
      systemUs,
      maxRssKb,
      voluntarySwitches: voluntary,
      involuntarySwitches: involuntary,
      minorFaults: minor,
      majorFaults: major,
    },
  };
}
