# Coefficient statistics: --summary table, and parity with statsmodels' Logit
# for the unpenalised fit (SEs, p-values, CIs, LL, pseudo-R2, AIC, BIC).
. "$(dirname "$0")/common.bash"
DATA="$SRC/datasets/sample_leads.csv"
expect_exit 0 "unpenalised fit with --summary" -- "$TRAIN" -q --summary --l2 0 --target Converted \
    --include Seniority --include "Website Visits" --include "Demo Requested" --include "Budget Confirmed" \
    --include "Content Downloads" --include "Time on Site (min)" --include "Lead Source" \
    --na-values Select --export-design "$WORK/d.csv" -o "$WORK/m.json" "$DATA"
expect_in "$WORK/out" "McFadden pseudo-R2" "summary fit statistics"
expect_in "$WORK/out" "odds.ratio" "summary table header"
expect_in "$WORK/out" "Demo Requested=Yes" "summary row"
expect_in "$WORK/m.json" '"std_error":' "statistics in the model"
expect_in "$WORK/m.json" '"mcfadden_r2":' "fit statistics in the model"
if "$PY" -c 'import statsmodels' 2>/dev/null; then
    expect_exit 0 "statsmodels parity" -- "$PY" "$SRC/scripts/compare_statsmodels.py" --design "$WORK/d.csv" --model "$WORK/m.json"
    tail -1 "$WORK/out"
elif [ -n "${CI:-}" ]; then
    fail "python3-statsmodels is required when CI is set"
else
    echo "note: python3-statsmodels absent; parity check skipped"
fi
# penalised: the table says what the standard errors mean
expect_exit 0 "penalised --summary" -- "$TRAIN" -q --summary --target Converted --include Seniority \
    --include "Website Visits" --na-values Select -o "$WORK/p.json" "$DATA"
expect_in "$WORK/out" "penalised fit" "penalised note"
# diagnostics are kept in the model
expect_exit 0 "diagnostics stored" -- "$TRAIN" -q --target Converted --id "Lead ID" --exclude Email \
    --na-values Select -o "$WORK/w.json" "$DATA"
expect_in "$WORK/m.json" '"warnings": [' "warnings member"
expect_in "$WORK/w.json" '"code": "separation"' "separation recorded"
finish
