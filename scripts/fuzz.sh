#!/usr/bin/env bash
# Fuzz smoke run: builds the libFuzzer harnesses of tests/fuzz in build-fuzz
# (clang, ASan + UBSan) and runs each for SECONDS (default 60) on its seed
# corpus. Fails when a harness crashes, leaks, times out or runs out of
# memory; the input that did it is saved as build-fuzz/artifacts/<fuzzer>-*.
# New inputs found along the way go to build-fuzz/corpus/<fuzzer>, never into
# the seed corpus under tests/fuzz/corpus.
#
#   scripts/fuzz.sh [SECONDS]
#
# Installs clang with apt-get when it is missing (sudo when not root). One
# process per fuzzer, as many fuzzers at once as there are cores. A crash
# becomes a regression test: the input goes to tests/data/bad/ with a line
# in tests/cli/catalogue.sh.
set -euo pipefail
cd "$(dirname "$0")/.."

secs=${1:-60}
case "$secs" in
'' | *[!0-9]*) echo "usage: scripts/fuzz.sh [SECONDS]" >&2; exit 2 ;;
esac

if ! command -v clang >/dev/null 2>&1; then
    echo "fuzz.sh: installing clang"
    if [ "$(id -u)" -eq 0 ]; then apt-get install -y clang; else sudo apt-get install -y clang; fi
fi

build=build-fuzz
CC=clang cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DLEADSCORE_FUZZ=ON \
    -DLEADSCORE_TESTS=OFF >/dev/null
fuzzers=(fuzz_csv_reader fuzz_model_load fuzz_rules fuzz_score)
cmake --build "$build" -j "$(nproc)" --target "${fuzzers[@]}"

mkdir -p "$build/artifacts"
# run_one FUZZER: SECS of it on its seed corpus; its output to $build/FUZZER.log
run_one() {
    local f=$1 name=${1#fuzz_} dict
    case "$name" in
    csv_reader | score) dict=tests/fuzz/csv.dict ;;
    model_load) dict=tests/fuzz/json.dict ;;
    rules) dict=tests/fuzz/rules.dict ;;
    esac
    mkdir -p "$build/corpus/$f"
    # the first folder receives new inputs; the seeds are only read
    ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:allocator_may_return_null=1 \
        UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 OPENBLAS_NUM_THREADS=1 \
        "$build/bin/$f" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
        -dict="$dict" -artifact_prefix="$build/artifacts/$f-" \
        "$build/corpus/$f" "tests/fuzz/corpus/$name" 2>"$build/$f.log"
}

# as many at once as there are cores (each fuzzer is one process)
jobs=$(nproc)
failed=()
for ((first = 0; first < ${#fuzzers[@]}; first += jobs)); do
    batch=("${fuzzers[@]:first:jobs}")
    pids=()
    for f in "${batch[@]}"; do
        echo "== $f: ${secs}s"
        run_one "$f" &
        pids+=($!)
    done
    for k in "${!batch[@]}"; do
        f=${batch[$k]}
        if wait "${pids[$k]}"; then
            echo "-- $f"
            grep -E '^(stat::number_of_executed_units|stat::new_units_added|Done)' "$build/$f.log" || true
        else
            failed+=("$f")
            echo "-- $f: FAILED" >&2
            grep -E -A30 '^==[0-9]+==ERROR|^SUMMARY|runtime error|Test unit written|fuzz_[a-z_]*: ' \
                "$build/$f.log" | head -60 >&2 || tail -40 "$build/$f.log" >&2
        fi
    done
done

if [ "${#failed[@]}" -gt 0 ]; then
    echo "fuzz.sh: FAILED: ${failed[*]} (inputs in $build/artifacts/, logs in $build/fuzz_*.log)" >&2
    exit 1
fi
echo "fuzz.sh: ${#fuzzers[@]} fuzzers ran ${secs}s each without a failure"
