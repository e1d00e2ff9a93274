# Hardening of the programs themselves (issue 12, items 3, 4, 7b, 7c, 8):
# each case failed on the code before it (see the comment above it).
. "$(dirname "$0")/common.bash"
cd "$WORK" || exit 1

"$PY" - <<'PYEOF' || fail "generate tr.csv"
import random
random.seed(1)
with open("tr.csv", "w") as f:
    f.write("id,x1,src,won\n")
    for i in range(3000):
        a = random.uniform(0, 1)
        f.write("L%d,%.6f,%s,%d\n" % (i, a, random.choice("abc"), random.random() < 0.2 + 0.5 * a))
PYEOF
expect_exit 0 "train the model" -- "$TRAIN" -q --target won --id id -o m.json tr.csv

# 4. An output that is the same file as an input is refused before any work
# (before: -f replaced the training data with the model).
cp tr.csv in.csv
expect_exit 2 "train: -o naming the input" -- "$TRAIN" -q --target won -f -o in.csv in.csv
expect_in err "-o and the training data name the same file (in.csv)" "train: message"
cmp -s tr.csv in.csv && ok || fail "train: the input was changed"
cp m.json old.json
expect_exit 2 "train: -o naming --like" -- "$TRAIN" -q --like old.json -f -o old.json tr.csv
expect_in err "-o and --like name the same file (old.json)" "--like"
expect_exit 2 "train: --report naming --baseline" -- "$TRAIN" -q --target won --baseline old.json \
    -f --report old.json -o m2.json tr.csv
expect_in err "--report and --baseline name the same file (old.json)" "--baseline"
[ -e m2.json ] && fail "--baseline: the model was written" || ok
cmp -s m.json old.json && ok || fail "train: the old model was changed"
ln -sf old.json link.json
expect_exit 2 "score: -o a symlink to the model" -- "$SCORE" -q -m old.json -f -o link.json tr.csv
expect_in err "-o and -m name the same file (link.json)" "symlink"
expect_exit 2 "score: --rejects naming the input" -- "$SCORE" -q -m old.json -f --rejects in.csv in.csv
expect_in err "--rejects and the input name the same file (in.csv)" "--rejects"
expect_exit 2 "emit-pmml: -o naming the model" -- "$SCORE" -m old.json --emit-pmml -f -o ./old.json
expect_in err "-o and -m name the same file (./old.json)" "--emit-pmml"
cmp -s m.json old.json && ok || fail "score: the model was changed"
printf 'rule,dimension,column,operator,value,points,note\nR1,fit,src,equals,a,10,\n' >sheet.csv
cp sheet.csv sheet0.csv
expect_exit 2 "emit-sql: -o naming the rules sheet" -- "$SCORE" --rules sheet.csv --emit-sql sqlite \
    --table leads -f -o sheet.csv
expect_in err "-o and --rules name the same file (sheet.csv)" "--rules"
cmp -s sheet.csv sheet0.csv && ok || fail "the rules sheet was changed"
# a new output (not existing yet) is no input
expect_exit 0 "score to a new file" -- "$SCORE" -q -m m.json -o new.csv tr.csv
[ -s new.csv ] && ok || fail "new.csv not written"

# 7c. /dev/zero, a gzip bomb and a long field in the parallel loader's part
# of a file grew memory until the OOM killer; now a field or a record over
# 16 MiB (--max-field-size) is an error naming file:line:column.
expect_exit 1 "score /dev/zero" -- "$SCORE" -q -m m.json -o z.csv /dev/zero
expect_in err "/dev/zero:1:1: a field longer than 16777216 bytes" "/dev/zero"
[ -e z.csv ] && fail "/dev/zero: output written" || ok
"$PY" - <<'PYEOF' || fail "generate long.csv"
with open("long.csv", "w") as f:
    f.write("id,x1,src,won\n")
    for i in range(120000):
        f.write("P%d,%.4f,%s,%d\n" % (i, (i % 97) / 97.0, "ab"[i % 2], (i // 2) % 2))
        if i == 100000:
            f.write("Q,0.5," + "z" * (2 << 20) + ",1\n")
PYEOF
expect_exit 1 "parallel loader: a long field" -- "$TRAIN" -q --target won --max-field-size 1M -o long.json long.csv
expect_in err "long.csv:100003:3: a field longer than 1048576 bytes" "parallel loader"
[ -e long.json ] && fail "parallel loader: model written" || ok
expect_exit 1 "scoring: a long field" -- "$SCORE" -q -m m.json --max-field-size 1M -o long.csv.out long.csv
expect_in err "long.csv:100003:3: a field longer than 1048576 bytes" "scorer"
expect_exit 2 "--max-field-size 0" -- "$SCORE" -q -m m.json --max-field-size 0 long.csv
expect_in err "--max-field-size: \"0\" is not a size" "bad value"
expect_exit 0 "--max-field-size 4M accepts the long field" -- "$TRAIN" -q --target won --id id \
    --max-field-size 4M -f -o long.json long.csv

# 8. Messages: errno text on write failures; NUL and control characters in
# values and headers shown as \xHH (before: the error column ended at a NUL,
# ESC reached the terminal raw).
expect_exit 1 "--export-design on /dev/full" -- "$TRAIN" -q --target won -f --export-design /dev/full -o fx.json tr.csv
expect_in err "/dev/full: write failed: No space left on device" "design: errno"
expect_exit 1 "--emit-pmml on /dev/full" -- "$SCORE" -m m.json --emit-pmml -o /dev/full
expect_in err "/dev/full: write failed: No space left on device" "pmml: errno"
printf 'id,x1,src,won\nN,0\0005,a,1\nE,1\033[31m,a,1\n' >ctl.csv
expect_exit 3 "NUL and ESC in values" -- "$SCORE" -q -m m.json -o ctl.out ctl.csv
expect_in ctl.out 'not a number: ""0\x005""' "NUL shown"
expect_in ctl.out 'not a number: ""1\x1B[31m""' "ESC shown"
printf 'id,x1,src,won,b\033]0;pwned\007x\nA,0.5,a,1,1\n' >hdr.csv
expect_exit 2 "ESC and BEL in a header" -- "$TRAIN" -q --target won --numeric nope -o hdr.json hdr.csv
expect_in err '"b\x1B]0;pwned\x07x"' "header escaped"
if grep -q "$(printf '\033')" err; then fail "ESC reached the terminal"; else ok; fi

# Issue 16: the help says what is true; one name for the positive label value
expect_exit 0 "score --help" -- "$SCORE" --help
grep -q -- "-m, --model FILE *model file (required)" out && fail "--help: -m called required" || ok
expect_in out "not needed for" "--help: -m optional for rule scores"
expect_in out "--positive VALUE" "--help: --positive"
expect_exit 0 "train --help" -- "$TRAIN" --help
grep -q "L2-regularised" out && fail "train --help: L2 only" || ok
expect_in out "L1 or elastic net" "train --help: penalties"
sed 's/,1$/,yes/; s/,0$/,no/' tr.csv >yn.csv
expect_exit 0 "score --positive" -- "$SCORE" -q -m m.json --label won --positive yes \
    --compare-json p1.json -o p1.csv yn.csv
expect_exit 0 "score --label-positive (alias)" -- "$SCORE" -q -m m.json --label won \
    --label-positive yes --compare-json p2.json -o p2.csv yn.csv
cmp -s p1.json p2.json && ok || fail "--positive and --label-positive differ"
expect_in p1.json '"positives"' "comparison written"

# 3. SIGINT/SIGTERM/SIGHUP during a run remove every temporary file and
# exit 130/143/129; the old output stays (before: out.csv.tmpXXXXXX left).
"$PY" - <<'PYEOF' || fail "generate big.csv"
import random
random.seed(2)
with open("big.csv", "w") as f:
    f.write("id,x1,src,won\n")
    for i in range(2000000):
        f.write("B%d,%.6f,%s,%d\n" % (i, random.random(), "abc"[i % 3], i % 2))
PYEOF
set -m # background jobs get the default SIGINT (not ignored)
for sig in INT:130 TERM:143 HUP:129; do
    echo old >out.csv
    "$SCORE" -q -m m.json --reasons 2 -f -o out.csv big.csv 2>/dev/null &
    pid=$!
    for _ in $(seq 1 2000); do # until the temporary file exists
        compgen -G 'out.csv.tmp*' >/dev/null && break
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.01
    done
    kill -"${sig%%:*}" "$pid"
    wait "$pid"
    got=$?
    [ "$got" -eq "${sig##*:}" ] && ok || fail "SIG${sig%%:*}: exit $got, expected ${sig##*:}"
    compgen -G '*.tmp*' >/dev/null && fail "SIG${sig%%:*}: temporary files left: $(echo *.tmp*)" || ok
    [ "$(cat out.csv)" = old ] && ok || fail "SIG${sig%%:*}: the old output changed"
done
# The moment a temporary file first appears is the riskiest: before
# 2026-12-05 the output probe's file (and, for an instant, every output's)
# existed before the signal cleanup knew of it, and a kill right then left
# it behind (about 1 run in 15). Kill at that moment 30 times.
left=0
for _ in $(seq 1 30); do
    rm -f out.csv.tmp*
    "$SCORE" -q -m m.json --reasons 2 -f -o out.csv big.csv 2>/dev/null &
    pid=$!
    while ! compgen -G 'out.csv.tmp*' >/dev/null; do kill -0 "$pid" 2>/dev/null || break; done
    kill -INT "$pid" 2>/dev/null
    wait "$pid"
    compgen -G 'out.csv.tmp*' >/dev/null && left=$((left + 1))
done
[ "$left" -eq 0 ] && ok || fail "SIGINT as the temporary file appears: left in $left of 30 runs"
[ "$(cat out.csv)" = old ] && ok || fail "SIGINT as the temporary file appears: the old output changed"
set +m

# 7b (ulimit -v) is tested in hardening_memory.sh; here: the re-exec with
# one BLAS thread keeps the options and the input (stdin included).
env -u OPENBLAS_NUM_THREADS "$SCORE" -q -m m.json -o stdin.csv - <tr.csv 2>err
[ "$(wc -l <stdin.csv)" -eq 3001 ] && ok || fail "re-exec: stdin scored $(wc -l <stdin.csv) lines"

finish
