#!/usr/bin/env bash
# Runs the CLI tests (ctest -R '^cli\.') with every leadscore-train and
# leadscore-score run under valgrind memcheck, on a RelWithDebInfo build
# without sanitizers (build-valgrind). Fails on any memcheck error and on
# definite or indirect leaks, also in runs whose exit status a test does not
# check: valgrind writes one log per run, and any non-empty log fails.
#
#   scripts/valgrind.sh [extra ctest arguments, e.g. -R catalogue]
#
# Known, harmless reports from system libraries are suppressed in
# tests/valgrind.supp (each with its reason). Installs valgrind with apt-get
# when it is missing (sudo when not root).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

if ! command -v valgrind >/dev/null 2>&1; then
    echo "valgrind.sh: installing valgrind"
    if [ "$(id -u)" -eq 0 ]; then apt-get install -y valgrind; else sudo apt-get install -y valgrind; fi
fi

build=build-valgrind
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DLEADSCORE_SANITIZE=OFF >/dev/null
cmake --build "$build" -j "$(nproc)"

logs="$root/$build/valgrind-logs"
rm -rf "$logs"
mkdir -p "$logs"
# one log per run, opened by the test's wrapper script as fd 9 (see
# tests/cli/common.bash: a --log-file would become stdout when a test closes it)
export LEADSCORE_WRAPPER_LOGDIR="$logs"
export LEADSCORE_WRAPPER="valgrind -q --error-exitcode=99 --leak-check=full \
--errors-for-leak-kinds=definite,indirect --show-leak-kinds=definite,indirect \
--suppressions=$root/tests/valgrind.supp --log-fd=9"
echo "== CLI tests under: $LEADSCORE_WRAPPER"
status=0
# Not under valgrind (each runs for minutes there; the ASan+UBSan suite runs
# them all): the catalogue again with forced chunked loading, the parallel
# loader's 70,000-row equivalence runs, the cross-validation paths, the
# weights test's many fits, the install/pkg-config build and the terminal
# progress bar, and the README's commands (the same programs on the sample,
# already run by the other tests), the signal test (it times out runs by signal),
# and the SQL tests (they run the database engines against a few C scorer
# runs over the same code paths the other tests cover; about 5 minutes under
# valgrind, and the ASan+UBSan suite runs them).
# LEADSCORE_VALGRIND_ALL=1 runs every CLI test.
exclude='^cli\.(catalogue_parallel|parallel_parse|sparse_cv|weights|install|progress|readme|hardening_signals|hardening_memory|sql_postgres|sql_sqlite|sql_duckdb|sql_rules_events)$'
[ -n "${LEADSCORE_VALGRIND_ALL:-}" ] && exclude='^$'
# Tests in parallel, one per core: each valgrind run is single-threaded.
OPENBLAS_NUM_THREADS=1 ctest --test-dir "$build" -R '^cli\.' -E "$exclude" --output-on-failure \
    -j "$(nproc)" --timeout 3600 "$@" || status=1

bad=0
for f in "$logs"/run.*; do
    [ -s "$f" ] || continue
    bad=$((bad + 1))
    echo "---- $f" >&2
    head -60 "$f" >&2
done
if [ "$bad" -gt 0 ]; then
    echo "valgrind.sh: $bad run(s) with memcheck errors or leaks (logs above, all in $logs)" >&2
    status=1
fi
runs=$(find "$logs" -name 'run.*' | wc -l)
[ "$status" -eq 0 ] && echo "valgrind.sh: $runs runs of the programs, no memcheck errors, no leaks"
exit "$status"
