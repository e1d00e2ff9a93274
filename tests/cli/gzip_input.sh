# Gzip input (.csv.gz, detected by its magic bytes, on stdin too) gives the
# same model and the same scores as the plain file; damaged gzip is an error
# naming the file, and nothing is written.
. "$(dirname "$0")/common.bash"
DATA="$SRC/datasets/sample_leads.csv"
NEW="$SRC/datasets/sample_new_leads.csv"
gzip -c "$DATA" >"$WORK/leads.csv.gz"
gzip -c "$NEW" >"$WORK/new.csv.gz"
cp "$WORK/new.csv.gz" "$WORK/new-gzip-named.csv" # content decides, not the name
TOPTS=(--target Converted --id "Lead ID" --exclude Email --exclude Company
       --exclude "Last Activity Date" --exclude "Created Date" --na-values Select -q)

expect_exit 0 "train plain" -- "$TRAIN" "${TOPTS[@]}" -o "$WORK/plain.json" --predictions "$WORK/plain.pred" "$DATA"
expect_exit 0 "train gzip" -- "$TRAIN" "${TOPTS[@]}" -o "$WORK/gz.json" --predictions "$WORK/gz.pred" "$WORK/leads.csv.gz"
cmp -s "$WORK/plain.pred" "$WORK/gz.pred" && ok || fail "predictions differ between plain and gzip input"
sha() { "$PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))["training"]["sha256"])' "$1"; }
[ "$(sha "$WORK/plain.json")" = "$(sha "$WORK/gz.json")" ] && ok || fail "training sha256 is not of the decompressed bytes"
expect_exit 0 "train gzip on stdin" -- sh -c "'$TRAIN' $(printf '%q ' "${TOPTS[@]}") -o '$WORK/stdin.json' --predictions '$WORK/stdin.pred' - <'$WORK/leads.csv.gz'"
cmp -s "$WORK/plain.pred" "$WORK/stdin.pred" && ok || fail "gzip on stdin differs"

M="$WORK/plain.json"
expect_exit 0 "score plain" -- "$SCORE" -q -m "$M" -o "$WORK/plain.csv" "$NEW"
for f in new.csv.gz new-gzip-named.csv; do
    expect_exit 0 "score $f" -- "$SCORE" -q -m "$M" -o "$WORK/$f.scores" "$WORK/$f"
    cmp -s "$WORK/plain.csv" "$WORK/$f.scores" && ok || fail "$f: scores differ from the plain file's"
done
expect_exit 0 "score gzip on a pipe" -- sh -c "cat '$WORK/new.csv.gz' | '$SCORE' -q -m '$M' -"
cmp -s "$WORK/plain.csv" "$WORK/out" && ok || fail "gzip on a pipe: scores differ"
# two gzip members, as `cat a.gz b.gz` makes
{ head -1 "$NEW" | gzip -c; tail -n +2 "$NEW" | gzip -c; } >"$WORK/members.gz"
expect_exit 0 "score concatenated gzip members" -- "$SCORE" -q -m "$M" "$WORK/members.gz"
cmp -s "$WORK/plain.csv" "$WORK/out" && ok || fail "concatenated members: scores differ"
# account rules read stdin twice (spooled): gzip there too
R=(--rules "$SRC/datasets/sample_rules.csv" --priority-accounts "$SRC/datasets/sample_priority_accounts.txt"
   --as-of 2026-11-20 --account-column Company)
expect_exit 0 "rules on plain" -- "$SCORE" -q -m "$M" "${R[@]}" -o "$WORK/rules.csv" "$NEW"
expect_exit 0 "rules on gzip stdin" -- sh -c "'$SCORE' -q -m '$M' $(printf '%q ' "${R[@]}") - <'$WORK/new.csv.gz'"
cmp -s "$WORK/rules.csv" "$WORK/out" && ok || fail "rules on gzip stdin differ"

# damaged input: exit 1, file named, no output left behind
head -c 3000 "$WORK/new.csv.gz" >"$WORK/trunc.csv.gz"
expect_exit 1 "truncated gzip" -- "$SCORE" -q -m "$M" -o "$WORK/t.csv" "$WORK/trunc.csv.gz"
expect_in "$WORK/err" "$WORK/trunc.csv.gz: truncated gzip data" "truncation message"
[ ! -e "$WORK/t.csv" ] && ok || fail "output written for truncated input"
expect_exit 1 "truncated gzip (train)" -- "$TRAIN" "${TOPTS[@]}" -o "$WORK/t.json" "$WORK/trunc.csv.gz"
expect_in "$WORK/err" "truncated gzip data" "truncation message (train)"
[ ! -e "$WORK/t.json" ] && ok || fail "model written for truncated input"
"$PY" - "$WORK/new.csv.gz" "$WORK/corrupt.csv.gz" <<'PY'
import sys
d = bytearray(open(sys.argv[1], 'rb').read())
for i in range(200, 240):
    d[i] ^= 0xA5
open(sys.argv[2], 'wb').write(d)
PY
expect_exit 1 "corrupt gzip" -- "$SCORE" -q -m "$M" -o "$WORK/c.csv" "$WORK/corrupt.csv.gz"
expect_in "$WORK/err" "$WORK/corrupt.csv.gz: corrupt gzip data" "corruption message"
[ ! -e "$WORK/c.csv" ] && ok || fail "output written for corrupt input"
expect_exit 1 "corrupt gzip on stdin" -- sh -c "'$SCORE' -q -m '$M' - <'$WORK/corrupt.csv.gz'"
expect_in "$WORK/err" "<stdin>: corrupt gzip data" "corruption message (stdin)"
finish
