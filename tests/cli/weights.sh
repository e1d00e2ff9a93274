# Row weights, balanced class weights, the prior correction and validation
# by date: scikit-learn parity (sample_weight, class_weight='balanced'),
# statsmodels parity of frequency-weight statistics, errors with their place
# and exit codes, and the split on a small dated file.
. "$(dirname "$0")/common.bash"
D="$SRC/tests/data"
DATA="$SRC/datasets/sample_leads.csv"
COLS=(--include Seniority --include "Website Visits" --include "Demo Requested"
      --include "Budget Confirmed" --include "Content Downloads" --include "Time on Site (min)"
      --include "Lead Source" --na-values Select)

# the sample with an integer weight column w (0..3) and a fractional one wf
awk -F, 'BEGIN { OFS = "," } { sub(/\r$/, "") } NR == 1 { print $0, "w", "wf"; next }
         { print $0, NR % 4, 0.25 + (NR % 7) / 4 }' "$DATA" >"$WORK/w.csv"

# --- parity with scikit-learn --------------------------------------------------
parity() { # DESCRIPTION MODEL DESIGN
    if has_sklearn; then
        expect_exit 0 "$1: sklearn parity" -- "$PY" "$SRC/scripts/compare_sklearn.py" --design "$3" --model "$2"
        grep -E "class_weight|max_abs_diff" "$WORK/out"
    elif [ -n "${CI:-}" ]; then
        fail "python3-sklearn is required when CI is set"
    else
        echo "note: python3-sklearn absent; parity check skipped"
    fi
}
expect_exit 0 "--weight" -- "$TRAIN" -q --target Converted --id "Lead ID" --exclude Email \
    --na-values Select --holdout 0 --weight w --export-design "$WORK/d1.csv" -o "$WORK/m1.json" "$WORK/w.csv"
[ "$(head -1 "$WORK/d1.csv" | tr ',' '\n' | tail -1)" = "__weight__" ] && ok || fail "__weight__ column"
if head -1 "$WORK/d1.csv" | tr ',' '\n' | grep -qx 'w'; then fail "w became a feature"; else ok; fi
expect_in "$WORK/m1.json" '"weighting": {' "weighting member"
expect_in "$WORK/m1.json" '"column": "w"' "weight column recorded"
parity "--weight" "$WORK/m1.json" "$WORK/d1.csv"

expect_exit 0 "--class-weight balanced" -- "$TRAIN" --target Converted --id "Lead ID" --exclude Email \
    --na-values Select --holdout 0 --class-weight balanced --export-design "$WORK/d2.csv" \
    -o "$WORK/m2.json" "$WORK/w.csv"
expect_in "$WORK/err" "0.2700 unweighted, 0.5000 weighted" "summary: effective positive rate"
expect_in "$WORK/err" "give --population-rate P" "warning without a correction"
expect_in "$WORK/err" "not all whole numbers" "statistics left out for fractional weights"
expect_in "$WORK/m2.json" '"class_weight": "balanced"' "balanced recorded"
parity "balanced" "$WORK/m2.json" "$WORK/d2.csv"

expect_exit 0 "--weight wf --class-weight balanced --population-rate" -- "$TRAIN" --target Converted \
    --id "Lead ID" --exclude Email --na-values Select --holdout 0 --weight wf --class-weight balanced \
    --population-rate 0.05 --export-design "$WORK/d3.csv" --predictions "$WORK/p3.csv" \
    -o "$WORK/m3.json" "$WORK/w.csv"
expect_in "$WORK/err" "prior correction: population rate 0.05" "summary: correction"
expect_in "$WORK/m3.json" '"population_rate": 0.050000000000000003' "population rate stored"
expect_in "$WORK/m3.json" '"intercept_correction": -' "correction stored"
parity "weights + balanced + correction" "$WORK/m3.json" "$WORK/d3.csv"
# the corrected probabilities average near the population rate
mean=$(awk -F, 'NR > 1 { s += $3; n++ } END { printf "%.4f", s / n }' "$WORK/p3.csv")
echo "mean corrected probability: $mean"
awk -v m="$mean" 'BEGIN { exit !(m > 0.02 && m < 0.10) }' && ok || fail "mean probability $mean"
# the scorer uses the corrected intercept as it is
expect_exit 0 "score with the corrected model" -- "$SCORE" -m "$WORK/m3.json" -o "$WORK/s3.csv" "$WORK/w.csv"

# X Education, when present: balanced parity
if [ -f "$SHARED/xeducation_leads.csv" ]; then
    expect_exit 0 "X Education balanced" -- "$TRAIN" -q --target Converted --id "Prospect ID" \
        --exclude "Lead Number" --na-values Select --holdout 0 --class-weight balanced \
        --export-design "$WORK/xd.csv" -o "$WORK/x.json" "$SHARED/xeducation_leads.csv"
    parity "X Education balanced" "$WORK/x.json" "$WORK/xd.csv"
elif [ -n "${CI:-}" ]; then
    fail "$SHARED/xeducation_leads.csv is required when CI is set"
else
    echo "note: X Education absent; its parity check skipped"
fi

# --- frequency weights: statistics equal statsmodels GLM(freq_weights) ------
expect_exit 0 "unpenalised weighted fit" -- "$TRAIN" -q --l2 0 --summary --target Converted "${COLS[@]}" \
    --holdout 0 --weight w --export-design "$WORK/d4.csv" -o "$WORK/m4.json" "$WORK/w.csv"
expect_in "$WORK/m4.json" '"std_error":' "statistics kept for whole-number weights"
if "$PY" -c 'import statsmodels' 2>/dev/null; then
    expect_exit 0 "statsmodels freq_weights parity" -- "$PY" "$SRC/scripts/compare_statsmodels.py" --design "$WORK/d4.csv" --model "$WORK/m4.json"
    tail -1 "$WORK/out"
elif [ -n "${CI:-}" ]; then
    fail "python3-statsmodels is required when CI is set"
else
    echo "note: python3-statsmodels absent; parity check skipped"
fi

# --- errors ------------------------------------------------------------------
printf 'a,w,won\n1,1,1\n2,x,0\n3,1,0\n4,1,1\n' >"$WORK/badw.csv"
expect_exit 3 "non-numeric weight" -- "$TRAIN" --target won --weight w -o "$WORK/e.json" "$WORK/badw.csv"
expect_in "$WORK/err" 'badw.csv:3:2: weight "x" in column "w" is not a number' "non-numeric weight place"
printf 'a,w,won\n1,1,1\n2,2,0\n3,-0.5,0\n4,1,1\n' >"$WORK/negw.csv"
expect_exit 3 "negative weight" -- "$TRAIN" --target won --weight w -o "$WORK/e.json" "$WORK/negw.csv"
expect_in "$WORK/err" 'negw.csv:4:2: weight "-0.5" in column "w" is negative' "negative weight place"
printf 'a,w,won\n1,1,1\n2,,0\n3,1,0\n4,1,1\n' >"$WORK/misw.csv"
expect_exit 3 "missing weight" -- "$TRAIN" --target won --weight w -o "$WORK/e.json" "$WORK/misw.csv"
expect_in "$WORK/err" 'misw.csv:3:2: weight in column "w" is missing' "missing weight place"
printf 'a,w,won\n1,0,1\n2,1,0\n3,1,0\n4,0,1\n' >"$WORK/zerow.csv"
expect_exit 1 "no weight on a class" -- "$TRAIN" --target won --weight w --holdout 0 --force -o "$WORK/e.json" "$WORK/zerow.csv"
expect_in "$WORK/err" "the weights of the converted rows sum to zero" "zero class weight message"
[ ! -e "$WORK/e.json" ] && ok || fail "a model was written after an error"
expect_exit 2 "unknown weight column" -- "$TRAIN" --target won --weight nope -o "$WORK/e.json" "$WORK/badw.csv"
expect_in "$WORK/err" 'unknown column "nope" in --weight' "unknown weight column"
expect_exit 2 "weight = target" -- "$TRAIN" --target won --weight won -o "$WORK/e.json" "$WORK/badw.csv"
expect_exit 2 "bad --class-weight" -- "$TRAIN" --target won --class-weight auto -o "$WORK/e.json" "$WORK/badw.csv"
expect_exit 2 "--population-rate 1" -- "$TRAIN" --target won --population-rate 1 -o "$WORK/e.json" "$WORK/badw.csv"
expect_exit 2 "--population-rate text" -- "$TRAIN" --target won --population-rate low -o "$WORK/e.json" "$WORK/badw.csv"

# --- validation by date --------------------------------------------------------
DATED="$D/dated_leads.csv"
expect_exit 0 "split by date" -- "$TRAIN" --target converted --id lead_id --min-level-count 1 \
    --force --split-date created --cutoff 2024-04-01 --export-design "$WORK/dd.csv" -o "$WORK/dm.json" "$DATED"
expect_in "$WORK/err" "split by date: 29 rows before the cutoff, 29 on or after it (validation), 2 without a date" "split summary"
expect_in "$WORK/err" "2 rows have no \"created\" date" "missing dates noted"
expect_in "$WORK/err" "refit on all 60 rows" "refit on all rows"
expect_in "$WORK/dm.json" '"cutoff": "2024-04-01"' "cutoff stored"
expect_in "$WORK/dm.json" '"train_rows": 29' "train rows stored"
expect_in "$WORK/dm.json" '"validation_rows": 29' "validation rows stored"
expect_in "$WORK/dm.json" '"missing_date_rows": 2' "missing rows stored"
expect_in "$WORK/dm.json" '"rows": 29' "validation metrics on the post-cutoff rows"
if head -1 "$WORK/dd.csv" | grep -q created; then fail "the date column became a feature"; else ok; fi
expect_exit 0 "split by date, --no-refit" -- "$TRAIN" --target converted --id lead_id --min-level-count 1 \
    --force --split-date created --cutoff 2024-04-01 --no-refit -o "$WORK/dn.json" "$DATED"
expect_in "$WORK/err" "saved model: the training-split fit (--no-refit)" "no-refit keeps the pre-cutoff fit"
expect_in "$WORK/dn.json" '"refit": false' "refit false"
expect_exit 2 "--holdout with --split-date" -- "$TRAIN" --target converted --split-date created \
    --cutoff 2024-04-01 --holdout 0.3 -o "$WORK/e.json" "$DATED"
expect_in "$WORK/err" "--holdout and --split-date are alternatives" "holdout conflict message"
expect_exit 2 "--cutoff alone" -- "$TRAIN" --target converted --cutoff 2024-04-01 -o "$WORK/e.json" "$DATED"
expect_exit 2 "bad --cutoff" -- "$TRAIN" --target converted --split-date created --cutoff 2024-02-30 -o "$WORK/e.json" "$DATED"
expect_in "$WORK/err" '"2024-02-30" is not an ISO date' "bad cutoff message"
expect_exit 1 "cutoff after every date" -- "$TRAIN" --target converted --split-date created \
    --cutoff 2025-01-01 -o "$WORK/e.json" "$DATED"
expect_in "$WORK/err" "no rows are dated on or after the cutoff" "empty side message"
expect_exit 1 "cutoff before every date" -- "$TRAIN" --target converted --split-date created \
    --cutoff 2023-01-01 -o "$WORK/e.json" "$DATED"
expect_in "$WORK/err" "no rows are dated before the cutoff" "empty side message"
sed 's/^L030,[^,]*/L030,01.04.2024/' "$DATED" >"$WORK/baddate.csv"
expect_exit 3 "unparsable date" -- "$TRAIN" --target converted --split-date created \
    --cutoff 2024-04-01 -o "$WORK/e.json" "$WORK/baddate.csv"
expect_in "$WORK/err" 'baddate.csv:32:2: date "01.04.2024" in column "created" is not an ISO date' "bad date place"
[ ! -e "$WORK/e.json" ] && ok || fail "a model was written after an error"
finish
