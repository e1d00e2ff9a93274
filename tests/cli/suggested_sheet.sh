# --write-suggested-sheet: the team's sheet with the comparison's suggested
# points applied. The written sheet, scored on its own, must reproduce what
# the comparison reported (the same AUC, the same number qualified); rules
# without a significant effect become comment rows; the threshold matches
# the sheet's volume (or its precision); overlaps are named; the input must
# be readable twice.
. "$(dirname "$0")/common.bash"
S="$SRC/datasets"
R=(--rules "$S/sample_rules.csv" --priority-accounts "$S/sample_priority_accounts.txt" --as-of 2026-11-20)
cd "$WORK" || exit 1

expect_exit 0 "suggested sheet, same volume" -- "$SCORE" -q "${R[@]}" --label Converted \
    --compare-json c.json --compare-report rep.txt -o s.csv --write-suggested-sheet sug.csv "$S/sample_leads.csv"
[ -s sug.csv ] && ok || fail "no suggested sheet written"
grep -q '^#F4,' sug.csv && ok || fail "F4 (not significant) is not dropped as a comment row"
grep -q '^F7,fit,Budget Confirmed,equals,Yes,+27,' sug.csv && ok || fail "F7 not re-weighted to +27"
expect_in rep.txt "Suggested sheet (written to sug.csv)" "report section"
expect_in rep.txt "overlap: every lead E7 matches (1672) also matches E1" "overlap named"

# the sheet as written reproduces the reported revision
expect_exit 0 "score with the suggested sheet" -- "$SCORE" -q --rules sug.csv \
    --priority-accounts "$S/sample_priority_accounts.txt" --as-of 2026-11-20 --label Converted \
    --compare-json c2.json -o s2.csv "$S/sample_leads.csv"
"$PY" - <<'PYEOF' && ok || fail "the written sheet does not reproduce the reported revision"
import csv, json, sys
s = json.load(open("c.json"))["suggested_sheet"]
c2 = json.load(open("c2.json"))
q = s["qualified"]
checks = [
    (abs(c2["rules"]["auc"] - s["auc"]) < 1e-12, "AUC %r vs %r" % (c2["rules"]["auc"], s["auc"])),
    (q["passed"] == q["sheet_passed"] == 801, "qualified %r, sheet %r" % (q["passed"], q["sheet_passed"])),
    (c2["threshold"]["rules"]["passed"] == q["passed"], "re-scored qualified %r" % c2["threshold"]["rules"]["passed"]),
    (s["auc"] > s["auc_sheet"], "the revision ranks worse: %r < %r" % (s["auc"], s["auc_sheet"])),
    (s["dropped"] == sum(r["action"] == "drop" for r in s["rules"]) == 8, "dropped %r" % s["dropped"]),
    (abs(s["mean_score"] - sum(float(r["rule_score"]) for r in csv.DictReader(open("s2.csv"))) / 4000) < 1e-9, "mean score"),
]
bad = [m for ok, m in checks if not ok]
print("\n".join(bad), file=sys.stderr)
sys.exit(1 if bad else 0)
PYEOF

# a sheet and leads with decimal commas (--decimal-comma, semicolons): the
# suggested sheet keeps them ("+2,2" per unit, ';' between fields, quoted
# lists) and, read back with --decimal-comma, scores as the dot sheet's does
"$PY" - "$S" <<'PYEOF' || fail "decimal-comma copies"
import csv, re, sys
num = re.compile(r"^[+-]?[0-9]+\.[0-9]+$")
for src, dst in (("sample_rules.csv", "rules_dc.csv"), ("sample_leads.csv", "leads_dc.csv")):
    with open(sys.argv[1] + "/" + src, newline="") as f, open(dst, "w", newline="") as g:
        w = csv.writer(g, delimiter=";")
        for row in csv.reader(f):
            w.writerow([c.replace(".", ",") if num.match(c) else c for c in row])
PYEOF
RDC=(--priority-accounts "$S/sample_priority_accounts.txt" --as-of 2026-11-20 --decimal-comma)
expect_exit 0 "suggested sheet with decimal commas" -- "$SCORE" -q --rules rules_dc.csv "${RDC[@]}" \
    --label Converted -o sdc.csv --write-suggested-sheet sugdc.csv leads_dc.csv
grep -q '^E1;engagement;Website Visits;per unit;1;+[0-9]*,[0-9];' sugdc.csv && ok ||
    fail "per-unit points not written with a decimal comma"
grep -q '^F1;fit;Seniority;in;"C-Level;VP";' sugdc.csv && ok || fail "a list not quoted for ';'"
expect_exit 0 "the decimal-comma suggestion read back" -- "$SCORE" -q --rules sugdc.csv "${RDC[@]}" \
    -o sdc2.csv leads_dc.csv
"$PY" - <<'PYEOF' && ok || fail "the decimal-comma suggestion scores differently from the dot one"
import csv
a = [r["rule_score"] for r in csv.DictReader(open("s2.csv"))]
b = [r["rule_score"] for r in csv.DictReader(open("sdc2.csv"))]
assert len(a) == 4000 and a == b, (len(a), len(b), sum(x != y for x, y in zip(a, b)))
PYEOF

# the same precision instead: at least the sheet's precision, more leads
expect_exit 0 "suggested sheet, same precision" -- "$SCORE" -q "${R[@]}" --label Converted \
    --compare-json p.json -o s.csv -f --write-suggested-sheet sugp.csv --suggested-match precision "$S/sample_leads.csv"
"$PY" -c "
import json; q = json.load(open('p.json'))['suggested_sheet']['qualified']
assert q['precision'] >= q['sheet_precision'] and q['passed'] > q['sheet_passed'], q" && ok || fail "same precision"

# overlaps on a crafted sheet: V5 (>= 5 visits) fires only where V3 (>= 3) does
printf 'id,dimension,column,operator,value,points\nV3,engagement,Website Visits,>=,3,10\nV5,engagement,Website Visits,>=,5,10\nD,fit,Demo Requested,equals,Yes,20\n' >ov.csv
expect_exit 0 "overlap sheet" -- "$SCORE" -q --rules ov.csv --label Converted --compare-json o.json \
    -o s.csv -f --write-suggested-sheet sugo.csv "$S/sample_leads.csv"
"$PY" -c "
import json; o = json.load(open('o.json'))['suggested_sheet']['overlaps']
assert {'rule': 'V5', 'within': 'V3'} in [{k: e[k] for k in ('rule', 'within')} for e in o], o" && ok || fail "V5 within V3 not named"

# refusals: before any work, nothing written
expect_exit 2 "stdin cannot be read twice" -- sh -c "'$SCORE' -q --rules '$S/sample_rules.csv' --as-of 2026-11-20 --label Converted -o x.csv --write-suggested-sheet x_sug.csv - <'$S/sample_leads.csv'"
expect_in err "--write-suggested-sheet: the compared leads are scored again" "stdin message"
expect_exit 2 "no label" -- "$SCORE" -q "${R[@]}" -o x.csv --write-suggested-sheet x_sug.csv "$S/sample_leads.csv"
expect_in err "--write-suggested-sheet: it needs --label and --rules" "no-label message"
[ ! -e x.csv ] && [ ! -e x_sug.csv ] && ok || fail "an output was written by a refused run"
cp sug.csv keep.csv
expect_exit 1 "existing sheet without -f" -- "$SCORE" -q "${R[@]}" --label Converted -o y.csv \
    --write-suggested-sheet sug.csv "$S/sample_leads.csv"
cmp -s sug.csv keep.csv && [ ! -e y.csv ] && ok || fail "an existing suggested sheet was touched"
expect_exit 2 "the same file twice" -- "$SCORE" -q "${R[@]}" --label Converted -o z.csv \
    --compare-json z.csv --write-suggested-sheet z.csv "$S/sample_leads.csv"
finish
