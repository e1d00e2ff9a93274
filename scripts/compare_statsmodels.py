#!/usr/bin/python3
"""Check a leadscore model's inference against statsmodels' Logit.

  compare_statsmodels.py --design DESIGN.csv --model MODEL.json [--rtol 1e-6]

DESIGN.csv comes from `leadscore-train --export-design` (feature columns, then
__target__) and MODEL.json from the same run, fitted with --l2 0 (statsmodels'
Logit is unpenalised). statsmodels fits Logit(y, [1, X]) by Newton with a
tight tolerance; the script compares, relative to the larger magnitude
(absolute 1e-12 floor for values near zero):
  coefficients, standard errors, z, p-values, confidence bounds;
  log-likelihood, null log-likelihood, McFadden pseudo-R2, AIC, BIC, LR p-value.
A weighted design (a last column __weight__, from --weight) is fitted as
statsmodels GLM(Binomial, freq_weights=__weight__): leadscore reads whole-
number weights as frequency weights (docs/statistics.md); BIC is then
-2 LL + k log(sum of weights), as leadscore defines it.
Prints the largest relative difference per quantity and `max_rel_diff=<v>`
last. Exit 0 when every difference is <= --rtol, 1 otherwise, 2 on bad input.
"""

import argparse
import json
import sys
import warnings

import numpy as np

sys.path.insert(0, __file__.rsplit("/", 1)[0])
from compare_sklearn import read_design  # noqa: E402

import statsmodels.api as sm  # noqa: E402


def rel(a, b, floor=1e-12):
    a, b = np.asarray(a, float), np.asarray(b, float)
    scale = np.maximum(np.maximum(np.abs(a), np.abs(b)), floor)
    d = np.abs(a - b) / scale
    d[(np.abs(a - b) <= floor)] = 0.0
    return d


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--design", required=True)
    ap.add_argument("--model", required=True)
    ap.add_argument("--rtol", type=float, default=1e-6)
    a = ap.parse_args()
    names, X, y, sw = read_design(a.design)
    with open(a.model, encoding="utf-8") as f:
        model = json.load(f)
    feats = model["features"]
    if [f["name"] for f in feats[1:]] != names:
        print("compare_statsmodels: design and model features differ", file=sys.stderr)
        sys.exit(2)
    if model["fit"]["l2"] != 0:
        print("note: the model is penalised (l2 != 0); statsmodels' Logit is not, "
              "so differences are expected", file=sys.stderr)
    stats = model["fit"].get("statistics")
    if stats is None or "std_error" not in feats[0]:
        print("compare_statsmodels: the model has no statistics", file=sys.stderr)
        sys.exit(2)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        Xc = sm.add_constant(X, has_constant="add")
        if sw is None:
            res = sm.Logit(y, Xc).fit(method="newton", maxiter=200, tol=1e-14, disp=0)
        else:
            res = sm.GLM(y, Xc, family=sm.families.Binomial(), freq_weights=sw).fit(
                method="IRLS", maxiter=200, tol=1e-14)
            k = Xc.shape[1]
            res.prsquared = 1.0 - res.llf / res.llnull
            res.bic = -2.0 * res.llf + k * np.log(sw.sum())
            res.llr_pvalue = __import__("scipy.stats").stats.chi2.sf(
                2.0 * (res.llf - res.llnull), k - 1)
    ci = res.conf_int(alpha=0.05)
    ours = {k: np.array([f[k] for f in feats], float)
            for k in ("estimate", "std_error", "z", "p_value", "ci_low", "ci_high")}
    theirs = {"estimate": res.params, "std_error": res.bse, "z": res.tvalues,
              "p_value": res.pvalues, "ci_low": ci[:, 0], "ci_high": ci[:, 1]}
    fit_pairs = {
        "log_likelihood": (stats["log_likelihood"], res.llf),
        "null_log_likelihood": (stats["null_log_likelihood"], res.llnull),
        "mcfadden_r2": (stats["mcfadden_r2"], res.prsquared),
        "aic": (stats["aic"], res.aic),
        "bic": (stats["bic"], res.bic),
        "lr_p_value": (stats["lr_p_value"], res.llr_pvalue),
    }
    worst = 0.0
    print(f"rows {X.shape[0]}, coefficients {X.shape[1] + 1}")
    for k in ours:
        d = rel(ours[k], theirs[k])
        j = int(np.argmax(d))
        worst = max(worst, float(d[j]))
        print(f"{k:20s} max rel diff {d[j]:.3g} ({feats[j]['name']})")
    for k, (u, v) in fit_pairs.items():
        d = float(rel([u], [v])[0])
        worst = max(worst, d)
        print(f"{k:20s} rel diff {d:.3g} (leadscore {u:.12g}, statsmodels {v:.12g})")
    print(f"max_rel_diff={worst:.3g}")
    sys.exit(0 if worst <= a.rtol else 1)


if __name__ == "__main__":
    main()
