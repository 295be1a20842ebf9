/**
 * A reusable pool of task hosts: worker_threads (mode 'worker') or child processes (mode
 * 'process'). Each host runs one task at a time, held on its own thread. Idle hosts are unref'd so
 * they never keep the parent alive. A host that dies mid-task fails that task with an error naming
 * it and is replaced; the pool carries on. A host that cannot start (the OS refuses the fork or the
 * thread, it dies before it is ready) is not replaced: ready() rejects with the cause at once, and
 * the batch ends the pool (closeAndReap) before it rejects.
 */
import type { ChildProcess } from 'node:child_process';
import { availableParallelism } from 'node:os';

import { native } from '../../addon/loader.js';
import type { NativeRecord } from '../../addon/types.js';
import { abortError, reviveError, type HostStartCause } from '../../errors.js';
import { atExit } from '../../lifecycle.js';
import { pssBytes } from '../memory-budget.js';
import { userThreads } from '../thread-budget.js';
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
  resolve: (r: HostedRecord) => void;
  reject: (e: unknown) => void;
}

/** A host's start failed: why. */
export class HostStartFailure extends Error {
  constructor(readonly why: HostStartCause) {
    super(`${why.code} (${why.detail})`);
  }
}

/** Hosts started at once while a pool grows: two per core. */
function startsInFlight(): number {
  return 2 * availableParallelism();
}

function sleepMs(ms: number): Promise<void> {
  return new Promise<void>((r) => setTimeout(r, ms).unref());
}

/** How long a pool's hosts may take to become ready, in ms: a base plus a share per host. */
export function startTimeoutMs(hosts: number): number {
  return 20_000 + 250 * hosts;
}

interface Host {
  readonly kind: HostKind;
  /** Resolves once the host has said it is ready; rejects with a HostStartFailure if it never will. */
  readonly ready: Promise<void>;
  /** Resolves once the host has ended (a process: exited and reaped). */
  readonly exited: Promise<void>;
  /** It said it was ready. */
  started: boolean;
  /** The OS refused to create it (no pid, no thread): it has ended already. */
  readonly refused?: boolean;
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

/** What a host under construction settles: its ready and exited promises, with its state. */
interface HostSettlers {
  markReady: () => void;
  failStart: (cause: HostStartCause) => void;
  markExited: () => void;
}

function hostPromises(): { ready: Promise<void>; exited: Promise<void>; settlers: HostSettlers } {
  let markReady!: () => void;
  let reject!: (e: HostStartFailure) => void;
  let markExited!: () => void;
  const ready = new Promise<void>((res, rej) => {
    markReady = res;
    reject = rej;
  });
  ready.catch(() => {}); // a replacement's failure is handled by onExit, whoever awaits it
  const exited = new Promise<void>((r) => (markExited = r));
  return { ready, exited, settlers: { markReady, failStart: (c) => reject(new HostStartFailure(c)), markExited } };
}

/** Why a host that had not said it was ready ended. */
function earlyExitCause(code: number | null, signal: NodeJS.Signals | null): HostStartCause {
  if (signal === 'SIGABRT') {
    const detail = 'the host aborted while starting, as node does when it cannot create its own threads';
    return { code: 'SIGABRT', detail };
  }
  if (signal) return { code: signal, detail: `the host was killed by ${signal} before it was ready` };
  return { code: `exit ${code}`, detail: `the host exited with code ${code} before it was ready` };
}

/** A user with this share of RLIMIT_NPROC in use is at its limit (threads come and go meanwhile). */
const NEAR_LIMIT = 0.9;

/** The errno names of the strerror texts node prints when it aborts in its own start-up. */
const STRERROR_NAMES: Readonly<Record<string, string>> = {
  'Resource temporarily unavailable': 'EAGAIN',
  'Cannot allocate memory': 'ENOMEM',
};

/**
 * Why a process host that had not said it was ready ended, from how it ended and what it printed:
 * node aborting in its own thread creation ("pthread_create: Resource temporarily unavailable")
 * is named by the errno, as a child's own failure.
 */
function earlyProcessExitCause(code: number | null, signal: NodeJS.Signals | null, stderr: string): HostStartCause {
  const how = signal ? `died of ${signal}` : `exited with code ${code}`;
  // A JS error thrown while node loads (e.g. a loader's worker: "Error: EAGAIN", ERR_WORKER_INIT_FAILED).
  const thrown = /^Error: (EAGAIN|ENOMEM)$/m.exec(stderr);
  if (thrown) return { code: thrown[1]!, detail: `a host ${how} while starting: node threw "Error: ${thrown[1]}"` };
  const m = /(\w+): (Resource temporarily unavailable|Cannot allocate memory)/.exec(stderr);
  if (m) {
    const detail = `a host ${how} while starting: its own ${m[1]} failed with "${m[2]}"`;
    return { code: STRERROR_NAMES[m[2]!]!, detail };
  }
  // Node asserts that uv_thread_create succeeded; pthread_create's one failure there is EAGAIN
  // (no resources or a thread limit: pthread_create(3)).
  if (/Assertion failed: \(0\) == \(uv_thread_create/.test(stderr)) {
    const detail = `a host ${how} while starting: node's own uv_thread_create (pthread_create) failed`;
    return { code: 'EAGAIN', detail };
  }
  // An abort that said nothing, with this user at its thread limit: the limit refused a thread.
  const used = signal === 'SIGABRT' ? userThreads() : undefined;
  if (used && used.threads >= NEAR_LIMIT * used.limit) {
    const detail =
      `a host ${how} while starting, silently, when this user had ${used.threads} threads ` +
      `of the ${used.limit} RLIMIT_NPROC allows (pthread_create's EAGAIN)`;
    return { code: 'EAGAIN', detail };
  }
  return earlyExitCause(code, signal);
}

/** The errno name of a start error (Node's 'EAGAIN', ...), else its own code, else its name. */
function errnoCause(err: unknown): HostStartCause {
  const e = err as Partial<NodeJS.ErrnoException> | undefined;
  // A worker the OS refused a thread: ERR_WORKER_INIT_FAILED with the errno name as its message.
  if (e?.message && /^E[A-Z0-9]+$/.test(e.message)) {
    return { code: e.message, detail: `${e.code ?? 'Error'}: the thread could not be created` };
  }
  return { code: e?.code ?? e?.name ?? 'Error', detail: e?.message ?? String(err) };
}

export class HostPool {
  private hosts: Host[] = [];
  private readonly queue: Job[] = [];
  private closed = false;
  /** Mode 'worker': this process's PSS growth over a host's start, when one started alone. */
  private workerBytes: number | undefined;
  /** Why hosts that never became ready ended, in order. */
  private readonly startFailures: HostStartCause[] = [];
  /** The signals of tasks in flight, each with its one abort listener and its tasks (see watch). */
  private readonly watched = new Map<AbortSignal, { jobs: Set<Job>; onAbort: () => void }>();

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
    while (this.hosts.length < size) {
      const h = this.spawn();
      this.hosts.push(h);
      if (h.refused) break; // the OS refused this one: the rest would be refused too
    }
    while (this.hosts.length > size) {
      const idle = this.hosts.findIndex((h) => !h.job);
      if (idle < 0) break;
      const [h] = this.hosts.splice(idle, 1);
      h!.kill();
    }
  }

  /**
   * Grows the pool to `size` hosts, with at most startsInFlight() starting at once (hosts that
   * start all together starve each other, and this process, of CPU), and stops starting more as
   * soon as one host could not start, rejecting then without waiting for the hosts still starting.
   * Otherwise waits as ready() does: the whole start is bounded by startTimeoutMs.
   */
  async grow(size: number): Promise<void> {
    const deadline = Date.now() + startTimeoutMs(size);
    const failuresBefore = this.startFailures.length;
    const starting = new Set<Host>();
    while (this.hosts.length < size && this.startFailures.length === 0 && !this.closed) {
      const h = this.spawn();
      this.hosts.push(h);
      if (h.refused) break;
      starting.add(h);
      const done = (): boolean => starting.delete(h);
      h.ready.then(done, done);
      if (starting.size >= startsInFlight()) {
        const left = deadline - Date.now();
        if (left <= 0) break;
        await Promise.race([...[...starting].map((x) => x.ready.catch(() => {})), sleepMs(left)]);
      }
    }
    // A host that failed has left the pool, so ready() would no longer see it, and would wait on the
    // hosts still starting (one may never be ready: under a process limit, a host can hang in its own
    // start until the timeout). The grow has failed: say so now; the caller ends the pool.
    const failed = (): boolean => this.startFailures.length > failuresBefore;
    if (!failed()) await this.ready();
    if (failed()) throw new HostStartFailure(this.startFailure()!);
  }

  /**
   * Resolves when every host has started and loaded the addon; rejects with the first host's
   * HostStartFailure as soon as one cannot start, or once startTimeoutMs has passed.
   */
  async ready(): Promise<void> {
    const limitMs = startTimeoutMs(this.hosts.length);
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const cause = { code: 'ETIMEDOUT', detail: `the hosts were not all ready after ${limitMs} ms` };
        reject(new HostStartFailure(cause));
      }, limitMs);
    });
    try {
      await Promise.race([Promise.all(this.hosts.map((h) => h.ready)), late]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Hosts that have said they are ready. */
  get started(): number {
    return this.hosts.filter((h) => h.started).length;
  }

  /**
   * What one more host costs in memory, as measured from a first host: a process host's PSS; for
   * workers, this process's PSS growth while one worker started alone. Starts that first host when
   * there is none to measure. Undefined when the measurement failed (e.g. no /proc).
   */
  async hostBytes(): Promise<number | undefined> {
    await this.ready();
    if (this.kind === 'process') {
      if (!this.hosts.some((h) => h.started)) await this.startOne();
      const first = this.hosts.find((h) => h.started && h.pid !== undefined);
      return first ? pssBytes(first.pid!) : undefined;
    }
    for (let attempt = 0; attempt < 3 && this.workerBytes === undefined; attempt++) {
      const before = pssBytes('self');
      await this.startOne();
      const after = pssBytes('self');
      if (before !== undefined && after !== undefined && after > before) this.workerBytes = after - before;
    }
    return this.workerBytes;
  }

  /** Starts one more host and waits until it is ready (rejects with its HostStartFailure). */
  private async startOne(): Promise<void> {
    const h = this.spawn();
    this.hosts.push(h);
    await h.ready;
  }

  /** Closes the pool and resolves once every host has ended and been reaped, or after `timeoutMs`. */
  async closeAndReap(timeoutMs = 5000): Promise<void> {
    const ending = this.hosts.map((h) => h.exited);
    this.close();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([Promise.all(ending), new Promise<void>((r) => (timer = setTimeout(r, timeoutMs)))]);
    clearTimeout(timer);
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
        resolve,
        reject,
      };
      this.watch(job);
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

  /** Hosts running a task right now. */
  get busy(): number {
    return this.hosts.filter((h) => h.job).length;
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

  /**
   * Aborts `job` when its signal aborts. One listener per signal, however many of its tasks are in
   * flight (a batch of 200 hosted tasks shares one signal; a listener each would pass Node's
   * MaxListeners warning); the listener goes once the signal's last task has settled.
   */
  private watch(job: Job): void {
    const signal = job.signal;
    if (!signal) return;
    let w = this.watched.get(signal);
    if (!w) {
      const jobs = new Set<Job>();
      const onAbort = (): void => {
        this.watched.delete(signal);
        for (const j of [...jobs]) this.abort(j);
      };
      w = { jobs, onAbort };
      this.watched.set(signal, w);
      signal.addEventListener('abort', onAbort, { once: true });
    }
    w.jobs.add(job);
  }

  private unwatch(job: Job): void {
    const w = job.signal && this.watched.get(job.signal);
    if (!w || !w.jobs.delete(job) || w.jobs.size > 0) return;
    this.watched.delete(job.signal!);
    job.signal!.removeEventListener('abort', w.onAbort);
  }

  private settle(job: Job, outcome: HostedRecord | Error | DOMException): void {
    this.unwatch(job);
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

  /** A host that never said it was ready has ended: it is dropped, not replaced (that could loop). */
  private onStartFailure(h: Host, cause: HostStartCause | undefined): void {
    const i = this.hosts.indexOf(h);
    if (i < 0) return; // ended by the pool itself (replace, resize, close): not a failure to start
    if (cause) this.startFailures.push(cause);
    const job = h.job; // a task handed to it before it was ready fails with it
    h.job = undefined;
    if (job) {
      const why = cause ? `${cause.code} (${cause.detail})` : 'it ended';
      this.settle(
        job,
        new Error(`${this.kind} task ${job.id} (${job.kernel}) failed: its ${this.kind} could not start: ${why}`),
      );
    }
    this.hosts.splice(i, 1);
    if (this.hosts.length > 0) return;
    for (const job of this.queue.splice(0)) {
      const why = `${this.kind} task ${job.id} (${job.kernel}) failed: no ${this.kind} host could start`;
      this.settle(job, new Error(why));
    }
  }

  /**
   * The most telling cause among the hosts that could not start: one with an errno name (EAGAIN,
   * ENOMEM) before a bare signal or exit code; undefined when none failed.
   */
  startFailure(): HostStartCause | undefined {
    return this.startFailures.find((c) => /^E[A-Z0-9]+$/.test(c.code)) ?? this.startFailures[0];
  }

  private onExit(h: Host, how: string, cause?: HostStartCause): void {
    if (!h.started) return this.onStartFailure(h, cause);
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

  /** A new host; one the OS refused at once comes back already failed (and ended). */
  private spawn(): Host {
    try {
      return this.kind === 'worker' ? this.spawnWorker() : this.spawnProcess();
    } catch (err) {
      const { ready, exited, settlers } = hostPromises();
      const cause = errnoCause(err);
      settlers.failStart(cause);
      settlers.markExited();
      const host: Host = {
        kind: this.kind,
        ready,
        exited,
        started: false,
        refused: true,
        job: undefined,
        flag: new Int32Array(1),
        pid: undefined,
        send: () => {},
        kill: () => {},
        setRef: () => {},
      };
      queueMicrotask(() => this.onExit(host, 'could not start', cause));
      return host;
    }
  }

  /** Wires a host's readiness: 'ready' marks it started; an error or exit before that fails its start. */
  private onHostReady(host: Host, s: HostSettlers): void {
    host.started = true;
    s.markReady();
    if (!host.job) host.setRef(false);
  }

  private spawnWorker(): Host {
    const worker = newHostWorker();
    const { ready, exited, settlers } = hostPromises();
    const host: Host = {
      kind: 'worker',
      ready,
      exited,
      started: false,
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
      if (reply.type === 'ready') this.onHostReady(host, settlers);
      this.onReply(host, reply);
    });
    let startError: HostStartCause | undefined;
    worker.on('error', (err) => {
      if (!host.started) startError ??= errnoCause(err);
      else this.onExit(host, `threw ${err.message}`);
    });
    worker.on('exit', (code) => {
      settlers.markExited();
      const cause = host.started ? undefined : (startError ?? earlyExitCause(code, null));
      if (cause) settlers.failStart(cause);
      this.onExit(host, `exited (code ${code})`, cause);
    });
    return host; // ref'd until ready, so a caller awaiting ready() keeps the process alive
  }

  private spawnProcess(): Host {
    const child = forkHost('process-host', process.env, 'pipe');
    const { ready, exited, settlers } = hostPromises();
    const stderr = startupStderr(child, ready);
    const host: Host = {
      kind: 'process',
      ready,
      exited,
      started: false,
      refused: child.pid === undefined, // uv_spawn failed at once (EAGAIN...); 'error' follows
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
      if (reply.type === 'ready') this.onHostReady(host, settlers);
      this.onReply(host, reply);
    });
    child.on('error', (err) => {
      const cause = host.started ? undefined : errnoCause(err);
      if (cause) settlers.failStart(cause);
      // A fork the OS refused never exits: it has ended now.
      if (child.pid === undefined) {
        settlers.markExited();
        this.onExit(host, `failed (${err.message})`, cause);
      }
    });
    child.on('exit', (code, signal) => {
      settlers.markExited();
      if (host.started) return this.onExit(host, signal ? `was killed by ${signal}` : `exited (code ${code})`);
      // Its last words may still be in the pipe: read them (within a second) before naming the cause.
      void closedWithin(child, 1000).then(() => {
        const cause = earlyProcessExitCause(code, signal, stderr());
        settlers.failStart(cause);
        this.onExit(host, 'could not start', cause);
      });
    });
    return host; // ref'd until ready, so a caller awaiting ready() keeps the process alive
  }
}

/** Resolves once the child's stdio has closed ('close'), or after `ms`. */
function closedWithin(child: ChildProcess, ms: number): Promise<void> {
  return new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    child.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/** Most stderr text kept from a host that is starting. */
const STARTUP_STDERR_CHARS = 8192;

/**
 * A process host's stderr: kept (up to STARTUP_STDERR_CHARS) while it starts, to name why it died
 * if it never becomes ready; passed on to this process's stderr once it is ready (a host that
 * failed to start says why in the batch's error instead). The pipe never keeps this process alive.
 */
function startupStderr(child: ChildProcess, ready: Promise<void>): () => string {
  let text = '';
  let forwarding = false;
  const stream = child.stderr as (NodeJS.ReadableStream & { unref?: () => void }) | null;
  stream?.unref?.();
  stream?.on('data', (chunk: Buffer) => {
    if (forwarding) process.stderr.write(chunk);
    else if (text.length < STARTUP_STDERR_CHARS) text += chunk.toString('utf8');
  });
  ready.then(
    () => {
      forwarding = true;
      if (text) process.stderr.write(text);
    },
    () => {},
  );
  return () => text;
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

/** The process-wide pool of this kind as it is; a new one starts empty. */
export function poolOf(kind: HostKind): HostPool {
  return pools[kind] ?? hostPool(kind, 0);
}

/** Closes the pool of this kind and waits until its hosts have ended and been reaped (see closeAndReap). */
export async function endPool(kind: HostKind): Promise<void> {
  const pool = pools[kind];
  delete pools[kind];
  await pool?.closeAndReap();
}

/** Closes the worker and process pools (they are recreated on next use). */
export function shutdownPools(): void {
  for (const kind of ['worker', 'process'] as const) {
    pools[kind]?.close();
    delete pools[kind];
  }
}

/** Kills a host of this kind's pool that runs a task now (fault injection); false when none does. */
export function killBusyHost(kind: HostKind): boolean {
  return pools[kind]?.killBusyHost() ?? false;
}
