# Account context (issue 14, section 2): one account key everywhere (the
# trainer, the scorer, the rules engine, the SQL), reference counts in the
# model, --accounts FILE, and the note saying which reference was used
# (docs/rules.md "Accounts", models/README.md "accounts").
. "$(dirname "$0")/common.bash"
H="$SRC/tests/cli/sql_helpers.py"
cd "$WORK" || exit 1

# leads.csv: 600 leads of 40 accounts, each account's name spelt several
# ways (case, padding, inner runs of spaces and tabs, a line break inside a
# quoted name); bigger accounts convert more. Plus accounts that must stay
# apart: "Acme-Corp" beside "Acme Corp", "Ärzte AG" beside "ärzte ag".
"$PY" - <<'PYEOF' || fail "generate leads.csv"
import csv, math, random
random.seed(14)
names = ["Acme Corp", "Blue Door Group", "Cobalt Systems", "Delta Foods"] + \
        ["Account %02d Ltd" % k for k in range(36)]
size = {n: 2 + (k * 7) % 23 for k, n in enumerate(names)}
def spell(n):
    v = random.choice([n, n.upper(), n.lower(), "  " + n + " ", n.replace(" ", "   "),
                       n.replace(" ", "\t"), n.replace(" ", " \r\n ", 1), n.title()])
    return v
rows = []
for n in names:
    for _ in range(size[n]):
        rows.append(spell(n))
rows += ["Acme-Corp", "\u00c4rzte AG", "\u00e4rzte ag", "NA", ""]
random.shuffle(rows)
with open("leads.csv", "w", newline="", encoding="utf-8") as f:
    w = csv.writer(f)
    w.writerow(["Lead ID", "Company", "Visits", "Source", "Won"])
    for i, company in enumerate(rows):
        key = " ".join(company.split()).lower()
        n = sum(1 for c in rows if " ".join(c.split()).lower() == key) if key not in ("na", "") else 1
        v = random.randint(0, 20)
        s = random.choice(["web", "email", "event"])
        p = 1 / (1 + math.exp(-((v - 10) / 5 + (n - 8) / 4)))
        w.writerow(["L%04d" % i, company, v, s, int(random.random() < p)])
PYEOF
printf 'id,dimension,column,operator,value,points,cap,description\nA1,fit,Company,account has at least,5,+10,,Several stakeholders\nA2,fit,Company,on priority list,,+15,,Target account\n' >sheet.csv
printf 'acme corp\n  BLUE   DOOR group\n' >priority.txt

# ---- 1. one account key: trainer, scorer, rules, SQL ----------------------------------

expect_exit 0 "train with --account-column" -- "$TRAIN" -q --target Won --id "Lead ID" \
    --account-column Company -o m.json --predictions pred.csv leads.csv
# the training counts and the rules' counts are the same numbers: the
# feature's value in each lead's reasons, the rule firing at 5 or more
expect_exit 0 "score with reasons and the sheet" -- "$SCORE" -q -m m.json --rules sheet.csv \
    --priority-accounts priority.txt --explain-rules --reasons 9 --precision 17 -o s.csv leads.csv
"$PY" - <<'PYEOF' && ok || fail "trainer, scorer and rules engine count the same accounts"
import csv, json, re
leads = {r["Lead ID"]: r for r in csv.DictReader(open("leads.csv", newline="", encoding="utf-8"))}
def key(s):  # src/base/account.h
    s = re.sub(r"[ \t\r\n\v\f]+", " ", s).strip(" ")
    return "".join(chr(ord(c) + 32) if "A" <= c <= "Z" else c for c in s)
count = {}
for r in leads.values():
    if r["Company"] not in ("", "NA"):
        count[key(r["Company"])] = count.get(key(r["Company"]), 0) + 1
assert count["acme corp"] > 1 and count["acme-corp"] == 1, count
assert count["\u00c4rzte ag"] == 1 and count["\u00e4rzte ag"] == 1, count
# the feature's value from its contribution: coef * (n - mean) / sd
model = json.load(open("m.json"))
col = [c for c in model["columns"] if c["name"] == "leads per account (Company)"][0]
coef = model["features"][col["feature"]]["estimate"]
seen = 0
for r in csv.DictReader(open("s.csv", newline="", encoding="utf-8")):
    c = leads[r["Lead ID"]]["Company"]
    n = 1 if c in ("", "NA") else count[key(c)]
    for reason in (r["reasons_positive"] + ";" + r["reasons_negative"]).split(";"):
        if reason.startswith("leads per account (Company)="):
            got = float(reason.rsplit(":", 1)[1]) * col["sd"] / coef + col["mean"]
            assert abs(got - n) < 1e-6, (r["Lead ID"], c, got, n)
            seen += 1
    fired = set(x.split(":")[0] for x in r["rule_reasons"].split(";") if x)
    assert ("A1" in fired) == (c not in ("", "NA") and n >= 5), (c, n, fired)
    assert ("A2" in fired) == (key(c) in ("acme corp", "blue door group")), (c, fired)
assert seen > 500, seen
PYEOF
# the training file scored again reproduces the trainer's predictions
"$PY" - <<'PYEOF' && ok || fail "train/score parity of the account feature"
import csv
p = [float(r["probability"]) for r in csv.DictReader(open("pred.csv"))]
s = [float(r["probability"]) for r in csv.DictReader(open("s.csv", newline="", encoding="utf-8"))]
assert len(p) == len(s) > 500, (len(p), len(s))
assert max(abs(a - b) for a, b in zip(p, s)) <= 1e-12
PYEOF

if command -v sqlite3 >/dev/null 2>&1; then
    # the SQL builds the same key: the model's count and the account rules
    expect_exit 0 "C scores" -- "$SCORE" -q -m m.json --precision 17 -o c.csv leads.csv
    expect_exit 0 "emit sqlite (model)" -- "$SCORE" -m m.json --emit-sql sqlite --table leads -o m.sql
    expect_exit 0 "C rule scores" -- "$SCORE" -q --rules sheet.csv --priority-accounts priority.txt \
        --id "Lead ID" -o cr.csv leads.csv
    expect_exit 0 "emit sqlite (rules)" -- "$SCORE" --rules sheet.csv --priority-accounts priority.txt \
        --id "Lead ID" --emit-sql sqlite --table leads -o r.sql
    {
        printf '.import --csv leads.csv leads\n.headers on\n.mode csv\nCREATE TABLE scored AS\n'
        cat m.sql
        printf 'SELECT "Lead ID", printf('"'"'%%.17g'"'"', probability) AS probability, score, tier, error FROM scored;\n'
    } >run_m.sql
    expect_exit 0 "sqlite3 runs the model" -- sqlite3 -bail db1.sqlite ".read run_m.sql"
    cp out sq_m.csv
    expect_exit 0 "SQLite model scores equal the C scorer's" -- "$PY" "$H" compare c.csv sq_m.csv
    { printf '.import --csv leads.csv leads\n.headers on\n.mode csv\n'; cat r.sql; } >run_r.sql
    expect_exit 0 "sqlite3 runs the rules" -- sqlite3 -bail db2.sqlite ".read run_r.sql"
    cp out sq_r.csv
    expect_exit 0 "SQLite rule scores equal the C engine's" -- "$PY" "$H" rules cr.csv sq_r.csv
else
    echo "note: sqlite3 not installed: the SQL part is skipped"
fi

finish
