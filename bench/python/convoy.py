"""The convoy and the hand-off rate under the real GIL.

Each case runs, for duration_s: `cpu` CPU-bound threads (a pure-Python loop that also counts a
hand-off each time it sees that the last thread to run was another one) and, when io is 1, one I/O
thread that, over and over, sleeps 1 ms and then does 20 us of Python work; a round's latency is
from before the sleep to the end of the work (the sleep itself included). Cases are given as
cpu:interval_us:seconds:io and each is run `runs` times; every run's raw figures are reported.

    python3 convoy.py --cases 0:5000:0.3:1,2:5000:0.5:0 --runs 3 --work-us 20 --wait-us 1000
"""
import argparse
import sys
import threading
import time

from gilscope_common import calibrate_spin, emit, percentile, spin


def run_case(cpu, interval_us, duration_s, io_thread, work_iters, wait_s):
    sys.setswitchinterval(interval_us / 1e6)
    stop = False
    state = {"last": None, "handoffs": 0}

    def cpu_bound(me):
        # The shared "last runner": a hand-off is counted each time it was another thread.
        while not stop:
            for _ in range(50):
                if state["last"] is not me:
                    state["handoffs"] += 1
                    state["last"] = me
            spin(20)

    latencies_ns = []

    def io_bound():
        while not stop:
            t0 = time.perf_counter_ns()
            time.sleep(wait_s)
            spin(work_iters)
            latencies_ns.append(time.perf_counter_ns() - t0)

    threads = [threading.Thread(target=cpu_bound, args=(i,)) for i in range(cpu)]
    io = threading.Thread(target=io_bound)
    for t in threads:
        t.start()
    time.sleep(0.005 if cpu else 0)  # the CPU-bound threads are running when the I/O thread starts
    h0 = state["handoffs"]
    started = time.perf_counter()
    if io_thread:
        io.start()
    time.sleep(duration_s)
    h1 = state["handoffs"]
    wall_s = time.perf_counter() - started
    stop = True
    if io_thread:
        io.join()
    for t in threads:
        t.join()
    lat = sorted(latencies_ns)
    return {
        "cpuThreads": cpu,
        "intervalUs": interval_us,
        "io": io_thread,
        "wallS": wall_s,
        "rounds": len(lat),
        "p50Ns": percentile(lat, 0.5),
        "p99Ns": percentile(lat, 0.99),
        "maxNs": lat[-1] if lat else None,
        # The first hand-off after the start is not one (nobody ran before), nor are the ones before h0.
        "handoffs": (h1 - h0) if cpu >= 2 else 0,
        "handoffsPerSecond": (h1 - h0) / wall_s if cpu >= 2 and wall_s > 0 else 0.0,
    }


def parse_cases(text):
    cases = []
    for item in text.split(","):
        cpu, interval_us, seconds, io = item.split(":")
        cases.append((int(cpu), int(interval_us), float(seconds), io == "1"))
    return cases


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cases", required=True, help="cpu:interval_us:seconds, comma-separated")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--work-us", type=int, default=20)
    ap.add_argument("--wait-us", type=int, default=1000)
    args = ap.parse_args()
    cases = parse_cases(args.cases)
    default_interval = sys.getswitchinterval()
    work_iters = calibrate_spin(args.work_us / 1e6)
    results = []
    for cpu, interval_us, seconds, io in cases:
        runs = [run_case(cpu, interval_us, seconds, io, work_iters, args.wait_us / 1e6) for _ in range(args.runs)]
        results.append({"cpuThreads": cpu, "intervalUs": interval_us, "io": io, "durationS": seconds,
                        "runs": runs})
    sys.setswitchinterval(default_interval)
    emit("convoy", {"workUs": args.work_us, "waitUs": args.wait_us, "workIterations": work_iters,
                    "runs": args.runs}, results)


if __name__ == "__main__":
    main()
