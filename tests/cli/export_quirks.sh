# Exports as they really are (issue 14, section 3, the command-line part):
# a numeric id column, target and label values, column names given on the
# command line, --na-values lists, output paths checked before the work, and
# the --as-of date recorded. The catalogue (catalogue.sh, T100-T129 and
# S60-S79) holds the messages; this file checks what they do.
. "$(dirname "$0")/common.bash"
cd "$WORK" || exit 1

# leads.csv: 1200 leads, lead_number increasing with the row order and (as in
# a real export, where later leads convert more) related to the outcome.
"$PY" - <<'PYEOF' || fail "generate leads.csv"
import math, random
random.seed(14)
with open("leads.csv", "w", newline="") as f:
    f.write("Lead Number,Visits,Source,Stage\n")
    for i in range(1200):
        s = random.choice(["web", "email", "phone", "event"])
        v = random.randint(0, 20)
        eta = (v - 10) / 4 + (0.8 if s == "web" else 0) + (i - 600) / 600
        won = random.random() < 1 / (1 + math.exp(-eta))
        stage = "Closed Won" if won else random.choice(["Closed Lost", "Closed Lost", "Open"])
        f.write("%d,%d,%s,%s\n" % (660000 + i, v, s, stage))
PYEOF
features() { "$PY" -c 'import json, sys; print(" ".join(c["name"] for c in json.load(open(sys.argv[1]))["columns"]))' "$1"; }

# ---- 1. a numeric id column --------------------------------------------------------
T=("$TRAIN" --target Stage --positive "Closed Won")
expect_exit 0 "lead number excluded" -- "${T[@]}" -o id1.json leads.csv
expect_in err 'warning: id_like: column "Lead Number" holds whole numbers, 1200 distinct in 1200 rows, increasing with the row order' "numeric id named"
case " $(features id1.json) " in *" Lead Number "*) fail "Lead Number is a feature" ;; *) ok ;; esac
expect_in id1.json '"code": "id_like"' "warning stored in the model"
expect_exit 0 "kept with --keep-feature" -- "${T[@]}" --keep-feature "Lead Number" -o id2.json leads.csv
grep -q "id_like" err && fail "id_like despite --keep-feature" || ok
case " $(features id2.json) " in *" Lead Number "*) ok ;; *) fail "Lead Number not kept" ;; esac
expect_in id2.json '"keep_features": [' "--keep-feature recorded for --like"
expect_exit 0 "--like keeps it kept" -- "$TRAIN" --like id2.json -o id3.json leads.csv
case " $(features id3.json) " in *" Lead Number "*) ok ;; *) fail "--like lost --keep-feature" ;; esac
expect_exit 0 "named as an id" -- "${T[@]}" --id "Lead Number" -o id4.json leads.csv
grep -q "id_like" err && fail "id_like for an --id column" || ok
# shuffled rows: all distinct still makes it an id; a count sorted by the rows
# (many repeats) is not one
{ head -1 leads.csv; tail -n +2 leads.csv | "$PY" -c 'import random, sys; l = sys.stdin.readlines(); random.Random(1).shuffle(l); sys.stdout.writelines(l)'; } >shuffled.csv
expect_exit 0 "shuffled lead numbers" -- "${T[@]}" -o id5.json shuffled.csv
expect_in err 'column "Lead Number" holds whole numbers, 1200 distinct in 1200 rows: a record number' "shuffled id named"
{ head -1 leads.csv; tail -n +2 leads.csv | sort -t, -k2,2n; } >by_visits.csv
expect_exit 0 "sorted by a count" -- "${T[@]}" -o id6.json by_visits.csv
grep -q 'id_like: column "Visits"' err && fail "a sorted count called an id" || ok
case " $(features id6.json) " in *" Visits "*) ok ;; *) fail "Visits dropped" ;; esac

if [ -f "$SHARED/xeducation_leads.csv" ]; then
    expect_exit 0 "X Education" -- "$TRAIN" --target Converted --id "Prospect ID" --na-values Select \
        -o x.json "$SHARED/xeducation_leads.csv"
    expect_in err 'warning: id_like: column "Lead Number" holds whole numbers, 9240 distinct in 9240 rows' "Lead Number excluded"
    case " $(features x.json) " in *" Lead Number "*) fail "Lead Number a feature of the real data" ;; *) ok ;; esac
fi

# ---- 2. target and label values -------------------------------------------------------
same_fit() { # two models with the same columns and coefficients
    "$PY" -c 'import json, sys
a, b = (json.load(open(f)) for f in sys.argv[1:3])
sys.exit(0 if a["columns"] == b["columns"] and a["features"] == b["features"] else 1)' "$1" "$2"
}
nopen=$(grep -c ',Open$' leads.csv)
nwon=$(grep -c ',Closed Won$' leads.csv)
expect_exit 0 "--positive exact" -- "$TRAIN" --target Stage --positive "Closed Won" -o p1.json leads.csv
expect_in err 'rows count as not converted: "Closed Lost" (' "the not-converted values listed"
expect_in err "\"Open\" ($nopen)" "Open counted in the note"
expect_in err "name the values that mean not converted with --negative VALUE" "the note points to --negative"
grep -q "ignoring case" err && fail "an exact match called case-insensitive" || ok
expect_exit 0 "--positive in another case" -- "$TRAIN" --target Stage --positive "closed won" -o p2.json leads.csv
expect_in err "note: --positive \"closed won\" matched \"Closed Won\" of target \"Stage\" ignoring case ($nwon rows)" "said so"
same_fit p1.json p2.json && ok || fail "case-insensitive --positive fits another model"
expect_exit 0 "--negative skips the others" -- "$TRAIN" --target Stage --positive "Closed Won" \
    --negative "Closed Lost" --keep-feature "Lead Number" -o n1.json leads.csv
expect_in err "note: skipped $nopen rows whose target is \"Open\" (neither a --positive nor a --negative value)" "skipped by value"
expect_in err "$nopen skipped (target neither --positive nor --negative)" "skipped in the summary"
grep -v ',Open$' leads.csv >decided.csv
expect_exit 0 "the file without the open deals" -- "$TRAIN" --target Stage --positive "Closed Won" \
    --keep-feature "Lead Number" -o n2.json decided.csv
same_fit n1.json n2.json && ok || fail "--negative does not fit the model of the decided rows"
"$PY" -c 'import json, sys; m = json.load(open(sys.argv[1])); sys.exit(0 if m["options"]["negative"] == ["Closed Lost"] else 1)' n1.json &&
    ok || fail "--negative not recorded"
expect_exit 0 "--like keeps --negative" -- "$TRAIN" --like n1.json -o n3.json leads.csv
same_fit n1.json n3.json && ok || fail "--like lost --negative"
expect_exit 2 "--negative without --positive" -- "$TRAIN" --target Stage --negative Open -o n4.json leads.csv
expect_in err "--negative needs --positive VALUE" "usage message"
# the scorer's --label: the same rule
cut -d, -f1-3 leads.csv >new.csv
expect_exit 0 "score with a label" -- "$SCORE" -m p1.json --label Stage --positive "closed won" \
    --negative "closed lost" --compare-json cmp.json -o s.csv leads.csv
expect_in err "note: --positive \"closed won\" matched \"Closed Won\" of label \"Stage\" ignoring case ($nwon rows)" "label matched ignoring case"
expect_in err "note: skipped $nopen rows whose label is \"Open\"" "label skipped by value"
expect_in err "$nopen with a label neither --positive nor --negative" "the report counts them"
expect_in cmp.json "\"rows_skipped_label_value\": $nopen" "JSON counts them"
expect_in cmp.json "\"positives\": $nwon" "converted labels"
expect_in cmp.json "\"rows\": $((1200 - nopen))" "compared rows"
expect_exit 2 "score --negative without --positive" -- "$SCORE" -m p1.json --label Stage --negative Open \
    -o s2.csv leads.csv
expect_in err "--negative needs --positive VALUE" "scorer usage message"

# ---- 3. column names on the command line -----------------------------------------------
expect_exit 0 "names in another case" -- "$TRAIN" --target stage --positive "Closed Won" \
    --id "lead number" --exclude source -o c1.json leads.csv
expect_in err 'note: --target "stage" is column "Stage" (matched ignoring case)' "target matched ignoring case"
expect_in err 'note: --id "lead number" is column "Lead Number" (matched ignoring case)' "id matched ignoring case"
expect_in err 'note: --exclude "source" is column "Source" (matched ignoring case)' "exclude matched ignoring case"
expect_exit 0 "the same names exactly" -- "$TRAIN" --target Stage --positive "Closed Won" \
    --id "Lead Number" --exclude Source -o c2.json leads.csv
same_fit c1.json c2.json && ok || fail "names in another case fit another model"
"$PY" -c 'import json, sys
m = json.load(open(sys.argv[1]))
r, o = m["roles"], m["options"]
sys.exit(0 if r["target"] == o["target"] == "Stage" and r["ids"] == o["id"] == ["Lead Number"] and o["exclude"] == ["Source"] else 1)' c1.json &&
    ok || fail "the model does not record the names as the header spells them"
expect_exit 2 "a misspelt column" -- "$TRAIN" --target Stage --positive "Closed Won" --weight Vists -o c3.json leads.csv
expect_in err 'unknown column "Vists" in --weight (did you mean "Visits"?); the header has: "Lead Number", "Visits", "Source", "Stage"' "did you mean"
[ ! -e c3.json ] && ok || fail "a model written after a usage error"
for opt in --include --numeric --categorical --keep-feature --days-since --split-date --account-column; do
    extra=()
    [ "$opt" = --split-date ] && extra=(--cutoff 2026-01-01)
    expect_exit 2 "$opt misspelt" -- "$TRAIN" --target Stage --positive "Closed Won" "$opt" Sorce "${extra[@]}" -o c4.json leads.csv
    expect_in err "unknown column \"Sorce\" in $opt (did you mean \"Source\"?)" "$opt: did you mean"
done
sed '1s/Visits/VISITS,Visits/; 2,$s/^\([0-9]*\),\([0-9]*\),/\1,\2,\2,/' leads.csv >twice.csv
expect_exit 2 "a name two columns match ignoring case" -- "$TRAIN" --target Stage --positive "Closed Won" \
    --exclude visits -o c5.json twice.csv
expect_in err 'column "visits" in --exclude matches "VISITS", "Visits" ignoring case: give the exact name' "ambiguous named"
expect_exit 0 "the exact one of the two" -- "$TRAIN" --target Stage --positive "Closed Won" \
    --exclude Visits -o c5.json twice.csv
# the scorer's options: --id, --label, --rule-score-column
expect_exit 0 "scorer names in another case" -- "$SCORE" -m c2.json --id "lead number" --label stage \
    --positive "Closed Won" -o s3.csv leads.csv
expect_in err 'note: --id "lead number" is column "Lead Number"; --label "stage" is column "Stage" (matched ignoring case)' "scorer notes"
[ "$(head -1 s3.csv | cut -d, -f1)" = "Lead Number" ] && ok || fail "the scores' id column not spelt as the input's"
expect_exit 2 "scorer: a misspelt label" -- "$SCORE" -m c2.json --label Stag --positive "Closed Won" -o s4.csv leads.csv
expect_in err 'unknown column "Stag" in --label (did you mean "Stage"?); the header has:' "scorer did you mean"
expect_exit 2 "scorer: a misspelt id" -- "$SCORE" -m c2.json --id "Lead Nmber" -o s4.csv leads.csv
expect_in err 'unknown column "Lead Nmber" in --id (did you mean "Lead Number"?)' "scorer id did you mean"
expect_exit 2 "scorer: a misspelt rule score column" -- "$SCORE" --rule-score-column visit -o s4.csv leads.csv
expect_in err 'unknown column "visit" in --rule-score-column (did you mean "Visits"?)' "rule score column"
# the rules sheet: the same lookup, the same message
printf 'id,dimension,column,operator,value,points\nR1,engagement,visits,>=,10,20\nR2,fit,Sorce,equals,web,10\n' >sheet.csv
expect_exit 1 "a rules sheet with a misspelt column" -- "$SCORE" --rules sheet.csv -o s5.csv leads.csv
expect_in err 'sheet.csv:3:3: unknown column "Sorce" in rule R2 (did you mean "Source"?); the header has: "Lead Number", "Visits", "Source", "Stage"' "the sheet's message"

# activity-log columns and --outcome-date: the same lookup
awk -F, 'NR == 1 { print "Lead ID,Activity,Created At"; next } { print $1 ",visit,2026-01-0" (NR % 9 + 1) }' leads.csv >log.csv
awk -F, -v OFS=, 'NR == 1 { print $0, "Closed On"; next } { print $0, "2026-02-01" }' leads.csv >leads_o.csv
E=("$TRAIN" --target Stage --positive "Closed Won" --id "Lead Number" --events log.csv)
expect_exit 0 "event and outcome columns in another case" -- "${E[@]}" --event-id "lead id" \
    --event-time "created at" --outcome-date "closed on" -o e1.json leads_o.csv
expect_in err 'note: --outcome-date "closed on" is column "Closed On" (matched ignoring case)' "outcome date matched"
expect_exit 2 "a misspelt event column" -- "${E[@]}" --event-time "create at" -o e2.json leads_o.csv
expect_in err 'log.csv: unknown column "create at" in --event-time (did you mean "Created At"?); the header has: "Lead ID", "Activity", "Created At"' "event column did you mean"
expect_exit 2 "a shortened outcome column" -- "${E[@]}" --outcome-date Closed -o e2.json leads_o.csv
expect_in err 'unknown column "Closed" in --outcome-date (did you mean "Closed On"?)' "outcome did you mean"

# ---- 4. --na-values: "," or ";" ---------------------------------------------------------
"$PY" - <<'PYEOF' || fail "generate na.csv"
import random
random.seed(4)
with open("na.csv", "w") as f:
    f.write("id,source,visits,won\n")
    for i in range(600):
        s = random.choice(["web", "email", "Select", "Unknown", "-"])
        v = random.randint(0, 20)
        f.write("L%d,%s,%s,%d\n" % (i, s, v if random.random() > 0.2 else random.choice(["Select", "-"]), random.random() < (0.7 if s == "web" else 0.3)))
PYEOF
N=("$TRAIN" -q --target won --id id)
expect_exit 0 "--na-values with commas" -- "${N[@]}" --na-values "Select,Unknown,-" -o na1.json na.csv
expect_exit 0 "--na-values with semicolons" -- "${N[@]}" --na-values "Select;Unknown;-" -o na2.json na.csv
expect_exit 0 "--na-values mixed, with spaces" -- "${N[@]}" --na-values "Select; Unknown ,-" -o na3.json na.csv
expect_exit 0 "--na-values repeated" -- "${N[@]}" --na-values Select --na-values "Unknown;-" -o na4.json na.csv
for f in na2 na3 na4; do
    same_fit na1.json $f.json && ok || fail "$f: another model than with commas"
done
"$PY" -c 'import json, sys; m = json.load(open(sys.argv[1])); sys.exit(0 if m["roles"]["na_values"] == ["Select", "Unknown", "-"] else 1)' na3.json &&
    ok || fail "the tokens are not split and trimmed"
"$PY" -c 'import json, sys; m = json.load(open(sys.argv[1])); sys.exit(0 if [c["type"] for c in m["columns"] if c["name"] == "visits"] == ["numeric"] else 1)' na2.json &&
    ok || fail "visits not numeric once the tokens are missing"

# ---- 5. output paths checked before the work ---------------------------------------------
mkdir -p nomodels && cp leads.csv nomodels/ && sed '5s/,[^,]*$//' leads.csv >nomodels/ragged.csv
# the default -o: said at once, with the way out; a broken input is not even read
(cd nomodels && "$TRAIN" --target Stage --positive "Closed Won" ragged.csv) >out 2>err
[ $? -eq 1 ] && ok || fail "default model folder missing: exit"
expect_in err 'models/model.json: the folder "models" of the default model file does not exist: create it (mkdir models) or name the model file with -o FILE' "default folder message"
grep -q "ragged\|expected 4 fields\|warning\|rows:" err && fail "the input was read before the output was checked" || ok
mkdir -p nomodels/models
(cd nomodels && "$TRAIN" -q --target Stage --positive "Closed Won" leads.csv) >out 2>err && ok || fail "default model file once models/ exists"
[ -s nomodels/models/model.json ] && ok || fail "models/model.json not written"
for opt in -o --report --predictions --export-design; do
    args=(-o n5.json)
    [ "$opt" = -o ] && args=()
    expect_exit 1 "$opt in a missing folder" -- "$TRAIN" --target Stage --positive "Closed Won" "${args[@]}" \
        "$opt" no_dir/out.x nomodels/ragged.csv
    expect_in err 'no_dir/out.x: the folder "no_dir" does not exist: create it first (mkdir -p no_dir)' "$opt: folder named first"
done
expect_exit 1 "an unwritable folder (/proc)" -- "$TRAIN" --target Stage --positive "Closed Won" \
    -o /proc/leadscore-m.json nomodels/ragged.csv
expect_in err '/proc/leadscore-m.json: cannot create a file in the folder "/proc"' "unwritable folder"
# the scorer: every output, also those written after the pass
printf 'Lead Number,Visits,Source,Stage\n1,3,web,Closed Won\n2,4,email,Maybe\n' >bad_labels.csv
for opt in -o --rejects --compare-json --compare-report --drift-json; do
    args=(-o s6.csv)
    [ "$opt" = -o ] && args=()
    expect_exit 1 "scorer $opt in a missing folder" -- "$SCORE" -m c2.json --label Stage "${args[@]}" \
        "$opt" no_dir/out.x bad_labels.csv
    expect_in err 'no_dir/out.x: the folder "no_dir" does not exist' "scorer $opt: folder named first"
    [ ! -e s6.csv ] && ok || fail "scorer $opt: scores written"
done

# ---- 6. the as-of date, recorded ---------------------------------------------------------
today=$(date -u +%Y-%m-%d)
awk -F, -v OFS=, 'NR == 1 { print $0, "Created"; next } { printf "%s,2026-%02d-%02d\n", $0, NR % 12 + 1, NR % 28 + 1 }' leads.csv >dated.csv
D=("$TRAIN" --target Stage --positive "Closed Won" --id "Lead Number" --days-since Created)
expect_exit 0 "days since, as of today" -- "${D[@]}" -o a1.json dated.csv
expect_in err "as of $today (today, UTC; set another with --as-of): dates and activity are measured from this day (stored in the model)" "trainer summary: today"
"$PY" -c 'import json, sys; sys.exit(0 if json.load(open(sys.argv[1]))["options"]["as_of"] == sys.argv[2] else 1)' a1.json "$today" &&
    ok || fail "today not stored in the model"
expect_exit 0 "days since, --as-of" -- "${D[@]}" --as-of 2027-01-31 -o a2.json dated.csv
expect_in err "as of 2027-01-31 (--as-of): dates and activity are measured from this day" "trainer summary: --as-of"
expect_exit 0 "no derived feature" -- "$TRAIN" --target Stage --positive "Closed Won" --id "Lead Number" -o a3.json dated.csv
grep -q "^as of" err && fail "an as-of line without a feature that uses it" || ok
expect_exit 0 "score as of today" -- "$SCORE" -m a1.json --label Stage --positive "Closed Won" \
    --compare-json a1c.json -o a1s.csv dated.csv
expect_in err "as of $today (today, UTC; set another with --as-of)" "scorer summary: today"
expect_in a1c.json "\"as_of\": \"$today\"" "comparison JSON: today"
expect_exit 0 "score --as-of" -- "$SCORE" -m a1.json --as-of 2027-01-31 --label Stage --positive "Closed Won" \
    --compare-json a2c.json -o a2s.csv dated.csv
expect_in err "as of 2027-01-31 (--as-of)" "scorer summary: --as-of"
expect_in a2c.json '"as_of": "2027-01-31"' "comparison JSON: --as-of"
expect_exit 0 "score a model without dates" -- "$SCORE" -m a3.json -o a3s.csv dated.csv
grep -q "^as of" err && fail "scorer: an as-of line though nothing uses it" || ok
printf 'id,dimension,column,operator,value,points\nR1,engagement,Created,within,30 days,10\n' >dated_sheet.csv
expect_exit 0 "a sheet with a date rule" -- "$SCORE" --rules dated_sheet.csv --as-of 2026-06-30 -o a4s.csv dated.csv
expect_in err "as of 2026-06-30 (--as-of)" "scorer summary for date rules"

finish
