# Activity logs (docs/events.md): a generated lead table and log with a
# known ground truth (scripts/gen_events.py) train a model that beats the
# same data pre-aggregated naively; the trainer cuts exactly the events after
# each lead's outcome date; the trainer's and the scorer's features equal an
# independent Python recomputation (tests/cli/events_check.py); gzip and
# several logs; errors.
. "$(dirname "$0")/common.bash"
GEN="$SRC/scripts/gen_events.py"
CHECK="$SRC/tests/cli/events_check.py"
"$PY" -c 'import numpy' 2>/dev/null || { echo "skipped: numpy is not installed"; exit 77; }
D="$WORK/gen"
"$PY" "$GEN" --leads 3000 --seed 4 --out "$D" && ok || fail "gen_events.py"
truth() { "$PY" -c "import json,sys; print(json.load(open('$D/truth.json'))['$1'])"; }
auc() { "$PY" -c "import json,sys; print(json.load(open('$1'))['holdout']['auc'])"; }
EV=(--id "Prospect ID" --events "$D/events.csv" --outcome-date "Outcome Date" --as-of 2026-06-30)

# ---- training on the log ------------------------------------------------------
expect_exit 0 "train on the activity log" -- "$TRAIN" -t Converted "${EV[@]}" \
    --export-design "$WORK/design.csv" -o "$WORK/log.json" "$D/leads.csv"
cp "$WORK/err" "$WORK/train.err"
expect_in "$WORK/train.err" "$(truth events_after_outcome) events after their lead's outcome date (\"Outcome Date\"" \
    "the events after the outcome date are cut and counted"
expect_in "$WORK/train.err" "$(truth events_unknown_ids) events of $(truth unknown_ids) lead ids that are not in" \
    "events of unknown ids counted"
expect_in "$WORK/train.err" 'lead id "Lead Id", type "Activity Type", time "Timestamp"; columns found by their names' \
    "detected log columns said"
expect_in "$WORK/train.err" '"Onboarding Call" (0)' "the post-outcome type has no counted event"
grep -q 'Onboarding Call' "$WORK/log.json" && fail "a post-outcome type became a feature" || ok
expect_in "$WORK/log.json" '"name": "events: Demo Request (days from first event)"' "velocity feature"
expect_in "$WORK/log.json" '"name": "events: Video Play (last 30 days)"' "window feature"
expect_in "$WORK/log.json" '"outcome_date": "Outcome Date"' "model's events section"
# the trainer's features: an independent recomputation, to 1e-12
"$PY" "$CHECK" design "$WORK/log.json" "$WORK/design.csv" "$D/leads.csv" "$D/events.csv" \
    >"$WORK/check" 2>&1 && ok || { fail "training features differ from the recomputation"; cat "$WORK/check" >&2; }

# --like carries the activity-log options (the logs, windows, outcome date)
expect_exit 0 "--like an activity-log model" -- "$TRAIN" -q -t Converted --like "$WORK/log.json" \
    --as-of 2026-06-30 -o "$WORK/like.json" "$D/leads.csv"
"$PY" - "$WORK/log.json" "$WORK/like.json" <<'PY' && ok || fail "--like reproduces the activity-log model"
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
assert a["events"] == b["events"]
assert [f["name"] for f in a["features"]] == [f["name"] for f in b["features"]]
assert max(abs(x["estimate"] - y["estimate"]) for x, y in zip(a["features"], b["features"])) < 1e-12
PY

# ---- the same data pre-aggregated naively (counts only) ----------------------
expect_exit 0 "train on naive counts" -- "$TRAIN" -t Converted --id "Prospect ID" \
    --exclude "Outcome Date" -o "$WORK/naive.json" "$D/naive.csv"
a_log=$(auc "$WORK/log.json")
a_naive=$(auc "$WORK/naive.json")
echo "holdout AUC: activity log $a_log, naive counts $a_naive"
"$PY" -c "import sys; sys.exit(0 if $a_log > $a_naive + 0.02 else 1)" && ok ||
    fail "the log's model (AUC $a_log) does not beat naive counts ($a_naive) by 0.02"

# ---- scoring ---------------------------------------------------------------------
expect_exit 0 "score with the log" -- "$SCORE" -m "$WORK/log.json" --events "$D/events.csv" \
    --as-of 2026-06-30 --precision 17 --reasons 100 -o "$WORK/s.csv" "$D/leads.csv"
"$PY" "$CHECK" score "$WORK/log.json" "$WORK/s.csv" 2026-06-30 "$D/leads.csv" "$D/events.csv" \
    >"$WORK/check" 2>&1 && ok || { fail "scorer features differ from the recomputation"; cat "$WORK/check" >&2; }
# an earlier as-of cuts the later events, and says how many
expect_exit 0 "score as of an earlier day" -- "$SCORE" -m "$WORK/log.json" --events "$D/events.csv" \
    --as-of 2025-11-15 --precision 17 --reasons 100 -o "$WORK/s2.csv" "$D/leads.csv"
expect_in "$WORK/err" "$("$PY" "$CHECK" count 2025-11-15 "$D/events.csv") events after the as-of date were not counted" \
    "events after the as-of date counted"
"$PY" "$CHECK" score "$WORK/log.json" "$WORK/s2.csv" 2025-11-15 "$D/leads.csv" "$D/events.csv" \
    >"$WORK/check" 2>&1 && ok || { fail "earlier as-of: features differ"; cat "$WORK/check" >&2; }
# gzip, and the log cut in two files: the same scores
gzip -c "$D/events.csv" >"$WORK/events.csv.gz"
head -n 20001 "$D/events.csv" >"$WORK/part1.csv"
{ head -n 1 "$D/events.csv"; tail -n +20002 "$D/events.csv"; } >"$WORK/part2.csv"
expect_exit 0 "score with a gzip log" -- "$SCORE" -m "$WORK/log.json" --events "$WORK/events.csv.gz" \
    --as-of 2026-06-30 --precision 17 --reasons 100 -o "$WORK/s3.csv" "$D/leads.csv"
cmp -s "$WORK/s.csv" "$WORK/s3.csv" && ok || fail "gzip log scores differ"
expect_exit 0 "score with two logs" -- "$SCORE" -m "$WORK/log.json" --events "$WORK/part1.csv" \
    --events "$WORK/part2.csv" --as-of 2026-06-30 --precision 17 --reasons 100 -o "$WORK/s4.csv" \
    "$D/leads.csv"
cmp -s "$WORK/s.csv" "$WORK/s4.csv" && ok || fail "two logs score differently from one"
# a batch of a few leads scores them as in the whole file (the log is keyed by id)
head -n 6 "$D/leads.csv" >"$WORK/five.csv"
expect_exit 0 "score five leads" -- "$SCORE" -m "$WORK/log.json" --events "$D/events.csv" \
    --as-of 2026-06-30 --precision 17 --reasons 100 -o "$WORK/s5.csv" "$WORK/five.csv"
head -n 6 "$WORK/s.csv" | cmp -s - "$WORK/s5.csv" && ok || fail "a batch scores differently"
expect_in "$WORK/err" "lead ids of the activity log are not in the scored input" "unused log ids said"
# the model and a sheet of event rules read the log once, together: from stdin
# too, and each scores as it does alone (the sheet's windows beside the
# model's; a sheet with more windows than fit beside them reads it again)
printf 'id,dimension,column,operator,value,points,cap\nR1,engagement,Demo Request,events,,5,\nR2,engagement,Page Visit,events,at least 3 in last 14 days,10,\nR3,engagement,Page Visit,events,in last 30 days,1,\n' \
    >"$WORK/ev_rules.csv"
RS=(--rules "$WORK/ev_rules.csv" --id "Prospect ID" --as-of 2026-06-30 --precision 17)
expect_exit 0 "model and event rules, the log on stdin" -- sh -c \
    "'$SCORE' -m '$WORK/log.json' ${RS[*]@Q} --events - --reasons 100 -o '$WORK/both.csv' '$D/leads.csv' <'$D/events.csv'"
expect_exit 0 "event rules alone" -- "$SCORE" "${RS[@]}" --events "$D/events.csv" -o "$WORK/rules_only.csv" \
    "$D/leads.csv"
"$PY" - "$WORK/both.csv" "$WORK/s.csv" "$WORK/rules_only.csv" <<'PYEOF' && ok || fail "one read for both scores differently from each alone"
import csv, sys
both, model, rules = (list(csv.DictReader(open(p))) for p in sys.argv[1:])
assert len(both) == len(model) == len(rules) > 0
for b, m, r in zip(both, model, rules):
    for k in m:
        assert b[k] == m[k], (k, b[k], m[k])
    for k in ("rule_score", "engagement_points"):
        assert b[k] == r[k], (k, b[k], r[k])
assert any(float(r["rule_score"]) > 0 for r in rules)
PYEOF
{ echo 'id,dimension,column,operator,value,points,cap'
  for w in 1 2 3 4 5 6; do echo "W$w,engagement,Page Visit,events,in last $w days,1,"; done; } >"$WORK/ev_rules9.csv"
expect_exit 2 "nine windows together, the log on stdin" -- sh -c \
    "'$SCORE' -m '$WORK/log.json' --rules '$WORK/ev_rules9.csv' --id 'Prospect ID' --as-of 2026-06-30 --events - -o '$WORK/w9.csv' '$D/leads.csv' <'$D/events.csv'"
expect_in "$WORK/err" "count more than 8 windows together, so each reads the log" "nine windows: why"
expect_exit 0 "nine windows together, the log a file" -- "$SCORE" -m "$WORK/log.json" \
    --rules "$WORK/ev_rules9.csv" --id "Prospect ID" --as-of 2026-06-30 --events "$D/events.csv" \
    --precision 17 --reasons 100 -o "$WORK/w9.csv" "$D/leads.csv"
"$PY" -c 'import csv,sys; a=list(csv.DictReader(open(sys.argv[1]))); b=list(csv.DictReader(open(sys.argv[2]))); sys.exit(not all(x["probability"]==y["probability"] for x,y in zip(a,b)) or len(a)!=len(b))' \
    "$WORK/w9.csv" "$WORK/s.csv" && ok || fail "nine windows: the model's scores differ"
# the model needs the log
expect_exit 2 "scoring without --events" -- "$SCORE" -m "$WORK/log.json" "$D/leads.csv"
expect_in "$WORK/err" 'the model has activity-log features (such as "events: ' "refusal says why"

# ---- training and scoring agree (no outcome date: everyone as of one day) ----
expect_exit 0 "train as of a day, several logs, binned" -- "$TRAIN" -t Converted --id "Prospect ID" \
    --exclude "Outcome Date" --events "$WORK/part1.csv" --events "$WORK/part2.csv" \
    --as-of 2026-06-30 --bins 5 --interactions 0 --event-windows 120,240 --event-half-life 7 \
    --event-types "Demo Request, Video Play" --predictions "$WORK/pred.csv" -o "$WORK/b.json" "$D/leads.csv"
expect_in "$WORK/b.json" '"name": "events: Demo Request (last 120 days)"' "windows as given"
grep -q '"events: Page Visit' "$WORK/b.json" && fail "--event-types not respected" || ok
expect_exit 0 "score the binned model" -- "$SCORE" -m "$WORK/b.json" --events "$WORK/events.csv.gz" \
    --as-of 2026-06-30 --precision 17 -o "$WORK/bs.csv" "$D/leads.csv"
"$PY" - "$WORK/pred.csv" "$WORK/bs.csv" <<'PY' && ok || fail "train/score parity of event features"
import csv, sys
p = [float(r["probability"]) for r in csv.DictReader(open(sys.argv[1]))]
s = [float(r["probability"]) for r in csv.DictReader(open(sys.argv[2]))]
assert len(p) == len(s) == 3000, (len(p), len(s))
worst = max(abs(a - b) for a, b in zip(p, s))
assert worst <= 1e-12, worst
PY
# columns named in the log differently: given on the command line
sed '1s/.*/who,what,when/' "$D/events.csv" >"$WORK/renamed.csv"
expect_exit 0 "score a log with other column names" -- "$SCORE" -m "$WORK/log.json" \
    --events "$WORK/renamed.csv" --event-id who --event-type what --event-time WHEN \
    --as-of 2026-06-30 --precision 17 --reasons 100 -o "$WORK/s6.csv" "$D/leads.csv"
cmp -s "$WORK/s.csv" "$WORK/s6.csv" && ok || fail "renamed log columns score differently"

# ---- usage ----------------------------------------------------------------------
expect_exit 2 "--outcome-date without --events" -- "$TRAIN" -t Converted \
    --outcome-date "Outcome Date" -o "$WORK/x.json" "$D/leads.csv"
expect_in "$WORK/err" '--outcome-date needs an activity log: --events FILE' "option needs a log"
expect_exit 2 "bad --event-windows" -- "$TRAIN" -t Converted "${EV[@]}" --event-windows 7,0 \
    -o "$WORK/x.json" "$D/leads.csv"
expect_exit 2 "an unknown listed type" -- "$TRAIN" -t Converted "${EV[@]}" --event-types "Webinar" \
    -o "$WORK/x.json" "$D/leads.csv"
expect_in "$WORK/err" '--event-types: no counted events of type "Webinar"; the log'"'"'s types: "Page Visit"' \
    "unknown type names the log's types"
expect_exit 2 "--events with a model without event features" -- "$SCORE" -m "$WORK/naive.json" \
    --events "$D/events.csv" "$D/naive.csv"
expect_in "$WORK/err" 'this model has no activity-log features' "needless log refused"
finish
