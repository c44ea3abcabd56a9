#!/usr/bin/env bash
# Where the open loop and the proxy spend their wake-ups: `perf stat` counts per call, for the README's
# syscall and context-switch figures (not part of `make bench`; perf must be allowed to count syscalls,
# as root here). Against the grpc C++ echo server (bench/peers/cpp-echo), on 127.0.0.1 only.
#
#   proxy: nghttpx and `reprise record` each relay h2load's SYSCALLS_CALLS calls (4 connections, 8 in
#          flight each), ROUNDS times alternately; task-clock µs, context switches, epoll_wait, reads and
#          writes per call, for the whole proxy process.
#   replay: `reprise replay --rate 10000` for 5 s at each tick of SYSCALLS_TICKS, then the engine's closed
#          loop over as many calls (`reprise call -n 50000 -c 64`), both on 4 connections as in
#          bench-replay.sh, ROUNDS times; the same counts plus timerfd_settime and CPU migrations, for the
#          whole client process (needs the recording bench-replay made: .build/bench/replay/echo.jsonl).
#
# Usage: bench/syscalls.sh proxy|replay. Knobs: REPRISE_BIN (.build/release), ROUNDS (2),
# SYSCALLS_CALLS (100000), SYSCALLS_TICKS ("1ms 1500us 2ms").
set -euo pipefail
cd "$(dirname "$0")/.."
MODE=${1:?usage: bench/syscalls.sh proxy|replay}
BIN=${REPRISE_BIN:-$PWD/.build/release}
ROUNDS=${ROUNDS:-2}
CALLS=${SYSCALLS_CALLS:-100000}
TICKS=${SYSCALLS_TICKS:-1ms 1500us 2ms}
command -v perf >/dev/null || { echo "syscalls: perf is missing (Debian: apt-get install linux-perf)" >&2; exit 1; }
WORK=$PWD/.build/bench/syscalls
rm -rf "$WORK"; mkdir -p "$WORK"
. bench/echo-server.sh
trap stop_peers EXIT
start_echo_server
EVENTS=task-clock,context-switches,syscalls:sys_enter_epoll_wait,syscalls:sys_enter_read,syscalls:sys_enter_write
EVENTS=$EVENTS,syscalls:sys_enter_writev,syscalls:sys_enter_timerfd_settime,cpu-migrations

# per_call FILE LABEL CALLS: one line of counts per call from a `perf stat -x,` file.
per_call() {
  python3 - "$@" <<'PY'
import sys
path, label, calls = sys.argv[1], sys.argv[2], int(sys.argv[3])
counts = {}
for line in open(path):
    parts = line.strip().split(",")
    if len(parts) > 3 and parts[0][:1].isdigit():
        counts[parts[2].replace("syscalls:sys_enter_", "")] = float(parts[0])
print(f"{label:22s}", " ".join(
    f"{name}={value * (1000 if name == 'task-clock' else 1) / calls:.2f}" for name, value in counts.items() if value))
PY
}

if [ "$MODE" = proxy ]; then
  NGHTTPX_PORT=$(free_port)
  nghttpx --conf=/dev/null --frontend="127.0.0.1,$NGHTTPX_PORT;no-tls" \
    --backend="127.0.0.1,$SERVER_PORT;;proto=h2" --workers=1 --log-level=WARN \
    --errorlog-file="$WORK/nghttpx.log" --no-via --no-server-push --single-process \
    --frontend-http2-max-concurrent-streams=1000 &
  NGHTTPX_PID=$!; PIDS+=("$NGHTTPX_PID")
  "$BIN/reprise" record --threads 1 --listen 127.0.0.1:0 --upstream "127.0.0.1:$SERVER_PORT" \
    --out "$WORK/record.jsonl" --overwrite -I bench/peers --proto echo.proto --sync never 2> "$WORK/record.log" &
  REPRISE_PID=$!; PIDS+=("$REPRISE_PID")
  REPRISE_PORT=$(listen_port "$WORK/record.log")
  for _ in $(seq 100); do (exec 9<>"/dev/tcp/127.0.0.1/$NGHTTPX_PORT") 2>/dev/null && break; sleep 0.1; done
  printf '\x00\x00\x00\x00\x0e\x0a\x0chello world!' > "$WORK/request.bin"
  for round in $(seq "$ROUNDS"); do
    for target in nghttpx reprise; do
      if [ "$target" = nghttpx ]; then port=$NGHTTPX_PORT pid=$NGHTTPX_PID; else port=$REPRISE_PORT pid=$REPRISE_PID; fi
      perf stat -x, -e "$EVENTS" -p "$pid" -o "$WORK/$target.$round.stat" &
      stat_pid=$!
      sleep 0.3
      h2load -n "$CALLS" -c 4 -m 8 -d "$WORK/request.bin" -H 'content-type: application/grpc' \
        -H 'te: trailers' "http://127.0.0.1:$port/bench.Echo/Unary" > "$WORK/$target.$round.out"
      kill -INT "$stat_pid"; wait "$stat_pid" || true
      grep -q "$CALLS succeeded" "$WORK/$target.$round.out" || { cat "$WORK/$target.$round.out" >&2; exit 1; }
      per_call "$WORK/$target.$round.stat" "$target" "$CALLS"
    done
  done
else
  RECORDING=$PWD/.build/bench/replay/echo.jsonl
  [ -f "$RECORDING" ] || { echo "bench/syscalls.sh: run bench/bench-replay.sh once first ($RECORDING)" >&2; exit 1; }
  for round in $(seq "$ROUNDS"); do
    for tick in $TICKS; do
      perf stat -x, -e "$EVENTS" -o "$WORK/replay-$tick.$round.stat" "$BIN/reprise" replay "$RECORDING" \
        --target "127.0.0.1:$SERVER_PORT" --plaintext --rate 10000 --duration 5s --tick "$tick" \
        --connections 4 --max-in-flight 1000 --no-check --quiet > /dev/null
      per_call "$WORK/replay-$tick.$round.stat" "replay --tick $tick" 50000
    done
    perf stat -x, -e "$EVENTS" -o "$WORK/call.$round.stat" "$BIN/reprise" call --plaintext -I bench/peers \
      --proto echo.proto -d '{"payload":"aGVsbG8gd29ybGQh"}' -n 50000 -c 64 --connections 4 \
      "127.0.0.1:$SERVER_PORT" bench.Echo/Unary > /dev/null
    per_call "$WORK/call.$round.stat" "call -n 50000 -c 64" 50000
  done
fi
