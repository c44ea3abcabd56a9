#!/usr/bin/env bash
# What k6's sample outputs cost a load run: `reprise replay --rate OUTPUTS_RATE --duration OUTPUTS_DURATION
# --no-check` against the grpc C++ echo server with no --out, --out json=FILE and --out csv=FILE,
# interleaved ROUNDS times in one run; client CPU µs per call (/usr/bin/time), peak RSS, file size, and each
# output's CPU as a ratio of the run without one (medians). Not part of `make bench`; on 127.0.0.1 only.
#
# Knobs: REPRISE_BIN (.build/release), ROUNDS (3), OUTPUTS_RATE (5000), OUTPUTS_DURATION (10s).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${REPRISE_BIN:-$PWD/.build/release}
ROUNDS=${ROUNDS:-3}
RATE=${OUTPUTS_RATE:-5000}
DURATION=${OUTPUTS_DURATION:-10s}
WORK=$PWD/.build/bench/outputs
rm -rf "$WORK"; mkdir -p "$WORK"
. bench/echo-server.sh
trap stop_peers EXIT
start_echo_server
ADDR=127.0.0.1:$SERVER_PORT

# A recording of 20 echo calls through reprise record, replayed in a loop at the rate.
"$BIN/reprise" record --listen 127.0.0.1:0 --upstream "$ADDR" --out "$WORK/echo.jsonl" --overwrite \
  -I bench/peers --proto echo.proto 2> "$WORK/record.log" &
RECORD_PID=$!
PROXY_PORT=$(listen_port "$WORK/record.log")
"$BIN/reprise" call --plaintext -I bench/peers --proto echo.proto -d '{"payload":"aGVsbG8gd29ybGQh"}' -n 20 -c 1 \
  "127.0.0.1:$PROXY_PORT" bench.Echo/Unary > /dev/null
kill -INT "$RECORD_PID"; wait "$RECORD_PID"

: > "$WORK/results.jsonl"
for round in $(seq "$ROUNDS"); do
  for output in none json csv; do
    extra=()
    [ "$output" = none ] || extra=(--out "$output=$WORK/samples.$output")
    rm -f "$WORK/samples.$output"
    /usr/bin/time -f "%U %S %M" -o "$WORK/time" "$BIN/reprise" replay "$WORK/echo.jsonl" --target "$ADDR" \
      --plaintext --rate "$RATE" --duration "$DURATION" --no-check --quiet \
      --summary-export "$WORK/summary.json" "${extra[@]}" > /dev/null 2>&1
    read -r user sys rss < "$WORK/time"
    calls=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['metrics']['grpc_reqs']['values']['count'])" \
      "$WORK/summary.json")
    size=$(stat -c %s "$WORK/samples.$output" 2>/dev/null || echo 0)
    echo "{\"output\":\"$output\",\"round\":$round,\"calls\":$calls,\"cpu\":$(python3 -c "print($user+$sys)"),\"rss_kb\":$rss,\"bytes\":$size}" \
      >> "$WORK/results.jsonl"
  done
  echo "round $round done"
done

python3 - "$WORK/results.jsonl" "$RATE" "$DURATION" <<'PY'
import json, statistics, sys
rows = [json.loads(line) for line in open(sys.argv[1])]
def med(output, f):
    return statistics.median(f(r) for r in rows if r["output"] == output)
print(f"replay --rate {sys.argv[2]} for {sys.argv[3]}, medians of {len(rows) // 3} rounds")
print(f"{'output':<8} {'calls':>8} {'CPU µs/call':>12} {'vs none':>8} {'peak RSS MB':>12} {'file MB':>8}")
base = med("none", lambda r: r["cpu"] * 1e6 / r["calls"])
for output in ("none", "json", "csv"):
    cpu = med(output, lambda r: r["cpu"] * 1e6 / r["calls"])
    print(f"{output:<8} {med(output, lambda r: r['calls']):>8.0f} {cpu:>12.1f} {cpu / base:>7.2f}x "
          f"{med(output, lambda r: r['rss_kb']) / 1024:>12.1f} {med(output, lambda r: r['bytes']) / 1e6:>8.1f}")
PY
