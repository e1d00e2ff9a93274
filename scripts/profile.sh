#!/usr/bin/env bash
# Where leadscore-train's time goes on one CSV.
#
#   scripts/profile.sh [--target converted] [--id id] [--repeats 3] [--top 25]
#                      [--out DIR] INPUT.csv [-- EXTRA leadscore-train OPTIONS]
#
# 1. Phase times (medians of --repeats runs, /usr/bin/time): leadscore-train
#    --holdout 0 as in the benchmark (full), the same with --max-iter 1 (read
#    + parse + encode + ONE Newton iteration + model write), and
#    leadscore-score on the same file. From the model's iteration count k:
#    per Newton iteration ~ (full - one) / (k - 1), and read + parse + encode
#    + write ~ one - per iteration.
# 2. If perf works here: perf record (sampling, -F 999) of the full train run,
#    then the top symbols (perf report, flat, by DSO and symbol) and the same
#    samples summed by leadscore source file (symbol -> src/*.c defining it)
#    and by library (libm: exp/log1p; OpenBLAS; libc; kernel).
# Files go to DIR (default build/profile): perf.data, model.json.
set -euo pipefail

target=converted
idcol=id
repeats=3
top=25
out=build/profile
extra=()
input=

usage() { sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'; }
while [[ $# -gt 0 ]]; do
  case "$1" in
    --target) target=$2; shift 2 ;;
    --id) idcol=$2; shift 2 ;;
    --repeats) repeats=$2; shift 2 ;;
    --top) top=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    --) shift; extra=("$@"); break ;;
    -*) echo "profile.sh: unknown option: $1 (see --help)" >&2; exit 2 ;;
    *) [[ -z $input ]] || { echo "profile.sh: one input only" >&2; exit 2; }; input=$1; shift ;;
  esac
done
[[ -n $input ]] || { usage >&2; exit 2; }
[[ -r $input ]] || { echo "profile.sh: cannot read $input" >&2; exit 1; }
input=$(cd "$(dirname "$input")" && pwd)/$(basename "$input")
out=$(mkdir -p "$out" && cd "$out" && pwd)

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
bin=${LEADSCORE_BIN:-build/bin}
train=("$bin/leadscore-train" -q --target "$target" --id "$idcol" --holdout 0 --force "${extra[@]}")
export LC_ALL=C

# median of the first field of lines on stdin
median() { sort -g | awk '{a[NR] = $1} END {if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }

# timed LABEL CMD...: runs CMD --repeats times; prints "wall cpu rss_mib" medians
timed() {
  local tf="$out/.time" w=() c=() m=()
  for ((r = 1; r <= repeats; r++)); do
    /usr/bin/time -f '%e %U %S %M' -o "$tf" "$@" >/dev/null 2>"$out/.stderr" || {
      # --max-iter 1 warns that the fit did not converge; any other failure stops here
      [[ $(tail -n 1 "$tf") =~ ^[0-9.]+\ [0-9.]+\ [0-9.]+\ [0-9]+$ ]] || { cat "$out/.stderr" >&2; exit 1; }
    }
    read -r wall user sys rss < <(tail -n 1 "$tf")
    w+=("$wall"); c+=("$(echo "$user + $sys" | bc)"); m+=("$rss")
  done
  printf '%s %s %s\n' "$(printf '%s\n' "${w[@]}" | median)" "$(printf '%s\n' "${c[@]}" | median)" \
    "$(printf '%s\n' "${m[@]}" | median | awk '{printf "%.0f", $1 / 1024}')"
}

echo "== $input ($(du -h "$input" | cut -f1)), $("$bin/leadscore-train" --version | head -n1), $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"
read -r f_w f_c f_m < <(timed "${train[@]}" -o "$out/model.json" "$input")
iters=$(/usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["fit"]["iterations"])' "$out/model.json")
read -r o_w o_c o_m < <(timed "${train[@]}" --max-iter 1 -o "$out/model1.json" "$input")
read -r s_w s_c s_m < <(timed "$bin/leadscore-score" -q -m "$out/model.json" -o "$out/scores.csv" --force "$input")
awk -v fw="$f_w" -v fc="$f_c" -v fm="$f_m" -v ow="$o_w" -v oc="$o_c" -v om="$o_m" \
    -v sw="$s_w" -v sc="$s_c" -v sm="$s_m" -v k="$iters" -v r="$repeats" 'BEGIN {
  printf "\nPhase times (medians of %d runs; wall s, CPU s, peak RSS MiB):\n\n", r
  printf "| run | wall s | CPU s | RSS MiB |\n|---|---:|---:|---:|\n"
  printf "| train, full (%d Newton iterations) | %.2f | %.2f | %d |\n", k, fw, fc, fm
  printf "| train --max-iter 1 (read, parse, encode, 1 iteration, write) | %.2f | %.2f | %d |\n", ow, oc, om
  printf "| score (same file) | %.2f | %.2f | %d |\n", sw, sc, sm
  if (k > 1) {
    it = (fw - ow) / (k - 1)
    printf "\nEstimate: per Newton iteration %.3f s wall; read + parse + encode + write %.2f s (%.0f%% of the full train); fit %.2f s (%.0f%%)\n", it, ow - it, 100 * (ow - it) / fw, k * it, 100 * k * it / fw
  }
}'

if ! command -v perf >/dev/null; then
  echo; echo "perf not installed (apt-get install linux-perf): no symbol profile"; exit 0
fi
echo
if ! perf record -F 999 -o "$out/perf.data" -- "${train[@]}" -o "$out/model.json" "$input" \
     >/dev/null 2>"$out/perf.log"; then
  echo "perf record failed (perf_event_paranoid = $(cat /proc/sys/kernel/perf_event_paranoid 2>/dev/null)):"
  tail -n 5 "$out/perf.log"; exit 0
fi
echo "Top symbols of leadscore-train (perf record -F 999, all threads; % of samples):"
echo
perf report -i "$out/perf.data" --stdio --no-children --sort dso,symbol --percent-limit 0.3 2>/dev/null |
  grep -v '^#' | grep -v '^$' | head -n "$top" | sed 's/[ -]*$//'

# the same samples summed by leadscore source file / library
perf report -i "$out/perf.data" --stdio --no-children --sort dso,symbol -F overhead,dso,sym 2>/dev/null |
  grep -v '^#' | grep -v '^$' | /usr/bin/python3 -c '
import collections, glob, re, sys
files = {}
for path in glob.glob("src/*/*.c"):
    for line in open(path, errors="replace"):
        # definitions: "type name(" or, return type on the line before, "name("
        m = (re.match(r"^(?:static\s+)?(?:inline\s+)?[A-Za-z_][\w \*]*?\b(\w+)\s*\([^;]*$", line)
             or re.match(r"^(\w+)\s*\([^;]*$", line))
        if m and m.group(1) not in ("if", "for", "while", "switch", "return", "sizeof"):
            files.setdefault(m.group(1), path)
tot = collections.Counter()
for line in sys.stdin:
    m = re.match(r"\s*([\d.]+)%\s+(\S+)\s+\[(.)\]\s+(\S+)", line)
    if not m:
        continue
    pct, dso, kind, sym = float(m.group(1)), m.group(2), m.group(3), m.group(4)
    if dso.startswith("leadscore"):
        key = files.get(sym, "leadscore (other: " + sym + ")" if pct >= 1 else "leadscore (other)")
    elif kind == "k":
        key = "kernel (page faults, read(), scheduling)"
    elif "libm" in dso:
        key = "libm (exp, log1p)"
    elif "openblas" in dso or "blas" in dso:
        key = "OpenBLAS"
    elif "libc" in dso:
        key = "libc (memchr, memcmp, malloc, ...)"
    else:
        key = dso
    tot[key] += pct
print("\nBy leadscore source file / library (% of samples):\n")
for k, v in tot.most_common():
    if v >= 0.5:
        print(f"  {v:5.1f}%  {k}")
'
echo
echo "perf data: $out/perf.data (perf report -i $out/perf.data)"
