# --emit-sql sqlite: the generated SELECT, run by the sqlite3 CLI on the
# sample leads (plus edge cases: padding, NA tokens, number syntax, text in a
# numeric column, unseen levels, quotes in names and levels), gives every
# lead the C scorer's probability (to 1e-9), score, tier and rejection.
. "$(dirname "$0")/common.bash"
if ! command -v sqlite3 >/dev/null 2>&1; then
    if [ -n "${CI:-}" ]; then echo "FAIL: sqlite3 is required when CI is set" >&2; exit 1; fi
    echo "skipped: sqlite3 not installed (apt-get install sqlite3)"
    exit 77
fi
H="$SRC/tests/cli/sql_helpers.py"
"$PY" "$H" make "$SRC/datasets/sample_leads.csv" "$WORK" || fail "test data"
expect_exit 0 "train" -- "$TRAIN" -q --target Converted --id "Lead ID" --exclude Email --exclude Company \
    --exclude "Last Activity Date" --exclude "Created Date" --na-values Select -o "$WORK/m.json" "$WORK/train.csv"
grep -q "O'Brien" "$WORK/m.json" && ok || fail "the quoted level is not a level of the model"
expect_exit 3 "C scores (edge rows rejected)" -- "$SCORE" -q -m "$WORK/m.json" --precision 17 -o "$WORK/c.csv" "$WORK/score.csv"
expect_exit 0 "emit sqlite" -- "$SCORE" -m "$WORK/m.json" --emit-sql sqlite --table "lead's table" -o "$WORK/s.sql"
expect_in "$WORK/s.sql" "FROM \"lead's table\"" "quoted table"
expect_in "$WORK/s.sql" "'Media & \"Press\" O''Brien'" "quoted level"
{
    printf '.import --csv "%s" "lead'"'"'s table"\n' "$WORK/score.csv"
    printf 'CREATE TABLE scored AS\n'
    cat "$WORK/s.sql"
    printf '.headers on\n.mode csv\n'
    printf 'SELECT "Lead ID", CASE WHEN probability IS NULL THEN NULL ELSE printf('"'"'%%.17g'"'"', probability) END AS probability, score, tier, error FROM scored;\n'
} >"$WORK/run.sql"
expect_exit 0 "sqlite3 runs the SELECT" -- sqlite3 -bail "$WORK/db.sqlite" ".read $WORK/run.sql"
cp "$WORK/out" "$WORK/sqlite.csv"
expect_exit 0 "SQLite scores equal the C scorer's" -- "$PY" "$H" compare "$WORK/c.csv" "$WORK/sqlite.csv"
cat "$WORK/out"
# numbers stored as such (REAL/INTEGER columns) are read as they are
cat >"$WORK/typed.sql" <<'SQLEOF'
CREATE TABLE typed AS SELECT * FROM "lead's table" WHERE "Lead ID" NOT LIKE 'EDGE%';
ALTER TABLE typed RENAME COLUMN "Website Visits" TO wv_text;
ALTER TABLE typed ADD COLUMN "Website Visits" INTEGER;
UPDATE typed SET "Website Visits" = CASE WHEN wv_text GLOB '[0-9]*' THEN CAST(wv_text AS INTEGER) END;
ALTER TABLE typed RENAME COLUMN "Time on Site (min)" TO ts_text;
ALTER TABLE typed ADD COLUMN "Time on Site (min)" REAL;
UPDATE typed SET "Time on Site (min)" = CASE WHEN ts_text GLOB '[0-9]*' THEN CAST(ts_text AS REAL) END;
SQLEOF
expect_exit 0 "emit for typed" -- "$SCORE" -m "$WORK/m.json" --emit-sql sqlite --table main.typed -o "$WORK/t.sql"
{
    printf '.headers on\n.mode csv\nCREATE TABLE scored2 AS\n'
    cat "$WORK/t.sql"
    printf 'SELECT "Lead ID", printf('"'"'%%.17g'"'"', probability) AS probability, score, tier, error FROM scored2;\n'
    printf 'SELECT count(*) FROM typed WHERE typeof("Time on Site (min)") = '"'real'"';\n'
} >"$WORK/run2.sql"
expect_exit 0 "sqlite3 on typed columns" -- sqlite3 -bail "$WORK/db.sqlite" ".read $WORK/typed.sql" ".read $WORK/run2.sql"
grep -v '^EDGE' "$WORK/c.csv" >"$WORK/c_noedge.csv"
head -n 4001 "$WORK/out" >"$WORK/typed.csv"
[ "$(tail -n 1 "$WORK/out" | tr -d '\r')" -gt 3000 ] && ok || fail "the typed column holds no REAL values"
expect_exit 0 "typed columns equal the C scorer's" -- "$PY" "$H" compare "$WORK/c_noedge.csv" "$WORK/typed.csv"
cat "$WORK/out"
# a model without numeric columns (no CASE over rejections)
expect_exit 0 "train categorical-only" -- "$TRAIN" -q --target Converted --id "Lead ID" --include "Lead Source" \
    --include Industry -o "$WORK/mc.json" "$WORK/train.csv"
expect_exit 0 "C scores, categorical-only" -- "$SCORE" -q -m "$WORK/mc.json" --precision 17 -o "$WORK/cc.csv" "$WORK/score.csv"
expect_exit 0 "emit categorical-only" -- "$SCORE" -m "$WORK/mc.json" --emit-sql sqlite --table "lead's table" -o "$WORK/mc.sql"
{
    printf '.headers on\n.mode csv\nCREATE TABLE scored3 AS\n'
    cat "$WORK/mc.sql"
    printf 'SELECT "Lead ID", printf('"'"'%%.17g'"'"', probability) AS probability, score, tier, error FROM scored3;\n'
} >"$WORK/run3.sql"
expect_exit 0 "sqlite3, categorical-only" -- sqlite3 -bail "$WORK/db.sqlite" ".read $WORK/run3.sql"
cp "$WORK/out" "$WORK/cat.csv"
expect_exit 0 "categorical-only equal the C scorer's" -- "$PY" "$H" compare "$WORK/cc.csv" "$WORK/cat.csv"
cat "$WORK/out"
# derived features: "days since" (as of a fixed date) and leads per account
expect_exit 0 "train with derived features" -- "$TRAIN" -q --target Converted --id "Lead ID" --exclude Email \
    --exclude "Created Date" --na-values Select --days-since "Last Activity Date" --account-column Company \
    --as-of 2025-06-30 -o "$WORK/md.json" "$WORK/train.csv"
expect_exit 3 "C scores, derived" -- "$SCORE" -q -m "$WORK/md.json" --as-of 2025-06-30 --precision 17 -o "$WORK/cd.csv" "$WORK/score.csv"
expect_exit 0 "emit derived" -- "$SCORE" -m "$WORK/md.json" --emit-sql sqlite --as-of 2025-06-30 --table "lead's table" -o "$WORK/md.sql"
expect_in "$WORK/md.sql" "as of 2025-06-30" "the as-of date is stated"
expect_in "$WORK/md.sql" "SUM(nw_" "account count: the reference plus a window over the table"
expect_in "$WORK/md.sql" "acct_lead(k, i) AS (VALUES" "the model's reference as a VALUES CTE"
{
    printf '.headers on\n.mode csv\nCREATE TABLE scored4 AS\n'
    cat "$WORK/md.sql"
    printf 'SELECT "Lead ID", CASE WHEN probability IS NULL THEN NULL ELSE printf('"'"'%%.17g'"'"', probability) END AS probability, score, tier, error FROM scored4;\n'
} >"$WORK/run4.sql"
expect_exit 0 "sqlite3, derived" -- sqlite3 -bail "$WORK/db.sqlite" ".read $WORK/run4.sql"
cp "$WORK/out" "$WORK/derived.csv"
expect_exit 0 "derived features equal the C scorer's" -- "$PY" "$H" compare "$WORK/cd.csv" "$WORK/derived.csv"
cat "$WORK/out"
grep -c "not a date" "$WORK/cd.csv" | grep -qx 9 && ok || fail "expected 9 rows rejected for their date"
expect_exit 2 "PMML refuses derived features" -- "$SCORE" -m "$WORK/md.json" --emit-pmml -o "$WORK/md.pmml"
expect_in "$WORK/err" "the derived feature \"days since Last Activity Date\"" "the refusal names the feature"
# a rules sheet (datasets/sample_rules.csv: every operator kind it uses,
# caps, decay, floors, "fit at most half", account and priority rules,
# tiers, grade) on the sample leads plus the edge rows
expect_exit 0 "C rule scores" -- "$SCORE" -q --rules "$SRC/datasets/sample_rules.csv" --as-of 2026-11-20 --id "Lead ID" \
    --priority-accounts "$SRC/datasets/sample_priority_accounts.txt" -o "$WORK/cr.csv" "$WORK/score.csv"
expect_exit 0 "emit rules" -- "$SCORE" --rules "$SRC/datasets/sample_rules.csv" --as-of 2026-11-20 --id "Lead ID" \
    --priority-accounts "$SRC/datasets/sample_priority_accounts.txt" --emit-sql sqlite --table "lead's table" -o "$WORK/r.sql"
{
    printf '.headers on\n.mode csv\n'
    cat "$WORK/r.sql"
} >"$WORK/run5.sql"
expect_exit 0 "sqlite3, rules" -- sqlite3 -bail "$WORK/db.sqlite" ".read $WORK/run5.sql"
cp "$WORK/out" "$WORK/rules.csv"
expect_exit 0 "rule scores equal the C engine's" -- "$PY" "$H" rules "$WORK/cr.csv" "$WORK/rules.csv"
cat "$WORK/out"
# binned models (--bins): without interactions (the sample leads), with
# them and with binned derived features (planted leads: sql_helpers.py
# planted; a categorical x categorical, a binned x binned and a categorical
# x "days since" pair); each table with rows at, just below and above every
# cut plus hostile values (sql_helpers.py binned): probabilities to 1e-12,
# scores, tiers and rejections equal
"$PY" "$H" planted "$WORK" || fail "planted leads"
expect_exit 0 "train binned" -- "$TRAIN" -q --target Converted --id "Lead ID" --exclude Email --exclude Company \
    --exclude "Last Activity Date" --exclude "Created Date" --na-values Select --bins 10 -o "$WORK/mb.json" "$WORK/train.csv"
expect_exit 0 "train binned with interactions" -- "$TRAIN" -q --target Converted --id "Lead ID" --na-values Select \
    --exclude "Last Activity Date" --exclude Company --bins 8 --interactions 4 --emit-rules "$WORK/points.csv" \
    -o "$WORK/mp.json" "$WORK/planted.csv"
expect_exit 0 "train binned with derived features and interactions" -- "$TRAIN" -q --target Converted --id "Lead ID" \
    --na-values Select --days-since "Last Activity Date" --account-column Company --as-of 2025-06-30 --bins 8 \
    --interactions 4 -o "$WORK/mpd.json" "$WORK/planted.csv"
"$PY" -c 'import json, sys; sys.exit(not all(len(json.load(open(f)).get("interactions", [])) >= 2 for f in sys.argv[1:]))' \
    "$WORK/mp.json" "$WORK/mpd.json" && ok || fail "fewer than two interactions"
"$PY" "$H" binned "$WORK/score.csv" "$WORK/binned" "$WORK/mb.json" || fail "binned test data"
"$PY" "$H" binned "$WORK/planted.csv" "$WORK/pbinned" "$WORK/mp.json" "$WORK/mpd.json" || fail "planted test data"
for b in mb mp mpd; do
    t=pbinned
    [ $b != mb ] || t=binned
    expect_exit 3 "C scores, $b" -- "$SCORE" -q -m "$WORK/$b.json" --as-of 2025-06-30 --precision 17 \
        -o "$WORK/c_$b.csv" "$WORK/$t.csv"
    expect_exit 0 "emit sqlite, $b" -- "$SCORE" -m "$WORK/$b.json" --as-of 2025-06-30 --emit-sql sqlite \
        --table $t -o "$WORK/$b.sql"
    expect_in "$WORK/$b.sql" "t2b AS MATERIALIZED" "the bins' step"
    {
        [ $b = mpd ] || printf '.import --csv "%s" %s\n' "$WORK/$t.csv" $t
        printf '.headers on\n.mode csv\nCREATE TABLE "scored_%s" AS\n' "$b"
        cat "$WORK/$b.sql"
        printf 'SELECT "Lead ID", CASE WHEN probability IS NULL THEN NULL ELSE printf('"'"'%%.17g'"'"', probability) END AS probability, score, tier, error FROM "scored_%s";\n' "$b"
    } >"$WORK/run_$b.sql"
    expect_exit 0 "sqlite3, $b" -- sqlite3 -bail "$WORK/db.sqlite" ".read $WORK/run_$b.sql"
    cp "$WORK/out" "$WORK/s_$b.csv"
    expect_exit 0 "binned scores equal the C scorer's to 1e-12, $b" -- "$PY" "$H" compare "$WORK/c_$b.csv" "$WORK/s_$b.csv" 1e-12
    cat "$WORK/out"
done
# numbers stored as such (the typed table above) in a binned model
expect_exit 0 "emit for typed, binned" -- "$SCORE" -m "$WORK/mb.json" --emit-sql sqlite --table main.typed -o "$WORK/tb.sql"
{
    printf '.headers on\n.mode csv\nCREATE TABLE scored_typed_mb AS\n'
    cat "$WORK/tb.sql"
    printf 'SELECT "Lead ID", printf('"'"'%%.17g'"'"', probability) AS probability, score, tier, error FROM scored_typed_mb;\n'
} >"$WORK/run_tb.sql"
expect_exit 0 "sqlite3 on typed columns, binned" -- sqlite3 -bail "$WORK/db.sqlite" ".read $WORK/run_tb.sql"
cp "$WORK/out" "$WORK/s_tb.csv"
grep -v '^EDGE\|^CUT' "$WORK/c_mb.csv" >"$WORK/c_tb.csv"
expect_exit 0 "typed columns equal the C scorer's, binned" -- "$PY" "$H" compare "$WORK/c_tb.csv" "$WORK/s_tb.csv" 1e-12
cat "$WORK/out"
# rules with an and-condition: a hand-made sheet on the sample leads (every
# kind of and-operator; each and-condition fires, and restricts its rule)
# and the points sheet of the planted model with interactions (its cells are
# rules with an and-condition) on its table
"$PY" "$H" and_rules "$WORK" || fail "and-rules sheet"
"$PY" "$H" strip_and "$WORK/and_rules.csv" "$WORK/and_stripped.csv" || fail "stripped sheet"
for s in and_rules and_stripped; do
    expect_exit 0 "C rule reasons, $s" -- "$SCORE" -q --rules "$WORK/$s.csv" --as-of 2026-11-20 --id "Lead ID" \
        --explain-rules -o "$WORK/x_$s.csv" "$WORK/score.csv"
done
expect_exit 0 "the and-conditions fire and restrict" -- "$PY" "$H" fired "$WORK/and_rules.csv" "$WORK/x_and_rules.csv" \
    "$WORK/x_and_stripped.csv"
"$PY" -c 'import csv, sys; sys.exit(not any(r["and column"] for r in csv.DictReader(open(sys.argv[1]))))' \
    "$WORK/points.csv" && ok || fail "the points sheet has no and-condition"
for s in and_rules points; do
    t="lead's table" input="$WORK/score.csv"
    [ $s = and_rules ] || { t=pbinned; input="$WORK/pbinned.csv"; }
    expect_exit 0 "C rule scores, $s" -- "$SCORE" -q --rules "$WORK/$s.csv" --as-of 2026-11-20 --id "Lead ID" \
        -o "$WORK/c_$s.csv" "$input"
    expect_exit 0 "emit rules, $s" -- "$SCORE" --rules "$WORK/$s.csv" --as-of 2026-11-20 --id "Lead ID" \
        --emit-sql sqlite --table "$t" -o "$WORK/$s.sql"
    { printf '.headers on\n.mode csv\n'; cat "$WORK/$s.sql"; } >"$WORK/run_$s.sql"
    expect_exit 0 "sqlite3, $s" -- sqlite3 -bail "$WORK/db.sqlite" ".read $WORK/run_$s.sql"
    cp "$WORK/out" "$WORK/s_$s.csv"
    expect_exit 0 "rule scores equal the C engine's, $s" -- "$PY" "$H" rules "$WORK/c_$s.csv" "$WORK/s_$s.csv"
    cat "$WORK/out"
done
# what cannot be translated is refused, naming the rule
printf 'id,dimension,column,operator,value,points\nR1,engagement,Last Activity Date,within,30 days,10\nsetting,,Last Activity Date,date format,%%d/%%m/%%Y,\n' >"$WORK/fmt_sheet.csv"
expect_exit 2 "a declared date format is refused" -- "$SCORE" --rules "$WORK/fmt_sheet.csv" --emit-sql sqlite --table t
expect_in "$WORK/err" "rule R1 cannot be translated" "the refusal names the rule"
expect_exit 2 "--rules with -m" -- "$SCORE" -m "$WORK/m.json" --rules "$SRC/datasets/sample_rules.csv" --emit-sql sqlite --table t
expect_exit 2 "--rules with PMML" -- "$SCORE" --rules "$SRC/datasets/sample_rules.csv" --emit-pmml
# hostile values (see sql_postgres.sh): quotes, backslashes, statements, comment
# markers and newlines in levels, a column name and the sheet's values (and
# and-values)
"$PY" "$H" hostile "$WORK" || fail "hostile data"
expect_exit 0 "train on hostile levels" -- "$TRAIN" -q --target Converted --id "Lead ID" -o "$WORK/mh.json" "$WORK/hostile.csv"
expect_exit 0 "C scores, hostile" -- "$SCORE" -q -m "$WORK/mh.json" --precision 17 -o "$WORK/ch.csv" "$WORK/hostile.csv"
expect_exit 0 "C rule scores, hostile" -- "$SCORE" -q --rules "$WORK/hostile_rules.csv" --id "Lead ID" -o "$WORK/chr.csv" "$WORK/hostile.csv"
for what in model rules; do
    if [ $what = model ]; then src=(-m "$WORK/mh.json"); else src=(--rules "$WORK/hostile_rules.csv" --id "Lead ID" --as-of 2026-11-20); fi
    expect_exit 0 "emit hostile $what" -- "$SCORE" "${src[@]}" --emit-sql sqlite --table hostile -o "$WORK/h_$what.sql"
    {
        printf 'CREATE TABLE sentinel (x int);\n'
        cat "$WORK/hostile_create.sql"
        printf '.import --csv --skip 1 "%s" hostile\n.headers on\n.mode csv\n' "$WORK/hostile.csv"
        cat "$WORK/h_$what.sql"
        printf '.headers off\nSELECT count(*) FROM sentinel;\n'
    } >"$WORK/runh_$what.sql"
    rm -f "$WORK/h.sqlite"
    expect_exit 0 "sqlite3, hostile $what" -- sqlite3 -bail "$WORK/h.sqlite" ".read $WORK/runh_$what.sql"
    [ "$(tail -n 1 "$WORK/out" | tr -d "\r")" = 0 ] && ok || fail "the sentinel table is gone ($what)"
    sed '$d' "$WORK/out" >"$WORK/sh_$what.csv"
done
expect_exit 0 "hostile model scores equal the C scorer's" -- "$PY" "$H" compare "$WORK/ch.csv" "$WORK/sh_model.csv"
expect_exit 0 "hostile rule scores equal the C engine's" -- "$PY" "$H" rules "$WORK/chr.csv" "$WORK/sh_rules.csv"
# activity-log features (docs/events.md): the events table grouped by lead,
# with padded ids, types and times, one-digit months, times that are no
# dates (skipped), rows without id, type or time, events after the as-of
# date; a linear and a binned model, equal to the C scorer to 1e-12
mkdir -p "$WORK/ev"
"$PY" "$SRC/tests/cli/events_check.py" sqlcase "$WORK/ev" || fail "events test data"
for e in el eb; do
    extra=()
    [ $e = el ] || extra=(--bins 4 --interactions 0)
    expect_exit 0 "train with an activity log, $e" -- "$TRAIN" -q --target Converted --id "Lead ID" \
        --events "$WORK/ev/events_train.csv" --as-of 2026-06-30 --event-min-leads 5 "${extra[@]}" \
        -o "$WORK/$e.json" "$WORK/ev/leads.csv"
    expect_exit 0 "C scores with the log, $e" -- "$SCORE" -q -m "$WORK/$e.json" --events "$WORK/ev/events.csv" \
        --as-of 2026-06-30 --precision 17 -o "$WORK/c_$e.csv" "$WORK/ev/leads.csv"
    expect_exit 0 "emit sqlite with an events table, $e" -- "$SCORE" -m "$WORK/$e.json" --emit-sql sqlite \
        --table "ev leads" --events-table "event log" --as-of 2026-06-30 -o "$WORK/$e.sql"
    expect_in "$WORK/$e.sql" 'GROUP BY eid' "the events grouped by lead"
    {
        printf '.import --csv "%s" "ev leads"\n.import --csv "%s" "event log"\n' "$WORK/ev/leads.csv" \
            "$WORK/ev/events.csv"
        printf '.headers on\n.mode csv\nCREATE TABLE "scored_%s" AS\n' $e
        cat "$WORK/$e.sql"
        printf 'SELECT "Lead ID", CASE WHEN probability IS NULL THEN NULL ELSE printf('"'"'%%.17g'"'"', probability) END AS probability, score, tier, error FROM "scored_%s";\n' $e
    } >"$WORK/run_$e.sql"
    rm -f "$WORK/ev.sqlite"
    expect_exit 0 "sqlite3 runs the events SELECT, $e" -- sqlite3 -bail "$WORK/ev.sqlite" ".read $WORK/run_$e.sql"
    cp "$WORK/out" "$WORK/s_$e.csv"
    expect_exit 0 "activity-log scores equal the C scorer's to 1e-12, $e" -- "$PY" "$H" compare \
        "$WORK/c_$e.csv" "$WORK/s_$e.csv" 1e-12
    cat "$WORK/out"
done
expect_exit 2 "emit without --events-table" -- "$SCORE" -m "$WORK/el.json" --emit-sql sqlite --table t \
    -o "$WORK/x.sql"
expect_in "$WORK/err" 'name the table of events with --events-table NAME' "the events table is asked for"
# the X Education sheet on the real data (when present; required under CI)
if [ -f "$SHARED/xeducation_leads.csv" ] || [ -n "${CI:-}" ]; then
    require_shared xeducation_leads.csv
    expect_exit 0 "C rule scores, X Education" -- "$SCORE" -q --rules "$SRC/tests/data/xeducation_rules.csv" \
        --id "Prospect ID" -o "$WORK/cx.csv" "$SHARED/xeducation_leads.csv"
    expect_exit 0 "emit X Education rules" -- "$SCORE" --rules "$SRC/tests/data/xeducation_rules.csv" --id "Prospect ID" \
        --emit-sql sqlite --table xed -o "$WORK/x.sql"
    {
        printf '.import --csv "%s" xed\n.headers on\n.mode csv\n' "$SHARED/xeducation_leads.csv"
        cat "$WORK/x.sql"
    } >"$WORK/run6.sql"
    expect_exit 0 "sqlite3, X Education rules" -- sqlite3 -bail "$WORK/db.sqlite" ".read $WORK/run6.sql"
    cp "$WORK/out" "$WORK/xrules.csv"
    expect_exit 0 "X Education rule scores equal the C engine's" -- "$PY" "$H" rules "$WORK/cx.csv" "$WORK/xrules.csv"
    cat "$WORK/out"
fi
finish
