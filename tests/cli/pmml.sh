# --emit-pmml: a well-formed PMML 4.4 document whose logistic regression,
# recomputed by a small independent evaluator (tests/cli/pmml_eval.py), gives
# every sample lead the C scorer's probability (to 1e-9; binned models to 1e-12), score and tier.
. "$(dirname "$0")/common.bash"
H="$SRC/tests/cli/sql_helpers.py"
"$PY" "$H" make "$SRC/datasets/sample_leads.csv" "$WORK" || fail "test data"
expect_exit 0 "train" -- "$TRAIN" -q --target Converted --id "Lead ID" --exclude Email --exclude Company \
    --exclude "Last Activity Date" --exclude "Created Date" --na-values Select -o "$WORK/m.json" "$WORK/train.csv"
expect_exit 0 "C scores" -- "$SCORE" -q -m "$WORK/m.json" --precision 17 -o "$WORK/c.csv" "$WORK/train.csv"
expect_exit 0 "emit pmml" -- "$SCORE" -m "$WORK/m.json" --emit-pmml -o "$WORK/m.pmml"
expect_in "$WORK/m.pmml" 'normalizationMethod="logit"' "logit"
expect_in "$WORK/m.pmml" 'Media &amp; &quot;Press&quot; O&apos;Brien' "escaped level"
if command -v xmllint >/dev/null 2>&1; then
    expect_exit 0 "xmllint: well-formed" -- xmllint --noout "$WORK/m.pmml"
fi
expect_exit 0 "PMML probabilities equal the C scorer's" -- "$PY" "$SRC/tests/cli/pmml_eval.py" "$WORK/m.pmml" "$WORK/train.csv" "$WORK/c.csv"
cat "$WORK/out"
# binned models (--bins), with and without interactions: each bin a
# Discretize, each interaction a table keyed by both sides' groups; rows at,
# just below and above every cut, missing values and text (rejected by both)
"$PY" "$H" planted "$WORK" || fail "planted leads"
expect_exit 0 "train binned" -- "$TRAIN" -q --target Converted --id "Lead ID" --exclude Email --exclude Company \
    --exclude "Last Activity Date" --exclude "Created Date" --na-values Select --bins 10 --interactions 0 \
    -o "$WORK/mb.json" "$WORK/train.csv"
expect_exit 0 "train binned with interactions" -- "$TRAIN" -q --target Converted --id "Lead ID" \
    --na-values Select --exclude "Last Activity Date" --exclude Company --bins 8 --interactions 4 \
    -o "$WORK/mp.json" "$WORK/planted.csv"
"$PY" -c 'import json, sys; sys.exit(len(json.load(open(sys.argv[1])).get("interactions", [])) < 2)' \
    "$WORK/mp.json" && ok || fail "fewer than two interactions"
# the planted leads without missing visits: the pair's binned side has no
# missing bin, so a missing value takes the median's bin's group
"$PY" - "$WORK/planted.csv" "$WORK/full.csv" <<'PYEOF' || fail "leads without missing visits"
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], newline="", encoding="utf-8")))
w = csv.DictWriter(open(sys.argv[2], "w", newline="", encoding="utf-8"), fieldnames=list(rows[0]))
w.writeheader()
w.writerows(r for r in rows if r["Website Visits"].strip() and r["Minutes"].strip())
PYEOF
expect_exit 0 "train binned with interactions, no missing bin" -- "$TRAIN" -q --target Converted \
    --id "Lead ID" --na-values Select --exclude "Last Activity Date" --exclude Company --bins 8 \
    --interactions 4 -o "$WORK/mf.json" "$WORK/full.csv"
"$PY" - "$WORK/mf.json" <<'PYEOF' && ok || fail "no pair with a binned side without a missing bin"
import json, sys
m = json.load(open(sys.argv[1]))
nomiss = {c["name"] for c in m["columns"] if c["type"] == "binned" and c.get("missing_feature") is None}
sys.exit(not any(set(p["columns"]) & nomiss for p in m.get("interactions", [])))
PYEOF
"$PY" "$H" binned "$WORK/score.csv" "$WORK/binned" "$WORK/mb.json" || fail "binned test data"
"$PY" "$H" binned "$WORK/planted.csv" "$WORK/pbinned" "$WORK/mp.json" || fail "planted test data"
"$PY" "$H" binned "$WORK/full.csv" "$WORK/fbinned" "$WORK/mf.json" || fail "full test data"
for b in mb mp mf; do
    case $b in mb) t=binned ;; mp) t=pbinned ;; *) t=fbinned ;; esac
    expect_exit 3 "C scores, $b" -- "$SCORE" -q -m "$WORK/$b.json" --precision 17 -o "$WORK/c_$b.csv" "$WORK/$t.csv"
    expect_exit 0 "emit pmml, $b" -- "$SCORE" -m "$WORK/$b.json" --emit-pmml -o "$WORK/$b.pmml"
    expect_in "$WORK/$b.pmml" '<Discretize' "bins as Discretize"
    if command -v xmllint >/dev/null 2>&1; then
        expect_exit 0 "xmllint: $b well-formed" -- xmllint --noout "$WORK/$b.pmml"
    fi
    expect_exit 0 "PMML of $b equals the C scorer" -- "$PY" "$SRC/tests/cli/pmml_eval.py" "$WORK/$b.pmml" \
        "$WORK/$t.csv" "$WORK/c_$b.csv" 1e-12
    cat "$WORK/out"
done
expect_in "$WORK/mp.pmml" 'interaction 1 (points)' "interaction table"

# never overwrite without --force; usage errors
expect_exit 1 "existing output" -- "$SCORE" -m "$WORK/m.json" --emit-pmml -o "$WORK/m.pmml"
expect_exit 0 "--force" -- "$SCORE" -m "$WORK/m.json" --emit-pmml -f -o "$WORK/m.pmml"
expect_exit 2 "pmml and sql" -- "$SCORE" -m "$WORK/m.json" --emit-pmml --emit-sql sqlite --table t
expect_exit 2 "sql without table" -- "$SCORE" -m "$WORK/m.json" --emit-sql sqlite
expect_in "$WORK/err" "--table" "names --table"
expect_exit 2 "unknown dialect" -- "$SCORE" -m "$WORK/m.json" --emit-sql oracle --table t
expect_in "$WORK/err" "postgres, sqlite" "lists dialects"
expect_exit 2 "input file with --emit-sql" -- "$SCORE" -m "$WORK/m.json" --emit-sql sqlite --table t "$WORK/train.csv"
expect_exit 2 "no model" -- "$SCORE" --emit-pmml
expect_exit 1 "missing model file" -- "$SCORE" -m "$WORK/nope.json" --emit-pmml
expect_exit 2 "--rules cannot be translated" -- "$SCORE" -m "$WORK/m.json" --emit-sql sqlite --table t --rules "$SRC/datasets/sample_rules.csv" -o "$WORK/never.sql"
expect_in "$WORK/err" "--rules" "names --rules"
expect_exit 0 "--tiers in the SQL" -- "$SCORE" -m "$WORK/m.json" --emit-sql postgres --table sales.leads --tiers hot=80,warm=50 --id Email
expect_in "$WORK/out" "score >= 80 THEN 'hot' WHEN score >= 50 THEN 'warm'" "tiers"
expect_in "$WORK/out" 'FROM "sales"."leads"' "schema.table"
expect_in "$WORK/out" '"Email" AS id_1' "--id"
[ ! -e "$WORK/never.sql" ] && ok || fail "output written despite an error"
finish
