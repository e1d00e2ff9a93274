# --emit-sql postgres: a throw-away PostgreSQL cluster (initdb in a temporary
# folder, run as the postgres user on a loopback port and a private socket
# folder) loads the sample leads plus edge cases into a TEXT table; the
# generated SELECT gives every lead the C scorer's probability (to 1e-9),
# score, tier and rejection. The server is stopped and its folder removed
# whatever happens.
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
    -o "-p $PORT -k $PGDIR -c listen_addresses=127.0.0.1 -c fsync=off" start >"$WORK/pg_ctl.log" 2>&1 \
    || { fail "server start"; cat "$WORK/pg_ctl.log" "$PGDIR/server.log" >&2; finish; }
PSQL=("${AS_PG[@]}" psql -X -q -h "$PGDIR" -p "$PORT" -U postgres -d postgres -v ON_ERROR_STOP=1)

"$PY" "$H" make "$SRC/datasets/sample_leads.csv" "$WORK" || fail "test data"
expect_exit 0 "train" -- "$TRAIN" -q --target Converted --id "Lead ID" --exclude Email --exclude Company \
    --exclude "Last Activity Date" --exclude "Created Date" --na-values Select -o "$WORK/m.json" "$WORK/train.csv"
expect_exit 3 "C scores (edge rows rejected)" -- "$SCORE" -q -m "$WORK/m.json" --precision 17 -o "$WORK/c.csv" "$WORK/score.csv"
expect_exit 0 "emit postgres" -- "$SCORE" -m "$WORK/m.json" --emit-sql postgres --table "lead's table" -o "$WORK/p.sql"
cp "$WORK/score.csv" "$WORK/create.sql" "$PGDIR/"
{
    cat "$WORK/create.sql"
    printf '\\copy "lead'"'"'s table" FROM '"'"'%s'"'"' WITH (FORMAT csv, HEADER true)\n' "$PGDIR/score.csv"
    printf 'CREATE TABLE scored AS\n'
    cat "$WORK/p.sql"
    printf '\\copy (SELECT * FROM scored ORDER BY "Lead ID") TO '"'"'%s'"'"' WITH (FORMAT csv, HEADER true)\n' "$PGDIR/pg.csv"
} >"$PGDIR/run.sql"
chmod 644 "$PGDIR/score.csv" "$PGDIR/create.sql" "$PGDIR/run.sql"
expect_exit 0 "psql runs the SELECT" -- "${PSQL[@]}" -f "$PGDIR/run.sql"
cp "$PGDIR/pg.csv" "$WORK/pg.csv" 2>/dev/null || fail "no PostgreSQL output"
expect_exit 0 "PostgreSQL scores equal the C scorer's" -- "$PY" "$H" compare "$WORK/c.csv" "$WORK/pg.csv"
cat "$WORK/out"
# derived features: "days since" (as of a fixed date) and leads per account
expect_exit 0 "train with derived features" -- "$TRAIN" -q --target Converted --id "Lead ID" --exclude Email \
    --exclude "Created Date" --na-values Select --days-since "Last Activity Date" --account-column Company \
    --as-of 2025-06-30 -o "$WORK/md.json" "$WORK/train.csv"
expect_exit 3 "C scores, derived" -- "$SCORE" -q -m "$WORK/md.json" --as-of 2025-06-30 --precision 17 -o "$WORK/cd.csv" "$WORK/score.csv"
expect_exit 0 "emit derived" -- "$SCORE" -m "$WORK/md.json" --emit-sql postgres --as-of 2025-06-30 --table "lead's table" -o "$WORK/pd.sql"
{
    printf 'CREATE TABLE scored_derived AS\n'
    cat "$WORK/pd.sql"
    printf '\\copy (SELECT * FROM scored_derived ORDER BY "Lead ID") TO '"'"'%s'"'"' WITH (FORMAT csv, HEADER true)\n' "$PGDIR/pgd.csv"
} >"$PGDIR/rund.sql"
chmod 644 "$PGDIR/rund.sql"
expect_exit 0 "psql runs the derived SELECT" -- "${PSQL[@]}" -f "$PGDIR/rund.sql"
cp "$PGDIR/pgd.csv" "$WORK/pgd.csv" 2>/dev/null || fail "no PostgreSQL output (derived)"
expect_exit 0 "derived features equal the C scorer's" -- "$PY" "$H" compare "$WORK/cd.csv" "$WORK/pgd.csv"
cat "$WORK/out"
# the rules sheet (see sql_sqlite.sh)
expect_exit 0 "C rule scores" -- "$SCORE" -q --rules "$SRC/datasets/sample_rules.csv" --as-of 2026-11-20 --id "Lead ID" \
    --priority-accounts "$SRC/datasets/sample_priority_accounts.txt" -o "$WORK/cr.csv" "$WORK/score.csv"
expect_exit 0 "emit rules" -- "$SCORE" --rules "$SRC/datasets/sample_rules.csv" --as-of 2026-11-20 --id "Lead ID" \
    --priority-accounts "$SRC/datasets/sample_priority_accounts.txt" --emit-sql postgres --table "lead's table" -o "$WORK/pr.sql"
{
    printf 'CREATE TABLE scored_rules AS\n'
    cat "$WORK/pr.sql"
    printf '\\copy (SELECT * FROM scored_rules ORDER BY "Lead ID") TO '"'"'%s'"'"' WITH (FORMAT csv, HEADER true)\n' "$PGDIR/pgr.csv"
} >"$PGDIR/runr.sql"
chmod 644 "$PGDIR/runr.sql"
expect_exit 0 "psql runs the rules SELECT" -- "${PSQL[@]}" -f "$PGDIR/runr.sql"
cp "$PGDIR/pgr.csv" "$WORK/pgr.csv" 2>/dev/null || fail "no PostgreSQL output (rules)"
expect_exit 0 "rule scores equal the C engine's" -- "$PY" "$H" rules "$WORK/cr.csv" "$WORK/pgr.csv"
cat "$WORK/out"
# an --accounts export (docs/rules.md): contacts + the table's rows, tiers, engaged contacts
"$PY" "$H" crm "$SRC/datasets/sample_leads.csv" "$WORK" || fail "crm.csv"
expect_exit 0 "C rule scores, --accounts" -- "$SCORE" -q --rules "$WORK/crm_rules.csv" --accounts "$WORK/crm.csv" \
    --id "Lead ID" --explain-rules -o "$WORK/cra.csv" "$WORK/score.csv"
expect_exit 0 "emit rules, --accounts" -- "$SCORE" --rules "$WORK/crm_rules.csv" --accounts "$WORK/crm.csv" \
    --id "Lead ID" --emit-sql postgres --table "lead's table" -o "$WORK/pra.sql"
{
    printf 'CREATE TABLE scored_accounts AS\n'
    cat "$WORK/pra.sql"
    printf '\\copy (SELECT * FROM scored_accounts ORDER BY "Lead ID") TO '"'"'%s'"'"' WITH (FORMAT csv, HEADER true)\n' "$PGDIR/pga.csv"
} >"$PGDIR/runa.sql"
chmod 644 "$PGDIR/runa.sql"
expect_exit 0 "psql runs the rules SELECT with --accounts" -- "${PSQL[@]}" -f "$PGDIR/runa.sql"
cp "$PGDIR/pga.csv" "$WORK/pga.csv" 2>/dev/null || fail "no PostgreSQL output (--accounts)"
expect_exit 0 "rule scores with --accounts equal the C engine's" -- "$PY" "$H" rules "$WORK/cra.csv" "$WORK/pga.csv"
cat "$WORK/out"
for r in A1 T1 T2 E1; do grep -q "$r:" "$WORK/cra.csv" && ok || fail "rule $r never fired on the sample"; done
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
cp "$WORK/binned.csv" "$WORK/pbinned.csv" "$PGDIR/"
chmod 644 "$PGDIR/binned.csv" "$PGDIR/pbinned.csv"
{
    for t in binned pbinned; do
        cat "$WORK/${t}_create.sql"
        printf '\\copy %s FROM '"'"'%s'"'"' WITH (FORMAT csv, HEADER true)\n' $t "$PGDIR/$t.csv"
    done
} >"$PGDIR/load_binned.sql"
chmod 644 "$PGDIR/load_binned.sql"
expect_exit 0 "psql loads the binned tables" -- "${PSQL[@]}" -f "$PGDIR/load_binned.sql"
# pg_run NAME: runs $WORK/p_NAME.sql into scored_NAME, writes $WORK/pg_NAME.csv
pg_run() {
    {
        printf 'CREATE TABLE "scored_%s" AS\n' "$1"
        cat "$WORK/p_$1.sql"
        printf '\\copy (SELECT * FROM "scored_%s" ORDER BY "Lead ID") TO '"'"'%s'"'"' WITH (FORMAT csv, HEADER true)\n' \
            "$1" "$PGDIR/pg_$1.csv"
    } >"$PGDIR/run_$1.sql"
    chmod 644 "$PGDIR/run_$1.sql"
    expect_exit 0 "psql runs the SELECT, $1" -- "${PSQL[@]}" -f "$PGDIR/run_$1.sql"
    cp "$PGDIR/pg_$1.csv" "$WORK/pg_$1.csv" 2>/dev/null || fail "no PostgreSQL output ($1)"
}
for b in mb mp mpd; do
    t=pbinned
    [ $b != mb ] || t=binned
    expect_exit 3 "C scores, $b" -- "$SCORE" -q -m "$WORK/$b.json" --as-of 2025-06-30 --precision 17 \
        -o "$WORK/c_$b.csv" "$WORK/$t.csv"
    expect_exit 0 "emit postgres, $b" -- "$SCORE" -m "$WORK/$b.json" --as-of 2025-06-30 --emit-sql postgres \
        --table $t -o "$WORK/p_$b.sql"
    pg_run $b
    expect_exit 0 "binned scores equal the C scorer's to 1e-12, $b" -- "$PY" "$H" compare "$WORK/c_$b.csv" "$WORK/pg_$b.csv" 1e-12
    cat "$WORK/out"
done
for s in and_rules points; do
    t="lead's table" input="$WORK/score.csv"
    [ $s = and_rules ] || { t=pbinned; input="$WORK/pbinned.csv"; }
    expect_exit 0 "C rule scores, $s" -- "$SCORE" -q --rules "$WORK/$s.csv" --as-of 2026-11-20 --id "Lead ID" \
        -o "$WORK/c_$s.csv" "$input"
    expect_exit 0 "emit rules, $s" -- "$SCORE" --rules "$WORK/$s.csv" --as-of 2026-11-20 --id "Lead ID" \
        --emit-sql postgres --table "$t" -o "$WORK/p_$s.sql"
    pg_run $s
    expect_exit 0 "rule scores equal the C engine's, $s" -- "$PY" "$H" rules "$WORK/c_$s.csv" "$WORK/pg_$s.csv"
    cat "$WORK/out"
done
# a dimension beyond 2^31 cents: the sums start as BIGINT (an INTEGER sum
# once failed with "integer out of range")
printf 'id,dimension,column,operator,value,points\nB1,fit,Industry,is present,,20000000\nB2,fit,Seniority,is present,,20000000\n' \
    >"$WORK/big_rules.csv"
expect_exit 0 "C rule scores, 40 million points" -- "$SCORE" -q --rules "$WORK/big_rules.csv" --id "Lead ID" \
    -o "$WORK/c_big.csv" "$WORK/score.csv"
expect_exit 0 "emit rules, 40 million points" -- "$SCORE" --rules "$WORK/big_rules.csv" --id "Lead ID" --as-of 2026-11-20 \
    --emit-sql postgres --table "lead's table" -o "$WORK/p_big.sql"
pg_run big
expect_exit 0 "rule scores equal the C engine's, 40 million points" -- "$PY" "$H" rules "$WORK/c_big.csv" "$WORK/pg_big.csv"
grep -q ",40000000," "$WORK/pg_big.csv" && ok || fail "no lead with 40 million points"

# activity-log features (docs/events.md): see sql_sqlite.sh; the tables
# are TEXT, empty CSV fields NULL
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
for e in el eb; do
    extra=()
    [ $e = el ] || extra=(--bins 4 --interactions 0)
    expect_exit 0 "train with an activity log, $e" -- "$TRAIN" -q --target Converted --id "Lead ID" \
        --events "$WORK/ev/events_train.csv" --as-of 2026-06-30 --event-min-leads 5 "${extra[@]}" \
        -o "$WORK/$e.json" "$WORK/ev/leads.csv"
    expect_exit 0 "C scores with the log, $e" -- "$SCORE" -q -m "$WORK/$e.json" --events "$WORK/ev/events.csv" \
        --as-of 2026-06-30 --precision 17 -o "$WORK/c_$e.csv" "$WORK/ev/leads.csv"
    expect_exit 0 "emit postgres with an events table, $e" -- "$SCORE" -m "$WORK/$e.json" --emit-sql postgres \
        --table "ev leads" --events-table "event log" --as-of 2026-06-30 -o "$WORK/p_$e.sql"
    pg_run $e
    expect_exit 0 "activity-log scores equal the C scorer's to 1e-12, $e" -- "$PY" "$H" compare \
        "$WORK/c_$e.csv" "$WORK/pg_$e.csv" 1e-12
    cat "$WORK/out"
done

# Hostile values (issue 12.6): levels and a column name with backslashes before
# quotes, statements, comment markers, dollar quotes and newlines, in a table
# beside a sentinel table; the model's and the sheet's SQL run with
# standard_conforming_strings on and off, equal to the C scorer each time, and
# the sentinel survives. A newline in --table is refused.
"$PY" "$H" hostile "$WORK" || fail "hostile data"
expect_exit 0 "train on hostile levels" -- "$TRAIN" -q --target Converted --id "Lead ID" -o "$WORK/mh.json" "$WORK/hostile.csv"
expect_exit 0 "C scores, hostile" -- "$SCORE" -q -m "$WORK/mh.json" --precision 17 -o "$WORK/ch.csv" "$WORK/hostile.csv"
expect_exit 0 "C rule scores, hostile" -- "$SCORE" -q --rules "$WORK/hostile_rules.csv" --id "Lead ID" -o "$WORK/chr.csv" "$WORK/hostile.csv"
expect_exit 0 "emit hostile model" -- "$SCORE" -m "$WORK/mh.json" --emit-sql postgres --table "public.hostile" -o "$WORK/ph.sql"
expect_exit 0 "emit hostile rules" -- "$SCORE" --rules "$WORK/hostile_rules.csv" --id "Lead ID" --as-of 2026-11-20 \
    --emit-sql postgres --table "public.hostile" -o "$WORK/phr.sql"
grep -qF "E'x\\\\'' ; DROP TABLE sentinel; --'" "$WORK/ph.sql" && ok || fail "the backslash level is not an E'' literal"
cp "$WORK/hostile.csv" "$PGDIR/"
chmod 644 "$PGDIR/hostile.csv"
for scs in on off; do
    {
        printf 'SET standard_conforming_strings = %s;\n' "$scs"
        printf 'DROP TABLE IF EXISTS sentinel, hostile, sh, shr;\nCREATE TABLE sentinel (x int);\n'
        cat "$WORK/hostile_create.sql"
        printf '\\copy hostile FROM '"'"'%s'"'"' WITH (FORMAT csv, HEADER true)\n' "$PGDIR/hostile.csv"
        printf 'CREATE TABLE sh AS\n'
        cat "$WORK/ph.sql"
        printf 'CREATE TABLE shr AS\n'
        cat "$WORK/phr.sql"
        printf '\\copy (SELECT * FROM sh ORDER BY "Lead ID") TO '"'"'%s'"'"' WITH (FORMAT csv, HEADER true)\n' "$PGDIR/ph_$scs.csv"
        printf '\\copy (SELECT * FROM shr ORDER BY "Lead ID") TO '"'"'%s'"'"' WITH (FORMAT csv, HEADER true)\n' "$PGDIR/phr_$scs.csv"
        printf 'SELECT count(*) FROM sentinel;\n'
    } >"$PGDIR/runh_$scs.sql"
    chmod 644 "$PGDIR/runh_$scs.sql"
    expect_exit 0 "psql, hostile values, standard_conforming_strings=$scs" -- "${PSQL[@]}" -f "$PGDIR/runh_$scs.sql"
    cp "$PGDIR/ph_$scs.csv" "$PGDIR/phr_$scs.csv" "$WORK/" 2>/dev/null || fail "no hostile output ($scs)"
    expect_exit 0 "hostile model scores equal the C scorer's ($scs)" -- "$PY" "$H" compare "$WORK/ch.csv" "$WORK/ph_$scs.csv"
    expect_exit 0 "hostile rule scores equal the C engine's ($scs)" -- "$PY" "$H" rules "$WORK/chr.csv" "$WORK/phr_$scs.csv"
done
expect_exit 2 "a newline in --table" -- "$SCORE" -m "$WORK/mh.json" --emit-sql postgres --table $'t\nDROP TABLE sentinel; --'
expect_in "$WORK/err" "--table: " "--table refused"
finish
