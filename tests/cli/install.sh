# cmake --install into a temporary prefix: the programs run from there, the
# headers, static library and leadscore.pc let a C program outside the tree
# score a lead through the public API, the man pages render and list every
# option of --help, and both programs print the CMake project version.
. "$(dirname "$0")/common.bash"
BUILD=$(dirname "$BIN")
P="$WORK/prefix"
expect_exit 0 "cmake --install" -- cmake --install "$BUILD" --prefix "$P"
for f in bin/leadscore-train bin/leadscore-score include/leadscore.h include/leadscore/score.h \
         include/leadscore/status.h lib/libleadscore.a lib/pkgconfig/leadscore.pc \
         share/man/man1/leadscore-train.1 share/man/man1/leadscore-score.1; do
    [ -e "$P/$f" ] && ok || fail "not installed: $f"
done
ls "$P/include/leadscore" | grep -qv '\.h$' && fail "non-header files installed" || ok

# one version, from CMakeLists.txt
want=$(sed -n 's/^project(leadscore VERSION \([0-9.]*\).*/\1/p' "$SRC/CMakeLists.txt")
[ -n "$want" ] && ok || fail "no project version in CMakeLists.txt"
for prog in leadscore-train leadscore-score; do
    [ "$("$P/bin/$prog" --version)" = "$prog $want" ] && ok || fail "$prog --version is not '$prog $want'"
done
expect_exit 0 "pkg-config version" -- env PKG_CONFIG_PATH="$P/lib/pkgconfig" pkg-config --modversion leadscore
[ "$(cat "$WORK/out")" = "$want" ] && ok || fail "leadscore.pc version $(cat "$WORK/out") != $want"

# train with the installed program, score with a program built against the
# installed tree only (its own copy of the source, outside the tree)
NEW="$SRC/datasets/sample_new_leads.csv"
expect_exit 0 "installed train" -- "$P/bin/leadscore-train" -q --target Converted --id "Lead ID" \
    --exclude Email --exclude Company --exclude "Last Activity Date" --exclude "Created Date" \
    --na-values Select -o "$WORK/m.json" "$SRC/datasets/sample_leads.csv"
head -2 "$NEW" >"$WORK/one.csv"
cp "$SRC/tests/data/install/score_one.c" "$WORK/"
expect_exit 0 "pkg-config flags" -- env PKG_CONFIG_PATH="$P/lib/pkgconfig" pkg-config --cflags --libs --static leadscore
flags=$(cat "$WORK/out")
grep -q -- "-I$P/lib/pkgconfig/../../include" "$WORK/out" && ok || fail "cflags do not point into the prefix: $flags"
# shellcheck disable=SC2086 # the flags are words
expect_exit 0 "compile against the installed tree" -- cc -std=c11 -Wall -Wextra -Werror -o "$WORK/score_one" "$WORK/score_one.c" $flags
expect_exit 0 "score one lead through the API" -- "$WORK/score_one" "$WORK/m.json" "$WORK/one.csv" "$WORK/one_api.csv"
expect_in "$WORK/out" "target Converted" "API program output"
expect_in "$WORK/out" "1 scored" "API program output"
expect_exit 0 "installed score" -- "$P/bin/leadscore-score" -q -m "$WORK/m.json" -o "$WORK/one_cli.csv" "$WORK/one.csv"
cmp -s "$WORK/one_api.csv" "$WORK/one_cli.csv" && ok || fail "the API and the program score the lead differently"
[ "$(wc -l <"$WORK/one_api.csv")" -eq 2 ] && ok || fail "one lead, one row"

# the man pages render, with the version, and list every option of --help
if command -v man >/dev/null 2>&1; then
    render() { MANWIDTH=100 man -l "$1" 2>"$WORK/man.err"; }
elif command -v groff >/dev/null 2>&1; then
    render() { groff -man -Tutf8 "$1" 2>"$WORK/man.err" | sed 's/.\x08//g'; }
else
    render() { return 77; }
fi
for prog in leadscore-train leadscore-score; do
    page="$P/share/man/man1/$prog.1"
    render "$page" >"$WORK/$prog.txt"
    rc=$?
    if [ "$rc" -eq 77 ]; then
        echo "note: neither man nor groff is installed; man pages not rendered"
        break
    fi
    [ "$rc" -eq 0 ] && [ ! -s "$WORK/man.err" ] && ok || fail "$prog.1 does not render cleanly: $(cat "$WORK/man.err")"
    expect_in "$WORK/$prog.txt" "NAME" "$prog.1 NAME section"
    expect_in "$WORK/$prog.txt" "leadscore $want" "$prog.1 version"
    grep -q '@PROJECT_VERSION@' "$page" && fail "$prog.1: version not filled in" || ok
    "$P/bin/$prog" --help | grep -o -- '--[a-z][a-z0-9-]*' | sort -u | while read -r opt; do
        grep -q -- "$opt" "$WORK/$prog.txt" || echo "$opt"
    done >"$WORK/missing"
    [ ! -s "$WORK/missing" ] && ok || fail "$prog.1 lacks options of --help: $(tr '\n' ' ' <"$WORK/missing")"
done
finish
