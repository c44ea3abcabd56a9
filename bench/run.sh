#!/usr/bin/env bash
# Runs every benchmark script (bench/bench-*.sh) after a release build and keeps their reports in
# bench/out/<timestamp>/. Each script compares Reprise with a peer side by side in one run and prints
# ratios; the machine is shared and noisy, so the scripts report medians of several runs.
set -euo pipefail
cd "$(dirname "$0")/.."
export REPRISE_VENV=${REPRISE_VENV:-$PWD/.build/venv}
export REPRISE_BIN=${REPRISE_BIN:-$PWD/.build/release}
out=bench/out/$(date +%Y%m%d-%H%M%S)
mkdir -p "$out"
only=${BENCH:-}
status=0
for script in bench/bench-*.sh; do
  name=$(basename "$script" .sh)
  if [ -n "$only" ] && [[ "$name" != *"$only"* ]]; then continue; fi
  echo "== $name"
  if ! REPRISE_BENCH_OUT="$out" "$script" 2>&1 | tee "$out/$name.txt"; then
    echo "!! $name failed"; status=1
  fi
done
echo "reports: $out"
exit $status
