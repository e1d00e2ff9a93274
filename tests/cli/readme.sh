# The README's commands, run in order as a new user would, on a fresh copy of
# the bundled sample (datasets/, an empty models/, build/bin = the programs
# under test): every ```sh block after the opening two runs, unless the line
# before it is `<!-- readme.sh: not run (REASON) -->`; each must exit 0. A
# ```text block that follows a ```sh block is what that block prints (stderr
# and stdout together): the run must print exactly those lines, where a line
# `…` stands for any number of lines left out. So the pasted outputs cannot
# drift from the programs again; after a change of output, paste the new one.
. "$(dirname "$0")/common.bash"
cd "$WORK" || exit 1
mkdir -p models build
cp -R "$SRC/datasets" datasets
ln -s "$(dirname "$TRAIN")" build/bin

# Splits README.md into WORK/blocks/N.sh (+ N.txt for its pasted output).
"$PY" - "$SRC/README.md" "$WORK/blocks" <<'PYEOF' || exit 1
import os, re, sys
text = open(sys.argv[1], encoding="utf-8").read().split("\n")
out = sys.argv[2]
os.makedirs(out)
blocks, i, skip = [], 0, False
while i < len(text):
    line = text[i]
    m = re.match(r"^```(\w*)\s*$", line)
    if not m:
        if line.strip():
            skip = line.startswith("<!-- readme.sh: not run")
        i += 1
        continue
    j = i + 1
    while text[j] != "```":
        j += 1
    blocks.append((m.group(1), text[i + 1:j], skip, i + 1))
    skip = False
    i = j + 1
n = 0
for k, (lang, body, skipped, line) in enumerate(blocks):
    if lang != "sh" or k == 0 or skipped:
        continue
    n += 1
    name = os.path.join(out, "%02d" % n)
    open(name + ".sh", "w").write("# README.md line %d\n%s\n" % (line, "\n".join(body)))
    if k + 1 < len(blocks) and blocks[k + 1][0] == "text":
        open(name + ".txt", "w").write("\n".join(blocks[k + 1][1]) + "\n")
print("README.md: %d command blocks to run" % n)
PYEOF

for block in "$WORK"/blocks/*.sh; do
    where=$(head -1 "$block" | sed 's/^# //')
    if ! bash -e "$block" >"$block.out" 2>&1; then
        fail "$where: the commands failed"
        sed 's/^/    /' "$block.out" | tail -20 >&2
        continue
    fi
    ok
    [ -f "${block%.sh}.txt" ] || continue
    if "$PY" - "${block%.sh}.txt" "$block.out" <<'PYEOF'; then ok; else fail "$where: the pasted output differs from what the commands print"; fi
import re, sys
want = open(sys.argv[1], encoding="utf-8").read().rstrip("\n").split("\n")
got = open(sys.argv[2], encoding="utf-8", errors="replace").read().rstrip("\n")
pattern = "".join("(?:.*\n)*?" if w.strip() == "…" else re.escape(w) + "\n" for w in want)
if re.fullmatch(pattern, got + "\n"):
    sys.exit(0)
# show the first pasted line that is not printed, in order
pos, lines = 0, got.split("\n")
for w in want:
    if w.strip() == "…":
        continue
    try:
        pos = lines.index(w, pos) + 1
    except ValueError:
        print("    pasted but not printed: " + w, file=sys.stderr)
        break
print("    printed:\n" + "\n".join("      " + l for l in lines[:40]), file=sys.stderr)
sys.exit(1)
PYEOF
done
finish
