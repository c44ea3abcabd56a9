#!/usr/bin/env bash
# `reprise mock` against the grpc C++ echo server, side by side in one run: a unary call to the C++ server
# is recorded through `reprise record`, then h2load sends the same request to the C++ server and to the
# mock serving that recording (matched by its bytes, answered with the recorded headers, message and
# trailers). Reports calls per second, p50 and p99 latency and server CPU microseconds per call (from
# /proc), medians of RUNS runs with the targets interleaved within each run, and the ratio.
#
# Knobs (environment): MOCK_TOTAL (calls per target per run, default 50000), MOCK_CONNECTIONS (4),
# MOCK_STREAMS (8 in flight per connection), MOCK_THREADS (the mock's event-loop threads, default 1:
# h2load needs the other core; the C++ server sizes its own pool), RUNS (3).
set -euo pipefail
cd "$(dirname "$0")/.."

TOTAL=${MOCK_TOTAL:-50000}
CONNECTIONS=${MOCK_CONNECTIONS:-4}
STREAMS=${MOCK_STREAMS:-8}
THREADS=${MOCK_THREADS:-1}
RUNS=${RUNS:-3}
BIN=${REPRISE_BIN:-$PWD/.build/release}
OUT=${REPRISE_BENCH_OUT:-$PWD/.build/bench-out}
WORK=$PWD/.build/bench/mock
mkdir -p "$WORK" "$OUT"

[ -x "$BIN/reprise" ] || { echo "bench-mock: $BIN/reprise is missing (run make build-release)" >&2; exit 1; }
command -v h2load >/dev/null || { echo "bench-mock: h2load is missing (run make setup)" >&2; exit 1; }

# The C++ echo server of bench-wire, built the same way into the same place.
. bench/echo-server.sh
trap stop_peers EXIT
start_echo_server || { echo "bench-mock: the echo server did not start" >&2; exit 1; }

# The request: 5-byte gRPC prefix + protobuf field 1 = "hello world!".
printf '\x00\x00\x00\x00\x0e\x0a\x0chello world!' > "$WORK/request.bin"
call() {
  h2load -n "$1" -c "$CONNECTIONS" -m "$STREAMS" -d "$WORK/request.bin" ${3:+--log-file="$3"} \
    -H 'content-type: application/grpc' -H 'te: trailers' "http://127.0.0.1:$2/bench.Echo/Unary"
}

# One unary call recorded through the proxy: what the mock serves.
RECORDING=$WORK/unary.jsonl
"$BIN/reprise" record --threads 1 --listen 127.0.0.1:0 --upstream "127.0.0.1:$SERVER_PORT" \
  --out "$RECORDING" --overwrite -I bench/peers --proto echo.proto 2> "$WORK/record.log" &
RECORD_PID=$!
RECORD_PORT=$(listen_port "$WORK/record.log")
CONNECTIONS=1 STREAMS=1 call 1 "$RECORD_PORT" > "$WORK/record-call.out"
kill -INT "$RECORD_PID"; wait "$RECORD_PID" || true
grep -q '"type":"trailers"' "$RECORDING" || { echo "bench-mock: the call was not recorded" >&2; exit 1; }

"$BIN/reprise" mock "$RECORDING" --threads "$THREADS" --listen 127.0.0.1:0 > "$WORK/mock.log" 2>&1 &
MOCK_PID=$!
PIDS+=("$MOCK_PID")
MOCK_PORT=$(listen_port "$WORK/mock.log")

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
TICKS=$(getconf CLK_TCK)

RESULTS=$WORK/results.jsonl
: > "$RESULTS"
echo "h2load -n $TOTAL -c $CONNECTIONS -m $STREAMS against the grpc++ echo server (127.0.0.1:$SERVER_PORT)" \
  "and reprise mock with $THREADS threads (127.0.0.1:$MOCK_PORT); $RUNS runs"
for run in $(seq "$RUNS"); do
  for target in cpp mock; do
    case $target in
      cpp) port=$SERVER_PORT; pid=$SERVER_PID ;;
      mock) port=$MOCK_PORT; pid=$MOCK_PID ;;
    esac
    before=$(cpu_ticks "$pid")
    : > "$WORK/$target.requests"  # h2load appends to its --log-file: this run's requests only
    call "$TOTAL" "$port" "$WORK/$target.requests" > "$WORK/$target.out"
    after=$(cpu_ticks "$pid")
    grep -q "$TOTAL succeeded" "$WORK/$target.out" || { cat "$WORK/$target.out" >&2; exit 1; }
    python3 bench/h2load-row.py "$target" "$run" "$WORK/$target.out" "$WORK/$target.requests" \
      "$(( after - before ))" "$TICKS" "$TOTAL" >> "$RESULTS"
  done
  echo "run $run done"
done

# Every call was answered from the recording: the summary printed at exit counts them.
kill -INT "$MOCK_PID"; wait "$MOCK_PID" || true
grep -o '"matched":[0-9]*' "$WORK/mock.log" | head -1 | sed "s/^/mock summary: /;s/\$/ (expected $(( TOTAL * RUNS )))/"

python3 - "$RESULTS" <<'PY' | tee "$OUT/bench-mock-summary.txt"
import json, statistics, sys
rows = [json.loads(line) for line in open(sys.argv[1])]
def med(target, key): return statistics.median(r[key] for r in rows if r["target"] == target)
print(f"{'server':<7} {'calls/s':>9} {'p50 µs':>8} {'p99 µs':>8} {'server CPU µs/call':>19}")
for target in ("cpp", "mock"):
    print(f"{target:<7} {med(target, 'rate'):>9.0f} {med(target, 'p50'):>8.0f} {med(target, 'p99'):>8.0f} "
          f"{med(target, 'cpu_us'):>19.1f}")
rate = med("mock", "rate") / med("cpp", "rate")
cpu = med("mock", "cpu_us") / med("cpp", "cpu_us")
print(f"mock/grpc++ (medians): calls/s {rate:.2f}x, CPU per call {cpu:.2f}x")
print(f"aim: the mock at least 0.8x the grpc++ server's calls/s: {'met' if rate >= 0.8 else 'NOT met'}")
PY
