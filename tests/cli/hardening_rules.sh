# The rules engine under hostile values (issue 12): rule arithmetic beyond
# +-1e9 points gives the lead no rule score (named in the error column, exit
# 3) instead of a wrapped integer; `contains` searches in linear time, so a
# 4 KB value over 5 MB cells finishes (the quadratic search took ~34 s per
# two cells here; `timeout` turns a hang into a failure, it times nothing).
. "$(dirname "$0")/common.bash"
cd "$WORK" || exit 1

printf 'id,dimension,column,operator,value,points,cap\nP0,fit,visits,per unit,0.5,0,\nP1,fit,visits,per unit,0.5,0,\nP2,fit,visits,per unit,1,1e9,\n' >units.csv
printf 'id,visits\nhuge,1e308\nsmall,3\nbig,2\nneg,-1e308\n' >leads.csv
expect_exit 3 "per-unit rules on 1e308" -- "$SCORE" --id id --rules units.csv --explain-rules leads.csv
"$PY" - <<'PYEOF' && ok || fail "rule scores under overflow"
import csv, sys
rows = {r["id"]: r for r in csv.DictReader(open("out"))}
bad = []
for lead in ("huge", "neg", "big"):
    if rows[lead]["rule_score"] != "" or "outside -1e9..1e9" not in rows[lead]["error"]:
        bad.append("%s: %r" % (lead, rows[lead]))
# 3 visits: P0 and P1 give 0 x 6 units, P2 1e9 x 3 = 3e9 points: beyond the range
if "outside -1e9..1e9" not in rows["small"]["error"]:
    bad.append("small: %r" % rows["small"])
if any("9223372036854775" in v for r in rows.values() for v in r.values()):
    bad.append("a wrapped integer")
print("\n".join(bad), file=sys.stderr)
sys.exit(1 if bad else 0)
PYEOF
expect_in err "4 leads have no rule score" "summary count"

# capped per-unit rules stay within range: the cap is applied before the check
printf 'id,dimension,column,operator,value,points,cap\nC,fit,visits,per unit,1,1000,5000\n' >capped.csv
printf 'id,visits\na,1e300\nb,-1e300\nc,2\n' >leads_capped.csv
expect_exit 0 "capped per-unit rule on 1e300" -- "$SCORE" -q --id id --rules capped.csv leads_capped.csv
[ "$(cut -d, -f2 out | tr '\n' ' ')" = "rule_score 5000 0 2000 " ] && ok ||
    fail "capped scores: $(cut -d, -f2 out | tr '\n' ' ')"

# contains on large cells, with and without case
"$PY" - <<'PYEOF'
needle = "a" * 4095 + "b"
with open("kmp_rules.csv", "w") as f:
    f.write("id,dimension,column,operator,value,points\n")
    f.write("C1,fit,text,contains ignore case,%s,5\n" % needle.upper())
    f.write("C2,fit,text,contains,%s,7\n" % needle)
    f.write("C3,fit,text,not contains ignore case,%s,11\n" % needle)
with open("kmp_leads.csv", "w") as f:
    f.write("id,text\n")
    for i, (body, tail) in enumerate([("A", ""), ("a", "b"), ("A", "B"), ("A", "")]):
        f.write("%d,%s%s\n" % (i, body * 5000000, tail))
PYEOF
expect_exit 0 "contains over 5 MB cells" -- timeout 60 "$SCORE" -q --id id --rules kmp_rules.csv kmp_leads.csv
[ "$(cut -d, -f2 out | tr '\n' ' ')" = "rule_score 11 12 5 11 " ] && ok ||
    fail "contains results: $(cut -d, -f2 out | tr '\n' ' ')"
finish
