/**
 * A reusable pool of task hosts: worker_threads (mode 'worker') or child processes (mode
 * 'process'). Each host runs one task at a time, held on its own thread. Idle hosts are unref'd so
 * they never keep the parent alive. A host that dies mid-task fails that task with an error naming
 * it and is replaced; the pool carries on.
 */
import { native } from '../../addon/loader.js';
import type { NativeRecord } from '../../addon/types.js';
import { abortError, reviveError } from '../../errors.js';
import { atExit } from '../../lifecycle.js';
import { forkHost, newHostWorker, type HostReply, type HostRequest } from './protocol.js';

export type HostKind = 'worker' | 'process';

/** A record from a host, with the host process's own CPU over the task. */
export type HostedRecord = NativeRecord & { pid: number; hostUserUs: number; hostSystemUs: number };

interface Job {
  id: number;
  kernel: string;
  args: number[];
  traceCapacity: number;
  submitNs: bigint;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
  resolve: (r: HostedRecord) => void;
  reject: (e: unknown) => void;
}

interface Host {
  readonly kind: HostKind;
  readonly ready: Promise<void>;
  /** The task the host runs now, if any. */
  job: Job | undefined;
  /** Worker only: set to 1 to cancel the running task (the kernel polls it); unused by a process. */
  flag: Int32Array;
  send(msg: HostRequest): void;
  kill(): void;
  setRef(on: boolean): void;
  pid: number | undefined;
}

let nextJobId = 1;

export class HostPool {
  private hosts: Host[] = [];
  private readonly queue: Job[] = [];
  private closed = false;

  constructor(
    readonly kind: HostKind,
    size: number,
  ) {
    this.resize(size);
  }

  get size(): number {
    return this.hosts.length;
  }

  /** Grows the pool to `size` hosts, or shrinks it by ending idle hosts (a busy one is never cut). */
  resize(size: number): void {
    while (this.hosts.length < size) this.hosts.push(this.spawn());
    while (this.hosts.length > size) {
      const idle = this.hosts.findIndex((h) => !h.job);
      if (idle < 0) break;
      const [h] = this.hosts.splice(idle, 1);
      h!.kill();
    }
  }

  /** Resolves when every host has started and loaded the addon. */
  async ready(): Promise<void> {
    await Promise.all(this.hosts.map((h) => h.ready));
  }

  run(kernel: string, args: number[], signal?: AbortSignal, traceCapacity = 0): Promise<HostedRecord> {
    if (this.closed) return Promise.reject(new Error(`the ${this.kind} pool is closed`));
    if (signal?.aborted) return Promise.reject(abortError(signal));
    return new Promise<HostedRecord>((resolve, reject) => {
      const job: Job = {
        id: nextJobId++,
        kernel,
        args,
        traceCapacity,
        submitNs: native().monotonicNs(),
        signal,
        onAbort: undefined,
        resolve,
        reject,
      };
      if (signal) {
        job.onAbort = () => this.abort(job);
        signal.addEventListener('abort', job.onAbort, { once: true });
      }
      this.queue.push(job);
      this.pump();
    });
  }

  /** Kills every host; queued and running tasks reject. */
  close(): void {
    this.closed = true;
    for (const job of this.queue.splice(0)) this.settle(job, new Error(`the ${this.kind} pool was closed`));
    for (const h of this.hosts) {
      if (h.job) this.settle(h.job, new Error(`the ${this.kind} pool was closed while task ${h.job.id} ran`));
      h.job = undefined;
      h.kill();
    }
    this.hosts = [];
  }

  /** Terminates the host running a task right now (for fault tests). Returns false if none runs. */
  killBusyHost(): boolean {
    const h = this.hosts.find((x) => x.job);
    if (!h) return false;
    h.kill();
    return true;
  }

  private abort(job: Job): void {
    const queued = this.queue.indexOf(job);
    if (queued >= 0) {
      this.queue.splice(queued, 1);
      this.settle(job, abortError(job.signal!));
      return;
    }
    const host = this.hosts.find((h) => h.job === job);
    if (!host) return;
    if (host.kind === 'worker') {
      Atomics.store(host.flag, 0, 1); // the kernel sees it within ~1 ms; its record comes back cancelled
    } else {
      host.job = undefined;
      this.settle(job, abortError(job.signal!));
      this.replace(host);
    }
  }

  private settle(job: Job, outcome: HostedRecord | Error | DOMException): void {
    if (job.signal && job.onAbort) job.signal.removeEventListener('abort', job.onAbort);
    if (outcome instanceof Error || outcome instanceof DOMException) job.reject(outcome);
    else job.resolve(outcome);
  }

  private pump(): void {
    for (const h of this.hosts) {
      if (this.queue.length === 0) break;
      if (h.job) continue;
      const job = this.queue.shift()!;
      h.job = job;
      Atomics.store(h.flag, 0, 0);
      h.setRef(true);
      h.send({
        type: 'task',
        id: job.id,
        kernel: job.kernel,
        args: job.args,
        traceCapacity: job.traceCapacity,
        ...(h.kind === 'worker' ? { flag: h.flag } : {}),
      });
    }
  }

  private onReply(h: Host, reply: HostReply): void {
    if (reply.type === 'ready') return;
    const job = h.job;
    if (!job || !('id' in reply) || reply.id !== job.id) return; // a late reply for an aborted task
    h.job = undefined;
    if (reply.type === 'record') {
      if (reply.record.cancelled && job.signal?.aborted) {
        this.settle(job, abortError(job.signal));
      } else {
        this.settle(job, {
          ...reply.record,
          submitNs: job.submitNs,
          pid: reply.pid,
          hostUserUs: reply.hostUserUs,
          hostSystemUs: reply.hostSystemUs,
        });
      }
    } else if (reply.type === 'error') {
      this.settle(job, reviveError(reply));
    }
    if (!this.hosts.some((x) => x.job) && this.queue.length === 0) for (const x of this.hosts) x.setRef(false);
    this.pump();
  }

  private onExit(h: Host, how: string): void {
    const i = this.hosts.indexOf(h);
    if (i < 0) return; // already removed (resize, close, replace)
    const job = h.job;
    h.job = undefined;
    if (job) {
      this.settle(
        job,
        new Error(`${this.kind} task ${job.id} (${job.kernel}) failed: its ${this.kind} ${how} while it ran`),
      );
    }
    this.hosts.splice(i, 1);
    if (!this.closed) {
      this.hosts.push(this.spawn());
      this.pump();
    }
  }

  private replace(h: Host): void {
    const i = this.hosts.indexOf(h);
    if (i >= 0) this.hosts.splice(i, 1);
    h.kill();
    if (!this.closed) {
      this.hosts.push(this.spawn());
      this.pump();
    }
  }

  private spawn(): Host {
    return this.kind === 'worker' ? this.spawnWorker() : this.spawnProcess();
  }

  private spawnWorker(): Host {
    const worker = newHostWorker();
    let markReady!: () => void;
    const host: Host = {
      kind: 'worker',
      ready: new Promise<void>((r) => (markReady = r)),
      job: undefined,
      flag: new Int32Array(new SharedArrayBuffer(4)),
      pid: process.pid,
      send: (msg) => worker.postMessage(msg),
      // Stop a running kernel first (it polls the flag), so termination is not held up by it.
      kill: () => {
        Atomics.store(host.flag, 0, 1);
        void worker.terminate();
      },
      setRef: (on) => (on ? worker.ref() : worker.unref()),
    };
    worker.on('message', (reply: HostReply) => {
      if (reply.type === 'ready') {
        markReady();
        if (!host.job) host.setRef(false);
      }
      this.onReply(host, reply);
    });
    worker.on('error', (err) => this.onExit(host, `threw ${err.message}`));
    worker.on('exit', (code) => {
      markReady();
      this.onExit(host, `exited (code ${code})`);
    });
    return host; // ref'd until ready, so a caller awaiting ready() keeps the process alive
  }

  private spawnProcess(): Host {
    const child = forkHost('process-host');
    let markReady!: () => void;
    const host: Host = {
      kind: 'process',
      ready: new Promise<void>((r) => (markReady = r)),
      job: undefined,
      flag: new Int32Array(1),
      pid: child.pid,
      send: (msg) => child.send(msg),
      kill: () => void child.kill('SIGKILL'),
      setRef: (on) => {
        if (on) {
          child.ref();
          child.channel?.ref();
        } else {
          child.unref();
          child.channel?.unref();
        }
      },
    };
    child.on('message', (reply: HostReply) => {
      if (reply.type === 'ready') {
        markReady();
        if (!host.job) host.setRef(false);
      }
      this.onReply(host, reply);
    });
    child.on('error', (err) => this.onExit(host, `failed (${err.message})`));
    child.on('exit', (code, signal) => {
      markReady();
      this.onExit(host, signal ? `was killed by ${signal}` : `exited (code ${code})`);
    });
    return host; // ref'd until ready, so a caller awaiting ready() keeps the process alive
  }
}

const pools: Partial<Record<HostKind, HostPool>> = {};
/** The process-wide pool of this kind, resized to `size` (default: as it is, at least 1). */
export function hostPool(kind: HostKind, size?: number): HostPool {
  const existing = pools[kind];
  if (existing) {
    existing.resize(size ?? Math.max(1, existing.size));
    return existing;
  }
  // A host busy with a held task cannot see its parent go (its event loop is blocked), so it
  // would run on as an orphan until the task ended: close the pools when this process exits.
  atExit(shutdownPools);
  return (pools[kind] = new HostPool(kind, size ?? 1));
}

/** Closes the worker and process pools (they are recreated on next use). */
export function shutdownPools(): void {
  for (const kind of ['worker', 'process'] as const) {
    pools[kind]?.close();
    delete pools[kind];
  }
}
