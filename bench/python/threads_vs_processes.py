"""The classic experiment: the same task list run by a ThreadPoolExecutor and by a
ProcessPoolExecutor, once CPU-bound (a pure-Python loop) and once waiting (time.sleep).

Both pools are started (every worker up and warm) before the clock starts. For each kind, executor
and task count the script reports, per run: real (wall) time, and user and sys CPU time: for
threads, this process's getrusage(RUSAGE_SELF) growth; for processes, the sum of what each worker
measured with its own getrusage(RUSAGE_SELF) around each task (a warm worker's CPU never reaches
RUSAGE_CHILDREN until it is reaped), plus the parent's own.

    python3 threads_vs_processes.py --tasks 1,2,3,4 --task-ms 20 --runs 3
"""
import argparse
import concurrent.futures as cf
import resource
import time

from gilscope_common import calibrate_spin, emit, spin


def _usage():
    ru = resource.getrusage(resource.RUSAGE_SELF)
    return ru.ru_utime, ru.ru_stime


def task(kind, size):
    """One task; returns the user and sys CPU seconds it used in the process that ran it."""
    u0, s0 = _usage()
    if kind == "cpu":
        spin(size)
    else:
        time.sleep(size / 1e6)
    u1, s1 = _usage()
    return u1 - u0, s1 - s0


def _warm(_):
    return _usage()


def run_once(pool, executor, kind, size, tasks):
    u0, s0 = _usage()
    t0 = time.perf_counter()
    futures = [pool.submit(task, kind, size) for _ in range(tasks)]
    per_task = [f.result() for f in futures]
    real_s = time.perf_counter() - t0
    u1, s1 = _usage()
    user_s, sys_s = u1 - u0, s1 - s0
    if executor == "processes":  # the workers' own CPU, as each measured it
        user_s += sum(u for u, _ in per_task)
        sys_s += sum(s for _, s in per_task)
    return {"realS": real_s, "userS": user_s, "sysS": sys_s,
            "cpuPerS": (user_s + sys_s) / real_s if real_s > 0 else 0.0}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tasks", default="1,2,3,4", help="task counts, comma-separated")
    ap.add_argument("--task-ms", type=float, default=20.0)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    counts = [int(t) for t in args.tasks.split(",")]
    workers = max(counts)
    sizes = {"cpu": calibrate_spin(args.task_ms / 1e3), "wait": int(args.task_ms * 1000)}
    results = []
    pools = {"threads": cf.ThreadPoolExecutor(max_workers=workers),
             "processes": cf.ProcessPoolExecutor(max_workers=workers)}
    try:
        for executor, pool in pools.items():
            # Start every worker before the clock starts: a blocking task per worker, all at once.
            list(pool.map(time.sleep, [0.05] * workers))
            pool.submit(task, "cpu", sizes["cpu"]).result()  # one warm-up task
            for kind in ("cpu", "wait"):
                # Rounds outermost: round i's runs of 1..N tasks follow one another, so that a
                # speed-up is taken within a round (the machine's speed drifts between rounds).
                runs = {n: [] for n in counts}
                for _ in range(args.runs):
                    for n in counts:
                        runs[n].append(run_once(pool, executor, kind, sizes[kind], n))
                for n in counts:
                    results.append({"executor": executor, "kind": kind, "tasks": n, "runs": runs[n]})
    finally:
        for pool in pools.values():
            pool.shutdown(wait=True)
    emit("threads-vs-processes", {"taskMs": args.task_ms, "cpuIterations": sizes["cpu"],
                                  "waitUs": sizes["wait"], "workers": workers, "runs": args.runs}, results)


if __name__ == "__main__":
    main()
