# The real X Education export: holdout AUC with and without the leaky columns,
# and scikit-learn parity on the exported design.
. "$(dirname "$0")/common.bash"
require_shared xeducation_leads.csv
DATA="$SHARED/xeducation_leads.csv"
auc() { sed -n 's/^holdout: AUC \([0-9.]*\).*/\1/p' "$1"; }

expect_exit 0 "train with leaky columns" -- "$TRAIN" --target Converted --id "Prospect ID" \
    --exclude "Lead Number" --na-values Select -o "$WORK/x.json" --export-design "$WORK/xd.csv" "$DATA"
a=$(auc "$WORK/err"); echo "AUC with Tags and Lead Quality: $a"
awk -v a="$a" 'BEGIN { exit !(a >= 0.97) }' && ok || fail "AUC $a < 0.97"
expect_in "$WORK/err" "Tags=" "readable coefficient names"

expect_exit 0 "train without leaky columns" -- "$TRAIN" --target Converted --id "Prospect ID" \
    --exclude "Lead Number" --exclude Tags --exclude "Lead Quality" --na-values Select \
    -o "$WORK/x2.json" "$DATA"
a=$(auc "$WORK/err"); echo "AUC without: $a"
awk -v a="$a" 'BEGIN { exit !(a >= 0.89 && a <= 0.93) }' && ok || fail "AUC $a not about 0.91"

expect_exit 0 "score X Education" -- "$SCORE" -m "$WORK/x.json" -o "$WORK/xs.csv" "$DATA"
[ "$(($(wc -l <"$WORK/xs.csv")))" -eq "$(($(wc -l <"$DATA")))" ] && ok || fail "row count"

if has_sklearn; then
    expect_exit 0 "sklearn parity on X Education" -- "$PY" "$SRC/scripts/compare_sklearn.py" --design "$WORK/xd.csv" --model "$WORK/x.json"
    cat "$WORK/out"
elif [ -n "${CI:-}" ]; then
    fail "python3-sklearn is required when CI is set"
else
    echo "note: python3-sklearn absent; parity check skipped"
fi
finish
