# The binned model, its interactions and its points sheet (docs/points.md):
# the fit equals scikit-learn's on the exported (step-coded) design, the
# scorer equals the design, the points sheet ranks held-out leads like the
# model (Spearman >= 0.999, AUC within 0.001, >= 99 % the same qualified
# leads), a planted interaction is found, and-conditions in sheets, and the
# refusals.
. "$(dirname "$0")/common.bash"
S="$SRC/datasets"
cd "$WORK" || exit 1

# leads with shapes and two planted interactions (demo request x senior
# title; many visits x long visits), 70/30 by line
"$PY" - <<'PYEOF'
import random, math
random.seed(11)
with open("leads.csv", "w") as f:
    f.write("Lead ID,Website Visits,Minutes,Seniority,Demo Requested,Lead Source,Converted\n")
    for i in range(8000):
        v = random.randint(0, 14); mins = round(random.gammavariate(2.0, 6.0), 1)
        t = random.choice(["Manager", "Director", "VP", "Analyst"])
        d = random.choice(["Yes", "No"]); s = random.choice(["Web", "Ads", "Event", "Select"])
        eta = (-1.6 + 1.4 * (1 - math.exp(-v / 3.0)) + 0.8 * math.exp(-((mins - 12) / 6) ** 2)
               + 0.3 * (d == "Yes") + 1.6 * (d == "Yes" and t in ("Director", "VP"))
               + 1.0 * (v >= 8 and mins >= 15))
        y = int(random.random() < 1 / (1 + math.exp(-eta)))
        f.write("L%d,%s,%s,%s,%s,%s,%d\n" % (i, "" if random.random() < 0.03 else v, mins, t, d, s, y))
PYEOF
head -n 5601 leads.csv >train.csv
{ head -n 1 leads.csv; tail -n +5602 leads.csv; } >test.csv
X=(--target Converted --id "Lead ID" --na-values Select)

expect_exit 0 "train binned with interactions" -- "$TRAIN" -v "${X[@]}" --holdout 0 --bins 10 \
    --interactions 5 --export-design design.csv --predictions pred.csv -o m.json \
    --emit-rules sheet.csv train.csv
expect_in err "interaction 1: " "interactions named"
expect_in err "points sheet: " "points summary"
expect_in err "points -> predicted conversion:" "points table"
grep -q '"type": "binned"' m.json && ok || fail "no binned column in the model"
grep -q '"interactions"' m.json && ok || fail "no interactions in the model"
grep -q '^C[0-9]*\.[0-9]*,learned,Website Visits,>=,' sheet.csv && ok || fail "no step rule for Website Visits"
grep -q ',and column,and operator,and value$' <(head -1 sheet.csv) && ok || fail "no and-columns"
grep -q '^setting,total,,qualified,' sheet.csv && ok || fail "no qualification threshold"

if has_sklearn; then
    expect_exit 0 "sklearn parity on the step-coded design" -- "$PY" "$SRC/scripts/compare_sklearn.py" \
        --design design.csv --model m.json --tol 1e-6
elif [ -n "${CI:-}" ]; then
    fail "python3-sklearn is required when CI is set"
fi

expect_exit 0 "score train rows" -- "$SCORE" -q -m m.json --precision 17 -o strain.csv train.csv
expect_exit 0 "score held-out rows, model and sheet" -- "$SCORE" -q -m m.json --rules sheet.csv \
    --precision 17 --reasons 3 -o s.csv test.csv
"$PY" - <<'PYEOF' && ok || fail "scorer, design and points sheet disagree"
import csv, math, sys
def rows(p): return list(csv.DictReader(open(p, newline="")))
def auc(y, s):
    pairs = sorted(zip(s, y)); n1 = sum(y); n0 = len(y) - n1; r = 0.0; i = 0
    while i < len(pairs):
        j = i
        while j < len(pairs) and pairs[j][0] == pairs[i][0]: j += 1
        r += (i + j + 1) / 2.0 * sum(t for _, t in pairs[i:j]); i = j
    return (r - n1 * (n1 + 1) / 2) / (n1 * n0)
def ranks(v):
    o = sorted(range(len(v)), key=lambda i: v[i]); r = [0.0] * len(v); i = 0
    while i < len(o):
        j = i
        while j < len(o) and v[o[j]] == v[o[i]]: j += 1
        for k in range(i, j): r[o[k]] = (i + j - 1) / 2.0
        i = j
    return r
def spearman(a, b):
    ra, rb = ranks(a), ranks(b); ma, mb = sum(ra) / len(ra), sum(rb) / len(rb)
    num = sum((x - ma) * (y - mb) for x, y in zip(ra, rb))
    return num / math.sqrt(sum((x - ma) ** 2 for x in ra) * sum((y - mb) ** 2 for y in rb))
bad = []
pred = [float(r["probability"]) for r in rows("pred.csv")]
strain = [float(r["probability"]) for r in rows("strain.csv")]
d = max(abs(a - b) for a, b in zip(pred, strain))
if d > 1e-12: bad.append("training predictions vs scorer: %g" % d)
s = rows("s.csv"); t = rows("test.csv")
y = [int(r["Converted"]) for r in t]
p = [float(r["probability"]) for r in s]; q = [float(r["rule_score"]) for r in s]
rho = spearman(p, q); a1, a2 = auc(y, p), auc(y, q)
same = sum((pi >= 0.5) == (r["rule_qualified"] == "1") for pi, r in zip(p, s)) / len(s)
print("held-out: Spearman %.5f, AUC model %.4f, sheet %.4f, same qualified %.4f" % (rho, a1, a2, same))
if rho < 0.999: bad.append("Spearman %.5f" % rho)
if abs(a1 - a2) > 0.001: bad.append("AUC %.4f vs %.4f" % (a1, a2))
if same < 0.99: bad.append("qualified %.4f" % same)
if not any(" & " in r["reasons_positive"] + r["reasons_negative"] for r in s):
    bad.append("no interaction among the reasons")
import re
for r in s:  # an interaction's reason names both sides: "A=a & B=b:+0.30"
    for term in (r["reasons_positive"] + ";" + r["reasons_negative"]).split(";"):
        if " & " in term and not re.match(r"^[^=&]+=[^&]+ & [^=&]+=[^&]+:[+-][0-9.e+-]+$", term):
            bad.append("interaction reason %r" % term)
for b in bad: print(b, file=sys.stderr)
sys.exit(1 if bad else 0)
PYEOF

# the model file round trip: --like retrains the same model
expect_exit 0 "--like" -- "$TRAIN" -q --like m.json -o m2.json --emit-rules sheet2.csv train.csv
cmp -s sheet.csv sheet2.csv && ok || fail "--like did not reproduce the points sheet"
"$PY" -c '
import json, sys
a, b = json.load(open("m.json")), json.load(open("m2.json"))
ea = [f["estimate"] for f in a["features"]]; eb = [f["estimate"] for f in b["features"]]
sys.exit(0 if ea == eb and a["interactions"] == b["interactions"] else 1)' && ok || fail "--like: other coefficients"

# --baseline with a binned old model: the same fit as the new one, so the
# baseline's scorer must give the same AUC on the holdout
expect_exit 0 "binned model without refit" -- "$TRAIN" -q "${X[@]}" --bins 10 --interactions 5 \
    --no-refit -o m4.json train.csv
expect_exit 0 "binned model as baseline" -- "$TRAIN" -q "${X[@]}" --bins 10 --interactions 5 \
    --no-refit --baseline m4.json -o m5.json train.csv
"$PY" -c '
import json, sys
b = json.load(open("m5.json"))["baseline"]
print("baseline AUC", b["auc_old"], "new", b["auc_new"])
sys.exit(0 if abs(b["auc_old"] - b["auc_new"]) < 1e-12 and b["rows_unscorable"] == 0 else 1)' \
    && ok || fail "the baseline scores a binned model unlike the trainer"

# a planted interaction is the first one found
"$PY" - <<'PYEOF'
import random, math
random.seed(5)
with open("planted.csv", "w") as f:
    f.write("id,Visits,Title,Demo,Source,Converted\n")
    for i in range(6000):
        v = random.randint(0, 12); t = random.choice(["Manager", "Director", "VP", "Analyst"])
        d = random.choice(["Yes", "No"]); s = random.choice(["Web", "Ads", "Event"])
        eta = -1.5 + 1.2 * (1 - math.exp(-v / 3.0)) + 0.3 * (d == "Yes") \
              + 1.8 * (d == "Yes" and t in ("Director", "VP"))
        y = int(random.random() < 1 / (1 + math.exp(-eta)))
        f.write("L%d,%d,%s,%s,%s,%d\n" % (i, v, t, d, s, y))
PYEOF
expect_exit 0 "planted interaction" -- "$TRAIN" -v --target Converted --id id --bins 8 \
    --interactions 2 -o planted.json planted.csv
grep -Eq 'interaction 1: (Title x Demo|Demo x Title)' err && ok || fail "planted Title x Demo not found first"
# a pair's categorical side keeps a group 0 with leads (Demo's two levels:
# one group and the rest), so its cells do not repeat the columns' own
# points (docs/points.md) and the design is not rank deficient
"$PY" -c 'import json, sys
m = json.load(open("planted.json"))
bad = [p["columns"] for p in m["interactions"] for s in (0, 1) if not p["ordered"][s] and 0 not in p["groups"][s]]
sys.exit(1 if bad or not m["interactions"] else 0)' && ok || fail "a pair's categorical side without a group 0"
grep -q "rank deficient" err && fail "the planted pair's cells are rank deficient: $(grep 'rank deficient' err)" || ok

# an and-condition, by hand: 10 + 5 for a VP who requested a demo
printf 'id,dimension,column,operator,value,points,and column,and operator,and value\n' >and.csv
printf 'A1,fit,Seniority,equals,VP,10,,,\nA2,fit,Seniority,equals,VP,5,Demo Requested,equals,Yes\n' >>and.csv
printf 'A3,fit,Website Visits,>=,5,3,Seniority,in,VP;C-Level\n' >>and.csv
printf 'Lead ID,Seniority,Demo Requested,Website Visits\nx1,VP,Yes,7\nx2,VP,No,2\nx3,Manager,Yes,9\nx4,C-Level,,5\n' >and_leads.csv
expect_exit 0 "and-conditions" -- "$SCORE" --rules and.csv -o and_s.csv and_leads.csv
"$PY" -c '
import csv, sys
s = [float(r["rule_score"]) for r in csv.DictReader(open("and_s.csv"))]
sys.exit(0 if s == [18, 10, 0, 3] else 1)' && ok || fail "and-condition scores: $(cut -d, -f2 and_s.csv | tr '\n' ' ')"
# an account rule's and-condition reads its own column
printf 'id,dimension,column,operator,value,points,and column,and operator,and value\nK1,fit,Company,account has at least,2,7,Seniority,equals,VP\n' >acc.csv
printf 'Lead ID,Company,Seniority\na,Acme,VP\nb,Acme,Manager\nc,Solo,VP\n' >acc_leads.csv
expect_exit 0 "account rule with an and-condition" -- "$SCORE" --rules acc.csv -o acc_s.csv acc_leads.csv
[ "$(cut -d, -f1 acc_s.csv | tr '\n' ' ')" = "rule_score 7 0 0 " ] && ok || fail "account and-rule: $(cut -d, -f1 acc_s.csv | tr '\n' ' ')"
printf 'id,dimension,column,operator,value,points,and column,and operator,and value\nB1,fit,Seniority,equals,VP,1,,equals,Yes\n' >bad1.csv
expect_exit 1 "and-operator without and-column" -- "$SCORE" --rules bad1.csv -o x.csv and_leads.csv
expect_in err "bad1.csv:2:" "names the line"
expect_in err "has an and-operator or and-value but no and-column" "message"
printf 'id,dimension,column,operator,value,points,and column,and operator,and value\nB2,fit,Seniority,equals,VP,1,Created,older than,30 days\n' >bad2.csv
expect_exit 1 "a date and-condition" -- "$SCORE" --rules bad2.csv -o x.csv and_leads.csv
expect_in err "the and-condition must be a text, presence or number test" "message"
printf 'id,dimension,column,operator,value,points,and column,and operator,and value\nB3,fit,Seniority,equals,VP,1,Nope,equals,Yes\n' >bad3.csv
expect_exit 1 "an unknown and-column" -- "$SCORE" --rules bad3.csv -o x.csv and_leads.csv
expect_in err "rule B3 (and column)" "message"

# the training report: a shape chart per binned column whose bars carry the
# model's bin effects in points, a heat map per interaction
expect_exit 0 "report of a binned model" -- "$TRAIN" -q "${X[@]}" --bins 10 --interactions 3 \
    -o rep.json --report rep.html train.csv
"$PY" - <<'PYEOF' && ok || fail "the report's shapes do not match the model"
import json, math, sys, xml.etree.ElementTree as ET
S = "{http://www.w3.org/2000/svg}"
root = ET.parse("rep.html").getroot()
svgs = [e for e in root.iter(S + "svg")]
shapes = [e for e in svgs if e.get("data-chart") == "shape"]
heat = [e for e in svgs if e.get("data-chart") == "interaction"]
m = json.load(open("rep.json"))
coef = [f["estimate"] for f in m["features"]]
binned = [c for c in m["columns"] if c["type"] == "binned"]
bad = []
if len(shapes) != len(binned): bad.append("%d shape charts, %d binned columns" % (len(shapes), len(binned)))
if len(heat) != len(m["interactions"]): bad.append("%d heat maps" % len(heat))
for svg, c in zip(shapes, binned):
    pts = [float(g.get("data-points")) for g in svg.iter(S + "g") if g.get("class") == "bin"]
    want = [20 / math.log(2) * sum(coef[f] for f in c["bin_features"][:b]) for b in range(len(c["cuts"]) + 1)]
    if any(abs(a - b) > 1e-9 for a, b in zip(pts, want)): bad.append("bars of " + c["name"])
for b in bad: print(b, file=sys.stderr)
sys.exit(1 if bad else 0)
PYEOF

# refusals
expect_exit 2 "--interactions without --bins" -- "$TRAIN" "${X[@]}" --interactions 3 -o r.json train.csv
expect_in err "--interactions needs --bins N" "message"
expect_exit 2 "--emit-rules without --bins" -- "$TRAIN" "${X[@]}" --emit-rules r.csv -o r.json train.csv
expect_in err "--emit-rules needs --bins N" "message"
[ ! -e r.json ] && [ ! -e r.csv ] && ok || fail "a refused run wrote files"
expect_exit 2 "--bins 1" -- "$TRAIN" "${X[@]}" --bins 1 -o r.json train.csv
expect_in err "--bins must be between 2 and 100" "message"
expect_exit 2 "--emit-rules onto the training data" -- "$TRAIN" "${X[@]}" --bins 5 --emit-rules train.csv -f -o r.json train.csv
expect_in err "an output may not replace an input" "message"
expect_exit 0 "SQL of a binned model (tests/cli/sql_*.sh run it)" -- "$SCORE" -m m.json --emit-sql postgres --table leads -o q.sql
expect_in q.sql "t2b AS MATERIALIZED" "the bins' step"
expect_exit 0 "PMML of a binned model" -- "$SCORE" -m m.json --emit-pmml -o q.pmml
expect_in q.pmml '<Discretize' "bins in PMML"

# a model file whose interaction groups do not fit its columns is refused
"$PY" -c '
import json
m = json.load(open("m.json")); m.pop("checksum", None)
m["interactions"][0]["groups"][0] = [7] * len(m["interactions"][0]["groups"][0])
json.dump(m, open("badpair.json", "w"))'
expect_exit 1 "bad interaction groups" -- "$SCORE" -m badpair.json -o x.csv test.csv
expect_in err "interactions[0]" "names the interaction"
finish
