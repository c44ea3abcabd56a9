#!/usr/bin/env bash
# `make demo`: Reprise's main job end to end on its embedded demo service, on loopback only.
#
#   1. start the demo gRPC server (all four RPC kinds, metadata, errors with details)
#   2. put the recording proxy in front of it
#   3. drive real traffic through the proxy with k6 (scripts/examples/demo-traffic.js, the traffic behind
#      the example recordings: every RPC kind, metadata, an error with details, a deadline, a large message)
#   4. stop the proxy: the recording is complete
#   5. replay the fresh recording 10x faster and check every call against it (HTML report)
#   6. replay the golden recording recordings/demo.jsonl: the server must still answer as it did
#
# UPDATE_GOLDEN=1 copies the fresh recording over recordings/demo.jsonl (after a deliberate change;
# scripts/record-examples.sh remakes every example recording).
set -euo pipefail
cd "$(dirname "$0")/.."

CONFIG=${CONFIG:-debug}
BIN="$(swift build -c "$CONFIG" --show-bin-path)/reprise"
VENV=${REPRISE_VENV:-$PWD/.build/venv}
OUT=.build/demo
GOLDEN=recordings/demo.jsonl
rm -rf "$OUT"
mkdir -p "$OUT"

pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
}
trap cleanup EXIT

step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }

# Waits until LOG says "listening on HOST:PORT" and prints the port.
port_of() {
    local log=$1 name=$2
    for _ in $(seq 1 100); do
        local port
        port=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$log" | head -1)
        if [ -n "$port" ]; then echo "$port"; return 0; fi
        sleep 0.1
    done
    echo "demo: $name did not start; its log ($log):" >&2
    cat "$log" >&2
    return 1
}

PROTOS=fixtures/protos/demo

step "1/6 starting the demo server"
"$BIN" demo-server --listen 127.0.0.1:0 > "$OUT/server.log" 2>&1 &
pids+=($!)
SERVER_PORT=$(port_of "$OUT/server.log" "the demo server")
echo "demo server on 127.0.0.1:$SERVER_PORT"

step "2/6 starting the recording proxy in front of it"
"$BIN" record --listen 127.0.0.1:0 --upstream "127.0.0.1:$SERVER_PORT" \
    -I "$PROTOS" --proto demo/v1/demo.proto \
    --out "$OUT/recording.jsonl" > "$OUT/proxy.log" 2>&1 &
PROXY_PID=$!
pids+=($PROXY_PID)
PROXY_PORT=$(port_of "$OUT/proxy.log" "the recording proxy")
cat "$OUT/proxy.log"

step "3/6 k6 sends traffic through the proxy (scripts/examples/demo-traffic.js)"
"$VENV/bin/k6" run --quiet --no-usage-report -e "ADDR=127.0.0.1:$PROXY_PORT" -e "PROTOS=$PWD/$PROTOS" \
    scripts/examples/demo-traffic.js 2>&1 | sed -n '/checks_total/,/checks_failed/p;/✓\|✗/p'

step "4/6 stopping the proxy (SIGINT: calls in flight finish, the recording is flushed)"
kill -INT "$PROXY_PID"
wait "$PROXY_PID"
tail -n 1 "$OUT/proxy.log"
echo "first lines of $OUT/recording.jsonl:"
sed -n '2,4p' "$OUT/recording.jsonl" | cut -c1-160

step "5/6 replaying the fresh recording 10x faster, checked call by call"
"$BIN" replay "$OUT/recording.jsonl" --target "127.0.0.1:$SERVER_PORT" --plaintext --speed 10 \
    --threshold 'checks=rate==1' --report "$OUT/report.html" --summary-export "$OUT/summary.json"

if [ "${UPDATE_GOLDEN:-0}" = 1 ]; then
    cp "$OUT/recording.jsonl" "$GOLDEN"
    echo "demo: $GOLDEN updated from this run"
fi

step "6/6 replaying the golden recording $GOLDEN against the server"
"$BIN" replay "$GOLDEN" --target "127.0.0.1:$SERVER_PORT" --plaintext --speed 10 --quiet \
    --report "$OUT/golden-report.html" | tail -n 3

printf '\n\033[1mdemo passed\033[0m: recording %s, reports %s and %s\n' \
    "$OUT/recording.jsonl" "$OUT/report.html" "$OUT/golden-report.html"
