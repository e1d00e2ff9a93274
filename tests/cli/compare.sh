# Rules against the model on labelled history (leadscore-score --label):
# golden JSON on the sample and on the X Education export, the independent
# DeLong check (scripts/delong_check.py), partial comparisons, label
# handling and errors.
. "$(dirname "$0")/common.bash"
D="$SRC/tests/data"
S="$SRC/datasets"

# json_close EXPECTED GOT DESCRIPTION: same structure, keys in the same
# order, equal strings, booleans and nulls, numbers within 1e-9 (relative
# for numbers above 1); an expected "(today)" is today's date (UTC), the
# as-of date of a run without --as-of.
json_close() {
    if [ ! -x "$PY" ]; then
        if [ -n "${CI:-}" ]; then fail "$3: python3 is required when CI is set"; else echo "note: python3 absent; $3 not compared"; fi
        return
    fi
    if "$PY" - "$1" "$2" <<'EOF'; then ok; else fail "$3: JSON differs from $(basename "$1")"; fi
import datetime, json, sys
TODAY = datetime.datetime.now(datetime.timezone.utc).date().isoformat()
def load(p):
    with open(p, encoding="utf-8") as f:
        return json.load(f, object_pairs_hook=lambda kv: kv)
def walk(a, b, path):
    if a == "(today)":
        a = TODAY
    if isinstance(a, bool) or isinstance(b, bool) or a is None or b is None or isinstance(a, str):
        if a != b or type(a) != type(b):
            raise SystemExit(f"{path}: expected {a!r}, got {b!r}")
        return
    if isinstance(a, (int, float)):
        if not isinstance(b, (int, float)) or abs(a - b) > 1e-9 * max(1.0, abs(a)):
            raise SystemExit(f"{path}: expected {a!r}, got {b!r}")
        return
    if not isinstance(b, list) or len(a) != len(b):
        raise SystemExit(f"{path}: expected {len(a)} entries, got {b!r:.200}")
    for k, (x, y) in enumerate(zip(a, b)):
        if isinstance(x, tuple):  # an object member
            if not isinstance(y, tuple) or x[0] != y[0]:
                raise SystemExit(f"{path}: expected key {x[0]!r}, got {y!r:.80}")
            walk(x[1], y[1], f"{path}.{x[0]}")
        else:
            walk(x, y, f"{path}[{k}]")
walk(load(sys.argv[1]), load(sys.argv[2]), "$")
EOF
}

# --- the sample: model and rules sheet -----------------------------------------
"$TRAIN" -q --target Converted --id "Lead ID" --exclude Email --exclude Company --exclude "Last Activity Date" \
    --exclude "Created Date" --na-values Select -o "$WORK/m.json" "$S/sample_leads.csv" || fail "train sample"
expect_exit 0 "sample comparison" -- "$SCORE" -m "$WORK/m.json" --rules "$S/sample_rules.csv" --as-of 2026-11-20 \
    --priority-accounts "$S/sample_priority_accounts.txt" --label Converted --precision 17 \
    --compare-json "$WORK/sample.json" -o "$WORK/sample_scores.csv" "$S/sample_leads.csv"
expect_in "$WORK/err" "Rules against the model on 4000 labelled leads" "report on stderr"
expect_in "$WORK/err" "paired DeLong test" "report: the paired test"
expect_in "$WORK/err" "Recommendations" "report: recommendations"
json_close "$D/sample_compare_expected.json" "$WORK/sample.json" "sample golden"
[ "$(($(wc -l <"$WORK/sample_scores.csv")))" -eq 4001 ] && ok || fail "the scores CSV is still written"

if has_sklearn; then
    expect_exit 0 "DeLong check on the sample" -- "$PY" "$SRC/scripts/delong_check.py" --input "$S/sample_leads.csv" \
        --scores "$WORK/sample_scores.csv" --json "$WORK/sample.json" --label Converted
    tail -1 "$WORK/out"
elif [ -n "${CI:-}" ]; then
    fail "python3-sklearn is required when CI is set"
else
    echo "note: python3-sklearn absent; DeLong check skipped"
fi

# the report to a file; -q keeps stderr quiet; outputs are not overwritten without --force
expect_exit 0 "report to a file" -- "$SCORE" -q -m "$WORK/m.json" --rules "$S/sample_rules.csv" --as-of 2026-11-20 \
    --priority-accounts "$S/sample_priority_accounts.txt" --label Converted --compare-report "$WORK/report.txt" \
    -o "$WORK/s2.csv" "$S/sample_leads.csv"
expect_in "$WORK/report.txt" "Per rule" "report file"
[ ! -s "$WORK/err" ] && ok || fail "stderr not quiet with -q and --compare-report"
expect_exit 1 "existing JSON without --force" -- "$SCORE" -q -m "$WORK/m.json" --label Converted \
    --compare-json "$WORK/sample.json" -o "$WORK/s3.csv" "$S/sample_leads.csv"
[ ! -e "$WORK/s3.csv" ] && ok || fail "scores written although the JSON could not be"

# partial comparisons: model only, rules only, an existing score column
expect_exit 0 "model only" -- "$SCORE" -q -m "$WORK/m.json" --label Converted --compare-json "$WORK/mo.json" \
    -o "$WORK/mo.csv" "$S/sample_leads.csv"
expect_in "$WORK/mo.json" '"rules": null' "model only: rules null"
expect_in "$WORK/mo.json" '"auc_difference": null' "model only: no difference"
expect_exit 0 "rules only" -- "$SCORE" -q --rules "$S/sample_rules.csv" --as-of 2026-11-20 --label Converted \
    --compare-json "$WORK/ro.json" -o "$WORK/ro.csv" "$S/sample_leads.csv"
expect_in "$WORK/ro.json" '"model": null' "rules only: model null"
expect_in "$WORK/ro.json" '"rule": "F10"' "rules only: per-rule validation"
# a sheet on stdin is the same loaded sheet: the same comparison, per-rule
# validation and tiers included (only its name differs)
expect_exit 0 "rules sheet on stdin" -- sh -c "'$SCORE' -q --rules - --as-of 2026-11-20 --label Converted \
    --compare-json '$WORK/rs.json' -o '$WORK/rs.csv' '$S/sample_leads.csv' <'$S/sample_rules.csv'"
expect_in "$WORK/rs.json" '"rule": "F10"' "stdin sheet: per-rule validation"
if [ -x "$PY" ]; then
    "$PY" -c 'import json, sys; a, b = (json.load(open(p)) for p in sys.argv[1:]); a["rules"]["name"] = b["rules"]["name"]; sys.exit(a != b)' \
        "$WORK/rs.json" "$WORK/ro.json" && ok || fail "stdin sheet: the comparison differs from the file sheet's"
fi
printf 'id,hs,won\na,85,yes\nb,45,no\nc,10,no\nd,n/a,yes\ne,60,\nf,70,yes\ng,20,yes\n' >"$WORK/hs.csv"
expect_exit 0 "existing score column" -- "$SCORE" -q --id id --rule-score-column hs --label won \
    --compare-json "$WORK/hs.json" -o "$WORK/hs_out.csv" "$WORK/hs.csv"
expect_in "$WORK/hs.json" '"rows": 5' "score column: rows compared"
expect_in "$WORK/hs.json" '"rows_skipped_label": 1' "score column: missing label counted"
expect_in "$WORK/hs.json" '"rows_skipped_score": 1' "score column: missing score counted"
expect_in "$WORK/hs.json" '"source": "column"' "score column: source"

# labels
printf 'id,hs,stage\na,85,Won\nb,45,Lost\nc,10,Open\nd,70,Won\n' >"$WORK/stage.csv"
expect_exit 1 "unrecognised label" -- "$SCORE" -q --id id --rule-score-column hs --label stage \
    --compare-json "$WORK/never.json" -o "$WORK/never.csv" "$WORK/stage.csv"
expect_in "$WORK/err" "stage.csv:2:3" "label error position"
expect_in "$WORK/err" "say which values mean converted with --positive VALUE" "label error hint"
[ ! -e "$WORK/never.csv" ] && [ ! -e "$WORK/never.json" ] && ok || fail "outputs written despite a label error"
expect_exit 0 "--label-positive" -- "$SCORE" -q --id id --rule-score-column hs --label stage --label-positive Won \
    --compare-json "$WORK/stage.json" -o "$WORK/stage_out.csv" "$WORK/stage.csv"
expect_in "$WORK/stage.json" '"positives": 2' "--label-positive counts"
printf 'id,hs,won\na,85,1\nb,45,1\nc,10,\n' >"$WORK/one.csv"
expect_exit 1 "one class" -- "$SCORE" -q --id id --rule-score-column hs --label won "$WORK/one.csv"
expect_in "$WORK/err" "only one class" "one class message"
expect_exit 2 "label column missing" -- "$SCORE" -q --id id --rule-score-column hs --label nope "$WORK/one.csv"
expect_exit 2 "--compare-json without --label" -- "$SCORE" -q -m "$WORK/m.json" --compare-json "$WORK/x.json" \
    "$S/sample_leads.csv"
expect_exit 2 "--model-threshold out of range" -- "$SCORE" -q -m "$WORK/m.json" --label Converted \
    --model-threshold 150 "$S/sample_leads.csv"

# --- the X Education export: one command, golden JSON ---------------------------------
if [ ! -f "$SHARED/xeducation_leads.csv" ] && [ -z "${CI:-}" ]; then
    echo "note: $SHARED/xeducation_leads.csv not present; X Education comparison skipped"
    finish
fi
require_shared xeducation_leads.csv
X="$SHARED/xeducation_leads.csv"
expect_exit 0 "train X Education without the leaky columns" -- "$TRAIN" -q --target Converted --exclude Tags \
    --exclude "Lead Quality" --exclude "Lead Number" --id "Prospect ID" --na-values Select -o "$WORK/x.json" "$X"
expect_exit 0 "X Education comparison" -- "$SCORE" -m "$WORK/x.json" --rules "$D/xeducation_rules.csv" \
    --label Converted --precision 17 --disagreements 0 --compare-json "$WORK/xc.json" -o "$WORK/xs.csv" "$X"
sed -n '/^Discrimination/,/^  model log-loss/p' "$WORK/err"
json_close "$D/xeducation_compare_expected.json" "$WORK/xc.json" "X Education golden"
if has_sklearn; then
    expect_exit 0 "DeLong check on X Education" -- "$PY" "$SRC/scripts/delong_check.py" --input "$X" \
        --scores "$WORK/xs.csv" --json "$WORK/xc.json" --label Converted
    tail -1 "$WORK/out"
fi
finish
