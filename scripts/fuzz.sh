#!/usr/bin/env bash
# Builds the libFuzzer targets in fuzz/ (release, with the fuzzer and address sanitizers, into .build-fuzz)
# and runs each for FUZZ_SECONDS, printing one line per target: executions, corpus size, crashes.
#
#   FUZZ_SECONDS=60            how long each target runs
#   FUZZ_TARGETS="a b"         a subset (names of fuzz/Sources/*, commas or spaces); default: all
#   FUZZ_TIMEOUT=10            seconds one input may take before it counts as a hang
#   FUZZ_RSS_MB=2048           memory a target may use before it counts as out of memory
#   FUZZ_MERGE_EVERY=600       seconds between corpus merges (libFuzzer -merge=1) in a long run
#
# Seeds come from fixtures/fuzz/<target>/ (the proto-compiler's also from fixtures/protos*/, the capture
# targets' from fixtures/captures/) and are copied
# into .build/fuzz/corpus/<target>, which grows from run to run (remove it to start over); fixtures/ is
# never written. Crashing inputs land in
# .build/fuzz/artifacts/<target>/ and libFuzzer's output in .build/fuzz/logs/<target>.log.
# The exit status is 1 when any target crashed, hung or ran out of memory.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${FUZZ_SECONDS:-60}
timeout=${FUZZ_TIMEOUT:-10}
rss=${FUZZ_RSS_MB:-2048}
merge_every=${FUZZ_MERGE_EVERY:-600}
work=.build/fuzz

all=$(ls fuzz/Sources | grep -v '^FuzzSupport$' | sort)
targets=${FUZZ_TARGETS:-$all}
targets=${targets//,/ }
for target in $targets; do
    if [[ ! -d fuzz/Sources/$target ]]; then
        echo "fuzz: no target '$target'; the targets are: $(echo $all)" >&2
        exit 2
    fi
done

echo "fuzz: building the targets (release, -sanitize=fuzzer,address) into .build-fuzz"
# All of them: after the first build only what changed is compiled again.
mkdir -p $work/logs
# swiftc 6.3's driver does not turn -sanitize=fuzzer into coverage instrumentation for the frontend (the
# fuzzer then finds no new inputs at all), so the coverage libFuzzer needs is asked for explicitly.
build=(swift build --package-path fuzz --scratch-path .build-fuzz -c release --sanitize=fuzzer --sanitize=address
    -Xswiftc -sanitize-coverage=edge,indirect-calls,trace-cmp,inline-8bit-counters,pc-table)
if ! "${build[@]}" >$work/logs/build.log 2>&1; then
    grep -E 'error' $work/logs/build.log >&2 || tail -20 $work/logs/build.log >&2
    exit 2
fi
# gold says this of every sanitized link; it means nothing here.
grep -E 'warning: ' $work/logs/build.log | grep -v __asan_extra_spill_area >&2 || true
bin=$("${build[@]}" --show-bin-path)
for target in $targets; do
    [[ -x $bin/$target ]] || { echo "fuzz: $bin/$target was not built" >&2; exit 2; }
done

echo "fuzz: each target runs ${seconds}s (timeout ${timeout}s per input, ${rss} MB)"
failed=0
for target in $targets; do
    corpus=$work/corpus/$target
    artifacts=$work/artifacts/$target
    log=$work/logs/$target.log
    mkdir -p "$corpus" "$artifacts" "$(dirname "$log")"
    cp -n fixtures/fuzz/"$target"/* "$corpus"/ 2>/dev/null || true
    # The compiler's tests already hold real and broken .proto files, and the capture tests real pcap and
    # pcapng files: they are seeds as they are.
    case $target in
    proto-compiler) cp -n fixtures/protos/constructs/*.proto fixtures/protos-broken/*.proto "$corpus"/ ;;
    pcap-reader) cp -n fixtures/captures/*.pcap fixtures/captures/*.pcapng "$corpus"/ ;;
    esac
    before=$(ls "$artifacts" | wc -l)
    # In rounds of at most FUZZ_MERGE_EVERY seconds: after each, libFuzzer's -merge=1 keeps only the inputs
    # that add coverage, so a long run's corpus stays small and the next round starts from it.
    left=$seconds
    executions=0
    : >"$log"
    while ((left > 0)); do
        round=$((left < merge_every ? left : merge_every))
        left=$((left - round))
        # libFuzzer exits non-zero on a crash; the line below says so.
        "$bin/$target" "$corpus" -max_total_time="$round" -timeout="$timeout" -rss_limit_mb="$rss" \
            -print_final_stats=1 -artifact_prefix="$artifacts/" >>"$log" 2>&1 || true
        ran=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
        executions=$((executions + ${ran:-0}))
        [[ $(ls "$artifacts" | wc -l) -eq $before ]] || break
        merged=$work/merged/$target
        rm -rf "$merged" && mkdir -p "$merged"
        if "$bin/$target" -merge=1 -timeout="$timeout" -rss_limit_mb="$rss" "$merged" "$corpus" \
            >"$log.merge" 2>&1 && [[ -n $(ls "$merged") ]]; then
            rm -rf "$corpus" && mv "$merged" "$corpus"
        fi
    done
    if grep -q 'Is the code instrumented for coverage' "$log"; then
        echo "fuzz: $target found no coverage: is the build instrumented? (see $log)" >&2
    fi
    crashes=$(($(ls "$artifacts" | wc -l) - before))
    files=$(ls "$corpus" | wc -l)
    size=$(du -sk "$corpus" | cut -f1)
    printf '%-18s executions %10s  corpus %5d files %6d KB  crashes %d\n' \
        "$target" "${executions:-?}" "$files" "$size" "$crashes"
    if ((crashes > 0)); then
        failed=1
        # Swift's own report (what failed, where) first; the sanitizer's summary when there is none.
        { grep -E 'Fatal error|Swift runtime failure| at /.*\.swift:[0-9]+' "$log" | grep -v '/checkouts/' | head -3 ||
            grep -E '^==[0-9]+==ERROR|^SUMMARY|ALARM|out-of-memory' "$log" | head -3; } | sed 's/^ */    /'
        ls -t "$artifacts" | head -"$crashes" | sed "s|^|    input: $artifacts/|"
    fi
done
exit $failed
