#!/usr/bin/env bash
# Training inside PostgreSQL against the CSV path on the same synthetic rows
# (issue 15; docs/warehouse.md): wall time and the client's peak memory of
#   leadscore-train FILE.csv ...                       (the CSV path)
#   leadscore-train --postgres CONNINFO --table syn ... (inside the database)
# the time to generate and to load the rows, and the largest coefficient
# difference between the two models (matched by feature name).
#
#   scripts/bench_pg_train.sh [--rows N] [--build DIR] [--workers K] [--bins B]
#                             [--interactions P] [--events] [--keep]
#
# --rows N      synthetic rows (scripts/gen_synthetic.py; default 10000000,
#               the issue's target; on this 2-core machine the database fit
#               takes about 55 s per million rows per iteration query, so
#               the default runs for about an hour and a half: 104 minutes
#               measured, contended, see BENCHMARKS.md)
# --build DIR   the build whose bin/ is timed (default build)
# --workers K   max_parallel_workers_per_gather of the server (default 2)
# --bins B      both runs fit the binned model (--bins B --interactions P):
#               inside the database the cuts take up to B - 1 more queries
# --interactions P  with --bins, up to P pairs (default 0), their halves by
#               the id's hash on both runs (--split-by-id): inside the
#               database the additive fit's queries and one of the tables
# --events      N leads and their activity log from scripts/gen_events.py
#               (about 13 events per lead) instead of the synthetic rows:
#               the CSV path reads the log as a file (--events), the
#               database as a table (--events-table), both with each lead's
#               --outcome-date (needs numpy)
# --keep        keep the cluster's folder (printed) instead of removing it
#
# A throw-away cluster is started as the tests start theirs (initdb in a
# temporary folder, the postgres user when run as root, a loopback port,
# fsync off), the rows are loaded into a table of TEXT columns with COPY in
# one transaction, and the server is stopped at the end, also on an error or
# an interrupt. Both runs fit without a holdout (--holdout 0), so they fit
# the same rows. A build whose leadscore-train --help does not mention
# --postgres gets as far as the load and the CSV run, then exits 77.
# Needs the postgresql server package, psql and /usr/bin/time.
set -euo pipefail
ROWS=10000000
BUILD=build
WORKERS=2
BINS=0
PAIRS=0
KEEP=
EVENTS=
usage() { echo "usage: $0 [--rows N] [--build DIR] [--workers K] [--bins B] [--interactions P] [--events] [--keep]" >&2; exit 2; }
while [ $# -gt 0 ]; do
    case "$1" in
    --rows) [ $# -ge 2 ] || usage; ROWS=$2; shift 2 ;;
    --build) [ $# -ge 2 ] || usage; BUILD=$2; shift 2 ;;
    --workers) [ $# -ge 2 ] || usage; WORKERS=$2; shift 2 ;;
    --bins) [ $# -ge 2 ] || usage; BINS=$2; shift 2 ;;
    --interactions) [ $# -ge 2 ] || usage; PAIRS=$2; shift 2 ;;
    --events) EVENTS=1; shift ;;
    --keep) KEEP=1; shift ;;
    *) usage ;;
    esac
done
case "$ROWS$WORKERS$BINS$PAIRS" in *[!0-9]*) usage ;; esac
BINNED=()
[ "$BINS" -eq 0 ] || BINNED=(--bins "$BINS" --interactions "$PAIRS" --split-by-id)
SRC=$(cd "$(dirname "$0")/.." && pwd)
case "$BUILD" in /*) ;; *) BUILD="$SRC/$BUILD" ;; esac
TRAIN="$BUILD/bin/leadscore-train"
PY=/usr/bin/python3
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -x "$TRAIN" ] || { echo "no $TRAIN: build first" >&2; exit 2; }
[ -n "$PGBIN" ] && [ -x "$PGBIN/initdb" ] || { echo "PostgreSQL server binaries not installed" >&2; exit 77; }
command -v psql >/dev/null 2>&1 || { echo "psql not installed" >&2; exit 77; }
[ -x /usr/bin/time ] || { echo "/usr/bin/time not installed (apt-get install time)" >&2; exit 77; }
if [ "$(id -u)" -eq 0 ]; then
    id postgres >/dev/null 2>&1 || { echo "no postgres user" >&2; exit 77; }
    AS_PG=(runuser -u postgres --)
else
    AS_PG=()
fi
DIR=$(mktemp -d /tmp/leadscore-bench-pg.XXXXXX)
chmod 755 "$DIR"
[ "$(id -u)" -ne 0 ] || chown postgres "$DIR"
cleanup() {
    "${AS_PG[@]}" "$PGBIN/pg_ctl" -D "$DIR/data" -m immediate -w stop >/dev/null 2>&1 || true
    if [ -z "$KEEP" ]; then rm -rf "$DIR"; else echo "kept $DIR" >&2; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM
now() { date +%s.%N; }
secs() { "$PY" -c "import sys; print('%.1f' % (float(sys.argv[2]) - float(sys.argv[1])))" "$1" "$2"; }

PORT=$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"${AS_PG[@]}" "$PGBIN/initdb" -D "$DIR/data" -A trust -U postgres -E UTF8 --locale=C.UTF-8 >"$DIR/initdb.log" 2>&1 \
    || { cat "$DIR/initdb.log" >&2; exit 1; }
# a 24 GiB machine: the table (about 1.2 GB per 10M rows) stays in shared
# buffers; COPY into a table created in the same transaction writes no WAL
# (wal_level minimal)
"${AS_PG[@]}" "$PGBIN/pg_ctl" -D "$DIR/data" -l "$DIR/server.log" -w -t 60 \
    -o "-p $PORT -k $DIR -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off \
-c full_page_writes=off -c wal_level=minimal -c max_wal_senders=0 -c max_wal_size=8GB \
-c max_parallel_workers_per_gather=$WORKERS -c shared_buffers=4GB -c work_mem=256MB \
-c maintenance_work_mem=1GB" \
    start >"$DIR/pg_ctl.log" 2>&1 || { cat "$DIR/pg_ctl.log" "$DIR/server.log" >&2; exit 1; }
PSQL=("${AS_PG[@]}" psql -X -q -h "$DIR" -p "$PORT" -U postgres -d postgres -v ON_ERROR_STOP=1)
CONN="host=$DIR port=$PORT user=postgres dbname=postgres"
"${PSQL[@]}" -c "SELECT version()" -t -A >"$DIR/version.txt"

echo "generating $ROWS rows ..." >&2
t0=$(now)
ROLES=(--target converted --id id)
CSV_LOG=()
PG_LOG=()
if [ -n "$EVENTS" ]; then
    "$PY" "$SRC/scripts/gen_events.py" --leads "$ROWS" --seed 1 --out "$DIR/ev" >/dev/null
    mv "$DIR/ev/leads.csv" "$DIR/syn.csv"
    chmod 644 "$DIR/ev/events.csv"
    ROLES=(--target Converted --id "Prospect ID" --outcome-date "Outcome Date" --as-of 2026-06-30)
    CSV_LOG=(--events "$DIR/ev/events.csv")
    PG_LOG=(--events-table synlog)
else
    "$PY" "$SRC/scripts/gen_synthetic.py" --rows "$ROWS" --out "$DIR/syn.csv"
fi
t1=$(now)
gen=$(secs "$t0" "$t1")
chmod 644 "$DIR/syn.csv"
csv_bytes=$(stat -c %s "$DIR/syn.csv")
cols() { head -1 "$1" | tr ',' '\n' | sed 's/.*/"&" TEXT/' | paste -sd, -; }
echo "loading them (COPY) ..." >&2
t0=$(now)
"${PSQL[@]}" -1 -c "CREATE TABLE syn ($(cols "$DIR/syn.csv"))" -c "\\copy syn FROM '$DIR/syn.csv' WITH (FORMAT csv, HEADER true)"
[ -z "$EVENTS" ] || "${PSQL[@]}" -1 -c "CREATE TABLE synlog ($(cols "$DIR/ev/events.csv"))" \
    -c "\\copy synlog FROM '$DIR/ev/events.csv' WITH (FORMAT csv, HEADER true)"
t1=$(now)
"${PSQL[@]}" -c "ANALYZE syn"
[ -z "$EVENTS" ] || "${PSQL[@]}" -c "ANALYZE synlog"
t2=$(now)
load=$(secs "$t0" "$t1")
analyze=$(secs "$t1" "$t2")
loaded=$("${PSQL[@]}" -t -A -c "SELECT count(*) FROM syn")
table_mb=$("${PSQL[@]}" -t -A -c "SELECT pg_total_relation_size('syn') / 1048576")
[ "$loaded" = "$ROWS" ] || { echo "the table holds $loaded rows, not $ROWS" >&2; exit 1; }

run() { # NAME ARGS...: wall seconds and peak RSS (MB) of one run
    local name=$1
    shift
    /usr/bin/time -v "$TRAIN" "${ROLES[@]}" --holdout 0 --force ${BINNED[@]+"${BINNED[@]}"} "$@" \
        >"$DIR/$name.out" 2>"$DIR/$name.err" \
        || { cat "$DIR/$name.err" >&2; return 1; }
    local wall rss
    wall=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$DIR/$name.err" \
        | awk -F: '{ if (NF == 3) print $1 * 3600 + $2 * 60 + $3; else print $1 * 60 + $2 }')
    rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$DIR/$name.err")
    echo "$wall $((rss / 1024))"
}
echo "training on the CSV file ..." >&2
res=$(run csv ${CSV_LOG[@]+"${CSV_LOG[@]}"} -o "$DIR/a.json" "$DIR/syn.csv")
read -r csv_s csv_mb <<<"$res"

header() {
    echo
    echo "$(cat "$DIR/version.txt" | cut -d' ' -f1,2); $ROWS rows, $((csv_bytes / 1048576)) MB of CSV, a table of $table_mb MB${BINNED[@]+; ${BINNED[*]}}${EVENTS:+; an activity log of $(($(wc -l <"$DIR/ev/events.csv") - 1)) events}"
    echo "generate: $gen s; load (CREATE TABLE + COPY, one transaction): $load s; ANALYZE: $analyze s"
    echo
    echo "| rows | path | wall s | client peak RSS MB | ratio to CSV |"
    echo "|---:|---|---:|---:|---:|"
    echo "| $ROWS | CSV file (leadscore-train FILE) | $csv_s | $csv_mb | 1.00 |"
}
if ! "$TRAIN" --help 2>&1 | grep -q -- '--postgres'; then
    header
    echo
    echo "$TRAIN --help does not mention --postgres: this build cannot train inside PostgreSQL; stopping after the load and the CSV run" >&2
    exit 77
fi
echo "training inside PostgreSQL ..." >&2
res=$(run pg ${PG_LOG[@]+"${PG_LOG[@]}"} -o "$DIR/b.json" --postgres "$CONN" --table syn)
read -r pg_s pg_mb <<<"$res"
diff=$("$PY" - "$DIR/a.json" "$DIR/b.json" <<'PYEOF'
import json, sys
def coefs(path):
    return {f["name"]: f for f in json.load(open(path))["features"]}
a, b = coefs(sys.argv[1]), coefs(sys.argv[2])
if set(a) != set(b):
    sys.exit("different features: only in the CSV model %s, only in the database's %s"
             % (sorted(set(a) - set(b)), sorted(set(b) - set(a))))
d = max(abs(a[k]["estimate"] - b[k]["estimate"]) for k in a)
se = [abs(a[k]["std_error"] - b[k]["std_error"]) for k in a
      if isinstance(a[k].get("std_error"), float) and isinstance(b[k].get("std_error"), float)]
print("%.3g over %d features%s" % (d, len(a), "; standard errors %.3g" % max(se) if se else ""))
PYEOF
)
header
echo "| $ROWS | inside PostgreSQL (--postgres, $WORKERS workers per gather) | $pg_s | $pg_mb | $("$PY" -c "import sys; print('%.2f' % (float(sys.argv[1]) / float(sys.argv[2])))" "$pg_s" "$csv_s") |"
echo
echo "largest |coefficient difference|: $diff"
[ "$pg_mb" -lt 64 ] && echo "client peak memory under 64 MB: yes ($pg_mb MB)" \
    || echo "client peak memory under 64 MB: NO ($pg_mb MB)"
grep '^PostgreSQL:' "$DIR/pg.err" || true
