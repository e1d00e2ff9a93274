# --format jsonl: one JSON object per lead, the same values as the CSV
# (numbers as numbers, ids as strings, empty as null).
. "$(dirname "$0")/common.bash"
D="$SRC/tests/data"
expect_exit 0 "train tiny" -- "$TRAIN" -q --target Won --id Lead --na-values Select --holdout 0 \
    --min-level-count 2 --force -o "$WORK/tiny.json" "$D/tiny_leads.csv"
expect_exit 0 "train sample" -- "$TRAIN" -q --target Converted --id "Lead ID" --exclude Email --exclude Company \
    --exclude "Last Activity Date" --exclude "Created Date" --na-values Select -o "$WORK/m.json" \
    "$SRC/datasets/sample_leads.csv"

check() { # CSV JSONL: every line parses, and equals the CSV row
    "$PY" - "$1" "$2" <<'PY'
import csv, json, math, sys
rows = list(csv.DictReader(open(sys.argv[1], newline='', encoding='utf-8')))
lines = open(sys.argv[2], encoding='utf-8').read().split('\n')
assert lines[-1] == '', 'no final newline'
lines = lines[:-1]
assert len(lines) == len(rows), (len(lines), len(rows))
numeric = lambda k: k in ('probability', 'score', 'rule_score', 'rule_qualified') or k.endswith('_points')
for n, (row, line) in enumerate(zip(rows, lines), 1):
    obj = json.loads(line)
    assert list(obj) == list(row), (n, list(obj), list(row))
    for k, v in row.items():
        j = obj[k]
        if k in ('Lead', 'Lead ID'):
            assert j == v, (n, k, j, v)
        elif v == '':
            assert j is None, (n, k, j)
        elif numeric(k):
            assert isinstance(j, (int, float)) and not isinstance(j, bool), (n, k, j)
            assert float(v) == j, (n, k, v, j)
        else:
            assert j == v, (n, k, j, v)
print(len(lines), 'lines match')
PY
}

# a rejected row, an error text with quotes and a comma
expect_exit 3 "tiny csv" -- "$SCORE" -q -m "$WORK/tiny.json" -o "$WORK/tiny.csv" "$D/tiny_new_leads.csv"
expect_exit 3 "tiny jsonl" -- "$SCORE" -q -m "$WORK/tiny.json" --format jsonl -o "$WORK/tiny.jsonl" "$D/tiny_new_leads.csv"
expect_exit 0 "tiny matches" -- check "$WORK/tiny.csv" "$WORK/tiny.jsonl"
expect_in "$WORK/tiny.jsonl" '"error":"column \"Visits\": not a number: \"many\""' "escaped error text"
expect_in "$WORK/tiny.jsonl" '{"Lead":"N1","probability":0.429606,"score":43,"tier":"warm","error":null}' "first object"

# reasons, rules with dimensions and reasons, full precision, to stdout
A=(-m "$WORK/m.json" --reasons 3 --precision 17 --rules "$SRC/datasets/sample_rules.csv"
   --priority-accounts "$SRC/datasets/sample_priority_accounts.txt" --as-of 2026-11-20 --explain-rules)
expect_exit 0 "sample csv" -- "$SCORE" -q "${A[@]}" -o "$WORK/s.csv" "$SRC/datasets/sample_new_leads.csv"
expect_exit 0 "sample jsonl to stdout" -- "$SCORE" -q "${A[@]}" --format jsonl "$SRC/datasets/sample_new_leads.csv"
mv "$WORK/out" "$WORK/s.jsonl"
expect_exit 0 "sample matches" -- check "$WORK/s.csv" "$WORK/s.jsonl"
expect_exit 0 "--format csv is the default" -- "$SCORE" -q "${A[@]}" --format csv "$SRC/datasets/sample_new_leads.csv"
cmp -s "$WORK/out" "$WORK/s.csv" && ok || fail "--format csv differs from the default"

# ids that need escaping, and bytes that are not UTF-8
printf 'Lead;Source;Visits;Minutes;Title\n"a ""q"" \\ b";Web;2;10;Manager\n\tx\xff;Web;1;1;Manager\n' >"$WORK/odd.csv"
expect_exit 0 "odd ids" -- "$SCORE" -q -m "$WORK/tiny.json" --format jsonl "$WORK/odd.csv"
"$PY" -c 'import json,sys; r=[json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]; assert r[0]["Lead"] == "a \"q\" \\ b" and r[1]["Lead"] == "\tx\ufffd", r' "$WORK/out" \
    && ok || fail "escaping of ids"

expect_exit 2 "unknown format" -- "$SCORE" -q -m "$WORK/tiny.json" --format xml "$D/tiny_new_leads.csv"
expect_in "$WORK/err" "--format: expected csv or jsonl" "format usage message"
finish
