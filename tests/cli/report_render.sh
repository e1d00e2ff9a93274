# HTML reports (docs/reports.md): leadscore-train --report and
# leadscore-score --compare-report FILE.html on the sample data. Checks the
# pages are well-formed XML, the SVG charts' structure (axes, one polyline
# per series, bars and cells) and that the numbers they carry equal the model
# and comparison JSON; escaping of hostile column names; --force; the
# validation tables of --summary. Then renders both pages in headless
# Chromium to PNG (kept as build/tests/report-train.png and
# report-compare.png) and checks the images are not blank. Without chromium
# the rendering is skipped with a message, or fails when CI is set.
. "$(dirname "$0")/common.bash"
S="$SRC/datasets"
D="$SRC/tests/data"
PNGDIR=$(dirname "$(dirname "$WORK")") # build/tests

if [ ! -x "$PY" ]; then
    if [ -n "${CI:-}" ]; then echo "FAIL: $PY is required when CI is set" >&2; exit 1; fi
    echo "skipped: $PY not present"
    exit 77
fi

# ---- training report and validation tables --------------------------------
expect_exit 0 "train with --report and --summary" -- "$TRAIN" -t Converted --id "Lead ID" \
    -x Email -x Company -x "Created Date" --na-values Select -o "$WORK/m.json" \
    --report "$WORK/train.html" --summary "$S/sample_leads.csv"
cp "$WORK/out" "$WORK/summary.txt"
expect_in "$WORK/summary.txt" "Hosmer-Lemeshow chi2(8)" "summary: Hosmer-Lemeshow"
expect_in "$WORK/summary.txt" "Lift and cumulative gains by decile" "summary: gains table"
expect_in "$WORK/summary.txt" "KS 0." "summary: KS"
expect_in "$WORK/err" "report written to $WORK/train.html" "report note"
[ -s "$WORK/train.html" ] && ok || fail "train.html not written"
ls "$WORK" | grep -q '\.tmp' && fail "temporary file left behind" || ok

expect_in "$WORK/train.html" "held-out rows (stratified)" "report: the stratified split"
# the split a report names is the one made (it said "stratified" for all)
expect_exit 0 "report of a date split" -- "$TRAIN" -q -t Converted --id "Lead ID" --na-values Select \
    --split-date "Created Date" --cutoff 2026-09-01 -o "$WORK/md.json" --report "$WORK/date.html" "$S/sample_leads.csv"
expect_in "$WORK/date.html" "held-out rows (dated on or after the cutoff)" "report: the date split"
expect_exit 0 "report of a split by id" -- "$TRAIN" -q -t Converted --id "Lead ID" --na-values Select \
    --split-by-id -o "$WORK/mi.json" --report "$WORK/id.html" "$S/sample_leads.csv"
expect_in "$WORK/id.html" "held-out rows (chosen by a hash of the id)" "report: the split by id"

# refuses to overwrite without --force, before the work
expect_exit 1 "report exists" -- "$TRAIN" -q -t Converted --na-values Select -o "$WORK/m2.json" \
    --report "$WORK/train.html" "$S/sample_leads.csv"
expect_in "$WORK/err" "train.html" "exists message names the file"
expect_in "$WORK/err" "--force" "exists message hints --force"
[ ! -e "$WORK/m2.json" ] && ok || fail "model written although the report was refused"

# ---- comparison report -------------------------------------------------------
expect_exit 0 "compare with an HTML report" -- "$SCORE" -q -m "$WORK/m.json" \
    --rules "$S/sample_rules.csv" --priority-accounts "$S/sample_priority_accounts.txt" \
    --label Converted --compare-json "$WORK/cmp.json" --compare-report "$WORK/compare.html" \
    -o "$WORK/scores.csv" "$S/sample_leads.csv"
expect_exit 0 "compare with a text report" -- "$SCORE" -q -m "$WORK/m.json" \
    --rules "$S/sample_rules.csv" --priority-accounts "$S/sample_priority_accounts.txt" \
    --label Converted --compare-report "$WORK/compare.txt" -o "$WORK/scores2.csv" \
    "$S/sample_leads.csv"
head -c 200 "$WORK/compare.txt" | grep -q "<html" && fail "compare.txt is HTML" || ok
head -c 100 "$WORK/compare.html" | grep -q "<!DOCTYPE html>" && ok || fail "compare.html is not HTML"
expect_exit 1 "compare report exists" -- "$SCORE" -q -m "$WORK/m.json" --label Converted \
    --compare-report "$WORK/compare.html" -o "$WORK/scores3.csv" "$S/sample_leads.csv"

# ---- no holdout; hostile names -------------------------------------------------
expect_exit 0 "report without a holdout" -- "$TRAIN" -q -t Won --id Lead --na-values Select \
    --holdout 0 --min-level-count 2 --force -o "$WORK/tiny.json" --report "$WORK/tiny.html" \
    "$D/tiny_leads.csv"
# a column and a level named like markup
"$PY" - "$D/tiny_leads.csv" "$WORK/hostile.csv" <<'EOF'
import sys
text = open(sys.argv[1], encoding="utf-8-sig", newline="").read()
text = text.replace("Source", '"Src <script>alert(1)</script> &amp; ""q"" \'s"', 1)
text = text.replace(",Ads,", ",<b>Ads</b>,")
open(sys.argv[2], "w", encoding="utf-8", newline="").write(text)
EOF
expect_exit 0 "report with hostile names" -- "$TRAIN" -q -t Won --id Lead --na-values Select \
    --holdout 0 --min-level-count 2 --force -o "$WORK/hostile.json" \
    --report "$WORK/hostile.html" "$WORK/hostile.csv"

# ---- structure and numbers -------------------------------------------------------
if "$PY" - "$WORK" <<'EOF'; then ok; else fail "report structure"; fi
import json, math, re, sys
import xml.etree.ElementTree as ET
work = sys.argv[1]
S = "{http://www.w3.org/2000/svg}"
H = "{http://www.w3.org/1999/xhtml}"
problems = []
def check(cond, what):
    if not cond:
        problems.append(what)
def page(name):
    with open(f"{work}/{name}", encoding="utf-8") as f:
        text = f.read()
    check(text.startswith("<!DOCTYPE html>"), f"{name}: doctype")
    check("<script" not in text, f"{name}: a script element")
    check("http://" not in text.replace("http://www.w3.org/", ""), f"{name}: a network reference")
    check("https://" not in text, f"{name}: a network reference")
    return ET.fromstring(text[len("<!DOCTYPE html>"):])  # well-formed XML
def charts(root):
    return {s.get("data-chart"): s for s in root.iter(S + "svg")}
def series(svg):
    return [p.get("data-series") for p in svg.iter(S + "polyline") if p.get("class") == "series"]
def axes(svg, name):
    classes = [g.get("class") for g in svg.iter(S + "g")]
    check("axis x" in classes and "axis y" in classes, f"{name}: axes")
def metric(root, key):
    vals = [e.get("data-value") for e in root.iter() if e.get("data-metric") == key]
    check(len(vals) >= 1, f"metric {key} shown")
    return [float(v) if v != "null" else None for v in vals]
def close(a, b, what):
    ok = (a is None and b is None) or (a is not None and b is not None and abs(a - b) <= 1e-12 * max(1, abs(b)))
    check(ok, f"{what}: {a} != {b}")

# training
m = json.load(open(f"{work}/m.json"))
h = m["holdout"]
root = page("train.html")
c = charts(root)
for name in ("roc", "pr", "gains", "lift", "calibration", "distribution", "coefficients"):
    check(name in c, f"train: chart {name}")
for name, svg in c.items():
    axes(svg, f"train {name}")
check(series(c["roc"]) == ["model"], f"roc series {series(c['roc'])}")
check(series(c["pr"]) == ["model"], "pr series")
check(series(c["gains"]) == ["model"], "gains series")
check(series(c["calibration"]) == ["observed"], "calibration series")
check(sorted(series(c["distribution"])) == ["converted", "not converted"], "distribution series")
roc = [p for p in c["roc"].iter(S + "polyline")][0]
check(int(roc.get("data-points")) >= 20, "roc points")
for v in metric(root, "auc"):
    close(v, h["auc"], "auc")
for v in metric(root, "ks"):
    close(v, h["ks"], "ks")
for v in metric(root, "hl_statistic"):
    close(v, h["hosmer_lemeshow"]["statistic"], "HL statistic")
for v in metric(root, "hl_p_value"):
    close(v, h["hosmer_lemeshow"]["p_value"], "HL p")
close(metric(root, "top10_capture")[0], h["gains"][0]["cumulative_capture"], "top-10% capture")
bars = [b for b in c["lift"].iter(S + "rect") if b.get("class") == "bar"]
check(len(bars) == 10, "lift: 10 bars")
for b, g in zip(bars, h["gains"]):
    close(float(b.get("data-value")), g["lift"], f"lift decile {g['decile']}")
marks = [e for e in c["calibration"].iter(S + "circle")]
check(len(marks) == 10, "calibration: 10 points")
coef = [b for b in c["coefficients"].iter(S + "rect") if b.get("class") == "bar"]
feats = {f["name"]: f for f in m["features"][1:]}
check(len(coef) == min(40, len(feats)), f"coefficients: {len(coef)} bars")
for b in coef:
    close(float(b.get("data-value")), feats[b.get("data-feature")]["odds_ratio"], "odds ratio")
ors = [float(b.get("data-value")) for b in coef]
check(ors == sorted(ors, reverse=True), "odds ratios sorted")
check(len([t for t in root.iter(H + "table")]) >= 3, "train: tables")
warn = [li for ul in root.iter(H + "ul") if ul.get("class") == "warn" for li in ul.iter(H + "li")]
check(len(warn) >= len(m["warnings"]), "every model warning listed")

# comparison
cmp = json.load(open(f"{work}/cmp.json"))
root = page("compare.html")
c = charts(root)
for name in ("roc", "deciles", "heatmap", "points"):
    check(name in c, f"compare: chart {name}")
    axes(c[name], f"compare {name}")
check(sorted(series(c["roc"])) == ["model", "rules"], "compare roc: one curve per series")
close(metric(root, "model_auc")[0], cmp["model"]["auc"], "model AUC")
close(metric(root, "rules_auc")[0], cmp["rules"]["auc"], "rules AUC")
close(metric(root, "auc_difference")[0], cmp["auc_difference"]["estimate"], "AUC difference")
for who in ("model", "rules"):
    bars = [b for b in c["deciles"].iter(S + "rect") if b.get("data-series") == who]
    check(len(bars) == 10, f"deciles {who}: 10 bars")
    for b, d in zip(bars, cmp["deciles"][who]):
        close(float(b.get("data-value")), d["conversion_rate"], f"decile {who} {d['decile']}")
cells = [r for r in c["heatmap"].iter(S + "rect") if r.get("class") == "cell"]
check(len(cells) == 9, "heat map: 9 cells")
for r, e in zip(cells, cmp["agreement"]["cross_table"]):
    check(r.get("data-rule-tier") == e["rule_tier"] and r.get("data-model-tier") == e["model_tier"], "cell order")
    close(float(r.get("data-count")), e["count"], "cell count")
    close(None if r.get("data-value") == "null" else float(r.get("data-value")), e["conversion_rate"], "cell rate")
rv = cmp["rules_validation"]
cur = [b for b in c["points"].iter(S + "rect") if b.get("data-series") == "current"]
sug = [b for b in c["points"].iter(S + "rect") if b.get("data-series") == "suggested"]
check(len(cur) == len(rv), "points: one current bar per rule")
check(len(sug) == len([r for r in rv if r["suggested_points"] is not None]), "points: suggested bars")
for b in cur:
    r = next(x for x in rv if x["rule"] == b.get("data-rule"))
    close(float(b.get("data-value")), r["points"], f"points {r['rule']}")
recs = [li for ul in root.iter(H + "ul") if ul.get("class") == "rec" for li in ul.iter(H + "li")]
check(len(recs) == len(cmp["recommendations"]), "every recommendation listed")

# no holdout: no validation charts, still a page
c = charts(page("tiny.html"))
check("roc" not in c and "coefficients" in c, "tiny: charts without a holdout")
# hostile names are text, not markup
root = page("hostile.html")
text = open(f"{work}/hostile.html", encoding="utf-8").read()
check("<script>alert" not in text and "<b>Ads" not in text, "hostile: raw markup")
check("&lt;script&gt;alert(1)&lt;/script&gt; &amp;amp; &quot;q&quot; &#39;s" in text, "hostile: escaped name")
names = {b.get("data-feature") for b in root.iter(S + "rect") if b.get("class") == "bar"}
want = {f["name"] for f in json.load(open(f"{work}/hostile.json"))["features"][1:]}
check(names == want, f"hostile: feature names read back {names ^ want}")
check(any(n.endswith("=<b>Ads</b>") for n in names), "hostile: the level kept as text")
for p in problems:
    print("  " + p, file=sys.stderr)
sys.exit(1 if problems else 0)
EOF

# ---- rendering ---------------------------------------------------------------------
CHROMIUM=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$CHROMIUM" ]; then
    if [ -n "${CI:-}" ]; then
        fail "chromium is required when CI is set (scripts/setup.sh --with-peers)"
    else
        echo "note: chromium not installed; rendering not checked (apt-get install -y chromium)"
    fi
    finish
fi
for page in train compare; do
    png="$PNGDIR/report-$page.png"
    rm -f "$png"
    profile=$(mktemp -d)
    timeout 60 "$CHROMIUM" --headless --no-sandbox --disable-gpu --user-data-dir="$profile" \
        --hide-scrollbars --screenshot="$png" --window-size=1200,3000 \
        "file://$WORK/$page.html" >"$WORK/chromium-$page.log" 2>&1
    rc=$?
    rm -rf "$profile"
    [ "$rc" -eq 0 ] && ok || { fail "chromium on $page.html: exit $rc"; tail -5 "$WORK/chromium-$page.log" >&2; }
    if "$PY" - "$png" <<'EOF'; then ok; else fail "$page.png"; fi
import os, struct, sys, zlib
path = sys.argv[1]
size = os.path.getsize(path)
with open(path, "rb") as f:
    data = f.read()
assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
pos, idat, ihdr = 8, b"", None
while pos < len(data):
    n, kind = struct.unpack(">I4s", data[pos:pos + 8])
    body = data[pos + 8:pos + 8 + n]
    if kind == b"IHDR":
        ihdr = struct.unpack(">IIBBBBB", body)
    elif kind == b"IDAT":
        idat += body
    pos += 12 + n
w, h, depth, ctype, _, _, interlace = ihdr
assert depth == 8 and ctype in (2, 6) and interlace == 0, f"unexpected PNG format {ihdr}"
bpp = 3 if ctype == 2 else 4
raw = zlib.decompress(idat)
stride = w * bpp
prev = bytearray(stride)
gray_sum = gray_sq = nonwhite = 0
colours = set()
for y in range(h):
    ft = raw[y * (stride + 1)]
    line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
    if ft == 1:
        for i in range(bpp, stride):
            line[i] = (line[i] + line[i - bpp]) & 255
    elif ft == 2:
        line = bytearray((u + v) & 255 for u, v in zip(line, prev))
    elif ft == 3:
        for i in range(stride):
            line[i] = (line[i] + (((line[i - bpp] if i >= bpp else 0) + prev[i]) >> 1)) & 255
    elif ft == 4:
        for i in range(stride):
            if i < bpp:
                line[i] = (line[i] + prev[i]) & 255
                continue
            a = line[i - bpp]
            b = prev[i]
            c = prev[i - bpp]
            pa = abs(b - c)
            pb = abs(a - c)
            pc = abs(a + b - c - c)
            line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
    prev = line
    if y % 4:
        continue  # every fourth row is plenty for the statistics
    for x in range(0, w, 2):
        r, g, b = line[x * bpp], line[x * bpp + 1], line[x * bpp + 2]
        v = (r + g + b) / 3
        gray_sum += v
        gray_sq += v * v
        nonwhite += v < 235
        colours.add((r >> 4, g >> 4, b >> 4))
n = (h + 3) // 4 * ((w + 1) // 2)
mean = gray_sum / n
var = gray_sq / n - mean * mean
print(f"{os.path.basename(path)}: {w}x{h}, {size} bytes, mean grey {mean:.1f}, "
      f"variance {var:.1f}, {100 * nonwhite / n:.1f}% non-white, {len(colours)} colours")
assert (w, h) == (1200, 3000), "size"
assert size > 50_000, "too small to hold the charts"
assert var > 100 and nonwhite / n > 0.02, "blank"
assert len(colours) > 20, "too few colours for charts"
EOF
done
finish
