#!/usr/bin/env bash
# Benchmark: leadscore against scikit-learn, liblinear and statsmodels, in one
# run on the same files.
#
#   scripts/bench.sh [--sizes 100000,1000000] [--repeats 3] [--out DIR]
#                    [--skip-statsmodels-above N] [--liblinear-eps E] [--seed S]
#
#   --sizes LIST       row counts, comma-separated (default 100000,1000000;
#                      the full run is --sizes 100000,1000000,10000000)
#   --repeats R        timed runs of every step; medians are reported (default 3)
#   --out DIR          inputs (cached: synth_N.csv, synth_N.libsvm), models,
#                      scores, logs and report.md (default build/bench)
#   --skip-statsmodels-above N
#                      no statsmodels above N rows: its dense float64 design
#                      (N x 90 x 8 bytes, plus Newton's temporaries) does not
#                      fit in memory at 10M rows (default 1000000)
#   --liblinear-eps E  liblinear-train -e for the converged fit (default 1e-6);
#                      liblinear's own default (-e 0.01) is timed as well
#   --seed S           gen_synthetic.py seed (default 1)
#
# Per size, every repeat runs, in this order (interleaved, so background load
# spreads over all tools alike):
#   leadscore-train --holdout 0 (CSV -> model), leadscore-train with its
#   defaults (holdout fit, validation, diagnostics, refit on all rows),
#   leadscore-score (CSV -> scores);
#   bench_sklearn.py train (read, one-hot, impute, standardise, lbfgs, pickle)
#   and score (read, encode, predict_proba, write);
#   csv_to_libsvm.py (conversion, reported separately), liblinear-train -s 0
#   -c 1 -B 1 at -e E and at the default -e, liblinear-predict -b 1;
#   bench_statsmodels.py (read, encode, Logit Newton, predict, write).
# Each step is measured with /usr/bin/time (wall, user+sys CPU, peak RSS).
# Then leadscore-score --precision 17 (untimed) gives leadscore's
# probabilities at full precision, and the training log-loss of every tool is
# computed from its own output against the target column: scikit-learn has
# the same penalised problem and must agree to 1e-6; liblinear (bias
# penalised, sorted-first reference levels, no missing indicators) and
# statsmodels (no penalty) are reported as differences.
#
# Requirements: build/bin/leadscore-{train,score} (cmake --build build),
# /usr/bin/time (Debian package "time"), /usr/bin/python3 with numpy, pandas,
# scikit-learn and statsmodels, liblinear-tools (scripts/setup.sh --with-peers).
set -euo pipefail

sizes=100000,1000000
repeats=3
out=build/bench
sm_max=1000000
ll_eps=1e-6
seed=1
target=converted
idcol=id

usage() { sed -n '2,35p' "$0" | sed 's/^# \{0,1\}//'; }
while [[ $# -gt 0 ]]; do
  case "$1" in
    --sizes) sizes=$2; shift 2 ;;
    --repeats) repeats=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --skip-statsmodels-above) sm_max=$2; shift 2 ;;
    --liblinear-eps) ll_eps=$2; shift 2 ;;
    --seed) seed=$2; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "bench.sh: unknown option: $1 (see --help)" >&2; exit 2 ;;
  esac
done
[[ $repeats =~ ^[1-9][0-9]*$ ]] || { echo "bench.sh: --repeats must be >= 1" >&2; exit 2; }
[[ $sm_max =~ ^[0-9]+$ ]] || { echo "bench.sh: bad --skip-statsmodels-above" >&2; exit 2; }
IFS=, read -r -a size_list <<<"$sizes"
for n in "${size_list[@]}"; do
  [[ $n =~ ^[1-9][0-9]*$ ]] || { echo "bench.sh: bad size '$n'" >&2; exit 2; }
done

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
bin=${LEADSCORE_BIN:-build/bin}
py=/usr/bin/python3
export PYTHONDONTWRITEBYTECODE=1
export LC_ALL=C

# --- prerequisites ---------------------------------------------------------
if [[ ! -x /usr/bin/time ]]; then
  if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
    apt-get install -y -q time >/dev/null
  else
    echo "bench.sh: /usr/bin/time missing: apt-get install time" >&2; exit 1
  fi
fi
for b in "$bin/leadscore-train" "$bin/leadscore-score"; do
  [[ -x $b ]] || { echo "bench.sh: $b missing (cmake --build build)" >&2; exit 1; }
done
for b in liblinear-train liblinear-predict; do
  command -v "$b" >/dev/null || { echo "bench.sh: $b missing (apt-get install liblinear-tools)" >&2; exit 1; }
done
$py -c 'import numpy, pandas, sklearn, statsmodels' 2>/dev/null ||
  { echo "bench.sh: $py lacks numpy/pandas/sklearn/statsmodels (scripts/setup.sh --with-peers)" >&2; exit 1; }

mkdir -p "$out/logs"
results=$out/results.tsv
report=$out/report.md
printf 'size\tstep\trep\twall\tuser\tsys\trss_kb\n' >"$results"

# --- header: machine and versions -----------------------------------------
pkgver() { dpkg-query -W -f='${Version}' "$1" 2>/dev/null || echo '?'; }
{
  echo "# leadscore benchmark"
  echo
  echo "- date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  commit=$(git rev-parse --short HEAD 2>/dev/null || echo '?')
  dirty=$(git status --porcelain --untracked-files=no 2>/dev/null | grep -q . && echo ' (+ uncommitted changes)' || true)
  echo "- leadscore: $("$bin/leadscore-train" --version 2>&1 | head -n1), commit $commit$dirty; binaries $bin built $(date -u -r "$bin/leadscore-train" +%Y-%m-%dT%H:%M:%SZ)"
  echo "- CPU: $(lscpu | sed -n 's/^Model name: *//p' | head -n1), $(nproc) online CPUs ($(lscpu | sed -n 's/^Core(s) per socket: *//p' | head -n1) cores/socket, $(lscpu | sed -n 's/^Thread(s) per core: *//p' | head -n1) thread/core); $(lscpu | sed -n 's/^Hypervisor vendor: *//p' | head -n1 | sed 's/^./virtualised (&/;s/$/)/')"
  echo "- memory: $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo); load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "- peers: python3 $($py -c 'import platform; print(platform.python_version())'), scikit-learn $(pkgver python3-sklearn), pandas $(pkgver python3-pandas), numpy $(pkgver python3-numpy), statsmodels $(pkgver python3-statsmodels), liblinear-tools $(pkgver liblinear-tools), OpenBLAS $(pkgver libopenblas0-pthread)"
  echo "- command: scripts/bench.sh --sizes $sizes --repeats $repeats --out $out --skip-statsmodels-above $sm_max --liblinear-eps $ll_eps --seed $seed"
  echo "- figures: medians of $repeats runs; wall = elapsed s, CPU = user+sys s, RSS = peak resident MiB (/usr/bin/time); warm page cache"
  echo
} | tee "$report"

# run_step SIZE STEP REP CMD...: times CMD, appends a row to results.tsv,
# keeps its stdout+stderr in logs/STEP.SIZE.REP.log; stops the run on failure.
run_step() {
  local size=$1 step=$2 rep=$3; shift 3
  local log="$out/logs/$step.$size.$rep.log" tf="$out/logs/.time"
  if ! /usr/bin/time -f '%e %U %S %M' -o "$tf" "$@" >"$log" 2>&1; then
    echo "bench.sh: $step failed at $size rows (log: $log):" >&2
    tail -n 20 "$log" >&2
    exit 1
  fi
  local wall user sys rss
  read -r wall user sys rss < <(tail -n 1 "$tf")
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$size" "$step" "$rep" "$wall" "$user" "$sys" "$rss" >>"$results"
  printf '  %-20s rep %d: %6.2f s wall %6.2f s CPU %7.1f MiB\n' "$step" "$rep" "$wall" \
    "$(echo "$user + $sys" | bc)" "$(echo "scale=1; $rss / 1024" | bc)" >&2
}

for n in "${size_list[@]}"; do
  csv=$out/synth_$n.csv
  svm=$out/synth_$n.libsvm
  if [[ ! -s $csv ]]; then
    echo "generating $csv" >&2
    $py scripts/gen_synthetic.py --rows "$n" --seed "$seed" --out "$csv.tmp"
    mv "$csv.tmp" "$csv"
  fi
  sm=1
  [[ $n -le $sm_max ]] || sm=0
  echo "== $n rows ($csv)" >&2
  for ((r = 1; r <= repeats; r++)); do
    run_step "$n" ls-train "$r" "$bin/leadscore-train" -q --target "$target" --id "$idcol" \
      --holdout 0 -o "$out/ls_$n.json" --force "$csv"
    run_step "$n" ls-train-default "$r" "$bin/leadscore-train" -q --target "$target" \
      --id "$idcol" -o "$out/ls_$n.default.json" --force "$csv"
    run_step "$n" ls-score "$r" "$bin/leadscore-score" -q -m "$out/ls_$n.json" \
      -o "$out/ls_$n.scores.csv" --force "$csv"
    run_step "$n" sk-train "$r" $py scripts/bench_sklearn.py train "$csv" "$out/sk_$n.pkl" \
      --target "$target" --id "$idcol"
    run_step "$n" sk-score "$r" $py scripts/bench_sklearn.py score "$out/sk_$n.pkl" "$csv" \
      "$out/sk_$n.scores.csv"
    run_step "$n" ll-convert "$r" $py scripts/csv_to_libsvm.py "$csv" "$svm" \
      --target "$target" --id "$idcol"
    run_step "$n" ll-train "$r" liblinear-train -q -s 0 -c 1 -B 1 -e "$ll_eps" "$svm" "$out/ll_$n.model"
    run_step "$n" ll-train-e0.01 "$r" liblinear-train -q -s 0 -c 1 -B 1 "$svm" "$out/ll_$n.e001.model"
    run_step "$n" ll-predict "$r" liblinear-predict -b 1 "$svm" "$out/ll_$n.model" "$out/ll_$n.pred"
    if [[ $sm -eq 1 ]]; then
      run_step "$n" sm-fit "$r" $py scripts/bench_statsmodels.py "$csv" "$out/sm_$n.scores.csv" \
        --target "$target" --id "$idcol"
    fi
  done
  # full-precision leadscore probabilities for the log-loss check (untimed)
  "$bin/leadscore-score" -q --precision 17 -m "$out/ls_$n.json" -o "$out/ls_$n.p17.csv" --force "$csv"

  $py - "$n" "$out" "$target" "$idcol" "$sm" "$ll_eps" "$repeats" <<'PY' | tee -a "$report"
import glob, json, os, re, sys
import numpy as np
import pandas as pd

n, out, target, idcol, sm, ll_eps, repeats = sys.argv[1:]
n, sm = int(n), int(sm)
res = pd.read_csv(os.path.join(out, "results.tsv"), sep="\t")
res = res[res["size"] == n].copy()
res["cpu"] = res["user"] + res["sys"]
res["rss"] = res["rss_kb"] / 1024.0


def per_rep(step):
    return res[res.step == step].set_index("rep")[["wall", "cpu", "rss"]]


def med(step):
    d = per_rep(step)
    return None if d.empty else d.median()


def med_sum(steps, how_rss=max):
    ds = [per_rep(s) for s in steps]
    if any(d.empty for d in ds):
        return None
    w = sum(d.wall for d in ds).median()
    c = sum(d.cpu for d in ds).median()
    r = pd.concat([d.rss for d in ds], axis=1).max(axis=1).median()
    return pd.Series({"wall": w, "cpu": c, "rss": r})


ls_train, ls_score = med("ls-train"), med("ls-score")
ls_both = med_sum(["ls-train", "ls-score"])
rows = [
    ("**leadscore-train** (CSV → model)", ls_train, None),
    ("leadscore-train with default options (20% holdout fit + validation + diagnostics + refit on all rows)", med("ls-train-default"), None),
    ("**leadscore-score** (CSV → id, probability, score, tier)", ls_score, None),
    ("leadscore train + score", ls_both, None),
    ("scikit-learn train: read_csv, one-hot, impute, standardise, lbfgs, pickle", med("sk-train"), ls_train),
    ("scikit-learn score: read_csv, encode, predict_proba, write", med("sk-score"), ls_score),
    ("scikit-learn train + score", med_sum(["sk-train", "sk-score"]), ls_both),
    ("csv_to_libsvm.py (conversion for liblinear, pandas)", med("ll-convert"), None),
    (f"liblinear-train -s 0 -c 1 -B 1 -e {ll_eps} (fit on pre-converted file)", med("ll-train"), ls_train),
    ("liblinear-train -s 0 -c 1 -B 1 (default -e 0.01)", med("ll-train-e0.01"), ls_train),
    ("liblinear conversion + train (-e %s)" % ll_eps, med_sum(["ll-convert", "ll-train"]), ls_train),
    ("liblinear-predict -b 1 (pre-converted file)", med("ll-predict"), ls_score),
    ("liblinear conversion + predict", med_sum(["ll-convert", "ll-predict"]), ls_score),
]
if sm:
    rows.append(("statsmodels Logit Newton, end to end: read, encode, fit, predict, write",
                 med("sm-fit"), ls_both))

size_mb = os.path.getsize(os.path.join(out, f"synth_{n}.csv")) / 1e6
model = json.load(open(os.path.join(out, f"ls_{n}.json")))
nfeat = len(model["features"]) - 1
print(f"## {n:,} rows\n")
print(f"Input `synth_{n}.csv`: {size_mb:.0f} MB, {nfeat} features + intercept "
      f"(leadscore: {model['fit']['iterations']} Newton iterations). Ratios are "
      "peer / leadscore (wall, CPU, RSS); the leadscore step compared with is "
      "the train step for training rows, the score step for scoring rows.\n")
print("| step | wall s | CPU s | peak RSS MiB | wall × | CPU × | RSS × |")
print("|---|---:|---:|---:|---:|---:|---:|")
for name, m, ref in rows:
    if m is None:
        continue
    if ref is None:
        rat = ["", "", ""]
    else:
        rat = [f"{m[k] / ref[k]:.1f}" if ref[k] > 0 else "" for k in ("wall", "cpu", "rss")]
    print(f"| {name} | {m.wall:.2f} | {m.cpu:.2f} | {m.rss:.0f} | " + " | ".join(rat) + " |")
if not sm:
    print("| statsmodels | skipped (above --skip-statsmodels-above) | | | | | |")
print()

# ---- accuracy: training log-loss of every tool, from its own output -------
y = pd.read_csv(os.path.join(out, f"synth_{n}.csv"), usecols=[idcol, target],
                dtype={idcol: str})
ids, yv = y[idcol].to_numpy(), y[target].to_numpy().astype(np.int64)


def logloss(p):
    p = np.asarray(p, dtype=np.float64)
    return float(-np.mean(np.where(yv == 1, np.log(p), np.log1p(-p))))


def scores_csv(path):
    s = pd.read_csv(path, dtype={idcol: str}, keep_default_na=False)
    if len(s) != len(ids) or not (s[idcol].to_numpy() == ids).all():
        sys.exit(f"bench: {path}: ids do not match the input rows")
    if "error" in s.columns and (s["error"] != "").any():
        sys.exit(f"bench: {path}: some rows were not scored")
    return s["probability"].to_numpy(dtype=np.float64)


p_ls = scores_csv(os.path.join(out, f"ls_{n}.p17.csv"))
ll_ls = logloss(p_ls)
acc = [("leadscore", "L2, λ = 1, intercept free", p_ls)]
acc.append(("scikit-learn lbfgs", "same (C = 1)", scores_csv(os.path.join(out, f"sk_{n}.scores.csv"))))


def liblinear_pred(path):
    with open(path) as f:
        labels = f.readline().split()[1:]
    a = pd.read_csv(path, sep=" ", skiprows=1, header=None).to_numpy()
    if len(a) != len(yv):
        sys.exit(f"bench: {path}: {len(a)} rows, expected {len(yv)}")
    return a[:, 1 + labels.index("1")]


acc.append((f"liblinear -e {ll_eps}",
            "C = 1 but bias penalised (-B 1), sorted-first reference levels, no missing indicators (86 features)",
            liblinear_pred(os.path.join(out, f"ll_{n}.pred"))))
if sm:
    acc.append(("statsmodels Logit", "none (unpenalised MLE)",
                scores_csv(os.path.join(out, f"sm_{n}.scores.csv"))))
print("Training log-loss (mean over all rows), each from the tool's own output "
      "(leadscore: `--precision 17`; liblinear-predict prints 6 significant digits):\n")
print("| tool | penalty / problem | log-loss | Δ vs leadscore | max abs Δ probability | check |")
print("|---|---|---:|---:|---:|---|")
for name, pen, p in acc:
    ll = logloss(p)
    d = ll - ll_ls
    dp = float(np.max(np.abs(p - p_ls)))
    if name == "leadscore":
        chk, ds, dps = "reference", "", ""
    else:
        ds, dps = f"{d:+.2e}", f"{dp:.1e}"
        if name.startswith("scikit-learn"):
            chk = "PASS (≤ 1e-6)" if abs(d) <= 1e-6 else "**FAIL** (> 1e-6)"
        else:
            chk = "reported only (different problem)"
    print(f"| {name} | {pen} | {ll:.10f} | {ds} | {dps} | {chk} |")
print()

# ---- phases of the peers (median of the per-run wall times they print) ----
def phases(step, prefix):
    vals = {}
    for path in sorted(glob.glob(os.path.join(out, "logs", f"{step}.{n}.*.log"))):
        for line in open(path, errors="replace"):
            if line.startswith(prefix):
                for k, v in re.findall(r"([\w+]+)=([0-9.eE+-]+)", line):
                    try:
                        vals.setdefault(k, []).append(float(v))
                    except ValueError:
                        pass
    return {k: float(np.median(v)) for k, v in vals.items()}


def fmt(d, keys):
    return ", ".join(f"{k} {d[k]:.2f} s" for k in keys if k in d)


lines = []
d = phases("sk-train", "sklearn-train:")
if d:
    lines.append(f"- scikit-learn train: {fmt(d, ['read', 'encode', 'fit', 'total'])} "
                 f"(in-process; the rest of the wall time is interpreter start-up and imports); "
                 f"lbfgs iterations {d.get('iterations', float('nan')):.0f}")
d = phases("sk-score", "sklearn-score:")
if d:
    lines.append(f"- scikit-learn score: {fmt(d, ['read', 'encode+predict', 'write', 'total'])} "
                 "(probability written with 17 digits; leadscore's timed run writes 6)")
d = phases("ll-convert", "csv_to_libsvm:")
if d:
    lines.append(f"- csv_to_libsvm: {fmt(d, ['read', 'encode', 'total'])}")
if sm:
    d = phases("sm-fit", "statsmodels:")
    if d:
        lines.append(f"- statsmodels: {fmt(d, ['read', 'encode', 'fit', 'predict+write', 'total'])}; "
                     f"Newton iterations {d.get('iterations', float('nan')):.0f}")
if lines:
    print("Phases (medians, wall):\n")
    print("\n".join(lines))
    print()

# ---- the issue's targets, where this size is the one they name -------------
def sget(step):
    return med(step)


if n in (1_000_000, 10_000_000):
    t = []
    sk, llt, llp = sget("sk-train"), sget("ll-train"), sget("ll-predict")
    ll001 = sget("ll-train-e0.01")
    yes = lambda ok: "**met**" if ok else "**not met**"
    if n == 1_000_000:
        t.append(f"- train ≤ 2 s wall: {ls_train.wall:.2f} s → {yes(ls_train.wall <= 2)}")
        t.append(f"- train ≥ 5× faster than the scikit-learn pipeline: {sk.wall / ls_train.wall:.1f}× → "
                 f"{yes(sk.wall / ls_train.wall >= 5)}")
        t.append(f"- train faster than liblinear's fit alone: liblinear {llt.wall:.2f} s (-e {ll_eps}), "
                 f"{ll001.wall:.2f} s (-e 0.01) vs {ls_train.wall:.2f} s → "
                 f"{yes(ls_train.wall < min(llt.wall, ll001.wall))} "
                 f"(vs -e {ll_eps}: {yes(ls_train.wall < llt.wall)})")
        t.append(f"- score ≤ 1 s wall: {ls_score.wall:.2f} s → {yes(ls_score.wall <= 1)}")
        t.append(f"- score faster than liblinear-predict: {llp.wall:.2f} s vs {ls_score.wall:.2f} s → "
                 f"{yes(ls_score.wall < llp.wall)}")
    t.append(f"- scoring peak RSS ≤ 64 MiB: {ls_score.rss:.0f} MiB → {yes(ls_score.rss <= 64)}")
    if n == 10_000_000:
        t.append(f"- training peak RSS ≤ 2 GiB: {ls_train.rss:.0f} MiB → {yes(ls_train.rss <= 2048)}")
    print(f"Targets of issue 6 at {n:,} rows:\n")
    print("\n".join(t))
    print()
PY
done
echo "report: $report; raw timings: $results" >&2
