#!/usr/bin/env bash
# Training inside PostgreSQL against the CSV path on the same synthetic rows
# (issue 15; docs/warehouse.md): wall time and the client's peak memory of
#   leadscore-train FILE.csv ...                       (the CSV path)
#   leadscore-train --postgres CONNINFO --table syn ... (inside the database)
# and the largest coefficient difference between the two models.
#
#   scripts/bench_pg_train.sh [--rows N] [--build DIR] [--workers K] [--keep]
#
# --rows N      synthetic rows (scripts/gen_synthetic.py; default 1000000)
# --build DIR   the build whose bin/ is timed (default build)
# --workers K   max_parallel_workers_per_gather of the server (default 2)
# --keep        keep the cluster's folder (printed) instead of removing it
#
# A throw-away cluster is started as the tests start theirs (initdb in a
# temporary folder, the postgres user, a loopback port, fsync off), the rows
# are loaded into a table of TEXT columns with COPY, and the server is
# stopped at the end. Both runs fit without a holdout (--holdout 0), so they
# fit the same rows. Needs the postgresql server package and /usr/bin/time.
set -euo pipefail
ROWS=1000000
BUILD=build
WORKERS=2
KEEP=
while [ $# -gt 0 ]; do
    case "$1" in
    --rows) ROWS=$2; shift 2 ;;
    --build) BUILD=$2; shift 2 ;;
    --workers) WORKERS=$2; shift 2 ;;
    --keep) KEEP=1; shift ;;
    *) echo "usage: $0 [--rows N] [--build DIR] [--workers K] [--keep]" >&2; exit 2 ;;
    esac
done
SRC=$(cd "$(dirname "$0")/.." && pwd)
TRAIN="$SRC/$BUILD/bin/leadscore-train"
PY=/usr/bin/python3
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -x "$TRAIN" ] || { echo "no $TRAIN: build first" >&2; exit 2; }
[ -n "$PGBIN" ] || { echo "PostgreSQL server binaries not installed" >&2; exit 77; }
"$TRAIN" --help | grep -q -- '--postgres' || { echo "this build has no --postgres" >&2; exit 77; }
if [ "$(id -u)" -eq 0 ]; then AS_PG=(runuser -u postgres --); else AS_PG=(); fi
DIR=$(mktemp -d /tmp/leadscore-bench-pg.XXXXXX)
chmod 755 "$DIR"
[ "$(id -u)" -ne 0 ] || chown postgres "$DIR"
cleanup() {
    "${AS_PG[@]}" "$PGBIN/pg_ctl" -D "$DIR/data" -m immediate -w stop >/dev/null 2>&1 || true
    if [ -z "$KEEP" ]; then rm -rf "$DIR"; else echo "kept $DIR"; fi
}
trap cleanup EXIT
PORT=$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"${AS_PG[@]}" "$PGBIN/initdb" -D "$DIR/data" -A trust -U postgres -E UTF8 --locale=C.UTF-8 >"$DIR/initdb.log" 2>&1
"${AS_PG[@]}" "$PGBIN/pg_ctl" -D "$DIR/data" -l "$DIR/server.log" -w -t 60 \
    -o "-p $PORT -k $DIR -c listen_addresses=127.0.0.1 -c fsync=off -c max_parallel_workers_per_gather=$WORKERS -c shared_buffers=1GB -c work_mem=256MB" \
    start >/dev/null
PSQL=("${AS_PG[@]}" psql -X -q -h "$DIR" -p "$PORT" -U postgres -d postgres -v ON_ERROR_STOP=1)
CONN="host=$DIR port=$PORT user=postgres dbname=postgres"

echo "generating $ROWS rows ..." >&2
"$PY" "$SRC/scripts/gen_synthetic.py" --rows "$ROWS" --out "$DIR/syn.csv"
chmod 644 "$DIR/syn.csv"
cols=$(head -1 "$DIR/syn.csv" | tr ',' '\n' | sed 's/.*/"&" TEXT/' | paste -sd, -)
t0=$(date +%s.%N)
"${PSQL[@]}" -c "CREATE TABLE syn ($cols)" -c "\\copy syn FROM '$DIR/syn.csv' WITH (FORMAT csv, HEADER true)" \
    -c "ANALYZE syn"
t1=$(date +%s.%N)
load=$("$PY" -c "print('%.1f' % ($t1 - $t0))")

run() { # NAME ARGS...: wall seconds and peak RSS (MB) of one run
    local name=$1
    shift
    /usr/bin/time -v "$TRAIN" --target converted --id id --holdout 0 --force "$@" >"$DIR/$name.out" 2>"$DIR/$name.err" \
        || { cat "$DIR/$name.err" >&2; exit 1; }
    local wall rss
    wall=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$DIR/$name.err" \
        | awk -F: '{ if (NF == 3) print $1 * 3600 + $2 * 60 + $3; else print $1 * 60 + $2 }')
    rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$DIR/$name.err")
    echo "$wall $((rss / 1024))"
}
echo "training on the CSV file ..." >&2
read -r csv_s csv_mb < <(run csv -o "$DIR/csv.json" "$DIR/syn.csv")
echo "training inside PostgreSQL ..." >&2
read -r pg_s pg_mb < <(run pg -o "$DIR/pg.json" --postgres "$CONN" --table syn)
diff=$("$PY" - "$DIR/csv.json" "$DIR/pg.json" <<'PYEOF'
import json, sys
a = {f["name"]: f["estimate"] for f in json.load(open(sys.argv[1]))["features"]}
b = {f["name"]: f["estimate"] for f in json.load(open(sys.argv[2]))["features"]}
assert set(a) == set(b), "different features"
print("%.3g" % max(abs(a[k] - b[k]) for k in a))
PYEOF
)
echo
echo "| rows | path | wall s | client peak RSS MB | ratio to CSV |"
echo "|---:|---|---:|---:|---:|"
echo "| $ROWS | CSV file (leadscore-train FILE) | $csv_s | $csv_mb | 1.00 |"
echo "| $ROWS | inside PostgreSQL (--postgres, $WORKERS workers per gather) | $pg_s | $pg_mb | $("$PY" -c "print('%.2f' % ($pg_s / $csv_s))") |"
echo
echo "load (COPY + ANALYZE): $load s; largest |coefficient difference|: $diff"
grep '^PostgreSQL:' "$DIR/pg.err" || true
