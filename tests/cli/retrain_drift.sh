# Drift at scoring time, --like and --baseline at retraining time
# (docs/retraining.md).
. "$(dirname "$0")/common.bash"
DATA="$SRC/datasets/sample_leads.csv"
NEW="$SRC/datasets/sample_new_leads.csv"
COMMON=(--target Converted --id "Lead ID" --exclude Email --exclude Company
        --exclude "Last Activity Date" --exclude "Created Date" --na-values Select)

expect_exit 0 "train" -- "$TRAIN" "${COMMON[@]}" -o "$WORK/m.json" "$DATA"
expect_in "$WORK/m.json" '"drift": {' "drift reference stored"
expect_in "$WORK/m.json" '"psi_floor": 0.0001' "PSI floor stored"

# the training file: a drift note, no warning
expect_exit 0 "score the training file" -- "$SCORE" -m "$WORK/m.json" -o "$WORK/s4.csv" \
    --drift-json "$WORK/d.json" "$DATA"
expect_in "$WORK/err" "note: drift: score PSI 0.0000 over 4000 leads" "drift note"
grep -q "retrain" "$WORK/err" && fail "warning on the training file" || ok
expect_in "$WORK/d.json" '"warning": false' "drift JSON: no warning"
$PY - "$WORK/d.json" <<'PY' && ok || fail "drift JSON content"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["rows"] == 4000 and d["warn_above"] == 0.25
assert d["score"]["psi"] < 1e-3 and len(d["score"]["bins"]) == 10
names = [f["name"] for f in d["features"]]
assert "Seniority" in names and "Website Visits" in names
psis = [f["psi"] for f in d["features"]]
assert psis == sorted(psis, reverse=True)
for f in d["features"]:
    assert abs(sum(b["expected"] for b in f["bins"]) - 1) < 1e-9, f["name"]
    assert abs(sum(b["actual"] for b in f["bins"]) - 1) < 1e-9, f["name"]
PY

# the new leads as exported: close to training, silent
expect_exit 0 "score new leads" -- "$SCORE" -m "$WORK/m.json" -o "$WORK/s1.csv" "$NEW"
expect_in "$WORK/err" "note: drift: score PSI" "drift note on new leads"
grep -q "retrain" "$WORK/err" && fail "warning on the new leads" || ok

# a deliberately shifted batch: every lead requested a demo, visits x5,
# all from one country
$PY - "$NEW" "$WORK/shifted.csv" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], newline="")))
with open(sys.argv[2], "w", newline="") as f:
    w = csv.DictWriter(f, fieldnames=list(rows[0].keys()))
    w.writeheader()
    for r in rows:
        r["Demo Requested"] = "Yes"
        r["Website Visits"] = str(int(r["Website Visits"] or 0) * 5 + 20)
        r["Country"] = "Atlantis"
        w.writerow(r)
PY
expect_exit 0 "score a shifted batch" -- "$SCORE" -m "$WORK/m.json" -o "$WORK/s5.csv" \
    --drift-json "$WORK/d2.json" "$WORK/shifted.csv"
expect_in "$WORK/err" "this batch no longer looks like the training data; retrain" "drift warning"
expect_in "$WORK/d2.json" '"warning": true' "drift JSON: warning"
$PY - "$WORK/d2.json" <<'PY' && ok || fail "shifted drift JSON"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["score"]["psi"] > 0.25
top = [f["name"] for f in d["features"][:3]]
assert "Website Visits" in top and "Demo Requested" in top and "Country" in top, top
PY
expect_exit 2 "--drift-json - needs -o" -- "$SCORE" -m "$WORK/m.json" --drift-json - "$NEW"
expect_exit 1 "--drift-json does not overwrite" -- "$SCORE" -m "$WORK/m.json" -o "$WORK/s2.csv" \
    --drift-json "$WORK/d.json" "$NEW"

# --like: the same file and seed give the same model
expect_exit 0 "train --like" -- "$TRAIN" --like "$WORK/m.json" -o "$WORK/like.json" "$DATA"
$PY - "$WORK/m.json" "$WORK/like.json" <<'PY' && ok || fail "--like reproduces the model"
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
for m in (a, b):
    del m["created"], m["checksum"]
assert a == b, [k for k in a if a[k] != b.get(k)]
PY
# explicit options override, lists replace
expect_exit 0 "train --like with overrides" -- "$TRAIN" --like "$WORK/m.json" --l2 3 \
    --exclude Email --exclude Company --exclude "Last Activity Date" --exclude "Created Date" \
    --exclude Country -o "$WORK/like2.json" "$DATA"
$PY - "$WORK/m.json" "$WORK/like2.json" <<'PY' && ok || fail "--like overrides"
import json, sys
a, b = (json.load(open(p))["options"] for p in sys.argv[1:3])
assert b["l2"] == 3.0 and "Country" in b["exclude"], b
for k in a:
    if k not in ("l2", "exclude"):
        assert a[k] == b[k], k
PY
expect_exit 1 "--like needs a model" -- "$TRAIN" --like "$WORK/nonexistent.json" -o "$WORK/x.json" "$DATA"
expect_in "$WORK/err" "nonexistent.json" "--like error names the file"

# --baseline: both AUCs, DeLong, shift, tiers, recommendation
expect_exit 0 "train --baseline" -- "$TRAIN" --like "$WORK/m.json" --l2 5 \
    --baseline "$WORK/m.json" -o "$WORK/new.json" "$DATA"
expect_in "$WORK/err" "baseline $WORK/m.json" "baseline summary"
expect_in "$WORK/err" "AUC new" "baseline AUCs"
expect_in "$WORK/err" "DeLong z" "baseline DeLong"
expect_in "$WORK/err" "change tier" "baseline tiers"
expect_in "$WORK/err" "recommendation: " "baseline recommendation"
expect_in "$WORK/err" "its AUC is optimistic" "in-sample warning"
$PY - "$WORK/new.json" <<'PY' && ok || fail "baseline in the model"
import json, sys
b = json.load(open(sys.argv[1]))["baseline"]
for k in ("model", "created", "training_sha256", "rows", "positives", "rows_unscorable",
          "auc_new", "auc_old", "auc_difference", "se", "z", "p_value",
          "mean_abs_score_shift", "median_abs_score_shift", "tier_change_share",
          "recommendation", "old_model_in_sample"):
    assert k in b, k
# the old model was refit on this same file: flagged
assert b["old_model_in_sample"] is True and "optimistic" in b["recommendation"]
assert b["rows"] == 800 and 0 <= b["p_value"] <= 1 and 0 <= b["tier_change_share"] <= 1
assert abs(b["auc_new"] - b["auc_old"] - b["auc_difference"]) < 1e-12
PY
# the scorer still reads the new model
expect_exit 0 "score with the retrained model" -- "$SCORE" -m "$WORK/new.json" -o "$WORK/s3.csv" "$NEW"

# the old model needs a column the new export lacks
$PY - "$DATA" "$WORK/nosen.csv" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], newline="")))
names = [k for k in rows[0] if k != "Seniority"]
with open(sys.argv[2], "w", newline="") as f:
    w = csv.DictWriter(f, fieldnames=names, extrasaction="ignore")
    w.writeheader()
    w.writerows(rows)
PY
expect_exit 1 "baseline column missing" -- "$TRAIN" --like "$WORK/m.json" \
    --baseline "$WORK/m.json" -o "$WORK/x.json" "$WORK/nosen.csv"
expect_in "$WORK/err" 'the old model needs column "Seniority"' "missing column named"
expect_exit 2 "baseline needs a holdout" -- "$TRAIN" --like "$WORK/m.json" --holdout 0 \
    --baseline "$WORK/m.json" -o "$WORK/x.json" "$DATA"
expect_in "$WORK/err" "--holdout" "holdout message"
# --like also reuses the weighting and the date split
DATED="$SRC/tests/data/dated_leads.csv"
expect_exit 0 "train weighted, split by date" -- "$TRAIN" -q --target converted --id lead_id \
    --force --split-date created --cutoff 2024-04-01 --class-weight balanced \
    --population-rate 0.1 -o "$WORK/w1.json" "$DATED"
expect_exit 0 "train --like the weighted model" -- "$TRAIN" -q --like "$WORK/w1.json" --force \
    -o "$WORK/w2.json" "$DATED"
$PY - "$WORK/w1.json" "$WORK/w2.json" <<'PY' && ok || fail "--like reuses weights and the date split"
import json, sys
a, b = (json.load(open(f)) for f in sys.argv[1:3])
for k in ("class_weight", "population_rate", "split_date", "cutoff"):
    assert a["options"][k] == b["options"][k], k
assert a["weighting"] == b["weighting"] and a["validation_split"] == b["validation_split"]
assert [f["estimate"] for f in a["features"]] == [f["estimate"] for f in b["features"]]
PY
finish
