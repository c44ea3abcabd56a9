#!/usr/bin/env bash
# Instructions per call of `reprise record`'s recorder thread (the tap's decoding and the recording's
# lines), counted by callgrind: deterministic where CPU time on a shared machine is not, for comparing two
# builds of the recorder. Not part of `make bench` (valgrind runs the proxy ~50x slower). h2load sends
# CALLGRIND_CALLS unary calls (4 connections, 8 in flight each) through the proxy to the grpc C++ echo
# server, on 127.0.0.1 only.
#
# Usage: bench/recorder-callgrind.sh [REPRISE ...]: each binary in turn (default .build/release/reprise);
# prints instructions per call for each. Strip debug info first for speed (strip --strip-debug -o X BIN).
set -euo pipefail
cd "$(dirname "$0")/.."
CALLS=${CALLGRIND_CALLS:-20000}
for tool in valgrind callgrind_annotate h2load; do
  command -v "$tool" >/dev/null || { echo "recorder-callgrind: $tool is missing (Debian: valgrind, nghttp2-client)" >&2; exit 1; }
done
[ $# -gt 0 ] || set -- "$PWD/.build/release/reprise"
WORK=$PWD/.build/bench/callgrind
rm -rf "$WORK"; mkdir -p "$WORK"
. bench/echo-server.sh
trap stop_peers EXIT
start_echo_server
printf '\x00\x00\x00\x00\x0e\x0a\x0chello world!' > "$WORK/request.bin"
index=0
for bin in "$@"; do
  index=$((index + 1))
  valgrind --tool=callgrind --separate-threads=yes --callgrind-out-file="$WORK/$index.out" "$bin" record \
    --threads 1 --listen 127.0.0.1:0 --upstream "127.0.0.1:$SERVER_PORT" --out "$WORK/$index.jsonl" --overwrite \
    -I bench/peers --proto echo.proto 2> "$WORK/$index.log" &
  pid=$!; PIDS+=("$pid")
  port=$(listen_port "$WORK/$index.log")
  h2load -n "$CALLS" -c 4 -m 8 -d "$WORK/request.bin" -H 'content-type: application/grpc' -H 'te: trailers' \
    "http://127.0.0.1:$port/bench.Echo/Unary" > "$WORK/$index.h2load"
  grep -q "$CALLS succeeded" "$WORK/$index.h2load" || { cat "$WORK/$index.h2load" >&2; exit 1; }
  sleep 2
  kill -INT "$pid"; wait "$pid" || true
  # The recorder's thread is the one whose profile holds the tap recorder's work.
  for out in "$WORK/$index.out"*; do
    # Through a file: `grep -q` ending the pipe early would fail it under pipefail (SIGPIPE), at random.
    callgrind_annotate --inclusive=yes "$out" > "$out.inclusive" 2>/dev/null || true
    if grep -q 'RecorderC7process' "$out.inclusive"; then
      total=$(callgrind_annotate "$out" 2>/dev/null | awk '/PROGRAM TOTALS/ {gsub(",", "", $1); print $1}')
      echo "$bin: recorder thread $total instructions, $((total / CALLS)) per call"
    fi
  done
done
