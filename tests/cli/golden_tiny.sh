# Golden test on a tiny messy export (BOM, CRLF, quoted fields, Select,
# trailing empty column) and new leads (semicolons, an unseen level, a
# rejected row): the training summary and the scores match the expected files.
. "$(dirname "$0")/common.bash"
D="$SRC/tests/data"
expect_exit 0 "train tiny" -- "$TRAIN" --target Won --id Lead --na-values Select --holdout 0 \
    --min-level-count 2 --force -o "$WORK/tiny.json" "$D/tiny_leads.csv"
grep -v "model written" "$WORK/err" >"$WORK/train.txt"
diff -u "$D/tiny_expected_train.txt" "$WORK/train.txt" && ok || fail "training summary differs from the golden file"
expect_exit 3 "score tiny (one row rejected)" -- "$SCORE" -q -m "$WORK/tiny.json" "$D/tiny_new_leads.csv"
diff -u "$D/tiny_expected_scores.csv" "$WORK/out" && ok || fail "scores differ from the golden file"
expect_in "$WORK/err" "1 of 4 rows could not be scored" "rejection warning"
# the same from stdin, and with an explicit delimiter
expect_exit 3 "score tiny from stdin" -- sh -c "'$SCORE' -q -d ';' -m '$WORK/tiny.json' - <'$D/tiny_new_leads.csv'"
diff -u "$D/tiny_expected_scores.csv" "$WORK/out" && ok || fail "stdin scores differ"
finish
