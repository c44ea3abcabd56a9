#!/usr/bin/env bash
# Makes the example recordings in recordings/ by really recording: the demo server (reprise demo-server)
# behind the recording proxy (reprise record), called by k6 (scripts/examples/demo-traffic.js).
#   recordings/demo.jsonl      decoded with demo/v1/demo.proto (-I fixtures/protos/demo)
#   recordings/demo-raw.jsonl  the same traffic with no schema: messages kept raw, with --raw-fields
# Usage: scripts/record-examples.sh   (REPRISE_BIN=dir picks the reprise binary; default .build/debug)
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${REPRISE_VENV:-${VENV:-.build/venv}}
BIN=${REPRISE_BIN:-.build/debug}
[ -x "$BIN/reprise" ] || swift build --product reprise
K6="$VENV/bin/k6"
work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

# Waits for "<what> <host:port>" in a log file and prints the port.
port_from() {
  local file=$1 pattern=$2
  for _ in $(seq 1 300); do
    local port
    port=$(grep -oE "$pattern 127\.0\.0\.1:[0-9]+" "$file" 2>/dev/null | head -1 | sed 's/.*://') || true
    if [ -n "$port" ]; then echo "$port"; return 0; fi
    sleep 0.1
  done
  echo "record-examples: no address in $file:" >&2
  cat "$file" >&2
  return 1
}

"$BIN/reprise" demo-server --listen 127.0.0.1:0 >"$work/server.log" 2>&1 &
pids+=($!)
server_port=$(port_from "$work/server.log" "listening on")

record() {
  local out=$1
  shift
  "$BIN/reprise" record --listen 127.0.0.1:0 --upstream "127.0.0.1:$server_port" --out "$out" --overwrite "$@" \
    2>"$work/record.log" &
  local pid=$!
  local port
  port=$(port_from "$work/record.log" "listening on")
  "$K6" run --quiet --no-color --no-usage-report -e "ADDR=127.0.0.1:$port" -e "PROTOS=$PWD/fixtures/protos/demo" \
    scripts/examples/demo-traffic.js >/dev/null
  kill -INT "$pid"
  wait "$pid"
  grep -h "recorded" "$work/record.log" >&2
}

record recordings/demo.jsonl -I fixtures/protos/demo --proto demo/v1/demo.proto
record recordings/demo-raw.jsonl --raw-fields
"$VENV/bin/python" scripts/validate-recording.py recordings/demo.jsonl recordings/demo-raw.jsonl
