/**
 * The child process of node-work.ts: runs experiment-8 configurations with the pool size its
 * UV_THREADPOOL_SIZE gives. argv[2]: { call, size, tasks (a list), runs, warmup } as JSON; prints
 * [tasks, runs][] as one JSON line, in the order given.
 */
import type { NodeCall } from '../model/results.js';
import { nodeWorkHere, type NodeRun } from './node-work.js';

interface Job {
  call: NodeCall;
  size: number;
  tasks: number[];
  runs: number;
  warmup: number;
}

const o = JSON.parse(process.argv[2] ?? '{}') as Job;
const out: [number, NodeRun[]][] = [];
for (const tasks of o.tasks) out.push([tasks, await nodeWorkHere(o.call, o.size, tasks, o.runs, o.warmup)]);
console.log(JSON.stringify(out));
