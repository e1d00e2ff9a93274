#!/usr/bin/env python3
"""Independent check of leadscore-score's comparison JSON (docs/compare.md).

Reads the history leadscore-score scored (for the label), its scores CSV (for
the scores, row for row: every input row has one output row) and the
--compare-json file, recomputes with numpy, scipy and scikit-learn, and checks:

  * every AUC (model, rules, each rule dimension) against sklearn's
    roc_auc_score and this script's own DeLong, to --tol-auc (1e-9);
  * the DeLong standard errors and 95 % confidence intervals, and the paired
    DeLong test of model against rules (estimate, z, p-value), to --tol (1e-6);
  * the KS statistics (scipy.stats.ks_2samp) and the Spearman and Kendall
    tau-b correlations (scipy.stats) to --tol-auc.

DeLong's variance is computed here the way DeLong, DeLong and Clarke-Pearson
(1988) define it, from placement values counted with binary searches
(np.searchsorted: for each positive, the share of negatives below it plus
half the tied ones; for each negative, the share of positives above it plus
half the tied ones), not from midranks as leadscore does (Sun and Xu 2014).

For exact AUCs run leadscore-score with --precision 17 (the probability is
otherwise rounded to 6 decimals in the CSV, which can create ties).

Usage:
  delong_check.py --input history.csv --scores scores.csv --json compare.json \
      --label Converted [--label-positive VALUE ...]
Exit status 0 when every check passes, 1 otherwise.
"""

import argparse
import csv
import json
import math
import sys

import numpy as np
from scipy import stats
from sklearn.metrics import roc_auc_score

NA = {"", "NA", "N/A", "NULL", "null", "NaN"}


def parse_label(v, positive):
    v = v.strip(" \t")
    if v in NA:
        return None
    if positive:
        return 1 if v in positive else 0
    low = v.lower()
    if low in ("1", "true", "yes", "y"):
        return 1
    if low in ("0", "false", "no", "n"):
        return 0
    try:
        f = float(v)
    except ValueError:
        f = None
    if f in (0.0, 1.0):
        return int(f)
    raise SystemExit(f"unrecognised label value {v!r}")


def read_csv(path):
    with open(path, newline="", encoding="utf-8-sig") as fp:
        head = fp.readline()
        delim = max([",", ";", "\t"], key=head.count)
        fp.seek(0)
        rows = list(csv.reader(fp, delimiter=delim))
    header = [h.strip(" \t") for h in rows[0]]
    return header, [r for r in rows[1:] if r]


def placements(score, y):
    """DeLong's structural components V10 (positives) and V01 (negatives)."""
    pos = np.sort(score[y == 1])
    neg = np.sort(score[y == 0])
    xs, ys = score[y == 1], score[y == 0]
    below = np.searchsorted(neg, xs, side="left")
    tied = np.searchsorted(neg, xs, side="right") - below
    v10 = (below + 0.5 * tied) / len(neg)
    above = len(pos) - np.searchsorted(pos, ys, side="right")
    tied = np.searchsorted(pos, ys, side="right") - np.searchsorted(pos, ys, side="left")
    v01 = (above + 0.5 * tied) / len(pos)
    return v10, v01


def delong(scores, y):
    v10 = np.array([placements(s, y)[0] for s in scores])
    v01 = np.array([placements(s, y)[1] for s in scores])
    auc = v10.mean(axis=1)
    m, n = v10.shape[1], v01.shape[1]
    cov = np.atleast_2d(np.cov(v10)) / m + np.atleast_2d(np.cov(v01)) / n
    return auc, cov


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--input", required=True)
    ap.add_argument("--scores", required=True)
    ap.add_argument("--json", required=True)
    ap.add_argument("--label", required=True)
    ap.add_argument("--label-positive", action="append", default=[])
    ap.add_argument("--tol-auc", type=float, default=1e-9)
    ap.add_argument("--tol", type=float, default=1e-6)
    a = ap.parse_args()

    with open(a.json, encoding="utf-8") as fp:
        js = json.load(fp)
    ih, irows = read_csv(a.input)
    sh, srows = read_csv(a.scores)
    if len(irows) != len(srows):
        raise SystemExit(f"{len(irows)} input rows but {len(srows)} score rows")
    li = ih.index(a.label)
    has_m, has_r = js["model"] is not None, js["rules"] is not None
    cols = []
    if has_m:
        cols.append(("model", sh.index("probability")))
    if has_r:
        cols.append(("rules", sh.index("rule_score")))
        for d in js["rules"]["dimensions"]:
            cols.append((d["dimension"], sh.index(d["dimension"] + "_points")))

    y, vals = [], [[] for _ in cols]
    for irow, srow in zip(irows, srows):
        lab = parse_label(irow[li] if li < len(irow) else "", set(a.label_positive))
        if lab is None:
            continue
        cells = [srow[c].strip() if c < len(srow) else "" for _, c in cols]
        if any(c == "" for c in cells):
            continue
        y.append(lab)
        for k, c in enumerate(cells):
            vals[k].append(float(c))
    y = np.array(y)
    scores = [np.array(v) for v in vals]

    failures = 0

    def check(what, got, want, tol):
        nonlocal failures
        ok = (got is None and want is None) or (
            got is not None and want is not None and abs(got - want) <= tol)
        if not ok:
            failures += 1
        print(f"{'ok  ' if ok else 'FAIL'} {what}: json {got!r}, check {want!r}")

    check("rows", js["rows"], len(y), 0)
    check("positives", js["positives"], int(y.sum()), 0)

    auc, cov = delong(scores, y)
    z = stats.norm.ppf(0.975)
    for k, (name, _) in enumerate(cols):
        if name == "model":
            obj = js["model"]
        elif name == "rules":
            obj = js["rules"]
        else:
            obj = next(d for d in js["rules"]["dimensions"] if d["dimension"] == name)
        sk = roc_auc_score(y, scores[k])
        check(f"{name} AUC vs sklearn", obj["auc"], sk, a.tol_auc)
        check(f"{name} AUC vs DeLong placements", obj["auc"], auc[k], a.tol_auc)
        se = math.sqrt(cov[k, k])
        check(f"{name} AUC standard error", obj["auc_std_error"], se, a.tol)
        check(f"{name} AUC CI low", obj["auc_ci_low"], max(0.0, auc[k] - z * se), a.tol)
        check(f"{name} AUC CI high", obj["auc_ci_high"], min(1.0, auc[k] + z * se), a.tol)
        ks = stats.ks_2samp(scores[k][y == 1], scores[k][y == 0]).statistic
        check(f"{name} KS", obj["ks"], ks, a.tol_auc)

    if has_m and has_r:
        d = js["auc_difference"]
        var = cov[0, 0] + cov[1, 1] - 2 * cov[0, 1]
        zz = (auc[0] - auc[1]) / math.sqrt(var)
        check("AUC difference", d["estimate"], auc[0] - auc[1], a.tol_auc)
        check("AUC difference standard error", d["std_error"], math.sqrt(var), a.tol)
        check("paired DeLong z", d["z"], zz, a.tol)
        check("paired DeLong p-value", d["p_value"], 2 * stats.norm.sf(abs(zz)), a.tol)
        ag = js["agreement"]
        check("Spearman", ag["spearman"], stats.spearmanr(scores[0], scores[1]).correlation,
              a.tol_auc)
        check("Kendall tau-b", ag["kendall_tau_b"],
              stats.kendalltau(scores[0], scores[1]).correlation, a.tol_auc)

    print(f"{'all checks passed' if failures == 0 else f'{failures} checks failed'}")
    return 0 if failures == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
