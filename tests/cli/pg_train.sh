# leadscore-train --postgres CONNINFO --table NAME (docs/warehouse.md): a
# throw-away PostgreSQL cluster (set up as in sql_postgres.sh, with two
# parallel workers per gather) holds the sample leads; the model trained
# inside the database equals the CSV path's on the same rows
# (pg_train_compare.py: coefficients, standard errors, encoders, fit
# statistics, holdout metrics and tables, drift reference to 1e-9; the same
# warnings), with the holdout chosen by the id's hash on both sides
# (--split-by-id), without a holdout, on a typed table and on a table whose
# name needs quoting, on a wide table (with JIT forced on the server); rows
# without a target are skipped and counted as the CSV path counts them; the model scores as the CSV path's does; only sums
# come back (the summary's byte count stays far below the table's size);
# unsupported options, a missing --id, an unknown table or column and a bad
# connection are clear errors, and a password never shows; --baseline
# compares with an old model (linear or binned) as the CSV path does;
# --account-column counts accounts in the database as the CSV path does.
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
CMP="$SRC/tests/cli/pg_train_compare.py"
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
    -o "-p $PORT -k $PGDIR -c listen_addresses=127.0.0.1 -c fsync=off -c max_parallel_workers_per_gather=2 \
-c shared_preload_libraries=pg_stat_statements -c jit_above_cost=0 -c jit_inline_above_cost=0 \
-c jit_optimize_above_cost=0" \
    start >"$WORK/pg_ctl.log" 2>&1 \
    || { fail "server start"; cat "$WORK/pg_ctl.log" "$PGDIR/server.log" >&2; finish; }
PSQL=("${AS_PG[@]}" psql -X -q -h "$PGDIR" -p "$PORT" -U postgres -d postgres -v ON_ERROR_STOP=1)
CONN="host=$PGDIR port=$PORT user=postgres dbname=postgres"
expect_exit 0 "pg_stat_statements (which queries were JIT-compiled)" -- "${PSQL[@]}" -c "CREATE EXTENSION pg_stat_statements"

# the sample as a TEXT table, as a typed one (numbers as integers and
# doubles), under a name that needs quoting, and with targets missing
SAMPLE="$SRC/datasets/sample_leads.csv"
cp "$SAMPLE" "$PGDIR/sample.csv"
chmod 644 "$PGDIR/sample.csv"
"$PY" - "$SAMPLE" "$PGDIR/sample.csv" >"$PGDIR/load.sql" <<'PYEOF' || fail "load script"
import csv, sys
header = next(csv.reader(open(sys.argv[1], newline="", encoding="utf-8")))
q = lambda h: '"%s"' % h.replace('"', '""')
print('CREATE TABLE "sample leads" (%s);' % ", ".join("%s TEXT" % q(h) for h in header))
print("\\copy \"sample leads\" FROM '%s' WITH (FORMAT csv, HEADER true)" % sys.argv[2])
ints = {"Website Visits", "Pages Viewed", "Emails Opened", "Emails Clicked", "Content Downloads"}
cols = []
for h in header:
    if h in ints:
        cols.append("CASE WHEN %s ~ '^ *[0-9]+ *$' THEN CAST(%s AS INTEGER) END AS %s" % (q(h), q(h), q(h)))
    elif h == "Time on Site (min)":
        cols.append("CASE WHEN %s ~ '^ *[0-9.]+ *$' THEN CAST(%s AS DOUBLE PRECISION) END AS %s" % (q(h), q(h), q(h)))
    else:
        cols.append(q(h))
print('CREATE TABLE typed AS SELECT %s FROM "sample leads";' % ", ".join(cols))
print('CREATE TABLE "odd ""name""; --" AS SELECT * FROM "sample leads";')
print('CREATE TABLE gaps AS SELECT * FROM "sample leads";')
print('UPDATE gaps SET "Converted" = NULL WHERE "Lead ID" LIKE \'%7\';')
print('UPDATE gaps SET "Converted" = \'\' WHERE "Lead ID" LIKE \'%3\';')
PYEOF
chmod 644 "$PGDIR/load.sql"
expect_exit 0 "psql loads the sample" -- "${PSQL[@]}" -f "$PGDIR/load.sql"
COMMON=(--target Converted --id "Lead ID" --na-values Select)
# Under valgrind (scripts/valgrind.sh sets LEADSCORE_WRAPPER) each option's
# cases below run once, not in every variant, and without the sample's
# companies as features (two thirds of the model's; the client's work per
# iteration grows with their square, a run takes a minute under valgrind
# with them and 20 s without, on the same code paths). The same subset runs
# with LEADSCORE_PG_SUBSET set (scripts/test.sh's ASan+UBSan stage, to keep
# CI under its time budget); the Release suite runs every case in full.
full() { [ -z "${LEADSCORE_WRAPPER:-}" ] && [ -z "${LEADSCORE_PG_SUBSET:-}" ]; }
# some() VARIANT...: every variant, or under valgrind only the last
some() { if full; then printf '%s\n' "$@"; else printf '%s\n' "${@: -1}"; fi; }
full || COMMON+=(--exclude Company)
# The CSV path's runs, the reference each model is compared with, are not
# wrapped: under valgrind (scripts/valgrind.sh) they would take half a minute
# each, and the other CLI tests run the CSV path under valgrind already.
CSV_TRAIN="$BIN/leadscore-train"

# with a holdout: the id's hash on both sides
expect_exit 0 "CSV path, --split-by-id" -- "$CSV_TRAIN" "${COMMON[@]}" --split-by-id -o "$WORK/c.json" "$SAMPLE"
cp "$WORK/err" "$WORK/c.err"
expect_exit 0 "inside PostgreSQL" -- "$TRAIN" "${COMMON[@]}" --postgres "$CONN" --table "sample leads" -o "$WORK/p.json"
cp "$WORK/err" "$WORK/p.err"
expect_exit 0 "the model equals the CSV path's to 1e-9" -- "$PY" "$CMP" "$WORK/c.json" "$WORK/p.json" 1e-9
cat "$WORK/out"
expect_in "$WORK/p.err" "split: 3211 training rows, 789 holdout rows (by a hash of the id)" "the split"
expect_in "$WORK/c.err" "split: 3211 training rows, 789 holdout rows (by a hash of the id)" "the CSV split"
grep '^holdout' "$WORK/c.err" >"$WORK/c.hold"
grep '^holdout' "$WORK/p.err" >"$WORK/p.hold"
cmp -s "$WORK/c.hold" "$WORK/p.hold" && ok || fail "holdout lines differ: $(cat "$WORK/c.hold" "$WORK/p.hold")"
expect_in "$WORK/p.err" "refit on all 4000 rows" "the refit"
# only sums come back: far less than the table's text
bytes=$(sed -n 's/.*; \([0-9]*\) bytes of results came back in all.*/\1/p' "$WORK/p.err")
table_bytes=$(wc -c <"$SAMPLE")
[ -n "$bytes" ] && [ "$bytes" -gt 0 ] && ok || fail "no byte count: $(tail -3 "$WORK/p.err")"
"$PY" -c "import json,sys; m=json.load(open(sys.argv[1])); assert m['options']['postgres_table']=='sample leads'; assert m['training']['file']=='sample leads (PostgreSQL)'; assert len(m['training']['sha256'])==64" "$WORK/p.json" \
    && ok || fail "the model's record of the table"

# the PostgreSQL model scores the leads as the CSV path's does
expect_exit 0 "score with the CSV model" -- "$SCORE" -q -m "$WORK/c.json" --precision 17 -o "$WORK/cs.csv" "$SAMPLE"
expect_exit 0 "score with the PostgreSQL model" -- "$SCORE" -q -m "$WORK/p.json" --precision 17 -o "$WORK/ps.csv" "$SAMPLE"
expect_exit 0 "the scores agree to 1e-9" -- "$PY" "$H" compare "$WORK/cs.csv" "$WORK/ps.csv" 1e-9


# --report: the training report from the database's sums (its curves from
# the holdout's probabilities to 4 decimals, counted per outcome)
expect_exit 0 "CSV path, --report" -- "$CSV_TRAIN" "${COMMON[@]}" --split-by-id -o "$WORK/cr.json" --report "$WORK/cr.html" "$SAMPLE"
expect_exit 0 "inside PostgreSQL, --report" -- "$TRAIN" "${COMMON[@]}" --postgres "$CONN" --table "sample leads" -o "$WORK/pr.json" --report "$WORK/pr.html"
expect_in "$WORK/err" "report written to $WORK/pr.html" "report note"
for sec in "held-out rows (chosen by a hash of the id)" "How well does the model rank leads?" "Who to call first" "Can the probabilities be trusted?" "What drives conversion" "collinearity" 'data-chart="roc"' 'data-chart="distribution"'; do
    grep -q -- "$sec" "$WORK/pr.html" && ok || fail "the PostgreSQL report lacks: $sec"
done
"$PY" - "$WORK/cr.html" "$WORK/pr.html" <<'PYEOF' && ok || fail "the reports' cards differ"
import re, sys
cards = [re.findall(r'data-metric="([a-z_0-9]+)"[^>]*>([^<]*)<', open(f).read()) for f in sys.argv[1:]]
assert cards[0] == cards[1] and len(cards[0]) >= 4, cards
PYEOF
ls "$WORK" | grep -q '\.tmp' && fail "temporary file left behind" || ok

# without a holdout, on the typed table and under an odd name
expect_exit 0 "CSV path, no holdout" -- "$CSV_TRAIN" "${COMMON[@]}" --holdout 0 -o "$WORK/c0.json" "$SAMPLE"
expect_exit 0 "typed table, no holdout" -- "$TRAIN" "${COMMON[@]}" --holdout 0 --postgres "$CONN" --table typed -o "$WORK/p0.json"
expect_exit 0 "typed table equals the CSV path" -- "$PY" "$CMP" "$WORK/c0.json" "$WORK/p0.json" 1e-9
cat "$WORK/out"
expect_exit 0 "a name that needs quoting" -- "$TRAIN" "${COMMON[@]}" --holdout 0 --postgres "$CONN" \
    --table 'public.odd "name"; --' -o "$WORK/podd.json"
expect_exit 0 "the odd name equals the CSV path" -- "$PY" "$CMP" "$WORK/c0.json" "$WORK/podd.json" 1e-9

# rows without a target: skipped and counted as the CSV path does
expect_exit 0 "gaps to CSV" -- "${PSQL[@]}" -c "\\copy gaps TO '$PGDIR/gaps.csv' WITH (FORMAT csv, HEADER true)"
cp "$PGDIR/gaps.csv" "$WORK/gaps.csv" || fail "no gaps.csv"
expect_exit 0 "CSV path with gaps" -- "$CSV_TRAIN" "${COMMON[@]}" --split-by-id -o "$WORK/cg.json" "$WORK/gaps.csv"
grep '^rows:' "$WORK/err" >"$WORK/cg.rows"
expect_exit 0 "PostgreSQL with gaps" -- "$TRAIN" "${COMMON[@]}" --postgres "$CONN" --table gaps -o "$WORK/pg.json"
grep '^rows:' "$WORK/err" >"$WORK/pg.rows"
cmp -s "$WORK/cg.rows" "$WORK/pg.rows" && ok || fail "row counts differ: $(cat "$WORK/cg.rows" "$WORK/pg.rows")"
expect_in "$WORK/pg.rows" "800 skipped (missing target)" "skipped rows"
expect_exit 0 "gaps: the model equals the CSV path's" -- "$PY" "$CMP" "$WORK/cg.json" "$WORK/pg.json" 1e-9

# validation by date (--split-date, --cutoff): the rows before the cutoff
# fit, the others validate; rows without a date are in neither (then in the
# refit); a DATE column reads as its ISO text; bad dates and an empty side
# are refused as the CSV path refuses them
expect_exit 0 "dated tables" -- "${PSQL[@]}" -c "CREATE TABLE undated AS SELECT * FROM \"sample leads\"" \
    -c "UPDATE undated SET \"Created Date\" = '' WHERE \"Lead ID\" LIKE '%5'" \
    -c "CREATE TABLE dated AS SELECT \"Lead ID\", \"Job Title\", \"Website Visits\", CAST(\"Created Date\" AS DATE) AS \"Created Date\", \"Converted\" FROM \"sample leads\"" \
    -c "\\copy undated TO '$PGDIR/undated.csv' WITH (FORMAT csv, HEADER true)" \
    -c "\\copy dated TO '$PGDIR/dated.csv' WITH (FORMAT csv, HEADER true)"
cp "$PGDIR/undated.csv" "$PGDIR/dated.csv" "$WORK/" || fail "dated CSVs"
DSPLIT=(--split-date "Created Date" --cutoff 2026-09-01)
mapfile -t variants < <(some "sample leads:$SAMPLE" "dated:$WORK/dated.csv" "undated:$WORK/undated.csv")
for t in "${variants[@]}"; do
    tab=${t%%:*}
    name=${tab// /_}
    expect_exit 0 "CSV path, split by date ($tab)" -- "$CSV_TRAIN" "${COMMON[@]}" "${DSPLIT[@]}" -o "$WORK/cd_$name.json" "${t#*:}"
    grep -E '^(split|note: [0-9]+ rows have no|holdout)' "$WORK/err" >"$WORK/cd_$name.lines"
    expect_exit 0 "inside PostgreSQL, split by date ($tab)" -- "$TRAIN" "${COMMON[@]}" "${DSPLIT[@]}" --postgres "$CONN" --table "$tab" -o "$WORK/pd_$name.json"
    grep -E '^(split|note: [0-9]+ rows have no|holdout)' "$WORK/err" >"$WORK/pd_$name.lines"
    expect_exit 0 "split by date ($tab): the model equals the CSV path's" -- "$PY" "$CMP" "$WORK/cd_$name.json" "$WORK/pd_$name.json" 1e-9
    cmp -s "$WORK/cd_$name.lines" "$WORK/pd_$name.lines" && ok || fail "split by date ($tab): the summaries differ: $(diff "$WORK/cd_$name.lines" "$WORK/pd_$name.lines")"
done
expect_in "$WORK/pd_undated.lines" "rows have no \"Created Date\" date: they are in neither the pre-cutoff fit nor the validation (the refit on all rows includes them)" "missing dates: the note"
grep -q "^split by date" "$WORK/pd_undated.lines" && ok || fail "split by date: no split line: $(cat "$WORK/pd_undated.lines")"
"$PY" -c "import json,sys; d=json.load(open(sys.argv[1]))['validation_split']; assert d['column']=='Created Date' and d['cutoff']=='2026-09-01' and d['missing_date_rows']==400 and d['method']=='date', d" "$WORK/pd_undated.json" \
    && ok || fail "the model's date_split record"
expect_exit 0 "a bad date" -- "${PSQL[@]}" -c "CREATE TABLE baddate AS SELECT * FROM \"sample leads\"" \
    -c "UPDATE baddate SET \"Created Date\" = '2026-02-30' WHERE \"Lead ID\" LIKE '%12'" \
    -c "\\copy baddate TO '$PGDIR/baddate.csv' WITH (FORMAT csv, HEADER true)"
expect_exit 3 "a bad date is refused" -- "$TRAIN" "${COMMON[@]}" "${DSPLIT[@]}" --postgres "$CONN" --table baddate -o "$WORK/x.json"
expect_in "$WORK/err" 'date "2026-02-30" in column "Created Date" is not an ISO date (YYYY-MM-DD) (optionally followed by a time) (40 rows)' "bad date"
expect_exit 1 "CSV path, a cutoff before every date" -- "$CSV_TRAIN" "${COMMON[@]}" --split-date "Created Date" --cutoff 2000-01-01 -o "$WORK/x.json" "$SAMPLE"
sed 's/^[^:]*: [^:]*: //' "$WORK/err" >"$WORK/cd_early.err"
expect_exit 1 "PostgreSQL, a cutoff before every date" -- "$TRAIN" "${COMMON[@]}" --split-date "Created Date" --cutoff 2000-01-01 --postgres "$CONN" --table "sample leads" -o "$WORK/x.json"
sed 's/^[^:]*: [^:]*: //' "$WORK/err" >"$WORK/pd_early.err"
grep -q "no rows are dated before the cutoff" "$WORK/pd_early.err" && cmp -s "$WORK/cd_early.err" "$WORK/pd_early.err" && ok \
    || fail "an early cutoff: $(cat "$WORK/cd_early.err" "$WORK/pd_early.err")"

# the leakage check: a categorical and a numeric column filled in after
# the outcome are reported with the same AUC as by the CSV path (on the
# holdout; without one, on the training rows)
"$PY" - "$SAMPLE" "$WORK/leaky.csv" <<'PYEOF' || fail "leaky.csv"
import csv, random, sys
random.seed(9)
rows = list(csv.reader(open(sys.argv[1], newline="", encoding="utf-8")))
y = rows[0].index("Converted")
with open(sys.argv[2], "w", newline="", encoding="utf-8") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(rows[0] + ["Sales Stage", "Deal Size"])
    for r in rows[1:]:
        won = r[y] == "1"
        stage = "Closed Won" if won and random.random() < 0.95 else random.choice(["Open", "Negotiation", "Lost", ""])
        size = "%.2f" % ((5000 if won else 0) + random.gauss(1000, 800)) if random.random() < 0.95 else ""
        w.writerow(r + [stage, size])
PYEOF
cp "$WORK/leaky.csv" "$PGDIR/leaky.csv" && chmod 644 "$PGDIR/leaky.csv"
expect_exit 0 "psql loads the leaky table" -- "${PSQL[@]}" -c "CREATE TABLE leaky AS SELECT *, '' AS \"Sales Stage\", '' AS \"Deal Size\" FROM \"sample leads\" LIMIT 0" \
    -c "\\copy leaky FROM '$PGDIR/leaky.csv' WITH (FORMAT csv, HEADER true)"
mapfile -t variants < <(some "training:--holdout 0" "holdout:--split-by-id")
for run in "${variants[@]}"; do
    name=${run%%:*}
    read -r -a opts <<<"${run#*:}"
    expect_exit 0 "CSV path, leakage ($name)" -- "$CSV_TRAIN" "${COMMON[@]}" "${opts[@]}" -o "$WORK/ck_$name.json" "$WORK/leaky.csv"
    grep '^warning: leakage' "$WORK/err" >"$WORK/ck_$name.lines"
    expect_exit 0 "inside PostgreSQL, leakage ($name)" -- "$TRAIN" "${COMMON[@]}" "${opts[@]}" --postgres "$CONN" --table leaky -o "$WORK/pk_$name.json"
    grep '^warning: leakage' "$WORK/err" >"$WORK/pk_$name.lines"
    [ "$(grep -c "alone reaches a $name AUC" "$WORK/ck_$name.lines")" = 2 ] && cmp -s "$WORK/ck_$name.lines" "$WORK/pk_$name.lines" && ok \
        || fail "leakage ($name): $(cat "$WORK/ck_$name.lines" "$WORK/pk_$name.lines")"
    expect_exit 0 "leakage ($name): the model equals the CSV path's" -- "$PY" "$CMP" "$WORK/ck_$name.json" "$WORK/pk_$name.json" 1e-9
done

# row weights and class weights: whole weights (frequency weights, with
# statistics), then fractional ones with balanced classes and the prior
# correction (statistics left out, the same note); the summary's weighting
# lines are the CSV path's
"$PY" - "$SAMPLE" "$WORK/weighted.csv" <<'PYEOF' || fail "weighted.csv"
import csv, sys
rows = list(csv.reader(open(sys.argv[1], newline="", encoding="utf-8")))
with open(sys.argv[2], "w", newline="", encoding="utf-8") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(rows[0] + ["w", "wf"])
    for i, r in enumerate(rows[1:]):
        w.writerow(r + [str(1 + i % 3), "%.3f" % (0.25 + (i * 7919 % 1000) / 400.0)])
PYEOF
cp "$WORK/weighted.csv" "$PGDIR/weighted.csv" && chmod 644 "$PGDIR/weighted.csv"
expect_exit 0 "psql loads the weighted table" -- "${PSQL[@]}" -c "CREATE TABLE weighted AS SELECT *, '' AS w, '' AS wf FROM \"sample leads\" LIMIT 0" \
    -c "\\copy weighted FROM '$PGDIR/weighted.csv' WITH (FORMAT csv, HEADER true)"
mapfile -t variants < <(some "whole:--weight w" "balanced:--class-weight balanced --holdout 0" \
                             "fractional:--weight wf --class-weight balanced --population-rate 0.3")
for run in "${variants[@]}"; do
    name=${run%%:*}
    read -r -a opts <<<"${run#*:}"
    expect_exit 0 "CSV path, $name weights" -- "$CSV_TRAIN" "${COMMON[@]}" --split-by-id "${opts[@]}" -o "$WORK/cw_$name.json" "$WORK/weighted.csv"
    grep -iE 'weight|population' "$WORK/err" >"$WORK/cw_$name.lines"
    expect_exit 0 "inside PostgreSQL, $name weights" -- "$TRAIN" "${COMMON[@]}" "${opts[@]}" --postgres "$CONN" --table weighted -o "$WORK/pw_$name.json"
    grep -iE 'weight|population' "$WORK/err" >"$WORK/pw_$name.lines"
    expect_exit 0 "$name weights: the model equals the CSV path's" -- "$PY" "$CMP" "$WORK/cw_$name.json" "$WORK/pw_$name.json" 1e-9
    cmp -s "$WORK/cw_$name.lines" "$WORK/pw_$name.lines" && ok || fail "$name weights: the summaries differ: $(diff "$WORK/cw_$name.lines" "$WORK/pw_$name.lines")"
done
! full || "$PY" -c "import json,sys; m=json.load(open(sys.argv[1])); assert m['weighting']['column']=='w' and 'std_error' in m['features'][1]" "$WORK/pw_whole.json" \
    && ok || fail "whole weights: the weighting record or the statistics"
"$PY" -c "import json,sys; m=json.load(open(sys.argv[1])); w=m['weighting']; assert w['class_weight']=='balanced' and w['population_rate']==0.3 and 'std_error' not in m['features'][1]" "$WORK/pw_fractional.json" \
    && ok || fail "fractional weights: the weighting record, or statistics present"
expect_in "$WORK/pw_fractional.lines" "not all whole numbers" "fractional weights: the note"
# an elastic net and a lasso (--l1-ratio): the CSV path's proximal Newton on
# the database's sums, the same zeros, no Wald statistics
mapfile -t variants < <(some "enet:--l1-ratio 0.5 --l2 4 --split-by-id" "lasso:--l1-ratio 1 --l2 20 --weight w --holdout 0")
for run in "${variants[@]}"; do
    name=${run%%:*}
    read -r -a opts <<<"${run#*:}"
    expect_exit 0 "CSV path, $name" -- "$CSV_TRAIN" "${COMMON[@]}" "${opts[@]}" -o "$WORK/cl_$name.json" "$WORK/weighted.csv"
    expect_exit 0 "inside PostgreSQL, $name" -- "$TRAIN" "${COMMON[@]}" "${opts[@]}" --postgres "$CONN" --table weighted -o "$WORK/pl_$name.json"
    expect_exit 0 "$name: the model equals the CSV path's" -- "$PY" "$CMP" "$WORK/cl_$name.json" "$WORK/pl_$name.json" 1e-9
    cat "$WORK/out"
done
"$PY" - "$WORK/cl_lasso.json" "$WORK/pl_lasso.json" <<'PYEOF' && ok || fail "lasso: the zeros differ, or Wald statistics are present"
import json, sys
a, b = (json.load(open(f)) for f in sys.argv[1:])
za = {f["name"] for f in a["features"] if f["estimate"] == 0.0}
zb = {f["name"] for f in b["features"] if f["estimate"] == 0.0}
assert za == zb and len(za) > 10, (len(za), len(zb))
assert all(f.get("std_error") is None for f in b["features"]), "std_error"
assert b["fit"]["l1_ratio"] == 1.0 if "l1_ratio" in b["fit"] else True
PYEOF

# the collinearity check reads the rows as the fit does, with their
# weights (frequency weights): x2 is x1 plus a little noise on the rows of
# weight 1 and unrelated on the others, so both paths report the weighted
# rows' VIF, 492.4 (unweighted, no VIF is above 10; before 2026-12-05 the
# CSV path divided the weighted Gram matrix by the row count: 481.7)
"$PY" - "$WORK/wcol.csv" <<'PYEOF' || fail "wcol.csv"
import random, sys
random.seed(5)
with open(sys.argv[1], "w") as f:
    f.write("id,x1,x2,w,won\n")
    for i in range(400):
        x1 = round(random.gauss(0, 1), 6)
        w = 1 if i % 2 else 0
        x2 = round(x1 + random.gauss(0, 0.05), 6) if w else round(random.gauss(0, 1), 6)
        f.write("L%d,%s,%s,%d,%d\n" % (i, x1, x2, w, random.random() < 0.3 + 0.2 * (x1 > 0)))
PYEOF
cp "$WORK/wcol.csv" "$PGDIR/wcol.csv" && chmod 644 "$PGDIR/wcol.csv"
expect_exit 0 "psql loads wcol" -- "${PSQL[@]}" -c "CREATE TABLE wcol (id TEXT, x1 TEXT, x2 TEXT, w TEXT, won TEXT)" \
    -c "\\copy wcol FROM '$PGDIR/wcol.csv' WITH (FORMAT csv, HEADER true)"
expect_exit 0 "CSV path, zero weights" -- "$CSV_TRAIN" --target won --id id --weight w --holdout 0 -o "$WORK/cwc.json" "$WORK/wcol.csv"
grep collinearity "$WORK/err" >"$WORK/cwc.n"
expect_exit 0 "inside PostgreSQL, zero weights" -- "$TRAIN" --target won --id id --weight w --holdout 0 --postgres "$CONN" --table wcol -o "$WORK/pwc.json"
grep collinearity "$WORK/err" >"$WORK/pwc.n"
grep -q "x1 (VIF [1-9][0-9][0-9]\.[0-9])" "$WORK/cwc.n" && cmp -s "$WORK/cwc.n" "$WORK/pwc.n" && ok || fail "collinearity warnings: CSV $(cat "$WORK/cwc.n"), PostgreSQL $(cat "$WORK/pwc.n")"
expect_exit 0 "zero weights: the model equals the CSV path's" -- "$PY" "$CMP" "$WORK/cwc.json" "$WORK/pwc.json" 1e-9
# bad weights: refused with counts (exit 3), as the CSV path refuses them
expect_exit 0 "bad weights" -- "${PSQL[@]}" -c "CREATE TABLE badw AS SELECT * FROM weighted" \
    -c "UPDATE badw SET w = 'abc' WHERE \"Lead ID\" LIKE '%11'" -c "UPDATE badw SET w = '-2' WHERE \"Lead ID\" LIKE '%22'" \
    -c "CREATE TABLE zerow AS SELECT * FROM weighted" -c "UPDATE zerow SET w = '0' WHERE \"Converted\" = '1'"
expect_exit 3 "a weight that is not a number" -- "$TRAIN" "${COMMON[@]}" --weight w --postgres "$CONN" --table badw -o "$WORK/x.json"
expect_in "$WORK/err" 'weight "abc" in column "w" is not a number (80 rows: 0 missing, 40 not a number, 40 negative); --weight needs a finite number >= 0 in every row' "bad weights"
expect_exit 1 "a class without weight" -- "$TRAIN" "${COMMON[@]}" --weight w --postgres "$CONN" --table zerow -o "$WORK/x.json"
expect_in "$WORK/err" "the weights of the converted rows sum to zero" "zero weights"
expect_exit 2 "the target as the weight" -- "$TRAIN" "${COMMON[@]}" --weight Converted --postgres "$CONN" --table weighted -o "$WORK/x.json"
expect_in "$WORK/err" 'column "Converted" is the target; it cannot be given to --weight' "weight = target"

# a wide table: 110 numeric columns (5 with missing values), one iteration
# query holds thousands of products. This cluster JIT-compiles every query
# (jit_above_cost 0, where LLVM takes many minutes over such a query); the
# session turns JIT off. Its segments tie (150 rows each, "d" first in the
# file): both paths choose "a", by name, as the reference level.
"$PY" - "$PGDIR/wide.csv" <<'PYEOF' || fail "wide table"
import random, sys
random.seed(7)
with open(sys.argv[1], "w") as f:
    f.write(",".join(["id"] + ["x%d" % i for i in range(110)] + ["segment", "won"]) + "\n")
    for r in range(600):
        xs = ["%.4f" % random.gauss(0, 1) for _ in range(110)]
        for i in range(5):
            if random.random() < 0.1:
                xs[i] = ""
        seg = "dcba"[r % 4]
        eta = sum(float(x or 0) for x in xs[:10]) * 0.3 + (0.7 if seg == "b" else 0.0)
        won = 1 if random.random() < 1 / (1 + 2.718281828 ** -eta) else 0
        f.write(",".join(["L%d" % r] + xs + [seg, str(won)]) + "\n")
PYEOF
chmod 644 "$PGDIR/wide.csv"
cp "$PGDIR/wide.csv" "$WORK/wide.csv"
wide_cols=$(head -1 "$WORK/wide.csv" | tr ',' '\n' | sed 's/.*/"&" TEXT/' | paste -sd, -)
expect_exit 0 "psql loads the wide table" -- "${PSQL[@]}" -c "CREATE TABLE wide ($wide_cols)" \
    -c "\\copy wide FROM '$PGDIR/wide.csv' WITH (FORMAT csv, HEADER true)"
expect_exit 0 "CSV path, wide" -- "$CSV_TRAIN" -q --target won --id id --holdout 0 -o "$WORK/cw.json" "$WORK/wide.csv"
expect_exit 0 "wide table inside PostgreSQL, JIT forced on the server" -- timeout 600 "$TRAIN" -q --target won \
    --id id --holdout 0 --postgres "$CONN" --table wide -o "$WORK/pw.json"
expect_exit 0 "the wide model equals the CSV path's" -- "$PY" "$CMP" "$WORK/cw.json" "$WORK/pw.json" 1e-9
cat "$WORK/out"
"$PY" -c "
import json, sys
for p in sys.argv[1:]:
    seg = [c for c in json.load(open(p))['columns'] if c['name'] == 'segment'][0]
    assert [l['name'] for l in seg['levels']] == ['a', 'b', 'c', 'd'] and seg['reference'] == 0, (p, seg)
" "$WORK/cw.json" "$WORK/pw.json" && ok || fail "tied levels not by name"
n=$("${PSQL[@]}" -t -A -c "SELECT coalesce(sum(jit_functions), 0) FROM pg_stat_statements WHERE query LIKE 'WITH t2 AS%'")
[ "$n" = 0 ] && ok || fail "training queries were JIT-compiled ($n functions)"
if [ "$("${PSQL[@]}" -t -A -c "SELECT pg_jit_available()")" = t ]; then
    "${PSQL[@]}" -c "SELECT sum(x) AS jit_probe FROM generate_series(1, 10) AS x" >/dev/null
    n=$("${PSQL[@]}" -t -A -c "SELECT coalesce(sum(jit_functions), 0) FROM pg_stat_statements WHERE query LIKE 'SELECT sum(x) AS jit_probe%'")
    [ "$n" -gt 0 ] && ok || fail "this server does not JIT-compile, so the check above proves nothing ($n)"
else
    echo "note: the server has no JIT (llvmjit not installed); nothing to turn off"
fi

# --days-since: "days since COL" from a TEXT date column (with missing
# values) and from a DATE one, measured from --as-of in the database; the
# source columns are no features; a bad date is refused (exit 1) as the
# CSV path refuses it
DAYS=(--days-since "Created Date" --as-of 2026-10-01)
# (under valgrind the TEXT dates alone: dated.csv has no Company to leave out)
mapfile -t variants < <(some "dated:$WORK/dated.csv:" "undated:$WORK/undated.csv:--days-since Last_Activity_Date")
for t in "${variants[@]}"; do
    IFS=: read -r tab file more <<<"$t"
    extra=()
    [ -n "$more" ] && extra=(--days-since "Last Activity Date")
    expect_exit 0 "CSV path, --days-since ($tab)" -- "$CSV_TRAIN" "${COMMON[@]}" "${DAYS[@]}" "${extra[@]}" --split-by-id -o "$WORK/cy_$tab.json" "$file"
    expect_exit 0 "inside PostgreSQL, --days-since ($tab)" -- "$TRAIN" "${COMMON[@]}" "${DAYS[@]}" "${extra[@]}" --split-by-id --postgres "$CONN" --table "$tab" -o "$WORK/py_$tab.json"
    expect_exit 0 "--days-since ($tab): the model equals the CSV path's" -- "$PY" "$CMP" "$WORK/cy_$tab.json" "$WORK/py_$tab.json" 1e-9
    "$PY" -c "import json,sys; m=json.load(open(sys.argv[1])); c=[c for c in m['columns'] if c['name']=='days since Created Date'][0]; assert c['derived']=={'kind':'days_since','source':'Created Date'}, c; assert m['options']['as_of']=='2026-10-01'; assert 'Created Date' not in [c['name'] for c in m['columns']]" "$WORK/py_$tab.json" \
        && ok || fail "--days-since ($tab): the model's derived column"
done
if full; then # under valgrind: the model's comparison above is enough
    expect_exit 0 "score with the CSV --days-since model" -- "$SCORE" -q -m "$WORK/cy_dated.json" --as-of 2026-10-01 --precision 17 -o "$WORK/cys.csv" "$WORK/dated.csv"
    expect_exit 0 "score with the PostgreSQL --days-since model" -- "$SCORE" -q -m "$WORK/py_dated.json" --as-of 2026-10-01 --precision 17 -o "$WORK/pys.csv" "$WORK/dated.csv"
    expect_exit 0 "--days-since: the scores agree to 1e-9" -- "$PY" "$H" compare "$WORK/cys.csv" "$WORK/pys.csv" 1e-9
    expect_exit 1 "CSV path, --days-since with a bad date" -- "$CSV_TRAIN" "${COMMON[@]}" "${DAYS[@]}" --holdout 0 -o "$WORK/x.json" "$PGDIR/baddate.csv"
    expect_in "$WORK/err" '"2026-02-30" is not a date' "CSV path, --days-since: bad date"
    expect_exit 1 "inside PostgreSQL, --days-since with a bad date" -- "$TRAIN" "${COMMON[@]}" "${DAYS[@]}" --holdout 0 --postgres "$CONN" --table baddate -o "$WORK/x.json"
    expect_in "$WORK/err" '--days-since "Created Date": "2026-02-30" is not a date (YYYY-MM-DD; 40 values are not)' "--days-since: bad date"
    expect_exit 2 "--days-since of the target" -- "$TRAIN" "${COMMON[@]}" --days-since Converted --postgres "$CONN" --table typed -o "$WORK/x.json"
    expect_in "$WORK/err" '--days-since: "Converted" is the target' "--days-since: the target"
    expect_exit 2 "--days-since of no column" -- "$TRAIN" "${COMMON[@]}" --days-since Nosuch --postgres "$CONN" --table typed -o "$WORK/x.json"
    expect_in "$WORK/err" 'unknown column "Nosuch" in --days-since' "--days-since: unknown column"
fi

# --account-column: "leads per account (COL)" counted by the account key
# in the database (every row, whatever its target; case, inner and outer
# whitespace folded; a missing account counts 1); the model keeps the
# counts (the default inside PostgreSQL: the ids are row data) and scores
# as the CSV path's; --account-reference ids is refused
"$PY" - "$SAMPLE" "$PGDIR/acct.csv" <<'PYEOF' || fail "acct.csv"
import csv, sys
rows = list(csv.reader(open(sys.argv[1], newline="", encoding="utf-8")))
c, k, y = rows[0].index("Company"), rows[0].index("Lead ID"), rows[0].index("Converted")
for i, r in enumerate(rows[1:]):
    v = r[c]
    r[c] = [v, v.upper(), "  " + v.replace(" ", " \t ") + " ", "", "Select", v.lower()][i % 6] if i % 5 else v
    if i % 37 == 0:
        r[y] = ""  # no target: skipped, yet a lead of its account
csv.writer(open(sys.argv[2], "w", newline="", encoding="utf-8")).writerows(rows)
PYEOF
chmod 644 "$PGDIR/acct.csv"
cp "$PGDIR/acct.csv" "$WORK/acct.csv"
expect_exit 0 "an accounts table" -- "${PSQL[@]}" -c "CREATE TABLE acct AS SELECT * FROM \"sample leads\" WHERE false" \
    -c "\\copy acct FROM '$PGDIR/acct.csv' WITH (FORMAT csv, HEADER true)"
ACC=(--account-column Company)
mapfile -t variants < <(some "sample leads:$SAMPLE:counts" "acct:$WORK/acct.csv:none" "acct:$WORK/acct.csv:counts")
for t in "${variants[@]}"; do
    IFS=: read -r tab file ref <<<"$t"
    given=()
    [ "$ref" = none ] && given=(--account-reference none)
    expect_exit 0 "CSV path, --account-column ($tab, $ref)" -- "$CSV_TRAIN" "${COMMON[@]}" "${ACC[@]}" --account-reference "$ref" --split-by-id --force -o "$WORK/ca_$ref.json" "$file"
    expect_exit 0 "inside PostgreSQL, --account-column ($tab, $ref)" -- "$TRAIN" "${COMMON[@]}" "${ACC[@]}" "${given[@]}" --postgres "$CONN" --table "$tab" --force -o "$WORK/pa_$ref.json"
    expect_exit 0 "--account-column ($tab, $ref): the model equals the CSV path's" -- "$PY" "$CMP" "$WORK/ca_$ref.json" "$WORK/pa_$ref.json" 1e-9
    "$PY" - "$WORK/pa_$ref.json" "$ref" <<'PYEOF' && ok || fail "--account-column ($tab, $ref): the model's record"
import json, sys
m, ref = json.load(open(sys.argv[1])), sys.argv[2]
c = [c for c in m["columns"] if c["name"] == "leads per account (Company)"][0]
assert c["derived"] == {"kind": "account_leads", "source": "Company"}, c
assert "Company" not in [c["name"] for c in m["columns"]]
assert m["options"]["account_reference"] == ref, m["options"]
if ref == "none":
    assert "accounts" not in m
else:
    a = m["accounts"]
    assert a["column"] == "Company" and a["id_column"] is None and "ids" not in a, a
    assert a["leads"] == sum(a["counts"].values()) and a["accounts"] == len(a["counts"]), a
PYEOF
    expect_exit 0 "score with the CSV --account-column model ($ref)" -- "$SCORE" -q -m "$WORK/ca_$ref.json" --precision 17 --force -o "$WORK/cas.csv" "$SAMPLE"
    expect_exit 0 "score with the PostgreSQL --account-column model ($ref)" -- "$SCORE" -q -m "$WORK/pa_$ref.json" --precision 17 --force -o "$WORK/pas.csv" "$SAMPLE"
    expect_exit 0 "--account-column ($ref): the scores agree to 1e-9" -- "$PY" "$H" compare "$WORK/cas.csv" "$WORK/pas.csv" 1e-9
done
# --like of a model trained on a file with the default (ids): the default
# again inside PostgreSQL, the counts (the model equals the counts one)
expect_exit 0 "CSV path, --account-column, the default" -- "$CSV_TRAIN" -q "${COMMON[@]}" "${ACC[@]}" --split-by-id --force -o "$WORK/ca_default.json" "$WORK/acct.csv"
"$PY" -c "import json,sys; assert json.load(open(sys.argv[1]))['options']['account_reference'] == 'ids'" "$WORK/ca_default.json" \
    && ok || fail "--account-column on a file: ids by default"
expect_exit 0 "--like that model inside PostgreSQL" -- "$TRAIN" -q --like "$WORK/ca_default.json" --postgres "$CONN" --table acct --force -o "$WORK/pa_like.json"
expect_exit 0 "--like: the model equals the counts one" -- "$PY" "$CMP" "$WORK/pa_counts.json" "$WORK/pa_like.json" 1e-9
# the account key folded case and whitespace: as many accounts as the sample
"$PY" -c "import json,sys; a=json.load(open(sys.argv[1]))['accounts']; assert a['accounts']<=901 and a['leads']<4000, a" "$WORK/pa_counts.json" \
    && ok || fail "--account-column: the accounts of the messy table"
expect_exit 2 "--account-reference ids inside PostgreSQL" -- "$TRAIN" "${COMMON[@]}" "${ACC[@]}" --account-reference ids --postgres "$CONN" --table acct -o "$WORK/x.json"
expect_in "$WORK/err" "training inside PostgreSQL keeps the leads per account without their ids (the ids are row data, which stays in the database): --account-reference counts (the default there) or none" "--account-reference ids: why"
expect_exit 2 "--account-column of the target" -- "$TRAIN" "${COMMON[@]}" --account-column Converted --postgres "$CONN" --table acct -o "$WORK/x.json"
expect_in "$WORK/err" '--account-column: "Converted" is the target' "--account-column: the target"
expect_exit 2 "--account-column of no column" -- "$TRAIN" "${COMMON[@]}" --account-column Nosuch --postgres "$CONN" --table acct -o "$WORK/x.json"
expect_in "$WORK/err" 'unknown column "Nosuch" in --account-column' "--account-column: unknown column"
[ ! -e "$WORK/x.json" ] && ok || fail "--account-column: a failed run left a file"

# --baseline: the old model scored inside the database (its --emit-sql
# statement) on the holdout rows, joined by the id; the comparison (AUCs,
# DeLong test, score shifts, tier changes) equals the CSV path's
expect_exit 0 "an old model" -- "$CSV_TRAIN" -q "${COMMON[@]}" --l2 30 --exclude "Emails Clicked" \
    --no-refit -o "$WORK/old.json" "$SAMPLE"
expect_exit 0 "CSV path, --baseline" -- "$CSV_TRAIN" "${COMMON[@]}" --split-by-id --baseline "$WORK/old.json" -o "$WORK/cb.json" "$SAMPLE"
expect_exit 0 "inside PostgreSQL, --baseline" -- "$TRAIN" "${COMMON[@]}" --postgres "$CONN" --table typed \
    --baseline "$WORK/old.json" -o "$WORK/pb.json"
expect_in "$WORK/err" "baseline $WORK/old.json (trained " "--baseline: the summary"
expect_in "$WORK/err" "on the 789 holdout rows:" "--baseline: the holdout rows"
expect_exit 0 "--baseline: the comparison equals the CSV path's to 1e-9" -- "$PY" "$CMP" "$WORK/cb.json" "$WORK/pb.json" 1e-9
"$PY" -c "import json,sys; b=json.load(open(sys.argv[1]))['baseline']; assert b['rows']==789 and b['positives']>0 and b['auc_old']>0.5 and not b['old_model_in_sample'] and b['recommendation'], b" "$WORK/pb.json" \
    && ok || fail "--baseline: the model's record"
if full; then
    # a binned old model with a pair: its SQL has bins and cells
    expect_exit 0 "a binned old model" -- "$CSV_TRAIN" -q "${COMMON[@]}" --bins 5 --interactions 2 \
        -o "$WORK/oldb.json" "$SAMPLE"
    expect_exit 0 "CSV path, a binned --baseline" -- "$CSV_TRAIN" "${COMMON[@]}" --split-by-id \
        --baseline "$WORK/oldb.json" -o "$WORK/cbb.json" "$SAMPLE"
    expect_exit 0 "inside PostgreSQL, a binned --baseline" -- "$TRAIN" "${COMMON[@]}" --postgres "$CONN" \
        --table "sample leads" --baseline "$WORK/oldb.json" -o "$WORK/pbb.json"
    "$PY" - "$WORK/cbb.json" "$WORK/pbb.json" <<'PYEOF' && ok || fail "a binned --baseline: the comparisons differ"
import json, sys
a, b = (json.load(open(f))["baseline"] for f in sys.argv[1:])
for k in ("rows", "positives", "rows_unscorable", "auc_new", "auc_old", "se", "p_value",
          "mean_abs_score_shift", "median_abs_score_shift", "tier_change_share"):
    assert abs(a[k] - b[k]) <= 1e-9 * max(1.0, abs(a[k])), (k, a[k], b[k])
PYEOF
    # text in one of the old model's numeric columns: those rows are left
    # out of the comparison and counted, as on a CSV file
    "$PY" - "$SAMPLE" "$WORK/texty.csv" <<'PYEOF' || fail "texty.csv"
import csv, sys
rows = list(csv.reader(open(sys.argv[1], newline="", encoding="utf-8")))
v, k = rows[0].index("Website Visits"), rows[0].index("Lead ID")
with open(sys.argv[2], "w", newline="", encoding="utf-8") as f:
    w = csv.writer(f)
    for r in rows:
        if r[k].endswith("5"):
            r[v] = "many"
        w.writerow(r)
PYEOF
    expect_exit 0 "a table with text in a numeric column" -- "${PSQL[@]}" -c "CREATE TABLE texty AS SELECT * FROM \"sample leads\"; UPDATE texty SET \"Website Visits\" = 'many' WHERE \"Lead ID\" LIKE '%5'"
    expect_exit 0 "CSV path, --baseline with unscorable rows" -- "$CSV_TRAIN" "${COMMON[@]}" --split-by-id \
        --baseline "$WORK/old.json" -o "$WORK/cbt.json" "$WORK/texty.csv"
    expect_exit 0 "inside PostgreSQL, --baseline with unscorable rows" -- "$TRAIN" "${COMMON[@]}" --postgres "$CONN" \
        --table texty --baseline "$WORK/old.json" -o "$WORK/pbt.json"
    expect_in "$WORK/err" "86 holdout rows left out: the old model cannot score them" "--baseline: unscorable rows"
    expect_exit 0 "--baseline with unscorable rows: equal to the CSV path's" -- "$PY" "$CMP" "$WORK/cbt.json" "$WORK/pbt.json" 1e-9
    # an old model that read "Select" as a level: this run's --na-values say
    # what is missing for both models, on both paths
    expect_exit 0 "an old model without --na-values" -- "$CSV_TRAIN" -q --target Converted --id "Lead ID" \
        --l2 30 --no-refit -o "$WORK/oldna.json" "$SAMPLE"
    expect_exit 0 "CSV path, --baseline read with other missing-value tokens" -- "$CSV_TRAIN" "${COMMON[@]}" \
        --split-by-id --baseline "$WORK/oldna.json" -o "$WORK/cbn.json" "$SAMPLE"
    expect_exit 0 "inside PostgreSQL, --baseline read with other missing-value tokens" -- "$TRAIN" "${COMMON[@]}" \
        --postgres "$CONN" --table "sample leads" --baseline "$WORK/oldna.json" -o "$WORK/pbn.json"
    expect_exit 0 "--baseline read with other missing-value tokens: equal to the CSV path's" -- "$PY" "$CMP" \
        "$WORK/cbn.json" "$WORK/pbn.json" 1e-9
    # an old model trained on this very table without a holdout: in-sample
    expect_exit 0 "an old model inside PostgreSQL" -- "$TRAIN" -q "${COMMON[@]}" --l2 30 --holdout 0 \
        --postgres "$CONN" --table typed -o "$WORK/oldp.json"
    expect_exit 0 "--baseline with it" -- "$TRAIN" "${COMMON[@]}" --postgres "$CONN" --table typed \
        --baseline "$WORK/oldp.json" -o "$WORK/pb2.json"
    expect_in "$WORK/err" "warning: the old model was trained on this same file (or table) and refit on all rows" "--baseline: in-sample"
    expect_exit 1 "--baseline: a column this run leaves out" -- "$TRAIN" "${COMMON[@]}" --exclude "Emails Opened" \
        --postgres "$CONN" --table typed --baseline "$WORK/old.json" -o "$WORK/x.json"
    expect_in "$WORK/err" 'the old model needs column "Emails Opened", which this run does not use as a feature' "--baseline: a column left out"
    expect_exit 2 "--baseline without a holdout" -- "$TRAIN" "${COMMON[@]}" --holdout 0 --postgres "$CONN" --table typed \
        --baseline "$WORK/old.json" -o "$WORK/x.json"
    expect_in "$WORK/err" "--baseline compares on the holdout rows: inside PostgreSQL they are chosen by a hash of the id" "--baseline: no holdout"
    expect_exit 0 "a table with repeated ids" -- "${PSQL[@]}" -c 'CREATE TABLE dup AS SELECT * FROM typed UNION ALL SELECT * FROM typed'
    expect_exit 1 "--baseline: repeated ids" -- "$TRAIN" "${COMMON[@]}" --postgres "$CONN" --table dup \
        --baseline "$WORK/old.json" -o "$WORK/x.json"
    expect_in "$WORK/err" 'matches the old model'"'"'s scores to the holdout rows by the id column "Lead ID": 789 of its values are repeated there' "--baseline: repeated ids"
    [ ! -e "$WORK/x.json" ] && ok || fail "--baseline: a failed run wrote its model"
fi

# --cv: the K fold fits and the fit on every row side by side, one query
# per Newton (or elastic-net) step of all of them, and one for the folds'
# metrics per penalty; the folds by a hash of the id, as --split-by-id
# deals them from a CSV file. A path is a few hundred queries: on 600 rows
# and five columns, and not under valgrind (the errors below are).
CVOPTS=(--include "Website Visits" --include "Emails Opened" --include "Demo Requested" --include Seniority --include "Budget Confirmed" --cv 3)
head -n 601 "$SAMPLE" >"$PGDIR/cvrows.csv"
head -n 601 "$PGDIR/weighted.csv" >"$PGDIR/cvw.csv" && chmod 644 "$PGDIR/cvrows.csv" "$PGDIR/cvw.csv"
expect_exit 0 "psql loads the --cv tables" -- "${PSQL[@]}" -c 'CREATE TABLE cvrows AS SELECT * FROM "sample leads" LIMIT 0' \
    -c "\\copy cvrows FROM '$PGDIR/cvrows.csv' WITH (FORMAT csv, HEADER true)" \
    -c 'CREATE TABLE cvw AS SELECT * FROM weighted LIMIT 0' -c "\\copy cvw FROM '$PGDIR/cvw.csv' WITH (FORMAT csv, HEADER true)" \
    -c 'CREATE TABLE cvtiny AS SELECT * FROM cvrows ORDER BY "Lead ID" LIMIT 40'
if full; then
    for t in "weighted-auc:cvw:--weight w --cv-metric auc" "enet:cvrows:--l1-ratio 0.5 --cv-1se"; do
        name=${t%%:*}; rest=${t#*:}; tab=${rest%%:*}; read -r -a opts <<<"${rest#*:}"
        expect_exit 0 "CSV path, --split-by-id --cv ($name)" -- "$CSV_TRAIN" "${COMMON[@]}" "${CVOPTS[@]}" "${opts[@]}" \
            --split-by-id -o "$WORK/cv_c_$name.json" "$PGDIR/$tab.csv"
        expect_exit 0 "inside PostgreSQL, --cv ($name)" -- "$TRAIN" "${COMMON[@]}" "${CVOPTS[@]}" "${opts[@]}" \
            --postgres "$CONN" --table "$tab" -o "$WORK/cv_p_$name.json"
        expect_in "$WORK/err" "more for the cross-validation;" "--cv ($name): its queries counted"
        expect_exit 0 "--cv ($name): the model and its path equal the CSV path's to 1e-9" -- \
            "$PY" "$CMP" "$WORK/cv_c_$name.json" "$WORK/cv_p_$name.json" 1e-9
        "$PY" -c "import json,sys; c=json.load(open(sys.argv[1]))['fit']['cv']; assert c['folds']==3 and len(c['path'])>=40, c" \
            "$WORK/cv_p_$name.json" && ok || fail "--cv ($name): no path in the model"
    done
fi
expect_exit 2 "--cv without --id" -- "$TRAIN" --target Converted --holdout 0 --cv 3 --postgres "$CONN" --table cvrows -o "$WORK/x.json"
expect_in "$WORK/err" "training inside PostgreSQL deals the --cv folds by a hash of the id column: name it with --id COL" "--cv: no id"
expect_exit 1 "--cv: a fold without conversions" -- "$TRAIN" "${COMMON[@]}" --holdout 0 --force --include "Website Visits" --cv 10 \
    --postgres "$CONN" --table cvtiny -o "$WORK/x.json"
expect_in "$WORK/err" "--cv 10: fold 2 (folds by a hash of the id) has no conversions; use fewer folds" "--cv: an empty fold"
[ ! -e "$WORK/x.json" ] && ! ls "$WORK" | grep -q '\.tmp' && ok || fail "--cv: a failed run left a file"

# --bins (docs/warehouse.md): the cuts chosen in rounds inside the database
# (the values never leave it) equal the CSV path's, with the bins' counts,
# the fit and the points sheet (byte for byte); --bins alone looks for
# pairs on both paths (the sample has none significant). Under valgrind the
# first case only (the rounds, the bins in the iteration query and the
# conversion to steps).
BINS=(--bins 6 --split-by-id --emit-rules)
expect_exit 0 "CSV path, --bins --emit-rules" -- "$CSV_TRAIN" "${COMMON[@]}" "${BINS[@]}" "$WORK/cbin.csv" \
    -o "$WORK/cbin.json" "$SAMPLE"
expect_exit 0 "inside PostgreSQL, --bins --emit-rules" -- "$TRAIN" "${COMMON[@]}" "${BINS[@]}" "$WORK/pbin.csv" \
    --postgres "$CONN" --table "sample leads" -o "$WORK/pbin.json"
expect_exit 0 "--bins: the model equals the CSV path's (cuts, bin counts)" -- "$PY" "$CMP" "$WORK/cbin.json" "$WORK/pbin.json" 1e-9
expect_exit 0 "--bins: the same points sheet" -- cmp "$WORK/cbin.csv" "$WORK/pbin.csv"
"$PY" -c "import json,sys; m=json.load(open(sys.argv[1])); b=[c for c in m['columns'] if c['type']=='binned']; assert len(b)==6 and not m.get('interactions'), b" \
    "$WORK/pbin.json" && ok || fail "--bins: six binned columns, no pairs"
if full; then
    # with --cv (on the --cv tables' 600 rows), on the typed table without
    # a holdout, balanced and with a wider least bin
    expect_exit 0 "CSV path, --bins --cv" -- "$CSV_TRAIN" "${COMMON[@]}" "${CVOPTS[@]}" --bins 4 --interactions 0 \
        --split-by-id -o "$WORK/cbcv.json" "$PGDIR/cvrows.csv"
    expect_exit 0 "inside PostgreSQL, --bins --cv" -- "$TRAIN" "${COMMON[@]}" "${CVOPTS[@]}" --bins 4 --interactions 0 \
        --postgres "$CONN" --table cvrows -o "$WORK/pbcv.json"
    expect_exit 0 "--bins --cv: the model and its path equal the CSV path's" -- "$PY" "$CMP" "$WORK/cbcv.json" "$WORK/pbcv.json" 1e-9
    BT=(--bins 8 --min-bin-share 0.1 --holdout 0 --class-weight balanced)
    expect_exit 0 "CSV path, --bins, no holdout" -- "$CSV_TRAIN" "${COMMON[@]}" "${BT[@]}" --interactions 0 -o "$WORK/cbh.json" "$SAMPLE"
    expect_exit 0 "typed table, --bins" -- "$TRAIN" "${COMMON[@]}" "${BT[@]}" --interactions 0 --postgres "$CONN" --table typed -o "$WORK/pbh.json"
    expect_exit 0 "typed table, --bins: equal to the CSV path's" -- "$PY" "$CMP" "$WORK/cbh.json" "$WORK/pbh.json" 1e-9
    # a column whose top bin only non-converted leads fall in: the same
    # separation warning, from the bins' counts in the database
    expect_exit 0 "a table with a separating bin" -- "${PSQL[@]}" -c "CREATE TABLE sepbin AS SELECT *, CASE WHEN \"Converted\" = '0' AND \"Lead ID\" LIKE '%0' THEN '500' WHEN \"Website Visits\" ~ '^[0-9]+\$' THEN CAST(LEAST(CAST(\"Website Visits\" AS INTEGER), 10) AS TEXT) ELSE \"Website Visits\" END AS \"Score\" FROM \"sample leads\"" \
        -c "\\copy sepbin TO '$PGDIR/sepbin.csv' WITH (FORMAT csv, HEADER true)"
    expect_exit 0 "CSV path, a separating bin" -- "$CSV_TRAIN" "${COMMON[@]}" --bins 10 --interactions 0 --split-by-id -o "$WORK/cbs.json" "$PGDIR/sepbin.csv"
    grep '^warning: separation' "$WORK/err" >"$WORK/sep_csv"
    expect_exit 0 "inside PostgreSQL, a separating bin" -- "$TRAIN" "${COMMON[@]}" --bins 10 --interactions 0 --split-by-id --postgres "$CONN" --table sepbin -o "$WORK/pbs.json"
    grep '^warning: separation' "$WORK/err" >"$WORK/sep_pg"
    expect_in "$WORK/sep_pg" "Score>=100 (" "a separating bin: named"
    expect_exit 0 "a separating bin: the same warning" -- cmp "$WORK/sep_csv" "$WORK/sep_pg"
    expect_exit 0 "a separating bin: equal to the CSV path's" -- "$PY" "$CMP" "$WORK/cbs.json" "$WORK/pbs.json" 1e-9
fi

# --interactions (docs/warehouse.md): the additive fit, then one query of
# the pairs' tables (residuals per cell, per half of the rows by the id's
# hash) over the table; the pairs found, the model and the points sheet
# equal the CSV path's under --split-by-id. Leads with two planted pairs
# (a demo request from a senior title; many visits from some regions),
# missing and pooled levels.
"$PY" - "$PGDIR/pairs.csv" <<'PYEOF' || fail "pairs table"
import csv, math, random, sys
random.seed(11)
w = csv.writer(open(sys.argv[1], "w", newline=""))
w.writerow(["Lead ID", "Visits", "Minutes", "Seniority", "Demo", "Region", "w", "Converted"])
for i in range(5000):
    v = random.randint(0, 14); mins = round(random.gammavariate(2.0, 6.0), 1)
    t = random.choice(["Manager", "Director", "VP", "Analyst", "", "Select"])
    d = random.choice(["Yes", "No"]); reg = "R%d" % min(int(random.expovariate(0.25)), 40)
    eta = (-1.6 + 1.4 * (1 - math.exp(-v / 3.0)) + 0.8 * math.exp(-((mins - 12) / 6) ** 2)
           + 0.3 * (d == "Yes") + 1.6 * (d == "Yes" and t in ("Director", "VP"))
           - 1.5 * (v >= 9 and reg in ("R0", "R1")))
    y = int(random.random() < 1 / (1 + math.exp(-eta)))
    w.writerow(["L%d" % i, "" if random.random() < 0.03 else v, mins, t, d, reg,
                "%.2f" % random.uniform(0.5, 3), y])
PYEOF
chmod 644 "$PGDIR/pairs.csv"
expect_exit 0 "the pairs table" -- "${PSQL[@]}" -c 'CREATE TABLE pairs ("Lead ID" TEXT, "Visits" TEXT, "Minutes" TEXT, "Seniority" TEXT, "Demo" TEXT, "Region" TEXT, w TEXT, "Converted" TEXT)' \
    -c "\\copy pairs FROM '$PGDIR/pairs.csv' WITH (FORMAT csv, HEADER true)"
# (COMMON, which excludes the sample's Company under valgrind, names no
# column of this table)
PC=(--target Converted --id "Lead ID" --na-values Select)
PAIRS=(-v --bins 8 --interactions 4 --exclude w --emit-rules)
expect_exit 0 "CSV path, --interactions" -- "$CSV_TRAIN" "${PC[@]}" "${PAIRS[@]}" "$WORK/cpair.csv" \
    --split-by-id -o "$WORK/cpair.json" "$PGDIR/pairs.csv"
grep '^note: interaction' "$WORK/err" >"$WORK/pairs_csv"
expect_exit 0 "inside PostgreSQL, --interactions" -- "$TRAIN" "${PC[@]}" "${PAIRS[@]}" "$WORK/ppair.csv" \
    --postgres "$CONN" --table pairs -o "$WORK/ppair.json"
grep '^note: interaction' "$WORK/err" >"$WORK/pairs_pg"
expect_in "$WORK/pairs_pg" "Seniority x Demo (groups chosen, held out" "the planted pair of levels"
expect_in "$WORK/pairs_pg" "Visits x Region" "the planted pair with a pooled column"
expect_exit 0 "--interactions: the same pairs" -- cmp "$WORK/pairs_csv" "$WORK/pairs_pg"
expect_exit 0 "--interactions: the model equals the CSV path's" -- "$PY" "$CMP" "$WORK/cpair.json" "$WORK/ppair.json" 1e-9
expect_exit 0 "--interactions: the same points sheet" -- cmp "$WORK/cpair.csv" "$WORK/ppair.csv"
"$PY" -c "import json,sys; a,b=(json.load(open(f)) for f in sys.argv[1:]); assert a['interactions'] and a['interactions']==b['interactions'] and b['options']['split_by_id']" \
    "$WORK/cpair.json" "$WORK/ppair.json" && ok || fail "--interactions: the pairs' tables differ"
if full; then
    # weighted, with --cv and the elastic net; a pair's cell that only
    # non-converted leads fall in gets the same separation warning
    PW=(--bins 6 --interactions 3 --weight w --cv 3 --l1-ratio 0.5)
    expect_exit 0 "CSV path, --interactions --weight --cv" -- "$CSV_TRAIN" "${PC[@]}" "${PW[@]}" --split-by-id \
        -o "$WORK/cpw.json" "$PGDIR/pairs.csv"
    expect_exit 0 "inside PostgreSQL, --interactions --weight --cv" -- "$TRAIN" "${PC[@]}" "${PW[@]}" \
        --postgres "$CONN" --table pairs -o "$WORK/ppw.json"
    expect_exit 0 "--interactions --weight --cv: equal to the CSV path's" -- "$PY" "$CMP" "$WORK/cpw.json" "$WORK/ppw.json" 1e-9
    expect_exit 0 "a table with a separating cell" -- "${PSQL[@]}" -c "CREATE TABLE sepcell AS SELECT \"Lead ID\", \"Visits\", \"Seniority\", \"Demo\", CASE WHEN \"Seniority\" = 'VP' AND \"Demo\" = 'Yes' THEN '1' ELSE \"Converted\" END AS \"Converted\" FROM pairs" \
        -c "\\copy sepcell TO '$PGDIR/sepcell.csv' WITH (FORMAT csv, HEADER true)"
    expect_exit 0 "CSV path, a separating cell" -- "$CSV_TRAIN" "${PC[@]}" --bins 6 --interactions 2 --split-by-id -o "$WORK/cps.json" "$PGDIR/sepcell.csv"
    grep '^warning: separation' "$WORK/err" >"$WORK/sepc_csv"
    expect_exit 0 "inside PostgreSQL, a separating cell" -- "$TRAIN" "${PC[@]}" --bins 6 --interactions 2 --postgres "$CONN" --table sepcell -o "$WORK/pps.json"
    grep '^warning: separation' "$WORK/err" >"$WORK/sepc_pg"
    expect_in "$WORK/sepc_pg" "Seniority=VP & Demo=Yes (" "a separating cell: named"
    expect_exit 0 "a separating cell: the same warning" -- cmp "$WORK/sepc_csv" "$WORK/sepc_pg"
    expect_exit 0 "a separating cell: equal to the CSV path's" -- "$PY" "$CMP" "$WORK/cps.json" "$WORK/pps.json" 1e-9
fi
expect_exit 2 "--interactions without --id" -- "$TRAIN" --target Converted --holdout 0 --bins 4 --interactions 2 --postgres "$CONN" --table pairs -o "$WORK/x.json"
expect_in "$WORK/err" "training inside PostgreSQL tests the --interactions pairs on halves of the rows dealt by a hash of the id column: name it with --id COL (or give --interactions 0)" "pairs without an id"

# --events-table: the activity-log features computed inside the database
# (events_check.py's edge cases: padded ids, types and times, one-digit
# months, missing ids, types and times, events after the reference day, a
# rare type), with an outcome date for most leads (some with a one-digit
# month or day, a time or padding, as the file's path reads them). A table has no row
# order, so inside the database the types are in name order; the file's
# path takes them in the order they first appear: its log is sorted by type.
mkdir -p "$WORK/ev"
"$PY" "$SRC/tests/cli/events_check.py" sqlcase "$WORK/ev" || fail "events test data"
"$PY" - "$WORK/ev" "$PGDIR" <<'PYEOF' || fail "events test files"
import csv, datetime, random, sys
src, dst = sys.argv[1:]
rng = random.Random(3)
leads = list(csv.reader(open(src + "/leads.csv", newline="")))
leads[0].append("Outcome Date")
for i, r in enumerate(leads[1:]):
    u = rng.random()
    d = datetime.date(2026, 6, 30) - datetime.timedelta(days=rng.randint(0, 120))
    # as an export writes them: some with a one-digit month or day, a time, padding
    iso = ("%d-%d-%d" % (d.year, d.month, d.day) if i % 5 == 0 else
           d.isoformat() + " 09:30" if i % 7 == 0 else " %s " % d.isoformat() if i % 11 == 0 else
           d.isoformat())
    r.append("" if u < 0.2 else "NA" if u < 0.25 else iso)
log = list(csv.reader(open(src + "/events_train.csv", newline="")))
bad = list(csv.reader(open(src + "/events.csv", newline="")))
for name, rows in (("ev_leads.csv", leads), ("ev_log.csv", log[:1] + sorted(log[1:], key=lambda e: e[1].strip())),
                   ("ev_bad.csv", bad)):
    with open(dst + "/" + name, "w", newline="") as f:
        csv.writer(f, lineterminator="\n").writerows(rows)
q = lambda h: '"%s"' % h.replace('"', '""')
with open(dst + "/load_ev.sql", "w") as f:
    for table, name, header in (("ev leads", "ev_leads.csv", leads[0]), ("event log", "ev_log.csv", log[0]),
                                ("bad log", "ev_bad.csv", bad[0])):
        f.write('CREATE TABLE %s (%s);\n' % (q(table), ", ".join("%s TEXT" % q(h) for h in header)))
        f.write("\\copy %s FROM '%s/%s' WITH (FORMAT csv, HEADER true)\n" % (q(table), dst, name))
PYEOF
chmod 644 "$PGDIR"/ev_*.csv "$PGDIR/load_ev.sql"
expect_exit 0 "psql loads the leads and their events" -- "${PSQL[@]}" -f "$PGDIR/load_ev.sql"
EV=(--target Converted --id "Lead ID" --outcome-date "Outcome Date" --as-of 2026-06-30 --event-min-leads 5)
expect_exit 0 "CSV path, --events" -- "$CSV_TRAIN" "${EV[@]}" --split-by-id --events "$PGDIR/ev_log.csv" \
    -o "$WORK/cev.json" "$PGDIR/ev_leads.csv"
sed -e "s|$PGDIR/ev_log.csv|LOG|; s|$PGDIR/ev_leads.csv|LEADS|" "$WORK/err" | grep -v '^model written' >"$WORK/cev.err"
expect_exit 0 "inside PostgreSQL, --events-table" -- "$TRAIN" "${EV[@]}" --postgres "$CONN" --table "ev leads" \
    --events-table "event log" -o "$WORK/pev.json"
sed -e "s|event log (PostgreSQL)|LOG|; s|ev leads (PostgreSQL)|LEADS|" "$WORK/err" | grep -v '^model written\|^PostgreSQL:' >"$WORK/pev.err"
expect_exit 0 "--events-table: the model equals the CSV path's" -- "$PY" "$CMP" "$WORK/cev.json" "$WORK/pev.json" 1e-9
expect_exit 0 "--events-table: the same notes and summary" -- diff "$WORK/cev.err" "$WORK/pev.err"
expect_in "$WORK/pev.err" "activity log rows skipped: 2 without a lead id, 1 without a type, 1 without a time" "rows skipped, counted"
expect_in "$WORK/pev.err" "events after their lead's outcome date (\"Outcome Date\"; the as-of date 2026-06-30 without one) were not counted" "events after the outcome date"
expect_in "$WORK/pev.err" '"Webinar" (1)' "a rare type: not a feature"
"$PY" -c "import json,sys; a,b=(json.load(open(f))['events'] for f in sys.argv[1:]); assert a==b and b['outcome_date']=='Outcome Date' and b['types'], (a, b)" \
    "$WORK/cev.json" "$WORK/pev.json" && ok || fail "--events-table: the model's events section differs"
if full; then
    # the scorer reads the database's model as the file's
    for m in cev pev; do
        expect_exit 0 "scores with the $m model" -- "$SCORE" -q -m "$WORK/$m.json" --events "$PGDIR/ev_log.csv" \
            --as-of 2026-06-30 -o "$WORK/$m.scores.csv" "$PGDIR/ev_leads.csv"
    done
    expect_exit 0 "--events-table: the same scores" -- cmp "$WORK/cev.scores.csv" "$WORK/pev.scores.csv"
    # --like carries the table of the log (the model's options record it)
    expect_exit 0 "--like a model trained with --events-table" -- "$TRAIN" -q --like "$WORK/pev.json" \
        --as-of 2026-06-30 --postgres "$CONN" --table "ev leads" -o "$WORK/plike.json"
    expect_exit 0 "--like: the same model" -- "$PY" "$CMP" "$WORK/pev.json" "$WORK/plike.json" 1e-12
    # --bins, --cv and explicit types over the same features
    EB=(--bins 5 --interactions 2 --cv 3 --event-types "Page Visit,Demo Request" --event-windows 30)
    expect_exit 0 "CSV path, --events --bins --cv" -- "$CSV_TRAIN" "${EV[@]}" "${EB[@]}" --split-by-id \
        --events "$PGDIR/ev_log.csv" -o "$WORK/cevb.json" "$PGDIR/ev_leads.csv"
    expect_exit 0 "inside PostgreSQL, --events-table --bins --cv" -- "$TRAIN" "${EV[@]}" "${EB[@]}" \
        --postgres "$CONN" --table "ev leads" --events-table "event log" -o "$WORK/pevb.json"
    expect_exit 0 "--events-table --bins --cv: equal to the CSV path's" -- "$PY" "$CMP" "$WORK/cevb.json" "$WORK/pevb.json" 1e-9
    # an old model with event features: its statement measures them as of
    # one date, so it is refused beside --outcome-date
    expect_exit 2 "--baseline: an event model with --outcome-date" -- "$TRAIN" "${EV[@]}" --postgres "$CONN" \
        --table "ev leads" --events-table "event log" --baseline "$WORK/cev.json" -o "$WORK/x.json"
    expect_in "$WORK/err" "--baseline: the old model has activity-log features, which its statement inside PostgreSQL measures as of one date" "baseline with events: why"
fi
expect_exit 1 "an event time that is no date" -- "$TRAIN" "${EV[@]}" --postgres "$CONN" --table "ev leads" \
    --events-table "bad log" -o "$WORK/x.json"
expect_in "$WORK/err" 'bad log (PostgreSQL): event time "2026-02-30" (column "Timestamp") is not a date in the format "%Y-%m-%d" (3 times are not)' "bad times: the least and the count"
expect_exit 2 "--events-table: a log column that is not there" -- "$TRAIN" "${EV[@]}" --postgres "$CONN" --table "ev leads" \
    --events-table "event log" --event-time "Time" -o "$WORK/x.json"
expect_in "$WORK/err" 'unknown column "Time" in --event-time' "an unknown log column"

# errors: clear, early, no file written
expect_exit 2 "an activity log file" -- "$TRAIN" "${COMMON[@]}" --postgres "$CONN" --table typed --events "$WORK/x.csv" -o "$WORK/x.json"
expect_in "$WORK/err" "training inside PostgreSQL (--postgres) does not support --events (a file: give the log as a table of the same database, --events-table NAME)" "a log file"
expect_exit 2 "--events-table without --postgres" -- "$TRAIN" "${COMMON[@]}" --events-table "event log" -o "$WORK/x.json" "$SAMPLE"
expect_in "$WORK/err" "--events-table is the activity log inside PostgreSQL (with --postgres)" "a log table without the database"
expect_exit 2 "--predictions, by design" -- "$TRAIN" "${COMMON[@]}" --postgres "$CONN" --table typed --predictions "$WORK/x.csv" -o "$WORK/x.json"
expect_in "$WORK/err" "does not support --predictions (a row per lead would leave the database: score the table there with leadscore-score --postgres ... --into NAME)" "predictions: why"
expect_exit 2 "a holdout without --id" -- "$TRAIN" --target Converted --postgres "$CONN" --table typed -o "$WORK/x.json"
expect_in "$WORK/err" "training inside PostgreSQL chooses the holdout by a hash of the id column: name it with --id COL (or give --holdout 0)" "no id"
expect_exit 1 "an unknown table" -- "$TRAIN" "${COMMON[@]}" --postgres "$CONN" --table nosuch -o "$WORK/x.json"
expect_in "$WORK/err" 'PostgreSQL: reading the table'"'"'s columns: relation "nosuch" does not exist (SQLSTATE 42P01)' "unknown table"
expect_exit 0 "a target named in another case" -- "$TRAIN" -q --target converted "${COMMON[@]:2}" \
    --postgres "$CONN" --table typed --holdout 0 -o "$WORK/case.json"
expect_exit 0 "... is the same model" -- "$PY" "$CMP" "$WORK/c0.json" "$WORK/case.json" 1e-9
expect_exit 2 "a misspelt target" -- "$TRAIN" --target Convertd --id "Lead ID" --postgres "$CONN" --table typed -o "$WORK/x.json"
expect_in "$WORK/err" 'unknown column "Convertd" in --target (did you mean "Converted"?)' "did you mean"
expect_exit 2 "an input file too" -- "$TRAIN" "${COMMON[@]}" --postgres "$CONN" --table typed "$SAMPLE"
expect_in "$WORK/err" "--postgres trains on the --table: no input file" "input file"
expect_exit 2 "--table alone" -- "$TRAIN" "${COMMON[@]}" --table typed "$SAMPLE"
expect_exit 2 "--postgres without --table" -- "$TRAIN" "${COMMON[@]}" --postgres "$CONN" -o "$WORK/x.json"
expect_in "$WORK/err" "--postgres needs --table NAME" "no table"
expect_exit 1 "an existing model file without --force" -- "$TRAIN" "${COMMON[@]}" --postgres "$CONN" --table typed -o "$WORK/p.json"
expect_in "$WORK/err" "exists" "exists"
[ -e "$WORK/x.json" ] && fail "a model file was written after an error" || ok
BADPORT=$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$TRAIN" "${COMMON[@]}" --postgres "host=127.0.0.1 port=$BADPORT user=postgres password=secret dbname=postgres connect_timeout=5" \
    --table typed -o "$WORK/x.json" >"$WORK/out" 2>"$WORK/err"
[ $? -eq 1 ] && ok || fail "a failed connection: exit not 1"
grep -q secret "$WORK/out" "$WORK/err" && fail "the password was shown: $(cat "$WORK/err")" || ok
expect_in "$WORK/err" "leadscore-train: PostgreSQL: connecting to " "connection message"
finish
