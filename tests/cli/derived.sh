# Derived features: --days-since and --account-column, train -> score
# parity, errors, --like (docs/retraining.md).
. "$(dirname "$0")/common.bash"
DATA="$SRC/datasets/sample_leads.csv"
NEW="$SRC/datasets/sample_new_leads.csv"
OPTS=(--target Converted --id "Lead ID" --exclude Email --exclude "Job Title" --na-values Select
      --days-since "Created Date" --days-since "Last Activity Date" --account-column Company)

expect_exit 0 "train with derived features" -- "$TRAIN" "${OPTS[@]}" --as-of 2027-01-01 \
    -o "$WORK/m.json" --predictions "$WORK/pred.csv" "$DATA"
expect_in "$WORK/m.json" '"name": "days since Created Date"' "days-since column"
expect_in "$WORK/m.json" '"name": "leads per account (Company)"' "account column"
expect_in "$WORK/m.json" '"kind": "days_since"' "derived kind"
expect_in "$WORK/m.json" '"as_of": "2027-01-01"' "as-of stored"

# scoring the training file with the same as-of reproduces --predictions
expect_exit 0 "score with the same as-of" -- "$SCORE" -m "$WORK/m.json" --as-of 2027-01-01 \
    --precision 17 -o "$WORK/s.csv" "$DATA"
$PY - "$WORK/pred.csv" "$WORK/s.csv" <<'PY' && ok || fail "train/score parity of derived features"
import csv, sys
p = [float(r["probability"]) for r in csv.DictReader(open(sys.argv[1]))]
s = [float(r["probability"]) for r in csv.DictReader(open(sys.argv[2]))]
assert len(p) == len(s) == 4000
worst = max(abs(a - b) for a, b in zip(p, s))
assert worst <= 1e-12, worst
PY
# the same through stdin (the account count needs a first pass: spooled)
expect_exit 0 "score from stdin" -- sh -c "\"$SCORE\" -m \"$WORK/m.json\" --as-of 2027-01-01 \
    --precision 17 - < \"$DATA\" > \"$WORK/s2.csv\""
cmp -s "$WORK/s.csv" "$WORK/s2.csv" && ok || fail "stdin scores differ"

# a later scoring day makes every dated lead older: scores move
expect_exit 0 "score a year later" -- "$SCORE" -m "$WORK/m.json" --as-of 2028-01-01 \
    -o "$WORK/later.csv" "$DATA"
cmp -s "$WORK/s.csv" "$WORK/later.csv" && fail "as-of has no effect" || ok
# default as-of: today
expect_exit 0 "score new leads (as-of today)" -- "$SCORE" -m "$WORK/m.json" -o "$WORK/n.csv" "$NEW"

# an unparsable date: at scoring a rejected row, at training an error
$PY - "$NEW" "$WORK/baddate.csv" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], newline="")))
rows[2]["Created Date"] = "03/11/2026"
with open(sys.argv[2], "w", newline="") as f:
    w = csv.DictWriter(f, fieldnames=list(rows[0].keys()))
    w.writeheader()
    w.writerows(rows)
PY
expect_exit 3 "bad date rejected at scoring" -- "$SCORE" -m "$WORK/m.json" -o "$WORK/b.csv" \
    "$WORK/baddate.csv"
expect_in "$WORK/b.csv" 'not a date (YYYY-MM-DD): ""03/11/2026""' "reason in the error column"
$PY - "$DATA" "$WORK/badtrain.csv" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], newline="")))
rows[4]["Last Activity Date"] = "yesterday"
with open(sys.argv[2], "w", newline="") as f:
    w = csv.DictWriter(f, fieldnames=list(rows[0].keys()))
    w.writeheader()
    w.writerows(rows)
PY
expect_exit 1 "bad date at training" -- "$TRAIN" "${OPTS[@]}" -o "$WORK/x.json" "$WORK/badtrain.csv"
expect_in "$WORK/err" 'badtrain.csv:6:22: --days-since "Last Activity Date": "yesterday" is not a date' \
    "training error names file, line, column"
expect_exit 2 "bad --as-of" -- "$TRAIN" "${OPTS[@]}" --as-of 2027-02-30 -o "$WORK/x.json" "$DATA"
expect_exit 2 "unknown --days-since column" -- "$TRAIN" --target Converted --days-since Nope \
    -o "$WORK/x.json" "$DATA"
expect_in "$WORK/err" 'unknown column "Nope" in --days-since' "unknown column named"
# the scorer needs the source column
cut -d, -f1-22,24- "$NEW" > "$WORK/nocreated.csv"
expect_exit 1 "source column missing at scoring" -- "$SCORE" -m "$WORK/m.json" \
    -o "$WORK/y.csv" "$WORK/nocreated.csv"
expect_in "$WORK/err" 'the model needs column "Created Date" (for "days since Created Date")' \
    "missing source named"

# --like carries the derived features (as-of is the new run's)
expect_exit 0 "--like with derived features" -- "$TRAIN" --like "$WORK/m.json" --as-of 2027-01-01 \
    -o "$WORK/like.json" "$DATA"
$PY - "$WORK/m.json" "$WORK/like.json" <<'PY' && ok || fail "--like reproduces the derived model"
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
for m in (a, b):
    del m["created"], m["checksum"]
assert a == b, [k for k in a if a[k] != b.get(k)]
PY
finish
