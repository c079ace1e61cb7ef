#!/usr/bin/env python3
"""bench/interrupt.py: how fast fpviz stops on SIGINT (make bench).

    python3 bench/interrupt.py [PATH/TO/fpviz]

Batch mode on a file of three lines, each a sum of 10^6 ones (seconds of
work, spent parsing, making room for the steps, and evaluating them):
SIGINT is sent at several moments after the start, and the time from the
signal to fpviz's end is measured (the target is 100 ms).  Each delay is
run BENCH_RUNS (3) times; the worst latency of each is printed, then the
worst of all.  Not part of make check.
"""
import os
import signal
import subprocess
import sys
import tempfile
import time

fpviz = sys.argv[1] if len(sys.argv) > 1 else "./fpviz"
runs = int(os.environ.get("BENCH_RUNS", "3"))
delays = [0.01, 0.05, 0.1, 0.2, 0.3, 0.5, 0.8]


def default_sigint():
    signal.signal(signal.SIGINT, signal.SIG_DFL)


with tempfile.TemporaryDirectory(prefix="fpviz-bench.") as tmp:
    path = os.path.join(tmp, "sum3")
    line = "+".join(["1"] * 1000000) + "\n"
    with open(path, "w") as f:
        f.write(line * 3)
    worst_all = 0.0
    print("interrupt: SIGINT during `fpviz -f` of 3 sums of 10^6 ones")
    for d in delays:
        worst = 0.0
        for _ in range(runs):
            p = subprocess.Popen([fpviz, "-f", path],
                                 stdout=subprocess.DEVNULL,
                                 stderr=subprocess.DEVNULL,
                                 preexec_fn=default_sigint)
            time.sleep(d)
            t0 = time.monotonic()
            p.send_signal(signal.SIGINT)
            rc = p.wait()
            t1 = time.monotonic()
            if rc != -signal.SIGINT:
                print(f"  after {d:.2f} s: fpviz ended with {rc}, "
                      "not by SIGINT")
                sys.exit(1)
            worst = max(worst, t1 - t0)
        worst_all = max(worst_all, worst)
        print(f"  signal after {d:.2f} s: stopped within {1000 * worst:6.1f} ms")
    print(f"interrupt: worst {1000 * worst_all:.1f} ms (target 100 ms)")
