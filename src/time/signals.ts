/**
 * Which signals `gilscope time` passes on to its command. The command runs in gilscope's process
 * group, so it shares the terminal: a Ctrl-C typed there already reaches it straight from the
 * terminal, and forwarding that SIGINT as well would interrupt it twice (a Python script would get a
 * second KeyboardInterrupt in the middle of handling the first). So SIGINT is forwarded unless
 * gilscope's process group is the terminal's foreground group; SIGTERM (never sent by a terminal)
 * always is.
 */
import { readFileSync } from 'node:fs';

import { parseStat, type ProcStat } from './procfs.js';

export const FORWARDED_SIGNALS = ['SIGINT', 'SIGTERM'] as const;
export type ForwardedSignal = (typeof FORWARDED_SIGNALS)[number];

/** True when a SIGINT to this process came from its terminal and so reached the command too. */
export function keyboardReachesCommand(self: ProcStat | null): boolean {
  return self !== null && self.tpgid > 0 && self.tpgid === self.pgrp;
}

/** Whether to pass `signal` on, given this process's stat (read at the time of the signal). */
export function shouldForward(signal: ForwardedSignal, self: ProcStat | null): boolean {
  return signal === 'SIGTERM' || !keyboardReachesCommand(self);
}

/** This process's own stat line, parsed; null where /proc is unreadable. */
export function readSelfStat(): ProcStat | null {
  try {
    return parseStat(readFileSync('/proc/self/stat', 'latin1'));
  } catch {
    return null;
  }
}
