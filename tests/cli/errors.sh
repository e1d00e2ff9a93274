# Bad input and bad usage: documented exit codes and messages naming the place.
. "$(dirname "$0")/common.bash"
D="$SRC/tests/data"
DATA="$SRC/datasets/sample_leads.csv"

expect_exit 2 "no arguments" -- "$TRAIN"
expect_in "$WORK/err" "Try 'leadscore-train --help'" "usage hint"
expect_exit 2 "missing target" -- "$TRAIN" "$DATA"
expect_in "$WORK/err" "--target" "missing target message"
expect_exit 0 "help" -- "$TRAIN" --help
expect_in "$WORK/out" "Exit status" "help text"
expect_exit 0 "score help" -- "$SCORE" --help
expect_in "$WORK/out" "3 finished but some rows were rejected" "score help exit codes"
expect_exit 2 "bad number" -- "$TRAIN" --target Converted --l2 abc "$DATA"
expect_in "$WORK/err" "--l2" "bad number message"
expect_exit 2 "bad tiers" -- "$SCORE" -m x --tiers hot=30,warm=40 "$DATA"
expect_in "$WORK/err" "warm < hot" "tiers message"

# unknown column names list the header
expect_exit 2 "unknown column" -- "$TRAIN" --target Converted --exclude Nope -o "$WORK/m.json" "$DATA"
expect_in "$WORK/err" 'unknown column "Nope" in --exclude' "unknown column message"
expect_in "$WORK/err" '"Lead Source"' "header listed"

# a target that is not 0/1 lists its values and suggests --positive
expect_exit 1 "text labels" -- "$TRAIN" --target Stage --holdout 0 -o "$WORK/t.json" "$D/labels_text.csv"
expect_in "$WORK/err" '"Closed Won"' "distinct values listed"
expect_in "$WORK/err" "--positive" "positive suggested"

# ragged row: file, line and column
printf 'a,b,won\n1,x,1\n2,y\n3,z,0\n' >"$WORK/ragged.csv"
expect_exit 1 "ragged" -- "$TRAIN" --target won -o "$WORK/r.json" "$WORK/ragged.csv"
expect_in "$WORK/err" "ragged.csv:3:3:" "ragged position"

# unterminated quote
printf 'a,b,won\n1,"x,1\n2,y,0\n' >"$WORK/quote.csv"
expect_exit 1 "unterminated quote" -- "$TRAIN" --target won -o "$WORK/q.json" "$WORK/quote.csv"
expect_in "$WORK/err" "quote.csv:2" "quote position"

# one class
printf 'a,won\n1,1\n2,1\n3,1\n' >"$WORK/one.csv"
expect_exit 1 "one class" -- "$TRAIN" --target won -o "$WORK/o.json" "$WORK/one.csv"
expect_in "$WORK/err" "one class" "one class message"

# empty file and missing file
: >"$WORK/empty.csv"
expect_exit 1 "empty file" -- "$TRAIN" --target won -o "$WORK/e.json" "$WORK/empty.csv"
expect_in "$WORK/err" "empty" "empty message"
expect_exit 1 "missing file" -- "$TRAIN" --target won -o "$WORK/e.json" "$WORK/nope.csv"
expect_in "$WORK/err" "nope.csv" "missing file named"
[ ! -e "$WORK/e.json" ] && ok || fail "a model was written for a failed run"

# scoring: model column absent is an error naming it
"$TRAIN" -q --target Converted --id "Lead ID" --exclude Email --exclude Company --exclude "Last Activity Date" --exclude "Created Date" --na-values Select -o "$WORK/m.json" "$DATA" || fail "train"
cut -d, -f1-3 "$SRC/datasets/sample_new_leads.csv" >"$WORK/narrow.csv"
expect_exit 1 "missing model column" -- "$SCORE" -m "$WORK/m.json" "$WORK/narrow.csv"
expect_in "$WORK/err" "the model needs column" "missing column message"

# scoring: a row with text in a numeric column is rejected, counted, kept
"$PY" - "$SRC/datasets/sample_new_leads.csv" "$WORK/bad_rows.csv" <<'PYEOF' || fail "make bad rows"
import csv, sys
rows = list(csv.reader(open(sys.argv[1], newline='')))
h = rows[0]
j = h.index("Website Visits")
rows[2][j] = "lots"
rows[5] = rows[5][:-1]  # ragged
csv.writer(open(sys.argv[2], "w", newline='')).writerows(rows)
PYEOF
expect_exit 3 "rejected rows" -- "$SCORE" -m "$WORK/m.json" -o "$WORK/bad_scores.csv" "$WORK/bad_rows.csv"
expect_in "$WORK/err" "2 rejected" "rejected count"
expect_in "$WORK/bad_scores.csv" 'not a number: ""lots""' "reason in error column"
expect_in "$WORK/bad_scores.csv" "expected" "ragged reason"
[ "$(wc -l <"$WORK/bad_scores.csv")" -eq "$(wc -l <"$WORK/bad_rows.csv")" ] && ok || fail "rows in != rows out"

# the scorer refuses to overwrite, and a bad model is named
echo x >"$WORK/exists.csv"
expect_exit 1 "score no overwrite" -- "$SCORE" -m "$WORK/m.json" -o "$WORK/exists.csv" "$SRC/datasets/sample_new_leads.csv"
expect_in "$WORK/err" "--force" "score overwrite message"
echo '{"format": "something else"}' >"$WORK/bad_model.json"
expect_exit 1 "bad model" -- "$SCORE" -m "$WORK/bad_model.json" "$SRC/datasets/sample_new_leads.csv"
expect_in "$WORK/err" "bad_model.json" "bad model named"
finish
