#!/usr/bin/env bash
# ProtoCodec against Python's protobuf (upb, C) on the same bytes in the same run: binary decode and
# encode, JSON encode and decode, for a small message (one Customer) and a large one (500 Customers).
# Each side reports the median CPU time per call (thread CPU time, so other processes on this shared
# machine don't count) over several timed runs; the whole comparison repeats ROUNDS times and the
# table shows the median of those, plus ratios (>1 means Reprise is faster). Allocations are counted
# in a separate run with bench/malloc-count.c preloaded, so the timed runs use the plain allocator.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${REPRISE_VENV:-$PWD/.build/venv}
BIN=${REPRISE_BIN:-$PWD/.build/release}
PY="$VENV/bin/python"
ROUNDS=${ROUNDS:-3}
RUNS=${RUNS:-7}
SECONDS_PER_RUN=${SECONDS_PER_RUN:-0.25}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

[ -x "$BIN/reprise-bench" ] || swift build -c release --product reprise-bench >/dev/null
"$PY" -m grpc_tools.protoc -Ifixtures/protos --include_imports --descriptor_set_out="$work/bench.protoset" \
  fixtures/protos/codec/bench.proto
"$PY" bench/codec_bench.py make "$work/bench.protoset" "$work"
preload=
if cc -O2 -shared -fPIC -o "$work/malloc-count.so" bench/malloc-count.c 2>/dev/null; then
  preload="$work/malloc-count.so"
fi

for round in $(seq "$ROUNDS"); do
  for size in small large; do
    case $size in small) type=reprise.codec.bench.Customer ;; large) type=reprise.codec.bench.ListCustomersResponse ;; esac
    args=(--protoset "$work/bench.protoset" --type "$type" --binary "$work/$size.bin" --json "$work/$size.json"
      --runs "$RUNS" --seconds "$SECONDS_PER_RUN")
    "$BIN/reprise-bench" codec "${args[@]}" | sed "s/^/swift $size /" >> "$work/results"
    if [ -n "$preload" ] && [ "$round" = 1 ]; then
      LD_PRELOAD=$preload "$BIN/reprise-bench" codec "${args[@]}" --only none | sed "s/^/allocs $size /" >> "$work/results"
    fi
    "$PY" bench/codec_bench.py time "$work/bench.protoset" "$type" "$work/$size.bin" "$work/$size.json" \
      "$RUNS" "$SECONDS_PER_RUN" | sed "s/^/python $size /" >> "$work/results"
  done
done

"$PY" - "$work/results" <<'PYEOF'
import json, statistics, sys
rows = {}
for line in open(sys.argv[1]):
    side, size, payload = line.split(" ", 2)
    rows.setdefault((side, size), []).append(json.loads(payload))
ops = ["binary_decode", "binary_encode", "json_encode", "json_decode"]
print("ProtoCodec vs Python protobuf (%s), CPU time per call, medians of %d rounds" % (rows[("python", "small")][0]["implementation"], len(rows[("python", "small")])))
for size in ("small", "large"):
    swift, python = rows[("swift", size)], rows[("python", size)]
    print("\n%s message: %d bytes binary, %d bytes JSON" % (size, swift[0]["bytes"], swift[0]["json_bytes"]))
    print("  %-14s %12s %12s %12s %12s %8s" % ("operation", "swift MB/s", "python MB/s", "swift ns/op", "python ns/op", "ratio"))
    for op in ops:
        s = statistics.median(r[op]["mb_per_s"] for r in swift)
        p = statistics.median(r[op]["mb_per_s"] for r in python)
        sn = statistics.median(r[op]["ns_per_op"] for r in swift)
        pn = statistics.median(r[op]["ns_per_op"] for r in python)
        print("  %-14s %12.1f %12.1f %12.0f %12.0f %7.2fx" % (op, s, p, sn, pn, s / p))
    for row in rows.get(("allocs", size), [])[:1]:
        for key in ("allocations_per_decode", "allocations_per_encode"):
            if key in row:
                print("  swift %s: %.1f" % (key.replace("_", " "), row[key]))
PYEOF
