/** How the timeline states of the results document are drawn: legend order and colour. */
import type { TimelineState } from '../model/results.js';

/** The states in legend order, with their colours. */
export const TIMELINE_STATES: readonly { name: TimelineState; color: string }[] = [
  { name: 'running', color: '#4c78a8' },
  { name: 'holding the lock', color: '#f58518' },
  { name: 'waiting for the lock', color: '#e45756' },
  { name: 'blocked (I/O)', color: '#b8b8b8' },
  { name: 'timer late', color: '#b279a2' },
];
