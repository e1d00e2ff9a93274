#!/usr/bin/python3
"""The statsmodels peer of the benchmark (scripts/bench.sh), end to end in
one process:

  bench_statsmodels.py IN.csv OUT.csv [--target converted] [--id id]

pandas.read_csv; the same encoding as the scikit-learn peer (and leadscore):
one-hot without the most frequent level, median impute + standardise, 0/1
missing indicators (the ColumnTransformer of bench_sklearn.py), made dense
with a constant column; statsmodels Logit(...).fit(method='newton'); the
in-sample probabilities written as id, probability (17 significant digits),
score, tier.

Logit is UNPENALISED (leadscore and the other peers use an L2 penalty with
lambda = C = 1), so its training log-loss is slightly lower than leadscore's;
the benchmark reports the difference rather than checking it.

Phase wall times go to stderr: "statsmodels: read=.. encode=.. fit=..
predict+write=.. total=.. iterations=..".
"""

import argparse
import os
import sys
import time

import numpy as np
import pandas as pd

sys.dont_write_bytecode = True  # no scripts/__pycache__ from the import below
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_sklearn import make_preprocessor, split_columns  # noqa: E402

import statsmodels.api as sm  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description="statsmodels peer for scripts/bench.sh")
    ap.add_argument("input")
    ap.add_argument("output")
    ap.add_argument("--target", default="converted")
    ap.add_argument("--id", default="id")
    ap.add_argument("--max-iter", type=int, default=100)
    a = ap.parse_args()

    t0 = time.perf_counter()
    df = pd.read_csv(a.input, low_memory=False)
    t1 = time.perf_counter()
    y = pd.to_numeric(df[a.target], errors="raise").to_numpy(dtype=np.float64)
    cats, nums = split_columns(df, a.target, a.id)
    X = make_preprocessor(df, cats, nums).fit_transform(df)
    if hasattr(X, "toarray"):
        X = X.toarray()
    X = np.hstack([np.ones((X.shape[0], 1)), np.asarray(X, dtype=np.float64)])
    t2 = time.perf_counter()
    res = sm.Logit(y, X).fit(method="newton", maxiter=a.max_iter, disp=0)
    t3 = time.perf_counter()
    p = res.predict(X)
    score = np.clip(np.rint(100.0 * p), 1, 100).astype(np.int64)
    tier = np.where(score >= 70, "hot", np.where(score >= 40, "warm", "cold"))
    pd.DataFrame({a.id: df[a.id], "probability": p, "score": score, "tier": tier}).to_csv(
        a.output, index=False, float_format="%.17g")
    t4 = time.perf_counter()
    conv = res.mle_retvals.get("converged")
    its = res.mle_retvals.get("iterations")
    print(f"statsmodels: rows={X.shape[0]} features={X.shape[1] - 1} read={t1 - t0:.3f} "
          f"encode={t2 - t1:.3f} fit={t3 - t2:.3f} predict+write={t4 - t3:.3f} "
          f"total={t4 - t0:.3f} iterations={its} converged={conv}", file=sys.stderr)


if __name__ == "__main__":
    main()
