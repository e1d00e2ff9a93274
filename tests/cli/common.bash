# Shared by the CLI tests: each is run as `bash test.sh BINDIR SRCDIR WORKDIR`.
set -u
BIN=$1
SRC=$2
WORK=$3
rm -rf "$WORK"
mkdir -p "$WORK"
TRAIN="$BIN/leadscore-train"
SCORE="$BIN/leadscore-score"
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
