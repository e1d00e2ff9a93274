# The parallel loader (large regular files are cut into chunks at record
# boundaries and parsed on several threads) builds exactly what the
# one-threaded loader builds. Small chunks (LEADSCORE_PARSE_CHUNK bytes per
# thread and round) force it onto small files, so every chunk boundary case
# shows up: quoted fields with delimiters, doubled quotes and line breaks
# across a cut, CRLF, a BOM, blank lines, missing targets, a numeric column
# with more than 65,536 distinct values (switch to raw doubles), text after
# that switch (overflow), text before it, and rows long enough that a round
# holds no whole record. Models must be byte-identical (but for the creation
# time and the checksum over it), and so must every message.
. "$(dirname "$0")/common.bash"
"$PY" - "$WORK/messy.csv" <<'PYEOF'
import random, sys
rnd = random.Random(5)
out = open(sys.argv[1], "w", newline="", encoding="utf-8")
out.write("\ufeffid,source,note,amount,score_txt,visits,won\r\n")
srcs = ["Web", "Referral", 'Partner "A"', "Trade, Show", "Select", ""]
for i in range(70500):
    src = rnd.choice(srcs)
    if any(c in src for c in ',"'):
        src = '"' + src.replace('"', '""') + '"'
    r = rnd.random()
    if r < 0.05:
        note = '"line one\r\nline two, with ""quotes"""'
    elif r < 0.07:
        note = '"' + "x" * rnd.randint(100, 3000) + '"'
    else:
        note = rnd.choice(["", "call back", "n/a"])
    amount = "%.6f" % (i * 1.000001 + rnd.random())          # all distinct
    if i == 69000:
        amount = "unknown"                                     # text after the switch
    score_txt = "%.3f" % rnd.random() if i != 50000 else "high"  # text, far down
    visits = str(rnd.randint(0, 40)) if rnd.random() > 0.1 else ""
    won = rnd.choice(["Yes", "No", "No"]) if rnd.random() > 0.01 else ""
    out.write(",".join([str(i), src, note, amount, score_txt, visits, won]) + "\r\n")
    if i % 9000 == 0:
        out.write("\r\n")
PYEOF
train() { # train OUT [env...]
    local out=$1; shift
    expect_exit 0 "train $out ($*)" -- env "$@" "$TRAIN" --target won --id id --na-values Select \
        --exclude note --holdout 0.25 --seed 3 --force -o "$WORK/$out.json" "$WORK/messy.csv"
    grep -v "model written" "$WORK/err" >"$WORK/$out.txt"
    grep -v '"created"\|"checksum"' "$WORK/$out.json" >"$WORK/$out.cmp"
}
same() { # same A B
    if cmp -s "$WORK/$1.cmp" "$WORK/$2.cmp" && cmp -s "$WORK/$1.txt" "$WORK/$2.txt"; then ok
    else fail "$2 differs from $1"; diff "$WORK/$1.txt" "$WORK/$2.txt" | head -5 >&2; fi
}
train seq LEADSCORE_THREADS=1
expect_in "$WORK/seq.txt" 'amount' "the overflowing column is reported"
for chunk in 997 4096 65536; do
    for threads in 2 3; do
        train "par_${chunk}_$threads" LEADSCORE_THREADS=1 LEADSCORE_PARSE_CHUNK=$chunk LEADSCORE_PARSE_THREADS=$threads
        same seq "par_${chunk}_$threads"
    done
done
# the bundled sample and (when present) the real export
for f in "$SRC/datasets/sample_leads.csv" "$SHARED/xeducation_leads.csv"; do
    [ -f "$f" ] || continue
    args=(--target Converted --na-values Select --force)
    case "$f" in *xeducation*) args+=(--id "Prospect ID" --exclude "Lead Number") ;; esac
    expect_exit 0 "train $(basename "$f")" -- env LEADSCORE_THREADS=1 "$TRAIN" "${args[@]}" -o "$WORK/a.json" "$f"
    grep -v '"created"\|"checksum"' "$WORK/a.json" >"$WORK/a.cmp"
    expect_exit 0 "train $(basename "$f") in chunks" -- env LEADSCORE_THREADS=1 LEADSCORE_PARSE_CHUNK=1500 \
        LEADSCORE_PARSE_THREADS=2 "$TRAIN" "${args[@]}" -o "$WORK/b.json" "$f"
    grep -v '"created"\|"checksum"' "$WORK/b.json" >"$WORK/b.cmp"
    cmp -s "$WORK/a.cmp" "$WORK/b.cmp" && ok || fail "$(basename "$f"): chunked load gives another model"
done
# a broken quote deep in the file: the one-threaded reader's message, exactly
{ head -c 300000 "$WORK/messy.csv"; printf '999999,Web,"open quote,1.5,0.5,3,Yes\r\n'; } >"$WORK/broken.csv"
expect_exit 1 "broken, one thread" -- "$TRAIN" --target won --force -o "$WORK/x.json" "$WORK/broken.csv"
cp "$WORK/err" "$WORK/err1"
expect_exit 1 "broken, chunks" -- env LEADSCORE_PARSE_CHUNK=2048 LEADSCORE_PARSE_THREADS=2 "$TRAIN" --target won --force -o "$WORK/x.json" "$WORK/broken.csv"
cmp -s "$WORK/err1" "$WORK/err" && ok || fail "chunked load reports the broken quote differently"

# String ids and a column of 500,000 distinct numbers in default-size chunks
# on 2 threads: the merge once read a part's missing raw array (SIGSEGV);
# the model must equal the one-threaded load's.
"$PY" - "$WORK/switch.csv" <<'PYEOF'
import random, sys
random.seed(2)
with open(sys.argv[1], "w") as f:
    f.write("id,x1,src,won\n")
    for i in range(500000):
        f.write("B%d,%.6f,%s,%d\n" % (i, random.random(), "abc"[i % 3], i % 2))
PYEOF
expect_exit 0 "500k rows, one thread" -- env LEADSCORE_PARSE_THREADS=1 "$TRAIN" -q --target won --id id \
    --force -o "$WORK/sw1.json" "$WORK/switch.csv"
expect_exit 0 "500k rows, default chunks on 2 threads" -- env LEADSCORE_PARSE_THREADS=2 "$TRAIN" -q \
    --target won --id id --force -o "$WORK/sw2.json" "$WORK/switch.csv"
diff <(grep -v '"created"\|"checksum"' "$WORK/sw1.json") <(grep -v '"created"\|"checksum"' "$WORK/sw2.json") \
    >/dev/null && ok || fail "the chunked model differs from the one-threaded one"
finish
