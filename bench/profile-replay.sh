#!/usr/bin/env bash
# Where replay's open loop spends more CPU per call than the engine's closed loop: `perf record -g` of
# `reprise replay --rate 10000` for 5 s (50,000 calls) and of `reprise call -n 50000 -c 64`, back to back,
# against the grpc C++ echo server (bench/peers/cpp-echo), on 127.0.0.1 only. Not part of `make bench`
# (perf must be allowed to sample the kernel, as root here); for the README's account of the gap.
#
# Prints, per call and for each run: µs in the kernel and in user space (perf's own overhead included), the
# symbols whose cost per call differs most between the two, and for the kernel's
# `_raw_spin_unlock_irqrestore` the share of its samples taken under the client's own write(2) while the
# kernel woke a reader of the socket (`sock_def_readable`): on loopback, the sender runs the receiver's
# TCP input and wake-up.
#
# Usage: bench/profile-replay.sh. Knobs: REPRISE_BIN (.build/release), PROFILE_TOP (15 symbols). Needs the
# recording bench-replay made (.build/bench/replay/echo.jsonl).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${REPRISE_BIN:-$PWD/.build/release}
TOP=${PROFILE_TOP:-15}
command -v perf >/dev/null || { echo "profile-replay: perf is missing (Debian: apt-get install linux-perf)" >&2; exit 1; }
RECORDING=$PWD/.build/bench/replay/echo.jsonl
[ -f "$RECORDING" ] || { echo "profile-replay: run bench/bench-replay.sh once first ($RECORDING)" >&2; exit 1; }
WORK=$PWD/.build/bench/profile-replay
rm -rf "$WORK"; mkdir -p "$WORK"
. bench/echo-server.sh
trap stop_peers EXIT
start_echo_server
CALLS=50000

perf record -q -g -F 4999 -o "$WORK/replay.perf" "$BIN/reprise" replay "$RECORDING" \
  --target "127.0.0.1:$SERVER_PORT" --plaintext --rate 10000 --duration 5s --connections 4 \
  --max-in-flight 1000 --no-check --quiet > /dev/null 2>&1
perf record -q -g -F 4999 -o "$WORK/call.perf" "$BIN/reprise" call --plaintext -I bench/peers \
  --proto echo.proto -d '{"payload":"aGVsbG8gd29ybGQh"}' -n "$CALLS" -c 64 --connections 4 \
  "127.0.0.1:$SERVER_PORT" bench.Echo/Unary > /dev/null 2>&1
for run in replay call; do
  # Through files: a pipe cut short by a reader would fail under pipefail.
  perf report -i "$WORK/$run.perf" --no-children --sort dso,sym --stdio -F period,dso,sym -g none \
    > "$WORK/$run.symbols" 2>/dev/null
  perf script -i "$WORK/$run.perf" -F ip,sym > "$WORK/$run.stacks" 2>/dev/null
done

python3 - "$WORK" "$CALLS" "$TOP" <<'PY'
import sys
work, calls, top = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])

def per_call(run):
    """µs per call by (dso, symbol), from perf's periods (nanoseconds of cpu-clock)."""
    costs = {}
    for line in open(f"{work}/{run}.symbols"):
        parts = line.split(None, 2)
        if len(parts) < 3 or not parts[0].isdigit():
            continue
        key = (parts[1], parts[2].strip().removeprefix("[k] ").removeprefix("[.] "))
        costs[key] = costs.get(key, 0) + int(parts[0]) / calls / 1000
    return costs

def wakeups_under_write(run):
    """Of the samples in _raw_spin_unlock_irqrestore, the share under write(2) and sock_def_readable."""
    total = under = 0
    stack = []
    for line in list(open(f"{work}/{run}.stacks")) + ["\n"]:
        frame = line.split(None, 1)  # address, symbol
        if frame:
            stack.append(frame[-1].strip())
            continue
        if stack and stack[0] == "_raw_spin_unlock_irqrestore":
            total += 1
            if "sock_def_readable" in stack and "ksys_write" in stack:
                under += 1
        stack = []
    return under / total if total else 0.0

replay, call = per_call("replay"), per_call("call")
for name, costs in (("replay --rate 10000", replay), ("call -n 50000 -c 64", call)):
    kernel = sum(v for (dso, _), v in costs.items() if dso == "[kernel.kallsyms]")
    print(f"{name:22s} {sum(costs.values()):5.1f} µs per call: kernel {kernel:4.1f}, user {sum(costs.values()) - kernel:4.1f}")
print(f"replay minus call, the {top} largest differences (µs per call):")
for key in sorted(set(replay) | set(call), key=lambda k: call.get(k, 0) - replay.get(k, 0))[:top]:
    dso, symbol = key
    print(f"  {replay.get(key, 0) - call.get(key, 0):+6.2f}  {replay.get(key, 0):5.2f} {call.get(key, 0):5.2f}  {dso} {symbol[:110]}")
for run in ("replay", "call"):
    print(f"{run}: _raw_spin_unlock_irqrestore samples under its own write waking a reader: "
          f"{wakeups_under_write(run) * 100:.0f}%")
PY
