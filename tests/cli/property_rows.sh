# Property: corrupt valid scoring input at random (seeded) and check that no
# lead is lost: rows in = rows out, rejected rows = rows with an error =
# lines of --rejects; or, for a structural break (an unbalanced quote), exit 1
# with no output written.
. "$(dirname "$0")/common.bash"
S="$SRC/datasets"
"$TRAIN" -q --target Converted --id "Lead ID" --exclude Email --exclude Company --exclude "Last Activity Date" \
    --exclude "Created Date" --na-values Select -o "$WORK/m.json" "$S/sample_leads.csv" || fail "train"
for seed in $(seq 1 40); do
    "$PY" - "$S/sample_new_leads.csv" "$WORK/in.csv" "$seed" <<'PYEOF' || { fail "corrupt $seed"; continue; }
import random, sys
rnd = random.Random(int(sys.argv[3]))
lines = open(sys.argv[1], newline="").read().split("\r\n")
head, body = lines[0], [l for l in lines[1:] if l]
ops = ["text", "drop", "add", "empty", "bytes", "long", "spaces", "inf"]
if rnd.random() < 0.15:
    ops.append("quote")
for _ in range(rnd.randint(1, 30)):
    i = rnd.randrange(len(body))
    f = body[i].split(",")  # the new-leads file has no quoted fields
    op = rnd.choice(ops)
    j = rnd.randrange(len(f))
    if op == "text": f[j] = rnd.choice(["abc", "N/A?", "--", "1,5"]).replace(",", ";")
    elif op == "drop": del f[j]
    elif op == "add": f.insert(j, "extra")
    elif op == "empty": f[j] = ""
    elif op == "bytes": f[j] = "\xe9\x01\x7f"
    elif op == "long": f[j] = "x" * rnd.randint(1000, 100000)
    elif op == "spaces": f[j] = "  " + f[j] + "  "
    elif op == "inf": f[j] = rnd.choice(["1e400", "inf", "-0", "NaN"])
    elif op == "quote": f[j] = '"' + f[j]
    body[i] = ",".join(f)
open(sys.argv[2], "w", newline="", encoding="latin-1").write("\r\n".join([head] + body) + "\r\n")
PYEOF
    rm -f "$WORK/out.csv" "$WORK/rej.csv"
    "$SCORE" -q -m "$WORK/m.json" --rejects "$WORK/rej.csv" -o "$WORK/out.csv" "$WORK/in.csv" 2>"$WORK/err"
    rc=$?
    if [ "$rc" -eq 1 ]; then
        grep -q "quote" "$WORK/err" && [ ! -e "$WORK/out.csv" ] && [ ! -e "$WORK/rej.csv" ] && ok ||
            fail "seed $seed: exit 1 without a quote error, or output left behind: $(cat "$WORK/err")"
        continue
    fi
    [ "$rc" -eq 0 ] || [ "$rc" -eq 3 ] || { fail "seed $seed: exit $rc"; continue; }
    "$PY" - "$WORK/in.csv" "$WORK/out.csv" "$WORK/rej.csv" "$rc" <<'PYEOF' && ok || fail "seed $seed: rows lost or miscounted"
import csv, sys
rows_in = sum(1 for _ in csv.reader(open(sys.argv[1], newline="", encoding="latin-1"))) - 1
out = list(csv.DictReader(open(sys.argv[2], newline="", encoding="latin-1")))
rej = list(csv.DictReader(open(sys.argv[3], newline="", encoding="latin-1")))
errors = sum(1 for r in out if r["error"])
scored = sum(1 for r in out if r["score"])
ok = rows_in == len(out) == scored + errors and errors == len(rej) and (errors > 0) == (sys.argv[4] == "3")
if not ok:
    print(f"in {rows_in} out {len(out)} scored {scored} errors {errors} rejects {len(rej)} exit {sys.argv[4]}")
sys.exit(0 if ok else 1)
PYEOF
done
finish
