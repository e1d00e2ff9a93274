# Diagnostics fire on crafted data (thin, id-like, separation, collinearity,
# leakage) and stay silent on clean data.
. "$(dirname "$0")/common.bash"
"$PY" - "$WORK" <<'PYEOF' || fail "make data"
import math, random, sys
w = sys.argv[1]
def write(name, header, rows):
    with open(f"{w}/{name}", "w") as f:
        f.write(",".join(header) + "\n")
        for r in rows:
            f.write(",".join(str(v) for v in r) + "\n")
rnd = random.Random(5)
def lead(i):
    x = rnd.gauss(0, 1); z = rnd.gauss(0, 1); src = rnd.choice(["Web", "Ads", "Event", "Partner"])
    eta = -0.5 + 0.8 * x - 0.4 * z + (0.5 if src == "Event" else 0.0)
    y = 1 if rnd.random() < 1 / (1 + math.exp(-eta)) else 0
    return x, z, src, y
rows = [lead(i) for i in range(3000)]
write("clean.csv", ["x", "z", "source", "won"], [(round(x, 4), round(z, 4), s, y) for x, z, s, y in rows])
write("dup.csv", ["x", "x_again", "z", "won"], [(round(x, 4), round(2 * x, 4), round(z, 4), y) for x, z, s, y in rows])
write("idlike.csv", ["email", "x", "won"], [(f"u{i}@example.com", round(x, 4), y) for i, (x, z, s, y) in enumerate(rows)])
write("sep.csv", ["x", "stage", "won"], [(round(x, 4), "Closed" if y else rnd.choice(["Open", "New"]), y) for x, z, s, y in rows])
write("thin.csv", ["x", "won"], [(round(x, 4), y) for x, z, s, y in rows[:400]])
PYEOF
expect_exit 0 "clean data" -- "$TRAIN" --target won -o "$WORK/clean.json" "$WORK/clean.csv"
grep -q "^warning:" "$WORK/err" && { fail "warnings on clean data"; grep "^warning" "$WORK/err" >&2; } || ok
expect_in "$WORK/clean.json" '"warnings": []' "no warnings stored"
expect_exit 0 "duplicated column" -- "$TRAIN" -q --target won -o "$WORK/dup.json" "$WORK/dup.csv"
expect_in "$WORK/err" "warning: collinearity:" "collinearity"
expect_in "$WORK/err" "x_again" "collinear column named"
expect_exit 0 "id-like column" -- "$TRAIN" -q --target won -o "$WORK/id.json" "$WORK/idlike.csv"
expect_in "$WORK/err" 'warning: id_like: column "email"' "id-like named"
expect_exit 0 "separation and leakage" -- "$TRAIN" -q --target won -o "$WORK/sep.json" "$WORK/sep.csv"
expect_in "$WORK/err" "warning: separation" "separation"
expect_in "$WORK/err" "stage=" "separating level named"
expect_in "$WORK/err" 'warning: leakage: column "stage"' "leakage"
expect_exit 0 "thin data" -- "$TRAIN" -q --target won -o "$WORK/thin.json" "$WORK/thin.csv"
expect_in "$WORK/err" "warning: thin_data: 400 leads" "thin data"
head -40 "$WORK/thin.csv" >"$WORK/tiny.csv"
expect_exit 1 "too few conversions" -- "$TRAIN" -q --target won -o "$WORK/tiny.json" "$WORK/tiny.csv"
expect_in "$WORK/err" "use --force to train anyway" "refusal message"
expect_exit 0 "forced" -- "$TRAIN" -q --force --target won -o "$WORK/tiny.json" "$WORK/tiny.csv"
if [ -f "$SHARED/xeducation_leads.csv" ]; then
    expect_exit 0 "X Education leakage" -- "$TRAIN" -q --target Converted --id "Prospect ID" --exclude "Lead Number" \
        --na-values Select -o "$WORK/x.json" "$SHARED/xeducation_leads.csv"
    expect_in "$WORK/err" 'warning: leakage: column "Tags"' "Tags flagged"
fi
finish
