#!/usr/bin/env bash
# Cost of recording one sample into a tagged Trend (CPU ns/op and allocations per sample, medians of
# several runs), next to hdrhistogram-swift's raw Histogram.record as the floor. Needs a release build
# (`make bench` does it). Aim: under 50 ns and no allocation. Then the first sample beyond a trend's range
# (a slow call) and the merge of such a trend into an empty one, next to hdrhistogram-swift's own
# auto-resize, in CPU µs.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${REPRISE_BIN:-$PWD/.build/release}
"$BIN/reprise-bench" metrics --samples "${METRICS_BENCH_SAMPLES:-5000000}" --runs "${METRICS_BENCH_RUNS:-7}"
