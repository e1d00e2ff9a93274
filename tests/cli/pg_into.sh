# --postgres CONNINFO --table NAME --into NAME (docs/warehouse.md): a
# throw-away PostgreSQL cluster, set up and torn down as in sql_postgres.sh
# (but JIT-compiling every query, with auto_explain logging the plans),
# holds the sample leads (TEXT columns); the scoring
# statement runs in the database into a new table whose probabilities equal
# the C scorer's on the same CSV to 1e-12, with JIT off; an existing table needs --force
# and a failing statement leaves the old table as it was; a password never
# shows; a rules sheet and a model with activity-log features (--events-table)
# score into a table too.
. "$(dirname "$0")/common.bash"
skip() {
    if [ -n "${CI:-}" ]; then echo "FAIL: $1 (required when CI is set)" >&2; exit 1; fi
    echo "skipped: $1"
    exit 77
}
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -n "$PGBIN" ] && [ -x "$PGBIN/initdb" ] && [ -x "$PGBIN/pg_ctl" ] || skip "PostgreSQL server binaries not installed (apt-get install postgresql)"
command -v psql >/dev/null 2>&1 || skip "psql not installed"
id postgres >/dev/null 2>&1 || skip "no postgres user"
if [ "$(id -u)" -eq 0 ]; then AS_PG=(runuser -u postgres --); else AS_PG=(); fi
H="$SRC/tests/cli/sql_helpers.py"
PGDIR=$(mktemp -d /tmp/leadscore-pg.XXXXXX)
chmod 755 "$PGDIR"
cleanup() {
    "${AS_PG[@]}" "$PGBIN/pg_ctl" -D "$PGDIR/data" -m immediate -w stop >/dev/null 2>&1
    rm -rf "$PGDIR"
}
trap cleanup EXIT
[ "$(id -u)" -ne 0 ] || chown postgres "$PGDIR"
PORT=$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"${AS_PG[@]}" "$PGBIN/initdb" -D "$PGDIR/data" -A trust -U postgres -E UTF8 --locale=C.UTF-8 >"$WORK/initdb.log" 2>&1 \
    || { fail "initdb"; cat "$WORK/initdb.log" >&2; finish; }
"${AS_PG[@]}" "$PGBIN/pg_ctl" -D "$PGDIR/data" -l "$PGDIR/server.log" -w -t 60 \
    -o "-p $PORT -k $PGDIR -c listen_addresses=127.0.0.1 -c fsync=off \
-c shared_preload_libraries=auto_explain -c auto_explain.log_min_duration=0 -c auto_explain.log_analyze=on -c jit_above_cost=0 -c jit_inline_above_cost=0 \
-c jit_optimize_above_cost=0" start >"$WORK/pg_ctl.log" 2>&1 \
    || { fail "server start"; cat "$WORK/pg_ctl.log" "$PGDIR/server.log" >&2; finish; }
PSQL=("${AS_PG[@]}" psql -X -q -h "$PGDIR" -p "$PORT" -U postgres -d postgres -v ON_ERROR_STOP=1)
CONN="host=$PGDIR port=$PORT user=postgres dbname=postgres"

# the sample leads as a TEXT table "sample leads", and a copy lacking a
# column of the model (Industry)
SAMPLE="$SRC/datasets/sample_leads.csv"
cp "$SAMPLE" "$PGDIR/sample.csv"
chmod 644 "$PGDIR/sample.csv"
"$PY" - "$SAMPLE" >"$PGDIR/load.sql" <<'PYEOF' || fail "load script"
import csv, sys
header = next(csv.reader(open(sys.argv[1], newline="", encoding="utf-8")))
cols = ", ".join('"%s" TEXT' % h.replace('"', '""') for h in header)
print('CREATE TABLE "sample leads" (%s);' % cols)
print("\\copy \"sample leads\" FROM '%s' WITH (FORMAT csv, HEADER true)" % sys.argv[1].replace("'", "''"))
print('CREATE TABLE short_leads AS SELECT * FROM "sample leads";')
print('ALTER TABLE short_leads DROP COLUMN "Industry";')
PYEOF
sed -i "s|FROM '$SAMPLE'|FROM '$PGDIR/sample.csv'|" "$PGDIR/load.sql"
chmod 644 "$PGDIR/load.sql"
expect_exit 0 "psql loads the sample" -- "${PSQL[@]}" -f "$PGDIR/load.sql"

# fetch TABLE ORDERBY FILE: the table as CSV (psql, as the postgres user)
fetch() {
    rm -f "$PGDIR/fetch.csv"
    expect_exit 0 "fetch $1" -- "${PSQL[@]}" -c "\\copy (SELECT * FROM $1 ORDER BY \"$2\") TO '$PGDIR/fetch.csv' WITH (FORMAT csv, HEADER true)"
    cp "$PGDIR/fetch.csv" "$3" 2>/dev/null || fail "no output of $1"
}

expect_exit 0 "train" -- "$TRAIN" -q --target Converted --id "Lead ID" --exclude Email --exclude Company \
    --exclude "Last Activity Date" --exclude "Created Date" --na-values Select -o "$WORK/m.json" "$SAMPLE"
expect_exit 0 "C scores" -- "$SCORE" -q -m "$WORK/m.json" --precision 17 -o "$WORK/c.csv" "$SAMPLE"
expect_exit 0 "score into a table" -- "$SCORE" -m "$WORK/m.json" --postgres "$CONN" --table "sample leads" \
    --into public.scores --as-of 2026-11-20
expect_in "$WORK/err" "rows: 4000 written into public.scores (PostgreSQL)" "the summary"
expect_in "$WORK/err" "as of 2026-11-20 (--as-of)" "the summary's as-of"
fetch public.scores "Lead ID" "$WORK/pg.csv"
expect_exit 0 "the table's probabilities equal the C scorer's to 1e-12" -- "$PY" "$H" compare "$WORK/c.csv" "$WORK/pg.csv" 1e-12
cat "$WORK/out"
head -1 "$WORK/pg.csv" | grep -qx 'Lead ID,probability,score,tier,error' && ok || fail "columns: $(head -1 "$WORK/pg.csv")"
# the server JIT-compiles every query (jit_above_cost 0), the scores table's
# query excepted: the transaction turns JIT off (LLVM took 35 s over a wide
# model's scoring that runs in 2 s without it)
# jit_of TEXT: the JIT section of the plan that auto_explain logged for the
# statement starting with TEXT ("none" when it has none)
jit_of() { "$PY" - "$PGDIR/server.log" "$1" <<'PYEOF'
import re, sys
log, start = open(sys.argv[1], encoding="utf-8", errors="replace").read(), sys.argv[2]
entries = re.split(r"\n(?=\d{4}-\d\d-\d\d )", log)
plans = [e for e in entries if "Query Text: " + start in e]
print("missing" if not plans else ("jit" if any("JIT:" in e for e in plans) else "none"))
PYEOF
}
n=$(jit_of 'CREATE TABLE "public"."scores"')
[ "$n" = none ] && ok || fail "the scores table's query: JIT $n"
if [ "$("${PSQL[@]}" -t -A -c "SELECT pg_jit_available()")" = t ]; then
    "${PSQL[@]}" -c "SELECT sum(x) AS jit_probe FROM generate_series(1, 10) AS x" >/dev/null
    n=$(jit_of "SELECT sum(x) AS jit_probe")
    [ "$n" = jit ] && ok || fail "this server does not JIT-compile, so the check above proves nothing ($n)"
else
    echo "note: the server has no JIT (llvmjit not installed); nothing to turn off"
fi

# an existing table: an error naming --force; nothing changes
expect_exit 1 "the table exists" -- "$SCORE" -q -m "$WORK/m.json" --postgres "$CONN" --table "sample leads" --into scores
expect_in "$WORK/err" 'leadscore-score: PostgreSQL: the table "scores" exists: give --force to replace it' "exists message"
# --force replaces it (tiers changed, so the new table differs)
expect_exit 0 "--force replaces" -- "$SCORE" -q -m "$WORK/m.json" --postgres "$CONN" --table "sample leads" \
    --into scores --force --tiers hot=99,warm=98
[ ! -s "$WORK/err" ] && ok || fail "-q printed: $(cat "$WORK/err")"
fetch scores "Lead ID" "$WORK/pg_forced.csv"
[ "$(grep -c ',hot,' "$WORK/pg_forced.csv")" -lt "$(grep -c ',hot,' "$WORK/pg.csv")" ] && ok || fail "--force did not replace the table"
"$SCORE" -q -m "$WORK/m.json" --precision 17 --tiers hot=99,warm=98 -o "$WORK/c_forced.csv" "$SAMPLE" || fail "C scores, tiers"
expect_exit 0 "the replaced table equals the C scorer's" -- "$PY" "$H" compare "$WORK/c_forced.csv" "$WORK/pg_forced.csv" 1e-12

# a failing statement (the table lacks the model's Industry column): the
# server's message with its SQLSTATE, and the old table stays as it was
expect_exit 1 "a table lacking a model column" -- "$SCORE" -m "$WORK/m.json" --postgres "$CONN" --table short_leads \
    --into scores --force
expect_in "$WORK/err" 'leadscore-score: PostgreSQL: creating the scores table: column "Industry" does not exist (SQLSTATE 42703)' \
    "the server error"
fetch scores "Lead ID" "$WORK/pg_after.csv"
cmp -s "$WORK/pg_forced.csv" "$WORK/pg_after.csv" && ok || fail "the failed --force changed the old table"

# a password is never shown (a wrong port: the connection fails)
BADPORT=$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
for conn in "host=127.0.0.1 port=$BADPORT user=postgres password=secret dbname=postgres connect_timeout=5" \
    "postgresql://postgres:secret@127.0.0.1:$BADPORT/postgres?connect_timeout=5" \
    "host=127.0.0.1 password secret"; do
    "$SCORE" -m "$WORK/m.json" --postgres "$conn" --table "sample leads" --into never >"$WORK/out" 2>"$WORK/err"
    rc=$?
    [ $rc -eq 1 ] || [ $rc -eq 2 ] && ok || fail "a failed connection: exit $rc"
    grep -q secret "$WORK/out" "$WORK/err" && fail "the password was shown: $(cat "$WORK/err")" || ok
    expect_in "$WORK/err" "leadscore-score: PostgreSQL: connecting to " "connection message"
    expect_in "$WORK/err" "***" "the password's place"
done
expect_in "$WORK/err" "malformed" "a malformed conninfo"

# a rules sheet into a table
expect_exit 0 "C rule scores" -- "$SCORE" -q --rules "$SRC/datasets/sample_rules.csv" --as-of 2026-11-20 --id "Lead ID" \
    --priority-accounts "$SRC/datasets/sample_priority_accounts.txt" -o "$WORK/cr.csv" "$SAMPLE"
expect_exit 0 "rules into a table" -- "$SCORE" --rules "$SRC/datasets/sample_rules.csv" --as-of 2026-11-20 --id "Lead ID" \
    --priority-accounts "$SRC/datasets/sample_priority_accounts.txt" --postgres "$CONN" --table "sample leads" \
    --into 'rule "scores"'
expect_in "$WORK/err" "rows: 4000 written into" "rules summary"
fetch '"rule ""scores"""' "Lead ID" "$WORK/pgr.csv"
expect_exit 0 "the table's rule scores equal the C engine's" -- "$PY" "$H" rules "$WORK/cr.csv" "$WORK/pgr.csv"
cat "$WORK/out"

# a model with activity-log features: the log as a table (--events-table)
mkdir -p "$WORK/ev"
"$PY" "$SRC/tests/cli/events_check.py" sqlcase "$WORK/ev" || fail "events test data"
cp "$WORK/ev/leads.csv" "$PGDIR/ev_leads.csv"
cp "$WORK/ev/events.csv" "$PGDIR/ev_events.csv"
chmod 644 "$PGDIR/ev_leads.csv" "$PGDIR/ev_events.csv"
{
    printf 'CREATE TABLE "ev leads" ("Lead ID" TEXT, "Source" TEXT, "Converted" TEXT);\n'
    printf 'CREATE TABLE "event log" ("Lead Id" TEXT, "Activity Type" TEXT, "Timestamp" TEXT);\n'
    printf '\\copy "ev leads" FROM '"'"'%s'"'"' WITH (FORMAT csv, HEADER true)\n' "$PGDIR/ev_leads.csv"
    printf '\\copy "event log" FROM '"'"'%s'"'"' WITH (FORMAT csv, HEADER true)\n' "$PGDIR/ev_events.csv"
} >"$PGDIR/load_ev.sql"
chmod 644 "$PGDIR/load_ev.sql"
expect_exit 0 "psql loads the leads and their events" -- "${PSQL[@]}" -f "$PGDIR/load_ev.sql"
expect_exit 0 "train with an activity log" -- "$TRAIN" -q --target Converted --id "Lead ID" \
    --events "$WORK/ev/events_train.csv" --as-of 2026-06-30 --event-min-leads 5 -o "$WORK/el.json" "$WORK/ev/leads.csv"
expect_exit 0 "C scores with the log" -- "$SCORE" -q -m "$WORK/el.json" --events "$WORK/ev/events.csv" \
    --as-of 2026-06-30 --precision 17 -o "$WORK/c_el.csv" "$WORK/ev/leads.csv"
expect_exit 0 "scores with an events table into a table" -- "$SCORE" -q -m "$WORK/el.json" --postgres "$CONN" \
    --table "ev leads" --events-table "event log" --as-of 2026-06-30 --into ev_scores
fetch ev_scores "Lead ID" "$WORK/pg_el.csv"
expect_exit 0 "activity-log scores in the table equal the C scorer's to 1e-12" -- "$PY" "$H" compare \
    "$WORK/c_el.csv" "$WORK/pg_el.csv" 1e-12
cat "$WORK/out"

# usage errors
expect_exit 2 "--into without --postgres" -- "$SCORE" -m "$WORK/m.json" --table t --into x
expect_in "$WORK/err" "--into needs --postgres CONNINFO" "usage"
expect_exit 2 "--postgres without --into" -- "$SCORE" -m "$WORK/m.json" --postgres "$CONN" --table t
expect_in "$WORK/err" "--postgres needs --table NAME" "usage"
expect_exit 2 "--postgres with an input" -- "$SCORE" -m "$WORK/m.json" --postgres "$CONN" --table t --into x "$SAMPLE"
expect_exit 2 "--postgres with --emit-sql" -- "$SCORE" -m "$WORK/m.json" --postgres "$CONN" --table t --into x --emit-sql postgres
expect_exit 2 "a newline in --into" -- "$SCORE" -m "$WORK/m.json" --postgres "$CONN" --table t --into $'x\ny'
expect_in "$WORK/err" "--into: " "--into refused"
finish
