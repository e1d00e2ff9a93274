#!/usr/bin/python3
"""Check a leadscore model's coefficients against scikit-learn.

  compare_sklearn.py --design DESIGN.csv --model MODEL.json [--l2 LAMBDA]
                     [--l1-ratio A] [--solver saga|lbfgsb] [--tol 1e-5]

DESIGN.csv is written by `leadscore-train --export-design`: a header of the
feature names (no intercept column) and a last column __target__ (0/1);
every other column is numeric. MODEL.json is a leadscore model: features[0]
is "(intercept)", features[1:] are in design-column order (each with its
"estimate"), and fit.l2 holds
lambda (--l2 overrides it).

leadscore minimises  sum_i logloss_i + (lambda/2) * ||beta||^2  with the
intercept unpenalised; scikit-learn's LogisticRegression(C=1/lambda,
penalty='l2', fit_intercept=True) has the same minimiser (lambda = 0 ->
penalty=None). The solver is 'newton-cholesky' when this scikit-learn has it,
'lbfgs' otherwise, with tol=1e-12 and max_iter=10000.

Weights: a design of a weighted fit has a last column __weight__ (the
--weight values) after __target__; they are passed as sample_weight. When
the model's "weighting" says class_weight "balanced", scikit-learn gets
class_weight='balanced' (its weights multiply sample_weight, as leadscore's
do). A --population-rate correction (weighting.intercept_correction) is
taken off the model's intercept before comparing: it is applied after the
fit.

With an L1 part (fit.l1_ratio = A > 0, or --l1-ratio), leadscore minimises
sum_i logloss_i + lambda * (A ||beta||_1 + (1 - A)/2 ||beta||^2), which is
scikit-learn's LogisticRegression(penalty='elasticnet', l1_ratio=A,
C=1/lambda, solver='saga') objective divided by C; saga runs with
tol=1e-13 and max_iter=1000000 (it converges linearly, so this takes a few
seconds on thousands of rows). saga's step size shrinks with the largest
row norm, so on designs with outlying standardised values (X Education) it
needs minutes; --solver lbfgsb instead solves the same objective exactly with
SciPy's L-BFGS-B on the split form beta = u - v, u, v >= 0 (a smooth,
bound-constrained problem), an independent reference that converges in a
second.

Prints rows, features, the largest absolute coefficient difference
(intercept included) and its feature, and `max_abs_diff=<value>` last.
Exit status: 0 when max_abs_diff <= --tol, 1 when larger, 2 on bad input.
"""

import argparse
import csv
import json
import sys
import warnings

import numpy as np
import pandas as pd

INTERCEPT = "(intercept)"
TARGET = "__target__"
WEIGHT = "__weight__"


def die(msg):
    print(f"compare_sklearn: {msg}", file=sys.stderr)
    sys.exit(2)


def read_design(path):
    with open(path, newline="", encoding="utf-8") as f:
        try:
            header = next(csv.reader(f))
        except StopIteration:
            die(f"{path}: empty file")
    weighted = len(header) >= 2 and header[-1] == WEIGHT
    if not header or header[-2 if weighted else -1] != TARGET:
        die(f"{path}: the last column must be {TARGET} (or {TARGET},{WEIGHT})")
    df = pd.read_csv(path, header=None, skiprows=1, dtype=np.float64, engine="c",
                     na_filter=False)
    if df.shape[1] != len(header):
        die(f"{path}: {df.shape[1]} fields per row, header has {len(header)}")
    data = df.to_numpy()
    sw = None
    if weighted:
        sw, data = data[:, -1], data[:, :-1]
        if not (np.isfinite(sw).all() and (sw >= 0).all()):
            die(f"{path}: {WEIGHT} must be finite and >= 0")
    X, y = data[:, :-1], data[:, -1]
    if not np.isin(y, (0.0, 1.0)).all():
        die(f"{path}: {TARGET} must be 0/1")
    if not np.isfinite(X).all():
        die(f"{path}: non-finite feature values")
    names = header[:-2] if weighted else header[:-1]
    return names, np.ascontiguousarray(X), y.astype(np.int64), sw


def read_model(path):
    try:
        with open(path, encoding="utf-8") as f:
            m = json.load(f)
    except (OSError, ValueError) as e:
        die(f"{path}: {e}")
    feats = m.get("features")
    if not isinstance(feats, list) or not feats:
        die(f"{path}: no features array")
    names = [ft.get("name") for ft in feats]
    coef = np.array([float(ft.get("estimate", ft.get("coefficient"))) for ft in feats])
    if names[0] != INTERCEPT:
        die(f"{path}: features[0] is {names[0]!r}, expected {INTERCEPT!r}")
    fit = m.get("fit") or {}
    w = m.get("weighting") or {}
    coef[0] -= float(w.get("intercept_correction") or 0.0)
    return names, coef, fit.get("l2"), w.get("class_weight"), fit.get("l1_ratio", 0.0)


def fit_sklearn(X, y, lam, sample_weight=None, class_weight=None):
    from sklearn.linear_model import LogisticRegression

    common = dict(fit_intercept=True, tol=1e-12, max_iter=10000, class_weight=class_weight)
    if lam > 0:
        common.update(penalty="l2", C=1.0 / lam)
    else:
        common.update(penalty=None)
    last_err = None
    for solver in ("newton-cholesky", "lbfgs"):
        for pen_none in (None, "none"):  # 'none' for scikit-learn < 1.2
            kw = dict(common, solver=solver)
            if lam <= 0:
                kw["penalty"] = pen_none
            try:
                with warnings.catch_warnings(record=True) as caught:
                    warnings.simplefilter("always")
                    m = LogisticRegression(**kw).fit(X, y, sample_weight=sample_weight)
                for w in caught:
                    print(f"warning ({solver}): {w.message}", file=sys.stderr)
                return solver, np.concatenate([m.intercept_, m.coef_[0]])
            except (ValueError, TypeError) as e:  # unknown solver / penalty spelling
                last_err = e
                if lam > 0:
                    break
    die(f"scikit-learn fit failed: {last_err}")


def fit_saga(X, y, lam, l1_ratio, sample_weight=None, class_weight=None):
    from sklearn.linear_model import LogisticRegression

    if lam <= 0:
        die("an elastic-net comparison needs lambda > 0")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        m = LogisticRegression(penalty="elasticnet", l1_ratio=l1_ratio, C=1.0 / lam,
                               solver="saga", fit_intercept=True, tol=1e-13,
                               max_iter=1000000, class_weight=class_weight).fit(
                                   X, y, sample_weight=sample_weight)
    for w in caught:
        print(f"warning (saga): {w.message}", file=sys.stderr)
    return "saga", np.concatenate([m.intercept_, m.coef_[0]])


def fit_lbfgsb(X, y, lam, a):
    from scipy.optimize import minimize

    p = X.shape[1]

    def fg(z):
        b0, u, v = z[0], z[1:p + 1], z[p + 1:]
        w = u - v
        eta = b0 + X @ w
        r = 0.5 * (1.0 + np.tanh(0.5 * eta)) - y
        f = np.sum(np.logaddexp(0.0, eta) - y * eta) + lam * (a * np.sum(u + v)
                                                              + 0.5 * (1 - a) * (w @ w))
        gw = X.T @ r + lam * (1 - a) * w
        return f, np.concatenate([[r.sum()], gw + lam * a, -gw + lam * a])

    res = minimize(fg, np.zeros(2 * p + 1), jac=True, method="L-BFGS-B",
                   bounds=[(None, None)] + [(0.0, None)] * (2 * p),
                   options=dict(maxiter=100000, maxfun=200000, ftol=1e-15, gtol=1e-11,
                                maxcor=30))
    z = res.x
    return "scipy L-BFGS-B (split form)", np.concatenate([[z[0]], z[1:p + 1] - z[p + 1:]])


def main():
    ap = argparse.ArgumentParser(description="Compare leadscore coefficients with scikit-learn.")
    ap.add_argument("--design", required=True, help="CSV from leadscore-train --export-design")
    ap.add_argument("--model", required=True, help="leadscore model JSON")
    ap.add_argument("--l2", type=float, help="lambda (default: the model's fit.l2)")
    ap.add_argument("--l1-ratio", type=float,
                    help="L1 share of the penalty (default: the model's fit.l1_ratio)")
    ap.add_argument("--solver", choices=("saga", "lbfgsb"), default="saga",
                    help="elastic-net reference: scikit-learn saga (default) or SciPy L-BFGS-B")
    ap.add_argument("--tol", type=float, default=1e-5, help="pass threshold (default 1e-5)")
    a = ap.parse_args()

    dnames, X, y, sw = read_design(a.design)
    mnames, coef, l2, class_weight, l1_ratio = read_model(a.model)
    l1_ratio = float(a.l1_ratio if a.l1_ratio is not None else l1_ratio)
    if not 0.0 <= l1_ratio <= 1.0:
        die(f"bad l1_ratio {l1_ratio}")
    lam = a.l2 if a.l2 is not None else l2
    if lam is None:
        die("no fit.l2 in the model; pass --l2")
    lam = float(lam)
    if lam < 0 or not np.isfinite(lam):
        die(f"bad lambda {lam}")
    if len(mnames) - 1 != len(dnames):
        die(f"model has {len(mnames) - 1} features besides the intercept, "
            f"design has {len(dnames)} columns")
    mismatch = [(i, d, m) for i, (d, m) in enumerate(zip(dnames, mnames[1:])) if d != m]
    if mismatch:
        i, d, m = mismatch[0]
        die(f"feature {i + 1}: design column {d!r} but model feature {m!r} "
            f"({len(mismatch)} mismatches)")
    if len(np.unique(y)) < 2:
        die("the target has one class only")

    if l1_ratio > 0 and (sw is not None or class_weight is not None):
        if a.solver == "lbfgsb":
            die("--solver lbfgsb takes no weights; use saga")
    if l1_ratio > 0 and a.solver == "lbfgsb":
        solver, ref = fit_lbfgsb(X, y.astype(np.float64), lam, l1_ratio)
    elif l1_ratio > 0:
        solver, ref = fit_saga(X, y, lam, l1_ratio, sw, class_weight)
    else:
        solver, ref = fit_sklearn(X, y, lam, sw, class_weight)
    def objective(b):
        # the unweighted objective (for weighted fits only the coefficients compare)
        eta = b[0] + X @ b[1:]
        loss = float(np.sum(np.logaddexp(0.0, eta) - y * eta))
        w = b[1:]
        return loss + lam * (l1_ratio * np.abs(w).sum() + 0.5 * (1 - l1_ratio) * (w @ w))

    diff = np.abs(coef - ref)
    k = int(np.argmax(diff))
    mad = float(diff[k])
    order = np.argsort(-diff)[:5]
    print(f"rows: {X.shape[0]} (positives {int(y.sum())})")
    print(f"features: {X.shape[1]} + intercept")
    print(f"lambda: {lam:g}  l1_ratio: {l1_ratio:g}  solver: {solver}  "
          f"sample_weight: {'yes' if sw is not None else 'no'}  class_weight: {class_weight}")
    if l1_ratio > 0:
        print(f"zero coefficients: leadscore {int((coef[1:] == 0).sum())}, "
              f"scikit-learn {int((ref[1:] == 0).sum())}")
    if sw is None and class_weight is None:
        print(f"objective: leadscore {objective(coef):.12g}, scikit-learn {objective(ref):.12g}")
    print("largest differences (leadscore vs scikit-learn):")
    for i in order:
        print(f"  {mnames[i]!s:40} {coef[i]: .10g} {ref[i]: .10g}  diff {diff[i]:.3g}")
    print(f"largest: {mnames[k]} ({'within' if mad <= a.tol else 'ABOVE'} tol {a.tol:g})")
    print(f"max_abs_diff={mad:.6g}")
    sys.exit(0 if mad <= a.tol else 1)


if __name__ == "__main__":
    main()
