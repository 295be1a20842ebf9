/**
 * Samples every thread of a process tree from /proc and keeps each thread's last reading.
 *
 * What sampling can miss, by construction: a thread or process that starts and ends between two
 * samples is never seen, and the CPU a thread uses after its last sample (at most one interval's
 * worth per thread) is not counted, because its /proc entry is gone once it ends. The report says
 * how much of the command's user + sys the table accounts for.
 *
 * Cost: a thread's stat (the slowest file) is read when the thread is first seen; after that each
 * sample reads its schedstat, comm and children: about 30 us of CPU a thread here.
 */
import { native } from '../addon/loader.js';
import {
  CLOCK_TICKS_PER_S,
  listChildren,
  listThreads,
  readComm,
  readSchedstat,
  readStat,
  type ProcStat,
  type SchedStat,
} from './procfs.js';

/** A thread as last seen. cpuNs and runQueueNs never decrease between readings of one thread. */
export interface SeenThread {
  readonly pid: number;
  readonly tid: number;
  readonly name: string;
  /** With tid, tells a thread from a later one that reuses its tid. */
  readonly startTicks: number;
  /** schedstat's on-CPU ns; stat's ticks where the kernel has no schedstat. */
  readonly cpuNs: number;
  readonly runQueueNs: number | null;
  readonly source: 'schedstat' | 'stat';
  readonly samples: number;
}

/** The /proc reads the sampler makes; replaced in tests. */
export interface ProcReader {
  listThreads(pid: number): number[];
  listChildren(pid: number, tids: readonly number[]): number[];
  readStat(pid: number, tid: number): ProcStat | null;
  readSchedstat(pid: number, tid: number): SchedStat | null;
  readComm(pid: number, tid: number): string | null;
}

export const procReader: ProcReader = { listThreads, listChildren, readStat, readSchedstat, readComm };

/** Most processes walked in one sample: a bound for a fork bomb, never reached by real commands. */
export const MAX_PROCESSES_PER_SAMPLE = 4096;

export class ThreadSampler {
  readonly #root: number;
  readonly #reader: ProcReader;
  /** Keyed by `${tid}:${startTicks}`, so a reused tid is a new thread. */
  readonly #threads = new Map<string, SeenThread>();
  /** The key of the thread each tid held at its last reading. */
  readonly #keyOfTid = new Map<number, string>();
  readonly #processes = new Set<number>();
  #samples = 0;
  #sampleCpuNs = 0;
  readonly #cpuClock: () => bigint;

  /** cpuClock: the calling thread's CPU clock, which prices each sample. */
  constructor(rootPid: number, reader: ProcReader = procReader, cpuClock: () => bigint = () => native().threadCpuNs()) {
    this.#root = rootPid;
    this.#reader = reader;
    this.#cpuClock = cpuClock;
  }

  /** Reads every thread of the root process and of its descendants once. */
  sample(): void {
    const cpu0 = this.#cpuClock();
    const queue = [this.#root];
    const visited = new Set<number>();
    while (queue.length > 0 && visited.size < MAX_PROCESSES_PER_SAMPLE) {
      const pid = queue.shift()!;
      if (visited.has(pid)) continue;
      visited.add(pid);
      const tids = this.#reader.listThreads(pid);
      if (tids.length === 0) continue;
      this.#processes.add(pid);
      for (const tid of tids) this.#readThread(pid, tid);
      queue.push(...this.#reader.listChildren(pid, tids));
    }
    this.#samples += 1;
    this.#sampleCpuNs += Number(this.#cpuClock() - cpu0);
  }

  #readThread(pid: number, tid: number): void {
    const sched = this.#reader.readSchedstat(pid, tid);
    const knownKey = this.#keyOfTid.get(tid);
    const known = knownKey === undefined ? undefined : this.#threads.get(knownKey);
    // A known tid whose CPU went down is a new thread that reuses the tid: read its stat again.
    const same = known !== undefined && known.pid === pid && sched !== null && sched.cpuNs >= known.cpuNs;
    if (same) {
      const name = this.#reader.readComm(pid, tid) ?? known.name;
      this.#threads.set(knownKey!, {
        ...known,
        name,
        cpuNs: sched.cpuNs,
        runQueueNs: sched.runQueueNs,
        samples: known.samples + 1,
      });
      return;
    }
    const stat = this.#reader.readStat(pid, tid);
    if (stat === null) return; // gone
    const key = `${tid}:${stat.startTicks}`;
    const previous = this.#threads.get(key);
    const fromStat = ((stat.utimeTicks + stat.stimeTicks) * 1e9) / CLOCK_TICKS_PER_S;
    this.#keyOfTid.set(tid, key);
    this.#threads.set(key, {
      pid,
      tid,
      name: stat.name,
      startTicks: stat.startTicks,
      cpuNs: sched?.cpuNs ?? fromStat,
      runQueueNs: sched?.runQueueNs ?? null,
      source: sched ? 'schedstat' : 'stat',
      samples: (previous?.samples ?? 0) + 1,
    });
  }

  get samples(): number {
    return this.#samples;
  }

  /** Mean CPU time one sample cost the sampling thread, ns (0 before the first). */
  get meanSampleCpuNs(): number {
    return this.#samples > 0 ? this.#sampleCpuNs / this.#samples : 0;
  }

  /** Distinct processes seen. */
  get processes(): number {
    return this.#processes.size;
  }

  /** Every thread seen, as last read. */
  threads(): SeenThread[] {
    return [...this.#threads.values()];
  }
}
