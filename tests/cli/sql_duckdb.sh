# --emit-sql duckdb: the generated SELECT, run by DuckDB itself (the npm
# package @duckdb/node-api, which ships DuckDB's library, installed into the
# build tree and kept there) on tables loaded with read_csv, gives every lead
# the C scorer's probability (to 1e-12, printed with full precision), score,
# tier and rejection, and every rule score, tier, qualification, points and
# grade of a rules sheet: on the sample leads plus edge cases, on numbers and
# dates stored as DuckDB types, and on hostile levels, column names and sheet
# values beside a sentinel table that must survive. Skipped (exit 77) only
# when npm cannot install the package and CI is unset; under CI that fails.
. "$(dirname "$0")/common.bash"
DUCKDB_NODE_API=1.5.6-r.1 # the DuckDB 1.5 release of the package
NPMDIR="$BIN/../npm-duckdb"
H="$SRC/tests/cli/sql_helpers.py"
RUN="$SRC/tests/cli/sql_duckdb.cjs"
skip() {
    if [ -n "${CI:-}" ]; then echo "FAIL: $1 (required when CI is set)" >&2; exit 1; fi
    echo "skipped: $1"
    exit 77
}
command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 \
    || skip "node and npm are not installed (scripts/setup.sh --with-peers installs nodejs and npm)"
if ! grep -qF "\"version\": \"$DUCKDB_NODE_API\"" "$NPMDIR/node_modules/@duckdb/node-api/package.json" 2>/dev/null; then
    mkdir -p "$NPMDIR"
    [ -f "$NPMDIR/package.json" ] || echo '{"private": true}' >"$NPMDIR/package.json"
    timeout 600 npm install --prefix "$NPMDIR" --no-audit --no-fund --loglevel=error \
        "@duckdb/node-api@$DUCKDB_NODE_API" >"$WORK/npm.log" 2>&1 \
        || { sed 's/^/    /' "$WORK/npm.log" | tail -n 20 >&2; skip "npm install @duckdb/node-api@$DUCKDB_NODE_API failed (no registry?)"; }
fi
DB="$WORK/leads.duckdb"
# duck OUT.csv FILE.sql...: the last statement's rows (sql_duckdb.cjs)
duck() { node "$RUN" "$NPMDIR" "$DB" "$@"; }

"$PY" "$H" make "$SRC/datasets/sample_leads.csv" "$WORK" || fail "test data"
"$PY" "$H" hostile "$WORK" || fail "hostile data"
"$PY" "$H" hostile_names "$WORK" || fail "hostile names"
# The tables: every column as text (all_varchar: read_csv's guessed types
# would turn Yes/No into true/false, which no level matches; docs/sql.md),
# and the training rows with numbers and dates stored as DuckDB types (an NA
# token becomes NULL, which is missing as the token is).
csv_opts="header = true, all_varchar = true, delim = ',', quote = '\"', escape = '\"'"
cat >"$WORK/load.sql" <<SQLEOF
CREATE TABLE sentinel (x INTEGER);
INSERT INTO sentinel VALUES (1);
CREATE TABLE "lead's table" AS SELECT * FROM read_csv('$WORK/score.csv', $csv_opts);
CREATE TABLE typed AS SELECT * REPLACE (TRY_CAST("Website Visits" AS BIGINT) AS "Website Visits",
    TRY_CAST("Time on Site (min)" AS DOUBLE) AS "Time on Site (min)",
    TRY_CAST("Last Activity Date" AS DATE) AS "Last Activity Date")
  FROM read_csv('$WORK/train.csv', $csv_opts);
CREATE TABLE hostile AS SELECT * FROM read_csv('$WORK/hostile.csv', $csv_opts);
CREATE TABLE hostile_names AS SELECT * FROM read_csv('$WORK/hostile_names.csv', $csv_opts, new_line = '\r\n');
SELECT (SELECT count(*) FROM "lead's table") AS leads, (SELECT count(*) FROM hostile) AS hostile,
  (SELECT count(*) FROM hostile_names) AS names, typeof(any_value("Time on Site (min)")) AS typed,
  count("Time on Site (min)") > 3000 AND count("Last Activity Date") > 3000 AS filled FROM typed;
SQLEOF
expect_exit 0 "DuckDB loads the tables with read_csv" -- duck "$WORK/loaded.csv" "$WORK/load.sql"
[ "$(sed -n 2p "$WORK/loaded.csv")" = "4046,1200,900,DOUBLE,true" ] && ok || fail "tables: $(cat "$WORK/loaded.csv")"
# check_model NAME TABLE C-INPUT C-EXIT SCORE-ARGS...: the C scorer's and
# DuckDB's scores of one model agree
check_model() {
    local name=$1 table=$2 input=$3 code=$4
    shift 4
    local -a args=("$@")
    expect_exit "$code" "C scores, $name" -- "$SCORE" -q "${args[@]}" --precision 17 -o "$WORK/c_$name.csv" "$input"
    expect_exit 0 "emit duckdb, $name" -- "$SCORE" "${args[@]}" --emit-sql duckdb --table "$table" -o "$WORK/$name.sql"
    expect_exit 0 "DuckDB runs the SELECT, $name" -- duck "$WORK/d_$name.csv" "$WORK/$name.sql"
    expect_exit 0 "DuckDB scores equal the C scorer's to 1e-12, $name" -- \
        "$PY" "$H" compare "$WORK/c_$name.csv" "$WORK/d_$name.csv" 1e-12
    cat "$WORK/out"
}

# the model, with edge rows (padding, NA tokens, number syntax, quotes)
expect_exit 0 "train" -- "$TRAIN" -q --target Converted --id "Lead ID" --exclude Email --exclude Company \
    --exclude "Last Activity Date" --exclude "Created Date" --na-values Select -o "$WORK/m.json" "$WORK/train.csv"
check_model model "main.lead's table" "$WORK/score.csv" 3 -m "$WORK/m.json"
expect_in "$WORK/model.sql" "(DuckDB dialect; see docs/sql.md)" "the dialect is named"
expect_in "$WORK/model.sql" 'FROM "main"."lead'"'"'s table"' "schema.table quoted"
expect_in "$WORK/model.sql" "regexp_matches(v_" "DuckDB's regular expressions"
grep -qE "btrim|E'| ~ '|DOUBLE PRECISION" "$WORK/model.sql" && fail "PostgreSQL syntax in the DuckDB SQL" || ok
grep -c "not a number" "$WORK/c_model.csv" | grep -qx 10 && ok || fail "expected 10 rows rejected for their numbers"
# numbers and dates stored as DuckDB types (BIGINT, DOUBLE, DATE) are read
# through their text, which DuckDB writes so that it reads back the same
check_model typed typed "$WORK/train.csv" 0 -m "$WORK/m.json"
# a model without numeric columns (no CASE over rejections)
expect_exit 0 "train categorical-only" -- "$TRAIN" -q --target Converted --id "Lead ID" --include "Lead Source" \
    --include Industry -o "$WORK/mc.json" "$WORK/train.csv"
check_model categorical "lead's table" "$WORK/score.csv" 0 -m "$WORK/mc.json"
# derived features: days since a date (integer division is // in DuckDB)
# and leads per account, on text and on a DATE column
expect_exit 0 "train with derived features" -- "$TRAIN" -q --target Converted --id "Lead ID" --exclude Email \
    --exclude "Created Date" --na-values Select --days-since "Last Activity Date" --account-column Company \
    --as-of 2025-06-30 -o "$WORK/md.json" "$WORK/train.csv"
check_model derived "lead's table" "$WORK/score.csv" 3 -m "$WORK/md.json" --as-of 2025-06-30
expect_in "$WORK/derived.sql" ") // 400 * 146097" "integer division"
grep -c "not a date" "$WORK/c_derived.csv" | grep -qx 9 && ok || fail "expected 9 rows rejected for their date"
check_model derived_typed typed "$WORK/train.csv" 0 -m "$WORK/md.json" --as-of 2025-06-30

# check_rules NAME TABLE C-INPUT SCORE-ARGS...: the rules engine's and
# DuckDB's rule scores agree (every score, tier, qualification, points, grade)
check_rules() {
    local name=$1 table=$2 input=$3
    shift 3
    local -a args=("$@")
    expect_exit 0 "C rule scores, $name" -- "$SCORE" -q "${args[@]}" -o "$WORK/c_$name.csv" "$input"
    expect_exit 0 "emit duckdb rules, $name" -- "$SCORE" "${args[@]}" --emit-sql duckdb --table "$table" -o "$WORK/$name.sql"
    expect_exit 0 "DuckDB runs the rules SELECT, $name" -- duck "$WORK/d_$name.csv" "$WORK/$name.sql"
    expect_exit 0 "DuckDB rule scores equal the C engine's, $name" -- "$PY" "$H" rules "$WORK/c_$name.csv" "$WORK/d_$name.csv"
    cat "$WORK/out"
}
# the sample sheet: every operator kind it uses, caps, decay (// again),
# floors, "fit at most half", account and priority rules, tiers, grade
check_rules rules "lead's table" "$WORK/score.csv" --rules "$SRC/datasets/sample_rules.csv" --as-of 2026-11-20 \
    --id "Lead ID" --priority-accounts "$SRC/datasets/sample_priority_accounts.txt"
grep -q "hot" "$WORK/d_rules.csv" && grep -q "A1" "$WORK/d_rules.csv" && ok || fail "no hot lead or grade A1"
# an --accounts export (docs/rules.md): contacts + the table's rows, tiers, engaged contacts
"$PY" "$H" crm "$SRC/datasets/sample_leads.csv" "$WORK" || fail "crm.csv"
check_rules accounts "lead's table" "$WORK/score.csv" --rules "$WORK/crm_rules.csv" --accounts "$WORK/crm.csv" \
    --id "Lead ID"
# a dimension beyond 2^31 cents (DuckDB keeps a sum of INTEGER columns INTEGER)
printf 'id,dimension,column,operator,value,points\nB1,fit,Industry,is present,,20000000\nB2,fit,Seniority,is present,,20000000\n' \
    >"$WORK/big_rules.csv"
check_rules big_points "lead's table" "$WORK/score.csv" --rules "$WORK/big_rules.csv" --id "Lead ID" --as-of 2026-11-20
grep -q ",40000000," "$WORK/d_big_points.csv" && ok || fail "no lead with 40 million points"
# binned models and rules with an and-condition (see sql_sqlite.sh): the
# sample leads and the planted ones, each with rows at every cut
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
"$PY" "$H" and_rules "$WORK" || fail "and-rules sheet"
printf "CREATE TABLE %s AS SELECT * FROM read_csv('%s', $csv_opts);\n" binned "$WORK/binned.csv" \
    pbinned "$WORK/pbinned.csv" >"$WORK/bload.sql"
expect_exit 0 "DuckDB loads the binned tables" -- duck "$WORK/bload.csv" "$WORK/bload.sql"
check_model mb binned "$WORK/binned.csv" 3 -m "$WORK/mb.json"
check_model mp pbinned "$WORK/pbinned.csv" 3 -m "$WORK/mp.json"
check_model mpd pbinned "$WORK/pbinned.csv" 3 -m "$WORK/mpd.json" --as-of 2025-06-30
check_rules and_rules "lead's table" "$WORK/score.csv" --rules "$WORK/and_rules.csv" --as-of 2026-11-20 --id "Lead ID"
check_rules points pbinned "$WORK/pbinned.csv" --rules "$WORK/points.csv" --as-of 2026-11-20 --id "Lead ID"

# Hostile values: quotes, backslashes (DuckDB reads them literally: no E''),
# statements, comment markers, dollar quotes and newlines in levels, column
# names and the sheets' values; the sentinel table survives.
expect_exit 0 "train on hostile levels" -- "$TRAIN" -q --target Converted --id "Lead ID" -o "$WORK/mh.json" "$WORK/hostile.csv"
check_model hostile hostile "$WORK/hostile.csv" 0 -m "$WORK/mh.json"
expect_in "$WORK/hostile.sql" "'x\\'' ; DROP TABLE sentinel; --'" "the backslash level as a plain literal"
check_rules hostile_rules hostile "$WORK/hostile.csv" --rules "$WORK/hostile_rules.csv" --id "Lead ID" --as-of 2026-11-20
expect_exit 0 "train on a hostile column name" -- "$TRAIN" -q --target Converted --id "Lead ID" -o "$WORK/mn.json" "$WORK/hostile_names.csv"
check_model names hostile_names "$WORK/hostile_names.csv" 0 -m "$WORK/mn.json"
check_rules names_rules hostile_names "$WORK/hostile_names.csv" --rules "$WORK/hostile_names_rules.csv" --id "Lead ID" \
    --as-of 2026-11-20
# the sheet's rules each fire (fit 10, 5 or 3, engagement 2 on top): scores
scores=$(sed 1d "$WORK/d_names_rules.csv" | cut -d, -f2 | sort -n -u | tr '\n' ' ')
[ "$scores" = "0 2 3 5 7 10 12 " ] && ok || fail "not every hostile sheet rule fired: $scores"
printf 'SELECT count(*) AS n FROM sentinel;\n' >"$WORK/sentinel.sql"
expect_exit 0 "the sentinel table is there" -- duck "$WORK/sentinel.csv" "$WORK/sentinel.sql"
[ "$(sed -n 2p "$WORK/sentinel.csv")" = 1 ] && ok || fail "the sentinel table lost its row"

# the X Education export (when present; required under CI), as its own file
# read with read_csv: the model and the X Education sheet
if [ -f "$SHARED/xeducation_leads.csv" ] || [ -n "${CI:-}" ]; then
    require_shared xeducation_leads.csv
    printf "CREATE TABLE xed AS SELECT * FROM read_csv('%s', all_varchar = true);\n" "$SHARED/xeducation_leads.csv" >"$WORK/xload.sql"
    expect_exit 0 "DuckDB loads X Education" -- duck "$WORK/xload.csv" "$WORK/xload.sql"
    expect_exit 0 "train X Education" -- "$TRAIN" -q --target Converted --id "Prospect ID" --exclude "Lead Number" \
        --na-values Select -o "$WORK/x.json" "$SHARED/xeducation_leads.csv"
    expect_exit 0 "C scores, X Education" -- "$SCORE" -q -m "$WORK/x.json" --precision 17 -o "$WORK/c_x.csv" "$SHARED/xeducation_leads.csv"
    expect_exit 0 "emit duckdb, X Education" -- "$SCORE" -m "$WORK/x.json" --emit-sql duckdb --table xed -o "$WORK/x.sql"
    expect_exit 0 "DuckDB runs the X Education SELECT" -- duck "$WORK/d_x.csv" "$WORK/x.sql"
    sed -i '1s/^Prospect ID/Lead ID/' "$WORK/c_x.csv" "$WORK/d_x.csv"
    expect_exit 0 "X Education scores equal the C scorer's to 1e-12" -- "$PY" "$H" compare "$WORK/c_x.csv" "$WORK/d_x.csv" 1e-12
    cat "$WORK/out"
    check_rules x_rules xed "$SHARED/xeducation_leads.csv" --rules "$SRC/tests/data/xeducation_rules.csv" --id "Prospect ID"
fi
# activity-log features (docs/events.md): the events table grouped by lead
# (see sql_sqlite.sh); SUM of integers is HUGEINT in DuckDB
mkdir -p "$WORK/ev"
"$PY" "$SRC/tests/cli/events_check.py" sqlcase "$WORK/ev" || fail "events test data"
printf "CREATE TABLE %s AS SELECT * FROM read_csv('%s', $csv_opts);\n" "\"ev leads\"" "$WORK/ev/leads.csv" \
    "\"event log\"" "$WORK/ev/events.csv" >"$WORK/evload.sql"
expect_exit 0 "DuckDB loads the leads and their events" -- duck "$WORK/evload.csv" "$WORK/evload.sql"
for e in el eb; do
    extra=()
    [ $e = el ] || extra=(--bins 4 --interactions 0)
    expect_exit 0 "train with an activity log, $e" -- "$TRAIN" -q --target Converted --id "Lead ID" \
        --events "$WORK/ev/events_train.csv" --as-of 2026-06-30 --event-min-leads 5 "${extra[@]}" \
        -o "$WORK/$e.json" "$WORK/ev/leads.csv"
    expect_exit 0 "C scores with the log, $e" -- "$SCORE" -q -m "$WORK/$e.json" --events "$WORK/ev/events.csv" \
        --as-of 2026-06-30 --precision 17 -o "$WORK/c_$e.csv" "$WORK/ev/leads.csv"
    expect_exit 0 "emit duckdb with an events table, $e" -- "$SCORE" -m "$WORK/$e.json" --emit-sql duckdb \
        --table "ev leads" --events-table "event log" --as-of 2026-06-30 -o "$WORK/$e.sql"
    expect_exit 0 "DuckDB runs the events SELECT, $e" -- duck "$WORK/d_$e.csv" "$WORK/$e.sql"
    expect_exit 0 "activity-log scores equal the C scorer's to 1e-12, $e" -- "$PY" "$H" compare \
        "$WORK/c_$e.csv" "$WORK/d_$e.csv" 1e-12
    cat "$WORK/out"
done
finish
