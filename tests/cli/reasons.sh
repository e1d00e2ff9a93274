# --reasons: per-lead contributions that, with the intercept, add up to the
# lead's log-odds (to 1e-12); --rejects lists rejected rows.
. "$(dirname "$0")/common.bash"
DATA="$SRC/datasets/sample_leads.csv"
expect_exit 0 "train" -- "$TRAIN" -q --target Converted --id "Lead ID" --exclude Email --exclude Company \
    --exclude "Last Activity Date" --exclude "Created Date" --na-values Select -o "$WORK/m.json" "$DATA"
expect_exit 0 "score with all reasons" -- "$SCORE" -q --reasons 100 --precision 17 -m "$WORK/m.json" \
    -o "$WORK/r.csv" "$SRC/datasets/sample_new_leads.csv"
head -1 "$WORK/r.csv" | grep -q '^Lead ID,probability,score,tier,reasons_positive,reasons_negative,error$' && ok || fail "header"
"$PY" - "$WORK/m.json" "$WORK/r.csv" <<'PYEOF' && ok || fail "contributions do not add up to the logit"
import csv, json, math, sys
m = json.load(open(sys.argv[1]))
f0 = m["features"][0]
b0 = f0.get("estimate", f0.get("coefficient"))
worst = 0.0
rows = 0
for r in csv.DictReader(open(sys.argv[2], newline="")):
    p = float(r["probability"])
    logit = math.log(p / (1 - p))
    total = b0
    for field in ("reasons_positive", "reasons_negative"):
        for item in filter(None, r[field].split(";")):
            total += float(item.rsplit(":", 1)[1])
    worst = max(worst, abs(total - logit) / max(1.0, abs(logit)))
    rows += 1
print(f"{rows} leads, largest |sum of contributions - logit| = {worst:.3g}")
sys.exit(0 if rows > 0 and worst <= 1e-12 else 1)
PYEOF
# a readable default: two decimals, "Column=value:+x.xx"
expect_exit 0 "score with 2 reasons" -- "$SCORE" -q --reasons 2 -m "$WORK/m.json" "$SRC/datasets/sample_new_leads.csv"
sed -n 2p "$WORK/out" | grep -Eq ',[^,"]+=[^,]*:[+-][0-9]+\.[0-9]{2}' && ok || fail "readable reasons"
# rejects file
printf 'Lead ID,Seniority\nX1,VP\n' >"$WORK/narrow.csv"
"$PY" - "$SRC/datasets/sample_new_leads.csv" "$WORK/bad.csv" <<'PYEOF'
import csv, sys
rows = list(csv.reader(open(sys.argv[1], newline='')))
j = rows[0].index("Website Visits")
rows[3][j] = "n/a?"
csv.writer(open(sys.argv[2], "w", newline='')).writerows(rows)
PYEOF
expect_exit 3 "rejects" -- "$SCORE" -q -m "$WORK/m.json" --rejects "$WORK/rej.csv" -o "$WORK/s.csv" "$WORK/bad.csv"
[ "$(sed -n 2p "$WORK/rej.csv" | cut -d, -f1,2)" = "3,4" ] && ok || fail "rejects row/line"
expect_in "$WORK/rej.csv" "Website Visits" "rejects reason"
finish
