# Short of memory (issue 12.7b): with the address space limited (ulimit -v),
# the programs answer --version and --help, training stops with a clear "out
# of memory" (OpenBLAS would otherwise retry its 128 MiB buffer forever), and
# scoring, which needs no BLAS buffer, finishes. `timeout` turns a hang into
# a failure; OPENBLAS_NUM_THREADS is unset there, so OpenBLAS starts its
# worker threads as it does for a user. Sanitizer builds reserve terabytes of shadow memory and cannot
# run under a limit at all: skipped there (the Release suite runs it).
. "$(dirname "$0")/common.bash"
cd "$WORK" || exit 1
S="$SRC/datasets"
"$TRAIN" -q --target Converted --id "Lead ID" --exclude Email --exclude Company --exclude "Last Activity Date" \
    --exclude "Created Date" --na-values Select -o m.json "$S/sample_leads.csv" || fail "train without a limit"
limited() { (ulimit -v 150000 && unset OPENBLAS_NUM_THREADS && exec timeout 60 "$@"); }
limited "$SCORE" --version >out 2>err
if grep -q "Sanitizer\|ReserveShadowMemoryRange\|valgrind" err; then
    echo "skipped: a sanitizer or valgrind build cannot run under ulimit -v"
    exit 77
fi
for prog in "$SCORE" "$TRAIN"; do
    for opt in --version --help; do
        limited "$prog" "$opt" >out 2>err
        got=$?
        [ "$got" -eq 0 ] && ok || fail "$(basename "$prog") $opt under ulimit -v: exit $got"
    done
done
limited "$TRAIN" -q --target Converted --id "Lead ID" -o m2.json "$S/sample_leads.csv" >out 2>err
got=$?
[ "$got" -eq 1 ] && ok || fail "training under ulimit -v: exit $got, expected 1"
expect_in err "out of memory: OpenBLAS needs a 128 MiB work buffer" "training's message"
[ ! -e m2.json ] && ok || fail "a model was written"
limited "$SCORE" -q -m m.json -o s.csv "$S/sample_new_leads.csv" >out 2>err
got=$?
[ "$got" -eq 0 ] && ok || fail "scoring under ulimit -v: exit $got"
[ "$(wc -l <s.csv)" -eq 501 ] && ok || fail "scores under ulimit -v: $(wc -l <s.csv) lines"
finish
