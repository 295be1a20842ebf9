"""What every gilscope Python script shares: the interpreter's description, the work loops, the
percentiles, and the one JSON document each script prints on stdout."""
import json
import os
import platform
import sys
import sysconfig
import time

SCHEMA = "gilscope-python/1"


def interpreter():
    """The interpreter running this script: path, version, and whether its GIL is enabled."""
    is_gil_enabled = getattr(sys, "_is_gil_enabled", None)
    return {
        "executable": sys.executable,
        "version": platform.python_version(),
        "implementation": platform.python_implementation(),
        # sys._is_gil_enabled() exists from 3.13; before it every CPython build has the GIL.
        "gilEnabled": bool(is_gil_enabled()) if is_gil_enabled is not None else True,
        # A free-threaded build (3.13t+) says so in its build configuration.
        "freeThreadedBuild": bool(sysconfig.get_config_var("Py_GIL_DISABLED")),
        "switchIntervalS": sys.getswitchinterval(),
        "cores": os.cpu_count(),
    }


def spin(n):
    """Pure-Python CPU work: n iterations of a loop that never releases the GIL by itself."""
    x = 0
    for i in range(n):
        x += i & 7
    return x


def calibrate_spin(target_s):
    """Loop iterations that take about target_s of this thread's CPU time (best of 3 timings)."""
    n = 1000
    while True:
        t0 = time.thread_time()
        spin(n)
        took = time.thread_time() - t0
        if took >= 0.01 or n >= 1 << 30:
            break
        n *= 2
    per_iter = took / n
    best = per_iter
    for _ in range(2):
        t0 = time.thread_time()
        spin(n)
        best = min(best, (time.thread_time() - t0) / n)
    return max(1, int(target_s / best))


def percentile(sorted_values, q):
    """Nearest-rank percentile of an ascending list; None when empty."""
    if not sorted_values:
        return None
    rank = max(1, int(-(-q * len(sorted_values) // 1)))
    return sorted_values[min(rank, len(sorted_values)) - 1]


def emit(kind, parameters, results):
    """Prints the script's one JSON document on stdout."""
    doc = {"schema": SCHEMA, "kind": kind, "interpreter": interpreter(), "parameters": parameters,
           "results": results}
    sys.stdout.write(json.dumps(doc) + "\n")
    sys.stdout.flush()
