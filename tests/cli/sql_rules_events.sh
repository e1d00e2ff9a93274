# --rules --emit-sql with event rules and spans of days (issue 14): the
# activity log as a table (--events-table, grouped by lead) and the lead's
# own dates. The statements of SQLite, PostgreSQL (a throw-away cluster, as
# in sql_postgres.sh) and DuckDB (the npm package of sql_duckdb.sh, when it
# is installed in the build tree) give every lead the rules engine's
# rule_score, tier, qualification, points and grade, over a generated log
# with hostile rows: padded and missing ids, missing and invalid times,
# times with a time of day, empty types, a type with a quote, events after
# the as-of date, ids the leads do not have, leads without events.
. "$(dirname "$0")/common.bash"
H="$SRC/tests/cli/sql_helpers.py"
D="$SRC/tests/data/rules_events"
cd "$WORK" || exit 1
ASOF=2026-11-20

"$PY" - <<'PYEOF' || fail "test data"
import csv, datetime, random
random.seed(14)
asof = datetime.date(2026, 11, 20)
types = ["Page Visit", "Video Play", "Contact Page Visit", "Demo Request", "Webinar's Q&A"]
rate = [6, 2, 1, 0.4, 0.5]
leads, events = [], []
for i in range(300):
    lid = f"L{i:03d}"
    created = asof - datetime.timedelta(days=random.randint(0, 200))
    demo = created + datetime.timedelta(days=random.randint(-5, 60))
    c = created.isoformat() if random.random() > 0.05 else random.choice(["", "NA", "soon", "2026-02-30"])
    d = demo.isoformat() if random.random() > 0.3 else random.choice(["", "N/A", "2026-13-01"])
    leads.append([lid if i % 50 else f" {lid} ", c, d, random.choice(["Spain", "Mexico"])])
    start = created + datetime.timedelta(days=random.randint(0, 30))
    level, span = random.choice([0.3, 1, 4]), random.randint(3, 120)
    for t, r in zip(types, rate):
        for _ in range(int(random.expovariate(1 / (r * level))) if random.random() < 0.8 else 0):
            day = start + datetime.timedelta(days=random.randint(0, span if t != "Demo Request" else 20))
            ts = day.isoformat()
            ts = random.choice([ts, ts, ts + "T10:15:00Z", ts + " 23:59", ts + "\t"])
            events.append([lid if random.random() > 0.05 else f"  {lid}\t", t, ts, "/x"])
leads.append(["NA", "2026-11-01", "2026-11-02", "Spain"])
leads.append(["L-none", "2026-11-01", "2026-11-02", "Spain"])
hostile = [
    ["NA", "Page Visit", "2026-11-01", ""], ["", "Page Visit", "2026-11-01", ""],
    ["L001", "", "2026-11-01", ""], ["L001", "Page Visit", "", ""],
    ["L001", "Page Visit", "NULL", ""], ["L001", "Page Visit", "yesterday", ""],
    ["L001", "Page Visit", "2026-02-30", ""], ["L001", "Page Visit", "26-11-05", ""],
    ["L001", "Page Visit", "2026-11-5", ""], ["L001", "  Page Visit ", "2026-11-18", ""],
    ["L001", "page visit", "2026-11-18", ""], ["L002", "Demo Request", "2026-11-21", ""],
    ["L002", "Demo Request", "2027-01-01T00:00:00", ""], ["L999", "Demo Request", "2026-11-01", ""],
]
events += hostile
random.shuffle(events)
with open("leads.csv", "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["Lead ID", "Created Date", "Demo Date", "Country"])
    w.writerows(leads)
with open("log.csv", "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["lead", "activity", "at", "url"])
    w.writerows(events)
PYEOF

cp "$D/spanish_rules.csv" spanish.csv
cat >windows.csv <<'EOF'
id,dimension,column,operator,value,points,cap,description
W1,engagement,Page Visit,events,at least 2 in last 7 days,+3,,
W2,engagement,Video Play,events,per 2,+1.5,,
W3,engagement,Page Visit,events,in last 30 days,+1,6,
W4,engagement,Webinar's Q&A,events,between 1 and 2,+4,,
W5,engagement,Contact Page Visit,events,none in last 90 days,-5,,
W6,fit,Country,equals,Spain,+10,,a plain rule beside them
W7,engagement,Demo Request,events,exactly 1,+7,,
setting,total,,allow negative,yes,,,
setting,total,,hot,30,,,
setting,total,,warm,10,,,
EOF
cat >spans.csv <<'EOF'
id,dimension,column,operator,value,points,cap,description
V1,engagement,Demo Request,event within,14 days of first Page Visit,+15,,
V2,engagement,Demo Request,event within,30 days of Created Date,+5,,
V3,engagement,Demo Date,within,7 days of Created Date,+4,,
V4,engagement,days between Created Date and Demo Date,<=,10,+2,,
V5,engagement,days from Created Date to first Demo Request,per unit,7,-1,4,
V6,engagement,days between first event and first Contact Page Visit,between,0 and 3,+6,,
V7,engagement,Video Play,event within,2 days of first event,+1,,
V8,engagement,Demo Date,within,5 days of first Webinar's Q&A,+3,,
setting,total,,allow negative,yes,,,
EOF
SHEETS="spanish windows spans"
for s in $SHEETS; do
    expect_exit 0 "C rule scores, $s" -- "$SCORE" -q --rules $s.csv --events log.csv --event-id lead \
        --event-type activity --event-time at --as-of $ASOF --id "Lead ID" -o "c_$s.csv" leads.csv
    for d in sqlite postgres duckdb; do
        expect_exit 0 "emit $d, $s" -- "$SCORE" --rules $s.csv --emit-sql $d --table "lead's table" \
            --events-table "the log" --event-id lead --event-type activity --event-time at --as-of $ASOF \
            --id "Lead ID" -o "${d}_$s.sql"
    done
done
# the rules fire: every rule of the three sheets for some lead, not for all
for s in $SHEETS; do
    "$SCORE" -q --rules $s.csv --events log.csv --event-id lead --event-type activity --event-time at \
        --as-of $ASOF --id "Lead ID" --explain-rules -o "x_$s.csv" leads.csv
done
"$PY" - $SHEETS <<'PYEOF' && ok || fail "every rule fires for some leads and not for all"
import csv, sys
for s in sys.argv[1:]:
    ids = [r["id"] for r in csv.DictReader(open(s + ".csv")) if r["id"] != "setting"]
    rows = list(csv.DictReader(open("x_" + s + ".csv")))
    n = {i: sum(1 for r in rows if any(h.split(":")[0] == i for h in r["rule_reasons"].split(";"))) for i in ids}
    bad = {i: k for i, k in n.items() if not 0 < k < len(rows)}
    print(s, n)
    assert not bad, (s, bad)
PYEOF

# ---- SQLite
if command -v sqlite3 >/dev/null 2>&1; then
    {
        printf '.mode csv\n.import leads.csv "lead'"'"'s table"\n.import log.csv "the log"\n'
    } >load.sqlite
    expect_exit 0 "sqlite3 loads" -- sqlite3 -bail db.sqlite ".read load.sqlite"
    for s in $SHEETS; do
        printf '.headers on\n.mode csv\n' >run_$s.sqlite
        cat sqlite_$s.sql >>run_$s.sqlite
        expect_exit 0 "sqlite3, $s" -- sqlite3 -bail db.sqlite ".read run_$s.sqlite"
        cp "$WORK/out" "sq_$s.csv"
        expect_exit 0 "SQLite rule scores equal the C engine's, $s" -- "$PY" "$H" rules "c_$s.csv" "sq_$s.csv"
        cat "$WORK/out"
    done
else
    echo "sqlite3 not installed: SQLite skipped"
fi

# ---- PostgreSQL
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
if [ -n "$PGBIN" ] && [ -x "$PGBIN/initdb" ] && command -v psql >/dev/null 2>&1 && id postgres >/dev/null 2>&1; then
    if [ "$(id -u)" -eq 0 ]; then AS_PG=(runuser -u postgres --); else AS_PG=(); fi
    PGDIR=$(mktemp -d /tmp/leadscore-pg.XXXXXX)
    chmod 755 "$PGDIR"
    cleanup() {
        "${AS_PG[@]}" "$PGBIN/pg_ctl" -D "$PGDIR/data" -m immediate -w stop >/dev/null 2>&1
        rm -rf "$PGDIR"
    }
    trap cleanup EXIT
    [ "$(id -u)" -ne 0 ] || chown postgres "$PGDIR"
    PORT=$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    "${AS_PG[@]}" "$PGBIN/initdb" -D "$PGDIR/data" -A trust -U postgres -E UTF8 --locale=C.UTF-8 >initdb.log 2>&1 \
        || { fail "initdb"; cat initdb.log >&2; finish; }
    "${AS_PG[@]}" "$PGBIN/pg_ctl" -D "$PGDIR/data" -l "$PGDIR/server.log" -w -t 60 \
        -o "-p $PORT -k $PGDIR -c listen_addresses=127.0.0.1 -c fsync=off" start >pg_ctl.log 2>&1 \
        || { fail "server start"; cat pg_ctl.log "$PGDIR/server.log" >&2; finish; }
    PSQL=("${AS_PG[@]}" psql -X -q -h "$PGDIR" -p "$PORT" -U postgres -d postgres -v ON_ERROR_STOP=1)
    cp leads.csv log.csv "$PGDIR/"
    {
        printf 'CREATE TABLE "lead'"'"'s table" ("Lead ID" TEXT, "Created Date" TEXT, "Demo Date" TEXT, "Country" TEXT);\n'
        printf 'CREATE TABLE "the log" (lead TEXT, activity TEXT, at TEXT, url TEXT);\n'
        printf '\\copy "lead'"'"'s table" FROM '"'"'%s'"'"' WITH (FORMAT csv, HEADER true)\n' "$PGDIR/leads.csv"
        printf '\\copy "the log" FROM '"'"'%s'"'"' WITH (FORMAT csv, HEADER true)\n' "$PGDIR/log.csv"
        for s in $SHEETS; do
            printf 'CREATE TABLE scored_%s AS\n' "$s"
            cat postgres_$s.sql
            printf '\\copy (SELECT * FROM scored_%s) TO '"'"'%s'"'"' WITH (FORMAT csv, HEADER true)\n' "$s" "$PGDIR/pg_$s.csv"
        done
    } >"$PGDIR/run.sql"
    chmod 644 "$PGDIR"/*.csv "$PGDIR/run.sql"
    expect_exit 0 "psql runs the statements" -- "${PSQL[@]}" -f "$PGDIR/run.sql"
    for s in $SHEETS; do
        cp "$PGDIR/pg_$s.csv" "pg_$s.csv" 2>/dev/null || fail "no PostgreSQL output, $s"
        expect_exit 0 "PostgreSQL rule scores equal the C engine's, $s" -- "$PY" "$H" rules "c_$s.csv" "pg_$s.csv"
        cat "$WORK/out"
    done
else
    echo "PostgreSQL not installed: skipped"
fi

# ---- DuckDB (when sql_duckdb.sh has installed its package in the build tree)
NPMDIR="$BIN/../npm-duckdb"
if command -v node >/dev/null 2>&1 && [ -d "$NPMDIR/node_modules/@duckdb/node-api" ]; then
    csv_opts="header = true, all_varchar = true, delim = ',', quote = '\"', escape = '\"'"
    cat >load.duck <<SQLEOF
CREATE TABLE "lead's table" AS SELECT * FROM read_csv('$WORK/leads.csv', $csv_opts);
CREATE TABLE "the log" AS SELECT * FROM read_csv('$WORK/log.csv', $csv_opts);
SELECT count(*) AS n FROM "the log";
SQLEOF
    expect_exit 0 "DuckDB loads" -- node "$SRC/tests/cli/sql_duckdb.cjs" "$NPMDIR" duck.db loaded.csv load.duck
    for s in $SHEETS; do
        expect_exit 0 "DuckDB, $s" -- node "$SRC/tests/cli/sql_duckdb.cjs" "$NPMDIR" duck.db "dk_$s.csv" duckdb_$s.sql
        expect_exit 0 "DuckDB rule scores equal the C engine's, $s" -- "$PY" "$H" rules "c_$s.csv" "dk_$s.csv"
        cat "$WORK/out"
    done
else
    echo "DuckDB package not installed in the build tree (tests/cli/sql_duckdb.sh installs it): skipped"
fi

# ---- what the SQL translation refuses (exit 2, the rule named)
expect_exit 2 "event rules without --events-table" -- "$SCORE" --rules spanish.csv --emit-sql sqlite --table t --id "Lead ID"
expect_in "$WORK/err" "rule S1 reads the activity log: give its table with --events-table NAME" "no events table"
expect_exit 2 "an events table without its columns" -- "$SCORE" --rules spanish.csv --emit-sql sqlite --table t \
    --events-table e --id "Lead ID"
expect_in "$WORK/err" "rule S1 reads the activity log: give its table and columns with --events-table NAME --event-id COL --event-type COL --event-time COL" "columns asked for"
expect_exit 2 "event rules without --id" -- "$SCORE" --rules spanish.csv --emit-sql sqlite --table t \
    --events-table e --event-id a --event-type b --event-time c
expect_in "$WORK/err" "name the leads' id column with --id COL" "--id asked for"
printf 'id,dimension,column,operator,value,points\nD1,engagement,days between Start and End and Middle,<=,3,1\n' >split.csv
expect_exit 2 "a span that splits two ways" -- "$SCORE" --rules split.csv --emit-sql sqlite --table t
expect_in "$WORK/err" "rule D1: where \"days between Start and End and Middle\" splits into two dates" "ambiguous split"
printf 'id,dimension,column,operator,value,points\nD1,engagement,days between A and B,<=,3,1\nsetting,,B,date format,%%d/%%m/%%Y,\n' >fmt.csv
expect_exit 2 "a span end with a declared date format" -- "$SCORE" --rules fmt.csv --emit-sql sqlite --table t
expect_in "$WORK/err" "rule D1 cannot be translated to SQL: its column's declared date format" "date format refused"
expect_exit 2 "--events-table to score" -- "$SCORE" --rules spanish.csv --events-table e leads.csv
finish
