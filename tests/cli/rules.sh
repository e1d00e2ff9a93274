# Manual rule scores through leadscore-score: golden output on the sample,
# stdin spooling for account rules, rules beside the model, an existing
# score column, sheet errors, and the X Education sheet.
. "$(dirname "$0")/common.bash"
D="$SRC/tests/data"
S="$SRC/datasets"
expect_exit 0 "rules only, sample" -- "$SCORE" -q --rules "$S/sample_rules.csv" --as-of 2026-11-20 \
    --explain-rules --id "Lead ID" --priority-accounts "$S/sample_priority_accounts.txt" "$S/sample_leads.csv"
diff -q "$D/sample_rule_scores_expected.csv" "$WORK/out" >/dev/null && ok || { fail "sample rule scores differ from the golden file"; diff "$D/sample_rule_scores_expected.csv" "$WORK/out" | head -5; }
# account rules need two passes: stdin is spooled, same result
expect_exit 0 "rules from stdin" -- sh -c "'$SCORE' -q --rules '$S/sample_rules.csv' --as-of 2026-11-20 --explain-rules --id 'Lead ID' --priority-accounts '$S/sample_priority_accounts.txt' - <'$S/sample_leads.csv'"
cmp -s "$D/sample_rule_scores_expected.csv" "$WORK/out" && ok || fail "stdin rule scores differ"
# beside the model
"$TRAIN" -q --target Converted --id "Lead ID" --exclude Email --exclude Company --exclude "Last Activity Date" \
    --exclude "Created Date" --na-values Select -o "$WORK/m.json" "$S/sample_leads.csv" || fail "train"
expect_exit 0 "model and rules" -- "$SCORE" -m "$WORK/m.json" --rules "$S/sample_rules.csv" --as-of 2026-11-20 \
    --priority-accounts "$S/sample_priority_accounts.txt" "$S/sample_new_leads.csv"
head -1 "$WORK/out" | grep -q '^Lead ID,probability,score,tier,rule_score,rule_tier,rule_qualified,fit_points,engagement_points,grade,error$' && ok || fail "combined header"
expect_in "$WORK/err" "rule scores: 500 rows" "rule summary"
# an existing manual score column
printf 'id,hubspot_score\na,85\nb,45\nc,10\nd,n/a\n' >"$WORK/hs.csv"
expect_exit 0 "rule score column" -- "$SCORE" -q --id id --rule-score-column hubspot_score --rule-tiers hot=80,warm=40 "$WORK/hs.csv"
[ "$(cut -d, -f3 "$WORK/out" | tr '\n' ' ')" = "rule_tier hot warm cold  " ] && ok || fail "rule tiers from a score column: $(cut -d, -f3 "$WORK/out" | tr '\n' ' ')"
# sheet errors name sheet and line, before any scoring
printf 'id,dimension,column,operator,value,points\nR1,fit,Seniority,sounds like,VP,10\n' >"$WORK/bad_sheet.csv"
expect_exit 1 "unknown operator" -- "$SCORE" --rules "$WORK/bad_sheet.csv" -o "$WORK/never.csv" "$S/sample_leads.csv"
expect_in "$WORK/err" "bad_sheet.csv:2" "sheet line named"
[ ! -e "$WORK/never.csv" ] && ok || fail "output written despite a bad sheet"
printf 'id,dimension,column,operator,value,points\nR1,fit,Nope,equals,VP,10\n' >"$WORK/bad_col.csv"
expect_exit 1 "unknown column" -- "$SCORE" --rules "$WORK/bad_col.csv" "$S/sample_leads.csv"
expect_in "$WORK/err" "Nope" "unknown column named"
expect_exit 2 "--explain-rules without --rules" -- "$SCORE" -m "$WORK/m.json" --explain-rules "$S/sample_new_leads.csv"
# the X Education sheet (rules only)
require_shared xeducation_leads.csv
expect_exit 0 "X Education rules" -- "$SCORE" --rules "$D/xeducation_rules.csv" --id "Prospect ID" \
    -o "$WORK/x.csv" "$SHARED/xeducation_leads.csv"
expect_in "$WORK/err" "rule scores: 9240 rows" "X Education rule summary"
finish
