# Rules sheets over a raw activity log (issue 14): the Spanish example and a
# velocity rule scored by leadscore-score straight from the log, every score
# computed by hand below; gzip and several logs; the log's columns by option;
# the join by the lead id; the comparison against the outcome; spans of days
# between the lead's own dates; and the usage errors.
. "$(dirname "$0")/common.bash"
D="$SRC/tests/data/rules_events"
cd "$WORK" || exit 1
ASOF=2026-11-20

# ---- the Spanish example: 1 point per page visit, 2 per video play, 5 per
# contact-page visit, +10 for three visits or more, a prospect at 50; and
# +15 for a demo requested within 7 days of the first page visit (V1).
# Events after the as-of date (2026-11-20) are not counted.
expect_exit 0 "the Spanish example" -- "$SCORE" --rules "$D/spanish_rules.csv" --events "$D/activity_log.csv" \
    --as-of $ASOF --explain-rules --id "Lead ID" -o spanish.csv "$D/leads.csv"
# L1: 3 visits x 1 + 1 video x 2 + 1 contact visit x 5 + 10 (3 visits >= 3)
#     + 15 (demo 2026-11-07 is 6 days after the first visit 2026-11-01)
L1=$((3 * 1 + 1 * 2 + 1 * 5 + 10 + 15))
# L2: 2 visits x 1 + 2 videos x 2; its demo (2026-11-30) is after the as-of date
L2=$((2 * 1 + 2 * 2))
# L3: 4 visits x 1 (the 5th, 2026-12-01, is after the as-of date) + 2 contact
#     visits x 5 + 10; its demo (2026-10-09) is 8 days after the first visit
L3=$((4 * 1 + 2 * 5 + 10))
# L4: 5 visits x 1 + 5 videos x 2 + 4 contact visits x 5 + 10 + 15 (demo 2
#     days after the first visit): a prospect
L4=$((5 * 1 + 5 * 2 + 4 * 5 + 10 + 15))
# L5: no events
L5=0
[ "$(cut -d, -f2 spanish.csv | tail -n +2 | tr '\n' ' ')" = "$L1 $L2 $L3 $L4 $L5 " ] && ok ||
    fail "Spanish example scores: $(cut -d, -f2 spanish.csv | tr '\n' ' '), expected $L1 $L2 $L3 $L4 $L5"
[ "$L1 $L2 $L3 $L4" = "35 6 24 60" ] && ok || fail "the arithmetic above"
[ "$(cut -d, -f4 spanish.csv | tail -n +2 | tr '\n' ' ')" = "0 0 0 1 0 " ] && ok || fail "only L4 qualifies (60 >= 50)"
cmp -s "$D/expected_spanish.csv" spanish.csv && ok || { fail "Spanish example differs from expected_spanish.csv"; diff "$D/expected_spanish.csv" spanish.csv | head -5; }
expect_in "$WORK/err" "note: activity log $D/activity_log.csv: 33 events counted of 35 rows (columns \"Lead ID\", \"Activity Type\", \"Timestamp\"); 2 after the as-of date not counted" "what was read"
expect_in "$WORK/err" "rule scores: 5 rows, average 25.0, 1 qualified" "summary"

# the same from a gzip log, from the log cut in two files, from stdin
gzip -c "$D/activity_log.csv" >log.csv.gz
expect_exit 0 "gzip log" -- "$SCORE" -q --rules "$D/spanish_rules.csv" --events log.csv.gz --as-of $ASOF \
    --explain-rules --id "Lead ID" -o gz.csv "$D/leads.csv"
cmp -s "$D/expected_spanish.csv" gz.csv && ok || fail "gzip log scores differ"
head -20 "$D/activity_log.csv" >part1.csv
{ head -1 "$D/activity_log.csv"; tail -n +21 "$D/activity_log.csv"; } >part2.csv
expect_exit 0 "two logs" -- "$SCORE" -q --rules "$D/spanish_rules.csv" --events part1.csv --events part2.csv \
    --as-of $ASOF --explain-rules --id "Lead ID" -o two.csv "$D/leads.csv"
cmp -s "$D/expected_spanish.csv" two.csv && ok || fail "two logs: scores differ"
expect_exit 0 "log on stdin" -- sh -c "'$SCORE' -q --rules '$D/spanish_rules.csv' --events - --as-of $ASOF --explain-rules --id 'Lead ID' -o stdin.csv '$D/leads.csv' <'$D/activity_log.csv'"
cmp -s "$D/expected_spanish.csv" stdin.csv && ok || fail "log on stdin: scores differ"

# the log's own column names, given by option; the join then needs --id
sed '1s/.*/lead,what,when,url/' "$D/activity_log.csv" >renamed.csv
expect_exit 0 "columns by option" -- "$SCORE" -q --rules "$D/spanish_rules.csv" --events renamed.csv \
    --event-id lead --event-type what --event-time when --as-of $ASOF --explain-rules --id "Lead ID" \
    -o renamed_scores.csv "$D/leads.csv"
cmp -s "$D/expected_spanish.csv" renamed_scores.csv && ok || fail "renamed columns: scores differ"
# without --id the input's column named like the log's id column joins: none here
expect_exit 1 "no lead id column" -- "$SCORE" -q --rules "$D/spanish_rules.csv" --events renamed.csv \
    --event-id lead --event-type what --event-time when --as-of $ASOF "$D/leads.csv"
expect_in "$WORK/err" "unknown column \"lead\" in the input for the lead id (named like the activity log's id column; name the input's with --id COL) (did you mean \"Lead ID\"?); the header has: \"Lead ID\"" "the join explained"
# ... and with it named like the log's (no --id): the scores
expect_exit 0 "join by the log's id column name" -- "$SCORE" -q --rules "$D/spanish_rules.csv" \
    --events "$D/activity_log.csv" --as-of $ASOF "$D/leads.csv"
[ "$(cut -d, -f1 "$WORK/out" | tail -n +2 | tr '\n' ' ')" = "$L1 $L2 $L3 $L4 $L5 " ] && ok || fail "join without --id"

# ---- the comparison against the outcome works with event rules
expect_exit 0 "compare" -- "$SCORE" -q --rules "$D/spanish_rules.csv" --events "$D/activity_log.csv" \
    --as-of $ASOF --id "Lead ID" --label Converted --compare-json cmp.json -o cmp_scores.csv "$D/leads.csv"
"$PY" - cmp.json <<'PYEOF' && ok || fail "comparison of event rules"
import json, sys
c = json.load(open(sys.argv[1]))
rules = {r["rule"]: r for r in c["rules_validation"]}
# S1 fires for L1-L4, S2 for L1, L2, L4, S3 for L1, L3, L4, S4 for L1, L3, L4,
# V1 for L1 and L4 (both converted)
want = {"S1": 4, "S2": 3, "S3": 3, "S4": 3, "V1": 2}
got = {k: rules[k]["support"] for k in want}
assert got == want, got
assert rules["V1"]["conversion_rate_matched"] == 1.0
assert rules["S1"]["per_unit"] and not rules["V1"]["per_unit"]
assert c["rules"]["auc"] == 1.0, c["rules"]["auc"]
PYEOF

# ---- spans of days on the lead's own dates and a velocity from one
cat >days_rules.csv <<'EOF'
id,dimension,column,operator,value,points,cap,description
D1,engagement,days between Created Date and first Demo Request,<=,30,+4,,demo within a month of creation
D2,engagement,Page Visit,events,at least 2 in last 7 days,+3,,recent visits
D3,engagement,days from first event to first Demo Request,per unit,1,-1,5,-1 a day from the first activity to the demo
setting,total,,allow negative,yes,,,
EOF
expect_exit 0 "spans of days" -- "$SCORE" -q --rules days_rules.csv --events "$D/activity_log.csv" \
    --as-of $ASOF --explain-rules --id "Lead ID" -o days.csv "$D/leads.csv"
# L1: demo 2026-11-07 - created 2026-10-20 = 18 <= 30: +4; no visit since
#     2026-11-14; first event 2026-11-01 to the demo: 6 days x -1 = -6, cap 5: -5
# L2: no counted demo; visits 2026-11-15 and -16: +3
# L3: no created date; first event 2026-10-01 to the demo 2026-10-09: 8 x -1, cap: -5
# L4: demo 94 days after creation; first event to demo 2 days: -2
# L5: nothing
[ "$(cut -d, -f8 days.csv | tail -n +2 | tr '\n' ' ')" = "D1:+4;D3:-5 D2:+3 D3:-5 D3:-2  " ] && ok ||
    fail "spans of days: $(cut -d, -f8 days.csv | tr '\n' ' ')"
[ "$(cut -d, -f2 days.csv | tail -n +2 | tr '\n' ' ')" = "$((4 - 5)) 3 -5 -2 0 " ] && ok || fail "span scores"

# ---- a model with activity-log features and the sheet's event rules read one
# --events: the rules' columns equal those of the sheet alone (the join: the
# model's id column when --id is not given)
"$PY" - <<'PYEOF' || fail "model data"
import csv, random
random.seed(5)
types = ["Page Visit", "Video Play", "Contact Page Visit", "Demo Request"]
with open("m_leads.csv", "w", newline="") as fl, open("m_log.csv", "w", newline="") as fe:
    leads, log = csv.writer(fl), csv.writer(fe)
    leads.writerow(["Lead ID", "Country", "Converted"])
    log.writerow(["Lead ID", "Activity Type", "Timestamp"])
    for i in range(400):
        n = [random.randint(0, k) for k in (12, 4, 2, 1)]
        for t, c in zip(types, n):
            for _ in range(c):
                log.writerow([f"M{i}", t, f"2026-{random.randint(8, 11):02d}-{random.randint(1, 19):02d}"])
        p = min(0.9, 0.05 + 0.03 * n[0] + 0.1 * n[2] + 0.2 * n[3])
        leads.writerow([f"M{i}", random.choice(["Spain", "Chile"]), int(random.random() < p)])
PYEOF
expect_exit 0 "train with the log" -- "$TRAIN" -q --target Converted --id "Lead ID" --events m_log.csv \
    --as-of $ASOF -o m_ev.json m_leads.csv
expect_exit 0 "model and rules, one log" -- "$SCORE" -q -m m_ev.json --rules "$D/spanish_rules.csv" \
    --events m_log.csv --as-of $ASOF --explain-rules -o m_both.csv m_leads.csv
expect_exit 0 "rules alone" -- "$SCORE" -q --rules "$D/spanish_rules.csv" --events m_log.csv --as-of $ASOF \
    --explain-rules --id "Lead ID" -o m_rules.csv m_leads.csv
"$PY" - m_both.csv m_rules.csv <<'PYEOF' && ok || fail "the rules beside the model differ from the rules alone"
import csv, sys
a = list(csv.DictReader(open(sys.argv[1])))
b = list(csv.DictReader(open(sys.argv[2])))
cols = ["rule_score", "rule_qualified", "engagement_points", "rule_reasons", "rule_values"]
assert len(a) == len(b) == 400
assert all(x["Lead ID"] == y["Lead ID"] and all(x[c] == y[c] for c in cols) for x, y in zip(a, b))
assert all(x["probability"] for x in a)
assert sum(1 for x in a if x["rule_reasons"]) > 300
PYEOF

# ---- a type the log lacks: a warning naming the rule, with the closest type
sed 's/,Video Play,/,Video Ply,/' "$D/spanish_rules.csv" >misspelt.csv
expect_exit 0 "misspelt type" -- "$SCORE" --rules misspelt.csv --events "$D/activity_log.csv" --as-of $ASOF \
    --id "Lead ID" -o misspelt_scores.csv "$D/leads.csv"
expect_in "$WORK/err" "warning: rule S2: the activity log has no events of type \"Video Ply\" (did you mean \"Video Play\"?" "misspelt type warned"

# ---- usage errors (exit 2) before any work
expect_exit 2 "event rules without --events" -- "$SCORE" --rules "$D/spanish_rules.csv" --as-of $ASOF -o never.csv "$D/leads.csv"
expect_in "$WORK/err" "rule S1 of the sheet reads an activity log: give it with --events FILE" "--events asked for"
[ ! -e never.csv ] && ok || fail "output written without --events"
expect_exit 2 "--events with neither a sheet nor a model" -- "$SCORE" --events "$D/activity_log.csv" "$D/leads.csv"
expect_exit 2 "--event-type without --events" -- "$SCORE" --rules "$D/spanish_rules.csv" --event-type x "$D/leads.csv"
expect_exit 2 "a log column that is not there" -- "$SCORE" --rules "$D/spanish_rules.csv" --events "$D/activity_log.csv" \
    --event-type "Activity" --as-of $ASOF "$D/leads.csv"
expect_in "$WORK/err" "Activity" "the missing log column named"
finish
