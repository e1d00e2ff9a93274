#!/usr/bin/env bash
# Runs every test: installs what is needed (with the scikit-learn and
# statsmodels peers for the parity tests), builds, runs the suite with CTest,
# then again in an AddressSanitizer + UndefinedBehaviorSanitizer build, then a
# 60 s libFuzzer smoke run of each harness and valgrind memcheck over the CLI
# tests. --no-sanitize runs the Release suite only.
set -euo pipefail
cd "$(dirname "$0")/.."
sanitize=1
for arg in "$@"; do
    case "$arg" in
    --no-sanitize) sanitize=0 ;;
    *) echo "usage: scripts/test.sh [--no-sanitize]" >&2; exit 2 ;;
    esac
done
bash scripts/setup.sh --with-peers
jobs=$(nproc)
echo "== Release build: ctest"
ctest --test-dir build --output-on-failure -j "$jobs"
if [ "$sanitize" -eq 1 ]; then
    echo "== ASan+UBSan build: ctest"
    cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DLEADSCORE_SANITIZE=ON -DLEADSCORE_WERROR=ON >/dev/null
    cmake --build build-asan -j "$jobs"
    # cli.pg_train runs its subset here (each kind of run once, as under
    # valgrind; every case runs in the Release stage above): in full it
    # was three quarters of this stage's time
    ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
        LEADSCORE_PG_SUBSET=1 ctest --test-dir build-asan --output-on-failure -j "$jobs"
    echo "== fuzz smoke: each libFuzzer harness 60 s (ASan+UBSan)"
    bash scripts/fuzz.sh 60
    echo "== valgrind memcheck over the CLI tests"
    bash scripts/valgrind.sh
fi
