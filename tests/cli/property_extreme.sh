# Property (issue 12): rows whose numbers are drawn from {+-0, +-1e-320,
# +-1e308, +-inf, nan, huge integers, text} besides ordinary values go
# through train -> score (with a rules sheet) -> compare -> SQL (SQLite), in
# seeded rounds. Never a crash or sanitizer report (exit 0-3 only), never a
# lost row (rows in = rows out, rejected = rows with an error), never a
# non-finite number in the scores, the comparison JSON or the SQL's
# probabilities, and the SQL agrees with the C scorer row by row.
. "$(dirname "$0")/common.bash"
cd "$WORK" || exit 1
H="$SRC/tests/cli/sql_helpers.py"
printf 'id,dimension,column,operator,value,points,cap\nP1,fit,a,per unit,0.5,2,40\nP2,engagement,b,>=,1,10,\nP3,fit,c,equals,x,5,\n' >rules.csv
have_sqlite=1
command -v sqlite3 >/dev/null 2>&1 || have_sqlite=0

for seed in 1 2 3 4 5 6; do
    "$PY" - "$seed" <<'PYEOF' || { fail "generate $seed"; continue; }
import csv, random, sys
rnd = random.Random(int(sys.argv[1]))
EXTREME = ["0", "-0", "1e-320", "-1e-320", "1e308", "-1e308", "inf", "-inf", "nan", "NaN",
           "123456789012345678901234567890", "-98765432109876543210", "abc", "1,5", ""]
def value(rate):
    if rnd.random() < rate:
        return rnd.choice(EXTREME)
    return "%.4f" % rnd.gauss(3, 2)
def write(path, n, rate, label):
    with open(path, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["id", "a", "b", "c", "won"])
        for i in range(n):
            y = int(rnd.random() < 0.3)
            w.writerow(["L%d" % i, value(rate), value(rate), rnd.choice("xyz"),
                        y if label or rnd.random() < 0.9 else ""])
write("train.csv", 400, 0.02 * (int(sys.argv[1]) % 3), True)
write("score.csv", 300, 0.25, False)
PYEOF
    rm -f m.json s.csv c.json rej.csv
    "$TRAIN" -q --target won --id id --force -o m.json train.csv >out 2>err
    rc=$?
    [ "$rc" -le 3 ] && ok || { fail "round $seed: training exit $rc"; sed 's/^/    /' err | head -5 >&2; continue; }
    [ -f m.json ] || continue # a clean refusal is fine: text columns, thin data
    "$SCORE" -q -m m.json --rules rules.csv --label won --compare-json c.json --rejects rej.csv \
        --precision 17 -o s.csv score.csv >out 2>err
    rc=$?
    [ "$rc" -eq 0 ] || [ "$rc" -eq 3 ] && ok || { fail "round $seed: scoring exit $rc"; sed 's/^/    /' err | head -5 >&2; continue; }
    "$PY" - <<'PYEOF' && ok || fail "round $seed: a lost row or a non-finite number"
import csv, json, math, sys
rows = list(csv.DictReader(open("s.csv", newline="", encoding="utf-8", errors="replace")))
n_in = sum(1 for _ in open("score.csv")) - 1
bad = []
if len(rows) != n_in:
    bad.append("rows in %d, out %d" % (n_in, len(rows)))
rejected = [r for r in rows if r["probability"] == ""]
rej_lines = sum(1 for _ in open("rej.csv")) - 1 if rejected or True else 0
if len(rejected) != rej_lines:
    bad.append("%d rejected rows, %d in --rejects" % (len(rejected), rej_lines))
for r in rows:
    for k in ("probability", "score", "rule_score", "fit_points", "engagement_points"):
        v = r.get(k, "")
        if v != "" and not math.isfinite(float(v)):
            bad.append("%s %s=%s" % (r["id"], k, v))
    if r["probability"] == "" and not r["error"]:
        bad.append("%s rejected without a reason" % r["id"])
def no_constant(c):
    raise ValueError("non-finite %s in the comparison JSON" % c)
try:
    json.load(open("c.json"), parse_constant=no_constant)
except FileNotFoundError:
    pass  # no comparison: one class among the compared rows
except ValueError as e:
    bad.append(str(e))
if bad:
    print("\n".join(bad[:5]), file=sys.stderr)
sys.exit(1 if bad else 0)
PYEOF
    [ "$have_sqlite" -eq 1 ] || continue
    "$SCORE" -q -m m.json --precision 17 -f -o cs.csv score.csv >/dev/null 2>&1
    "$SCORE" -m m.json --emit-sql sqlite --table leads -f -o q.sql >out 2>err || { fail "round $seed: emit"; continue; }
    rm -f db.sqlite
    {
        printf '.import --csv score.csv leads\n.headers on\n.mode csv\n'
        cat q.sql
    } >run.sql
    sqlite3 -bail db.sqlite ".read run.sql" >sq.csv 2>err && ok || { fail "round $seed: sqlite3"; sed 's/^/    /' err | head -3 >&2; continue; }
    sed -i 's/^"id"/"Lead ID"/; s/^id,/"Lead ID",/' sq.csv
    sed -i '1s/^id,/"Lead ID",/' cs.csv
    "$PY" "$H" compare cs.csv sq.csv >out 2>&1 && ok || { fail "round $seed: SQL differs from the C scorer"; sed 's/^/    /' out | head -5 >&2; }
done
finish
