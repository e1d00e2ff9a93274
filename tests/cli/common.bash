# Shared by the CLI tests: each is run as `bash test.sh BINDIR SRCDIR WORKDIR`.
set -u
BIN=$1
SRC=$2
WORK=$3
rm -rf "$WORK"
mkdir -p "$WORK"
TRAIN="$BIN/leadscore-train"
SCORE="$BIN/leadscore-score"
# LEADSCORE_WRAPPER, e.g. "valgrind --error-exitcode=99 --leak-check=full -q",
# prefixes every run of the two programs (scripts/valgrind.sh). TRAIN and
# SCORE then name small scripts that exec the wrapper, so they keep working
# wherever a path does (expect_exit, pipes, sh -c '...', Python) and the
# arguments keep their quoting. The scripts live beside WORK, not in it, so
# tests that list WORK do not see them. With LEADSCORE_WRAPPER_LOGDIR set,
# each run first opens a new file in that folder as fd 9 (for the wrapper's
# own log, e.g. valgrind --log-fd=9): a log file opened by the wrapper itself
# would take the lowest free descriptor, and so become the program's stdout
# in the tests that run it with stdout closed.
if [ -n "${LEADSCORE_WRAPPER:-}" ]; then
    read -r -a _lsc_wrap <<<"$LEADSCORE_WRAPPER"
    _lsc_wrapdir="$WORK.wrapped"
    rm -rf "$_lsc_wrapdir"
    mkdir -p "$_lsc_wrapdir"
    for _lsc_prog in leadscore-train leadscore-score; do
        {
            echo '#!/usr/bin/env bash'
            echo '[ -z "${LEADSCORE_WRAPPER_LOGDIR:-}" ] || exec 9>"$(mktemp "$LEADSCORE_WRAPPER_LOGDIR/run.XXXXXX")"'
            printf 'exec'
            printf ' %q' "${_lsc_wrap[@]}" "$BIN/$_lsc_prog"
            echo ' "$@"'
        } >"$_lsc_wrapdir/$_lsc_prog"
        chmod +x "$_lsc_wrapdir/$_lsc_prog"
    done
    TRAIN="$_lsc_wrapdir/leadscore-train"
    SCORE="$_lsc_wrapdir/leadscore-score"
fi
PY=/usr/bin/python3
SHARED="$SRC/../shared/datasets"
failures=0
checks=0

fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
ok() { checks=$((checks + 1)); }

# expect_exit CODE DESCRIPTION -- command...
expect_exit() {
    local want=$1 what=$2
    shift 3
    "$@" >"$WORK/out" 2>"$WORK/err"
    local got=$?
    if [ "$got" -ne "$want" ]; then
        fail "$what: exit $got, expected $want"
        sed 's/^/    /' "$WORK/err" | head -20 >&2
    else
        ok
    fi
}

# expect_in FILE PATTERN DESCRIPTION (fixed string)
expect_in() {
    if grep -qF -- "$2" "$1"; then ok; else fail "$3: '$2' not in $(basename "$1")"; sed 's/^/    /' "$1" | head -20 >&2; fi
}

finish() {
    echo "$checks passed, $failures failed"
    [ "$failures" -eq 0 ]
    exit $?
}

# Skips (exit 77) when the shared data set is absent, unless CI is set.
require_shared() {
    if [ ! -f "$SHARED/$1" ]; then
        if [ -n "${CI:-}" ]; then
            echo "FAIL: $SHARED/$1 is required when CI is set" >&2
            exit 1
        fi
        echo "skipped: $SHARED/$1 not present"
        exit 77
    fi
}

has_sklearn() { [ -x "$PY" ] && "$PY" -c 'import sklearn' 2>/dev/null; }
