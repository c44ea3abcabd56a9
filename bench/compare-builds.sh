#!/usr/bin/env bash
# Two builds of reprise side by side: `reprise call -n` against the grpc C++ echo server (bench/peers/cpp-echo),
# the builds alternating ROUNDS times in one run, so that a change's effect is measured on the same machine
# at the same moment (this shared VM's speed moves more between runs than many changes do).
#
# Usage: bench/compare-builds.sh BEFORE_BINARY AFTER_BINARY
#   (build the older commit with `swift build -c release --scratch-path ...` into a directory of its own)
# Per round and build: client user and system CPU µs per call (/usr/bin/time) and bytes sent per call
# (data_sent from --summary-export); then the medians and the after/before ratios.
# WORKLOAD=fresh-connections drives `reprise replay --fresh-connections` instead: CLIENTS one-call clients,
# each on a recorded connection of its own, RATE per second (bench/churn-recording.sh, recorded with the
# after build), so the figures are what a connection costs (dial, set-up, GOAWAY, close) plus a call.
# Knobs (environment): WORKLOAD (call), CALLS (200000), ROUNDS (4), CONCURRENCY (64), CONNECTIONS (4), HEADERS
# (extra `-H` metadata for every call, separated by `;`, e.g. "authorization: Bearer abc;x-tenant: acme");
# for fresh-connections CLIENTS (5000) and RATE (1000).
set -euo pipefail
cd "$(dirname "$0")/.."

[ $# -eq 2 ] || { echo "usage: $0 BEFORE_BINARY AFTER_BINARY" >&2; exit 64; }
BEFORE=$1
AFTER=$2
for binary in "$BEFORE" "$AFTER"; do
  [ -x "$binary" ] || { echo "compare-builds: $binary is not an executable" >&2; exit 1; }
done
WORKLOAD=${WORKLOAD:-call}
case "$WORKLOAD" in call | fresh-connections) ;; *) echo "compare-builds: WORKLOAD is call or fresh-connections" >&2; exit 64 ;; esac
CALLS=${CALLS:-200000}
ROUNDS=${ROUNDS:-4}
CONCURRENCY=${CONCURRENCY:-64}
CONNECTIONS=${CONNECTIONS:-4}
WORK=$PWD/.build/bench/compare
mkdir -p "$WORK"
HEADER_ARGS=()
if [ -n "${HEADERS:-}" ]; then
  IFS=';' read -ra pairs <<< "$HEADERS"
  for pair in "${pairs[@]}"; do HEADER_ARGS+=(-H "$pair"); done
fi

. bench/echo-server.sh
trap stop_peers EXIT
start_echo_server || { echo "compare-builds: the echo server did not start" >&2; exit 1; }

if [ "$WORKLOAD" = fresh-connections ]; then
  CALLS=${CLIENTS:-5000}
  . bench/churn-recording.sh
  churn_recording "$AFTER" "127.0.0.1:$SERVER_PORT" "$WORK/clients.jsonl" "$CALLS" "${RATE:-1000}"
  echo "server: grpc++ echo at 127.0.0.1:$SERVER_PORT; reprise replay --fresh-connections of $CALLS one-call" \
    "clients at ${RATE:-1000}/s, $ROUNDS rounds alternating"
else
  echo "server: grpc++ echo at 127.0.0.1:$SERVER_PORT; reprise call -n $CALLS -c $CONCURRENCY" \
    "--connections $CONNECTIONS, $ROUNDS rounds alternating${HEADERS:+; metadata: $HEADERS}"
fi
: > "$WORK/rows"
for round in $(seq "$ROUNDS"); do
  for build in before after; do
    if [ "$build" = before ]; then binary=$BEFORE; else binary=$AFTER; fi
    if [ "$WORKLOAD" = fresh-connections ]; then
      command=("$binary" replay "$WORK/clients.jsonl" --target "127.0.0.1:$SERVER_PORT" --plaintext --no-check
        --quiet --fresh-connections --summary-export "$WORK/summary.json")
    else
      command=("$binary" call --plaintext -I bench/peers --proto echo.proto -d '{"payload":"aGVsbG8gd29ybGQh"}'
        -n "$CALLS" -c "$CONCURRENCY" --connections "$CONNECTIONS" "${HEADER_ARGS[@]}"
        --summary-export "$WORK/summary.json" "127.0.0.1:$SERVER_PORT" bench.Echo/Unary)
    fi
    /usr/bin/time -f "%U %S" -o "$WORK/time" "${command[@]}" > "$WORK/call.out" 2>&1 \
      || { cat "$WORK/call.out" >&2; echo "compare-builds: $binary failed" >&2; exit 1; }
    python3 - "$build" "$round" "$CALLS" "$WORK/time" "$WORK/summary.json" >> "$WORK/rows" <<'PY'
import json, sys
build, round_, calls, time_file, summary = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5]
user, system = (float(x) for x in open(time_file).read().split()[:2])
metrics = json.load(open(summary))["metrics"]
done = metrics["grpc_reqs"]["values"]["count"]
if done != calls:
    sys.exit(f"compare-builds: {build} made {done} calls of {calls}")
sent = metrics["data_sent"]["values"]["count"]
print(json.dumps({"build": build, "round": int(round_), "user": user * 1e6 / calls,
                  "sys": system * 1e6 / calls, "sent": sent / calls}))
PY
  done
  echo "round $round done"
done

python3 - "$WORK/rows" <<'PY'
import json, statistics, sys
rows = [json.loads(line) for line in open(sys.argv[1])]
print(f"{'build':8} {'round':>5} {'user µs':>8} {'sys µs':>7} {'total µs':>9} {'bytes sent':>10}  (per call)")
for r in rows:
    print(f"{r['build']:8} {r['round']:5} {r['user']:8.2f} {r['sys']:7.2f} {r['user'] + r['sys']:9.2f} {r['sent']:10.1f}")
def med(build, key):
    return statistics.median(r[key] if key != "total" else r["user"] + r["sys"] for r in rows if r["build"] == build)
print("medians:")
for key in ("user", "sys", "total", "sent"):
    before, after = med("before", key), med("after", key)
    print(f"  {key:6} before {before:8.2f}  after {after:8.2f}  after/before {after / before:.2f}x")
PY
