#!/usr/bin/python3
"""The scikit-learn peer of the benchmark (scripts/bench.sh): the end-to-end
pipeline a data scientist would write, split into the same two steps as
leadscore-train and leadscore-score.

  bench_sklearn.py train IN.csv MODEL.pkl [--target converted] [--id id]
                   [--tol 1e-8] [--max-iter 1000]
  bench_sklearn.py score MODEL.pkl IN.csv OUT.csv

train: pandas.read_csv; a ColumnTransformer that one-hot encodes the text
columns (OneHotEncoder, dropping one reference level per column), imputes
the numeric columns with their median and standardises them (StandardScaler,
population sd), and adds a 0/1 missing-value indicator for every numeric
column that has missing values (MissingIndicator, not standardised); then
LogisticRegression(C=1, solver='lbfgs'); the fitted Pipeline is pickled.
score: pandas.read_csv, Pipeline.predict_proba, writes id, probability
(17 significant digits, so the benchmark can compare log-losses), score
(clamp(round(100 p), 1, 100)) and tier (hot >= 70, warm >= 40, else cold).

The encoding is leadscore's (see models/README.md), so that the L2-penalised
problem is the same one and the optimum the same (sklearn's C=1 is
leadscore's --l2 1; the intercept is unpenalised in both):
  * the dropped reference level is the column's MOST FREQUENT level, as in
    leadscore (a sorted-first reference would change the penalised problem);
  * levels seen fewer than 10 times are grouped (min_frequency=10), like
    leadscore's --min-level-count 10 "(other)" level;
  * median imputation + population-sd standardisation + unstandardised
    missing indicators, as leadscore does.
The ColumnTransformer output is sparse (density < 0.3), as a user gets by
default; lbfgs works on it directly.

Phase wall times go to stderr as one line: "sklearn-train: read=.. encode=..
fit=.. total=.. iterations=.." (or "sklearn-score: read=.. encode+predict=..
write=.. total=..").
"""

import argparse
import pickle
import sys
import time
import warnings

import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.exceptions import ConvergenceWarning
from sklearn.impute import MissingIndicator, SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

MIN_LEVEL_COUNT = 10


def split_columns(df, target, id_col):
    cats, nums = [], []
    for c in df.columns:
        if c in (target, id_col):
            continue
        s = df[c]
        if pd.api.types.is_numeric_dtype(s) and not pd.api.types.is_bool_dtype(s):
            nums.append(c)
        else:
            cats.append(c)
    return cats, nums


def make_preprocessor(df, cats, nums):
    """The encoding step; needs df only to pick each column's most frequent level."""
    drop = []
    for c in cats:
        vc = df[c].value_counts(dropna=False, sort=True)
        drop.append(vc.index[0])
    return ColumnTransformer(
        [
            ("cat", OneHotEncoder(drop=drop, min_frequency=MIN_LEVEL_COUNT,
                                  handle_unknown="error"), cats),
            ("num", Pipeline([("impute", SimpleImputer(strategy="median")),
                              ("scale", StandardScaler())]), nums),
            ("miss", MissingIndicator(features="missing-only"), nums),
        ],
        remainder="drop",
    )


def read(path):
    return pd.read_csv(path, low_memory=False)


def cmd_train(a):
    t0 = time.perf_counter()
    df = read(a.input)
    t1 = time.perf_counter()
    y = pd.to_numeric(df[a.target], errors="raise").to_numpy()
    cats, nums = split_columns(df, a.target, a.id)
    pre = make_preprocessor(df, cats, nums)
    X = pre.fit_transform(df)
    t2 = time.perf_counter()
    lr = LogisticRegression(C=1.0, penalty="l2", solver="lbfgs", max_iter=a.max_iter,
                            tol=a.tol, fit_intercept=True)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ConvergenceWarning)
        lr.fit(X, y)
    for w in caught:
        print(f"sklearn-train: warning: {w.message}", file=sys.stderr)
    t3 = time.perf_counter()
    pipe = Pipeline([("pre", pre), ("lr", lr)])
    with open(a.model, "wb") as f:
        pickle.dump({"pipeline": pipe, "id": a.id, "target": a.target}, f,
                    protocol=pickle.HIGHEST_PROTOCOL)
    t4 = time.perf_counter()
    print(f"sklearn-train: rows={X.shape[0]} features={X.shape[1]} "
          f"sparse={int(hasattr(X, 'tocsr'))} read={t1 - t0:.3f} encode={t2 - t1:.3f} "
          f"fit={t3 - t2:.3f} save={t4 - t3:.3f} total={t4 - t0:.3f} "
          f"iterations={int(lr.n_iter_[0])}", file=sys.stderr)


def cmd_score(a):
    t0 = time.perf_counter()
    with open(a.model, "rb") as f:
        m = pickle.load(f)
    pipe, id_col = m["pipeline"], m["id"]
    df = read(a.input)
    t1 = time.perf_counter()
    p = pipe.predict_proba(df)[:, 1]
    t2 = time.perf_counter()
    score = np.clip(np.rint(100.0 * p), 1, 100).astype(np.int64)
    tier = np.where(score >= 70, "hot", np.where(score >= 40, "warm", "cold"))
    out = pd.DataFrame({id_col: df[id_col], "probability": p, "score": score, "tier": tier})
    out.to_csv(a.output, index=False, float_format="%.17g")
    t3 = time.perf_counter()
    print(f"sklearn-score: rows={len(p)} read={t1 - t0:.3f} encode+predict={t2 - t1:.3f} "
          f"write={t3 - t2:.3f} total={t3 - t0:.3f}", file=sys.stderr)


def main():
    ap = argparse.ArgumentParser(description="scikit-learn peer for scripts/bench.sh")
    sub = ap.add_subparsers(dest="cmd", required=True)
    t = sub.add_parser("train", help="CSV -> pickled pipeline")
    t.add_argument("input")
    t.add_argument("model")
    t.add_argument("--target", default="converted")
    t.add_argument("--id", default="id")
    t.add_argument("--tol", type=float, default=1e-8)
    t.add_argument("--max-iter", type=int, default=1000)
    s = sub.add_parser("score", help="pickled pipeline + CSV -> scores CSV")
    s.add_argument("model")
    s.add_argument("input")
    s.add_argument("output")
    a = ap.parse_args()
    if a.cmd == "train":
        cmd_train(a)
    else:
        cmd_score(a)


if __name__ == "__main__":
    main()
