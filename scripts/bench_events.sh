#!/usr/bin/env bash
# Benchmark of issue 14: training on an activity log against training on
# the equivalent pre-aggregated file.
#
#   scripts/bench_events.sh [--leads N] [--rate-scale F] [--repeats R]
#                           [--out DIR] [--seed S]
#
#   --leads N        leads (default 1000000)
#   --rate-scale F   scripts/gen_events.py --rate-scale (default 0.8: about
#                    10 events a lead, 10M events for 1M leads)
#   --repeats R      timed runs of each (default 3), interleaved so background
#                    load spreads over both alike; medians and minima reported
#   --out DIR        data (cached), models, times (default build/bench_events)
#   --seed S         gen_events.py seed (default 1)
#
# "log":    leadscore-train --events events.csv --outcome-date "Outcome Date"
#           on leads.csv (the log is read once and aggregated in memory)
# "preagg": leadscore-train on preagg.csv, the lead table with the same
#           features already computed (gen_events.py --preagg; the Outcome
#           Date column excluded)
# Both with the defaults (holdout fit, validation, diagnostics, refit).
# Each run is measured with /usr/bin/time (wall, user+sys CPU, peak RSS).
set -euo pipefail

leads=1000000
scale=0.8
repeats=3
out=build/bench_events
seed=1
while [[ $# -gt 0 ]]; do
  case "$1" in
    --leads) leads=$2; shift 2 ;;
    --rate-scale) scale=$2; shift 2 ;;
    --repeats) repeats=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --seed) seed=$2; shift 2 ;;
    -h|--help) sed -n '2,22p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench_events.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
here=$(cd "$(dirname "$0")" && pwd)
bin=${LEADSCORE_BIN:-$here/../build/bin}
data="$out/data_${leads}_${scale}_${seed}"
mkdir -p "$out"
if [[ ! -f "$data/preagg.csv" ]]; then
  echo "generating $leads leads (rate scale $scale) into $data ..." >&2
  /usr/bin/python3 "$here/gen_events.py" --leads "$leads" --rate-scale "$scale" --seed "$seed" \
    --out "$data" --preagg
fi
events=$(($(wc -l <"$data/events.csv") - 1))
times="$out/times.txt"
: >"$times"
for ((r = 1; r <= repeats; r++)); do
  /usr/bin/time -f "preagg %e %U %S %M" -a -o "$times" "$bin/leadscore-train" -q -f \
    -t Converted --id "Prospect ID" --exclude "Outcome Date" -o "$out/preagg.json" \
    "$data/preagg.csv" 2>"$out/preagg.err"
  /usr/bin/time -f "log %e %U %S %M" -a -o "$times" "$bin/leadscore-train" -q -f \
    -t Converted --id "Prospect ID" --events "$data/events.csv" --outcome-date "Outcome Date" \
    --as-of "$(/usr/bin/python3 -c "import json;print(json.load(open('$data/truth.json'))['as_of'])")" \
    -o "$out/log.json" "$data/leads.csv" 2>"$out/log.err"
done
/usr/bin/python3 - "$times" "$leads" "$events" "$out" <<'PY'
import json, statistics, sys
rows = {}
for line in open(sys.argv[1]):
    name, wall, user, system, rss = line.split()
    rows.setdefault(name, []).append((float(wall), float(user) + float(system), int(rss) / 1024))
print("%s leads, %s events; %d runs each" % (sys.argv[2], sys.argv[3], len(rows["log"])))
print("%-8s %12s %12s %12s %12s %10s" % ("", "wall med", "wall min", "cpu med", "cpu min", "RSS MB"))
for name in ("preagg", "log"):
    r = rows[name]
    print("%-8s %12.1f %12.1f %12.1f %12.1f %10.0f" % (
        name, statistics.median(x[0] for x in r), min(x[0] for x in r),
        statistics.median(x[1] for x in r), min(x[1] for x in r), max(x[2] for x in r)))
for k, label in ((0, "wall"), (1, "cpu")):
    a = statistics.median(x[k] for x in rows["log"]) / statistics.median(x[k] for x in rows["preagg"])
    b = min(x[k] for x in rows["log"]) / min(x[k] for x in rows["preagg"])
    print("log / preagg (%s): %.2f (medians), %.2f (minima)" % (label, a, b))
for name in ("preagg", "log"):
    m = json.load(open("%s/%s.json" % (sys.argv[4], name)))
    print("%s: holdout AUC %.4f, %d features" % (name, m["holdout"]["auc"], len(m["features"])))
PY
