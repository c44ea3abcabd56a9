#!/usr/bin/env bash
# Capture import against tshark, side by side on the same file: tcpdump captures TOTAL h2load unary calls
# to the grpc C++ echo server on lo; `reprise import` (decoding with bench/peers/echo.proto, writing the
# recording) and tshark (dissecting HTTP/2, gRPC and protobuf with the same proto) read that file.
# Reports calls per second of capture read (calls in the file / wall time), CPU seconds, the ratio, and
# how many calls each recovered (Reprise: calls ended with trailers; tshark: grpc-status trailers it
# decoded). Medians of RUNS runs, the two interleaved. Needs root (or CAP_NET_RAW) for tcpdump.
#
# Knobs (environment): CAPTURE_TOTAL (calls, default 50000), CAPTURE_CONNECTIONS (4), CAPTURE_STREAMS (8),
# RUNS (3).
set -euo pipefail
cd "$(dirname "$0")/.."

TOTAL=${CAPTURE_TOTAL:-50000}
CONNECTIONS=${CAPTURE_CONNECTIONS:-4}
STREAMS=${CAPTURE_STREAMS:-8}
RUNS=${RUNS:-3}
BIN=${REPRISE_BIN:-$PWD/.build/release}
OUT=${REPRISE_BENCH_OUT:-$PWD/.build/bench-out}
WORK=$PWD/.build/bench/capture
mkdir -p "$WORK" "$OUT"

[ -x "$BIN/reprise" ] || { echo "bench-capture: $BIN/reprise is missing (run make build-release)" >&2; exit 1; }
for tool in h2load tcpdump tshark; do
  command -v "$tool" >/dev/null || { echo "bench-capture: $tool is missing (run make setup)" >&2; exit 1; }
done
[ "$(id -u)" -eq 0 ] || { echo "bench-capture: tcpdump needs root (or CAP_NET_RAW) to capture on lo" >&2; exit 1; }

. bench/echo-server.sh
TCPDUMP_PID=
cleanup() {
  [ -n "$TCPDUMP_PID" ] && kill -INT "$TCPDUMP_PID" 2>/dev/null && wait "$TCPDUMP_PID" 2>/dev/null
  stop_echo_server
}
trap cleanup EXIT
start_echo_server || { echo "bench-capture: the echo server did not start" >&2; exit 1; }

# The capture: h2load's calls, whole packets (a large ring so the kernel drops none). On a busy machine
# tcpdump can still fall behind; a capture with drops is made again (up to 3 times), since a call whose
# packets were dropped can't be recovered by either tool and the comparison would be of different work.
CAPTURE=$WORK/h2load.pcap
printf '\x00\x00\x00\x00\x0e\x0a\x0chello world!' > "$WORK/request.bin"
for attempt in 1 2 3; do
  # Immediate mode: without it the ring block in progress when SIGINT comes is lost (the last calls).
  tcpdump -i lo -w "$CAPTURE" --immediate-mode -s 65600 -B 131072 -n "tcp port $SERVER_PORT" 2> "$WORK/tcpdump.log" &
  TCPDUMP_PID=$!
  for _ in $(seq 100); do grep -q "listening on" "$WORK/tcpdump.log" && break; sleep 0.1; done
  h2load -n "$TOTAL" -c "$CONNECTIONS" -m "$STREAMS" -d "$WORK/request.bin" \
    -H 'content-type: application/grpc' -H 'te: trailers' "http://127.0.0.1:$SERVER_PORT/bench.Echo/Unary" \
    > "$WORK/h2load.out"
  grep -q "$TOTAL succeeded" "$WORK/h2load.out" || { cat "$WORK/h2load.out" >&2; exit 1; }
  sleep 0.5
  kill -INT "$TCPDUMP_PID"; wait "$TCPDUMP_PID" || true; TCPDUMP_PID=
  dropped=$(awk '/dropped by kernel/ {print $1}' "$WORK/tcpdump.log")
  [ "${dropped:-0}" -eq 0 ] && break
  echo "capture attempt $attempt: the kernel dropped $dropped packets; capturing again" >&2
done
echo "capture: $TOTAL h2load calls (-c $CONNECTIONS -m $STREAMS) to grpc++ echo on lo:" \
  "$(( $(stat -c %s "$CAPTURE") / 1048576 )) MiB, $(awk '/packets captured/ {print $1}' "$WORK/tcpdump.log")" \
  "packets, ${dropped:-?} dropped by the kernel; $RUNS runs"

# Runs a command and writes "wall user sys" in seconds to $1: wall to the microsecond (/usr/bin/time's %e
# counts in 10 ms steps, a fifteenth of an import), CPU from /usr/bin/time.
timed() {
  local out=$1 start end
  shift
  start=$(date +%s%N)
  /usr/bin/time -f '%U %S' -o "$out.cpu" "$@"
  end=$(date +%s%N)
  echo "$(( (end - start) / 1000 ))e-6 $(cat "$out.cpu")" > "$out"
}

SEARCH="uat:protobuf_search_paths:\"$PWD/bench/peers\",\"TRUE\""
RESULTS=$WORK/results.jsonl
: > "$RESULTS"
for run in $(seq "$RUNS"); do
  timed "$WORK/reprise.time" "$BIN/reprise" import "$CAPTURE" --out "$WORK/import.jsonl" \
    --overwrite --port "$SERVER_PORT" -I bench/peers --proto echo.proto 2> "$WORK/reprise.summary"
  recovered=$(grep -oE '[0-9]+ complete' "$WORK/reprise.summary" | cut -d' ' -f1)
  echo "{\"tool\": \"reprise\", \"time\": \"$(cat "$WORK/reprise.time")\", \"calls\": ${recovered:-0}}" >> "$RESULTS"

  timed "$WORK/tshark.time" tshark -r "$CAPTURE" -d "tcp.port==$SERVER_PORT,http2" \
    -o "$SEARCH" -o protobuf.pbf_as_hf:TRUE -T fields -e http2.header.name -e protobuf.message.name \
    > "$WORK/tshark.out" 2> "$WORK/tshark.err"
  recovered=$(grep -o 'grpc-status' "$WORK/tshark.out" | wc -l)
  echo "{\"tool\": \"tshark\", \"time\": \"$(cat "$WORK/tshark.time")\", \"calls\": $recovered}" >> "$RESULTS"
  echo "run $run done"
done
echo "reprise: $(cat "$WORK/reprise.summary")"

python3 - "$RESULTS" "$TOTAL" <<'PY' | tee "$OUT/bench-capture-summary.txt"
import json, statistics, sys
rows = [json.loads(line) for line in open(sys.argv[1])]
total = int(sys.argv[2])
def med(tool, index): return statistics.median(float(r["time"].split()[index]) for r in rows if r["tool"] == tool)
def cpu(tool): return statistics.median(sum(map(float, r["time"].split()[1:])) for r in rows if r["tool"] == tool)
def calls(tool): return min(r["calls"] for r in rows if r["tool"] == tool)
print(f"{'tool':<8} {'wall s':>8} {'CPU s':>8} {'calls/s':>10} {'calls recovered':>16}")
for tool in ("reprise", "tshark"):
    wall = med(tool, 0)
    print(f"{tool:<8} {wall:>8.3f} {cpu(tool):>8.2f} {total / max(wall, 0.01):>10.0f} {calls(tool):>11}/{total}")
ratio = med("tshark", 0) / max(med("reprise", 0), 0.01)
print(f"reprise/tshark (medians): {ratio:.1f}x the calls per second, {cpu('tshark') / max(cpu('reprise'), 0.01):.1f}x less CPU")
print(f"aim: at least 20x tshark, every call recovered: "
      f"{'met' if ratio >= 20 and calls('reprise') == total else 'NOT met'}")
PY
