# SIGINT, SIGTERM and SIGHUP during a run (issue 12.3): the run's temporary
# files are removed, the old outputs stay as they were, and the exit status
# is 128 + the signal (130, 143, 129). The input is a FIFO fed a few rows and
# then held open, so the scorer is caught mid-run, its temporary output
# already created, without any timing guess.
. "$(dirname "$0")/common.bash"
cd "$WORK" || exit 1
S="$SRC/datasets"
"$TRAIN" -q --target Converted --id "Lead ID" --exclude Email --exclude Company --exclude "Last Activity Date" \
    --exclude "Created Date" --na-values Select -o m.json "$S/sample_leads.csv" || fail "train"

# waits up to 20 s for a file matching the glob $1
appears() {
    for _ in $(seq 200); do
        compgen -G "$1" >/dev/null && return 0
        sleep 0.1
    done
    return 1
}

for sig in INT TERM HUP; do
    want=$((128 + $(kill -l "$sig")))
    echo "old scores" >out.csv
    rm -f feed
    mkfifo feed
    { head -n 50 "$S/sample_new_leads.csv"; exec sleep 60; } >feed 2>/dev/null &
    feeder=$!
    "$SCORE" -q -m m.json --rules "$S/sample_rules.csv" --as-of 2026-11-20 --label Converted \
        --compare-json cmp.json -f -o out.csv feed 2>err &
    pid=$!
    if appears 'out.csv.tmp*'; then ok; else fail "SIG$sig: no temporary output appeared"; fi
    kill -s "$sig" "$pid"
    wait "$pid"
    got=$?
    kill "$feeder" 2>/dev/null
    wait "$feeder" 2>/dev/null
    [ "$got" -eq "$want" ] && ok || fail "SIG$sig: exit $got, expected $want"
    compgen -G '*.tmp*' >/dev/null && fail "SIG$sig: temporary files left: $(echo *.tmp*)" || ok
    [ "$(cat out.csv)" = "old scores" ] && ok || fail "SIG$sig: the old output was touched"
    [ ! -e cmp.json ] && ok || fail "SIG$sig: a comparison was written"
done

# training blocked on its input: the old model stays, the status says why
cp m.json old.json
rm -f feed
mkfifo feed
{ head -n 100 "$S/sample_leads.csv"; exec sleep 60; } >feed 2>/dev/null &
feeder=$!
"$TRAIN" -q --target Converted --id "Lead ID" --export-design d.csv -f -o m.json feed 2>err &
pid=$!
sleep 0.5
kill -s TERM "$pid"
wait "$pid"
got=$?
kill "$feeder" 2>/dev/null
wait "$feeder" 2>/dev/null
[ "$got" -eq 143 ] && ok || fail "training, SIGTERM: exit $got, expected 143"
cmp -s m.json old.json && ok || fail "training, SIGTERM: the old model was touched"
compgen -G '*.tmp*' >/dev/null && fail "training: temporary files left" || ok
finish
