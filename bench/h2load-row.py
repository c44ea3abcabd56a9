"""One benchmark row from an h2load run, as a JSON line on stdout: calls per second (h2load's summary),
p50 and p99 latency in µs (its per-request log, --log-file), and a process's CPU µs per call.

Usage: h2load-row.py TARGET RUN H2LOAD_OUTPUT H2LOAD_LOG CPU_TICKS CLK_TCK CALLS
"""
import json
import re
import sys

target, run, out, log, ticks, hz, total = sys.argv[1:]
text = open(out).read()
rate = float(re.search(r"finished in [^,]+, ([0-9.]+) req/s", text).group(1))
durations = sorted(int(line.split("\t")[2]) for line in open(log) if line.strip())


def pct(p):
    return durations[min(len(durations) - 1, int(p * len(durations)))]


print(json.dumps({"target": target, "run": int(run), "rate": rate, "p50": pct(0.50), "p99": pct(0.99),
                  "cpu_us": int(ticks) / int(hz) * 1e6 / int(total)}))
