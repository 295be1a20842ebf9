"""CPython against itself by the bench's convoy rules: how often does the real GIL "agree" with itself?

Runs bench/python/convoy.py 2 x RUNS times with the quick preset's convoy cases on a 2-core machine
(0, 1, 2 and 4 CPU-bound threads at 5 ms; two at 200 us, 1 ms and 20 ms), takes the median of the
first RUNS runs and of the last RUNS, and compares them as the section "The real GIL beside the
emulation" compares CPython with gilscope (bench/realgil/agreement.ts): the excess over the row with
no CPU-bound thread, p50 within 25% and p99 within 50%, or within 0.5 ms where that is larger.
Rows that differ here differ for the noise of short runs, not for any emulation.

    python3 tools/cpython-self-agreement.py [--runs 3]
"""
import argparse
import json
import os
import statistics
import subprocess
import sys

CASES = "0:5000:0.15:1,1:5000:0.25:1,2:5000:0.25:1,4:5000:0.25:1,2:200:0.15:1,2:1000:0.15:1,2:20000:0.15:1"
CONVOY = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "bench", "python", "convoy.py")


def one_run():
    out = subprocess.run([sys.executable, CONVOY, "--cases", CASES, "--runs", "1"],
                         capture_output=True, text=True, check=True, timeout=120).stdout
    return json.loads(out)["results"]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=3, help="runs per side (1..20), as the bench's 3")
    args = ap.parse_args()
    if not 1 <= args.runs <= 20:
        ap.error(f"--runs must be 1..20, got {args.runs}")
    runs = [one_run() for _ in range(2 * args.runs)]
    sides = runs[:args.runs], runs[args.runs:]

    def median_ms(side, case, key):
        return statistics.median(r[case]["runs"][0][key] / 1e6 for r in side)

    agree = total = 0
    for case in range(1, len(runs[0])):
        c = runs[0][case]
        for key, tolerance in (("p50Ns", 0.25), ("p99Ns", 0.5)):
            a, b = (median_ms(s, case, key) - median_ms(s, 0, key) for s in sides)
            ok = abs(b - a) <= max(tolerance * abs(a), 0.5)
            agree += ok
            total += 1
            print(f"{c['cpuThreads']} CPU threads, {c['intervalUs']:>5} us, {key[:3]} excess: "
                  f"{a:7.2f} vs {b:7.2f} ms  {'agree' if ok else 'DIFFER'}")
    print(f"CPython against itself: {agree} of {total} convoy rows agree")


if __name__ == "__main__":
    main()
