"""One benchmark row from an h2load run, as a JSON line on stdout: calls per second (h2load's summary),
p50 and p99 latency in µs (its per-request log, --log-file), and a process's CPU µs per call; with
THREAD_TICKS (NAME=TICKS,...), the CPU µs per call of those threads too ("threads": {NAME: µs}).

Usage: h2load-row.py TARGET RUN H2LOAD_OUTPUT H2LOAD_LOG CPU_TICKS CLK_TCK CALLS [THREAD_TICKS]
"""
import json
import re
import sys

target, run, out, log, ticks, hz, total = sys.argv[1:8]
thread_ticks = [part.rsplit("=", 1) for part in (sys.argv[8] if len(sys.argv) > 8 else "").split(",") if part]
text = open(out).read()
rate = float(re.search(r"finished in [^,]+, ([0-9.]+) req/s", text).group(1))
durations = sorted(int(line.split("\t")[2]) for line in open(log) if line.strip())
if len(durations) != int(total):
    # h2load appends to its log: a log left from an earlier run would mix its requests into these percentiles.
    sys.exit(f"h2load-row: {log} holds {len(durations)} requests, not this run's {total}")


def pct(p):
    return durations[min(len(durations) - 1, int(p * len(durations)))]


def us_per_call(count):
    return int(count) / int(hz) * 1e6 / int(total)


print(json.dumps({"target": target, "run": int(run), "rate": rate, "p50": pct(0.50), "p99": pct(0.99),
                  "cpu_us": us_per_call(ticks),
                  "threads": {name: us_per_call(count) for name, count in thread_ticks}}))
