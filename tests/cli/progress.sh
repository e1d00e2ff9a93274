# The progress bar: drawn on a terminal stderr (checked under script(1)
# when it is installed), erased at the end; never drawn with --quiet or
# when stderr is not a terminal.
. "$(dirname "$0")/common.bash"
NEW="$SRC/datasets/sample_new_leads.csv"
M="$WORK/m.json"
expect_exit 0 "train" -- "$TRAIN" -q --target Converted --id "Lead ID" --exclude Email --exclude Company \
    --exclude "Last Activity Date" --exclude "Created Date" --na-values Select -o "$M" \
    "$SRC/datasets/sample_leads.csv"
# 100,000 leads, fed slowly (about 1.5 s) so that a bar would be drawn
{ head -1 "$NEW"; for _ in $(seq 200); do tail -n +2 "$NEW"; done; } >"$WORK/big.csv"
cat >"$WORK/slow.py" <<'PY'
import sys, time
data = open(sys.argv[1], 'rb').read()
step = len(data) // 15 + 1
for i in range(0, len(data), step):
    sys.stdout.buffer.write(data[i:i + step])
    sys.stdout.flush()
    time.sleep(0.1)
PY
SLOW="'$PY' '$WORK/slow.py' '$WORK/big.csv'"

# stderr a file: the summary, and no bar
expect_exit 0 "score, stderr not a terminal" -- sh -c "$SLOW | '$SCORE' -m '$M' -o /dev/null -"
expect_in "$WORK/err" "rows: 100000 read, 100000 scored" "summary"
grep -q "$(printf '\r')" "$WORK/err" && fail "a carriage return (a bar) on a non-terminal stderr" || ok
grep -q "rows/s" "$WORK/err" && fail "progress text on a non-terminal stderr" || ok

if ! script -qec true /dev/null >/dev/null 2>&1; then
    echo "note: script(1) is not installed; the bar on a terminal is not checked"
    finish
fi
# on a terminal: drawn, then erased before the summary
script -qec "$SLOW | '$SCORE' -m '$M' -o /dev/null - 2>&1" /dev/null >"$WORK/tty.txt" 2>&1 </dev/null
expect_in "$WORK/tty.txt" "scoring " "bar label"
expect_in "$WORK/tty.txt" "rows/s" "bar rate"
"$PY" - "$WORK/tty.txt" <<'PY' && ok || fail "the bar is not erased before the summary"
import re, sys
t = open(sys.argv[1], encoding='utf-8', errors='replace', newline='').read()
# after the last drawing of the bar and before any further line (drift
# notes, the summary): a carriage return, blanks over the bar, a carriage return
last = t[t.rindex('rows/s'):]
assert re.match(r'[^\n]*?\r {20,}\r', last), repr(last[:160])
assert 'rows: 100000 read' in last, 'the summary comes after the bar'

PY
# --quiet: no bar even on a terminal
script -qec "$SLOW | '$SCORE' -q -m '$M' -o /dev/null - 2>&1" /dev/null >"$WORK/tty_quiet.txt" 2>&1 </dev/null
grep -q "rows/s" "$WORK/tty_quiet.txt" && fail "a bar with --quiet" || ok
finish
